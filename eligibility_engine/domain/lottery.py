"""H-1B cap lottery odds: weighted selection by wage level, or the latest selection rate."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding

LEVEL_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


def lottery_odds(visa_type: dict, criteria: dict[str, Finding],
                 catalogue: Catalogue) -> dict | None:
    """The chance of selection for a cap-subject petition, with its source; None if no lottery."""
    selection = visa_type.get("cap_selection")
    if not selection:
        return None
    wage = criteria.get("wage_level")
    level = (wage.facts or {}).get("wage_level") if wage else None
    if level:
        return {"odds": selection["weighted_odds"][LEVEL_NAMES[level]],
                "basis": f"weighted selection at wage level {LEVEL_NAMES[level]} (DHS estimate)",
                "source": selection["weighted_odds_source"], "estimate": True}
    history = catalogue.base_rates["h1b_selection"]
    latest = max(history, key=lambda h: h["cap_fiscal_year"])
    return {"odds": round(latest["selected"] / latest["eligible"], 3),
            "basis": f"FY{latest['cap_fiscal_year']} selected ÷ eligible registrations "
                     f"({latest['selected']:,} of {latest['eligible']:,}); wage level unknown",
            "source": latest["source"], "estimate": False}
