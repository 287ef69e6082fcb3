"""The profile as the rules read it: countries as ISO codes, whatever was stored.

Profiles stored before countries became codes hold English names ("germany", "United
Kingdom"); they are read through the same normaliser as new input, so old events still
evaluate. A string that names no country is left out (and reported in the facts).
"""

from __future__ import annotations

import re

from contracts.countries import country_code_or_none


def prepared(profile: dict) -> dict:
    """A copy of the profile with its countries as alpha-2 codes."""
    view = dict(profile)
    raw = list(profile.get("citizenships") or [])
    codes = [country_code_or_none(c) for c in raw]
    view["citizenships"] = sorted({c for c in codes if c})
    view["_unreadable_countries"] = [r for r, c in zip(raw, codes) if not c]
    for field in ("country_of_birth", "spouse_country_of_birth", "degree_country"):
        if profile.get(field):
            view[field] = country_code_or_none(profile[field])
    return view


def in_united_states(profile: dict) -> bool | None:
    status = (profile.get("current_us_status") or "").strip().lower()
    if status and status not in ("none", "abroad", "outside"):
        return True
    location = (profile.get("current_location") or "").strip().lower()
    if not location:
        # "none" is the form's answer for a client with no U.S. status: abroad.
        return False if status else None
    tokens = set(re.split(r"[,;\s]+", location))
    return "united states" in location or bool(tokens & {"usa", "us", "u.s.", "u.s.a."})
