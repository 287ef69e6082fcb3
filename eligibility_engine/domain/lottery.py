"""The H-1B cap lottery, reported beside the petition's approval chance, never multiplied in.

Weighted selection (8 CFR 214.2(h)(8)(iii) as amended, effective 27 Feb 2026) enters a
registration once per wage level the offered wage reaches at the worksite (Level I once, Level
IV four times); DHS estimated the resulting odds. Someone already counted against the cap in the
last six years (INA 214(g)(7)) changes employer without a lottery; an H-1B held with a
university or research employer was cap-exempt and counted nothing.
"""

from __future__ import annotations

import re

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding

LEVEL_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
CAP_EXEMPT_NAMES = re.compile(r"\b(university|college|institute of technology|school of medicine|"
                              r"national laborator\w*|national institutes? of health|nih)\b")


def already_counted(profile: dict) -> bool | None:
    """Whether the client was counted against the H-1B cap before (read from status too)."""
    if profile.get("counted_against_h1b_cap") is not None:
        return profile["counted_against_h1b_cap"]
    status = (profile.get("current_us_status") or "").upper().replace("-", "").replace(" ", "")
    if status != "H1B":
        return None
    # An H-1B with a university or research employer was never counted against the cap
    # (INA 214(g)(5)): moving to a cap-subject employer needs a registration.
    employer = (profile.get("current_employer") or "").lower()
    return None if CAP_EXEMPT_NAMES.search(employer) else True


def lottery_odds(visa_type: dict, gates: dict[str, Finding], criteria: dict[str, Finding],
                 profile: dict, catalogue: Catalogue) -> dict | None:
    """The chance of selection for a cap-subject petition, with its basis; None if no cap."""
    selection = visa_type.get("cap_selection")
    if not selection:
        return None
    if already_counted(profile):
        return {"applies": False, "odds": 1.0,
                "basis": "already counted against the H-1B cap in the last six years: a new "
                         "employer files without registration or lottery (INA 214(g)(7); "
                         "8 CFR 214.2(h)(8)(ii))", "source": None, "estimate": False}
    wage = gates.get("prevailing_wage") or criteria.get("wage_level")
    level = (wage.facts or {}).get("wage_level") if wage else None
    if level:
        return {"applies": True, "odds": selection["weighted_odds"][LEVEL_NAMES[level]],
                "wage_level": LEVEL_NAMES[level],
                "basis": f"weighted selection at wage level {LEVEL_NAMES[level]} for the worksite "
                         f"(DHS estimate; the petition is filed only if selected)",
                "source": selection["weighted_odds_source"], "estimate": True,
                "as_of": selection["as_of"]}
    history = catalogue.base_rates["h1b_selection"]
    latest = max(history, key=lambda h: h["cap_fiscal_year"])
    return {"applies": True, "odds": round(latest["selected"] / latest["eligible"], 3),
            "wage_level": None,
            "basis": f"FY{latest['cap_fiscal_year']} selected ÷ eligible registrations "
                     f"({latest['selected']:,} of {latest['eligible']:,}); wage level unknown",
            "source": latest["source"], "estimate": False}
