"""Nationality gates: who may use a type, and who is barred from entry (dated lists)."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met, unknown


def citizenships(profile: dict) -> set[str]:
    return {c.strip().lower() for c in profile.get("citizenships") or []}

def not_travel_banned(profile: dict, catalogue: Catalogue) -> Finding:
    held = citizenships(profile)
    if not held:
        return unknown("Citizenship not recorded", "citizenships")
    banned = catalogue.nationals_of("travel_ban_full")
    usable = held - banned
    if usable:
        return met("Holds a passport not under a full entry suspension",
                   citizenships=sorted(held))
    return not_met(f"National only of {', '.join(sorted(held))}, under a full entry suspension "
                   "since 1 Jan 2026 (national-interest exceptions aside)",
                   citizenships=sorted(held))

def usmca_citizen(profile: dict, catalogue: Catalogue) -> Finding:
    held = citizenships(profile)
    if not held:
        return unknown("Citizenship not recorded", "citizenships")
    usmca = held & catalogue.nationals_of("usmca")
    if usmca:
        return met(f"Citizen of {', '.join(sorted(usmca))}", citizenships=sorted(held))
    return not_met("TN is only for citizens of Canada or Mexico", citizenships=sorted(held))

def h1b1_citizen(profile: dict, catalogue: Catalogue) -> Finding:
    return _national_of(profile, catalogue, "h1b1_fta", "H-1B1 is only for citizens of Chile or "
                        "Singapore")

def australian_citizen(profile: dict, catalogue: Catalogue) -> Finding:
    return _national_of(profile, catalogue, "e3_australia", "E-3 is only for Australian nationals")

def e2_treaty_national(profile: dict, catalogue: Catalogue) -> Finding:
    return _national_of(profile, catalogue, "e2_treaty", "No E-2 treaty with the client's "
                        "country of nationality")

def _national_of(profile: dict, catalogue: Catalogue, list_name: str, refusal: str) -> Finding:
    held = citizenships(profile)
    if not held:
        return unknown("Citizenship not recorded", "citizenships")
    qualifying = held & catalogue.nationals_of(list_name)
    if qualifying:
        return met(f"National of {', '.join(sorted(qualifying))}", citizenships=sorted(held))
    return not_met(refusal, citizenships=sorted(held))
