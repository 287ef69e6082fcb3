"""Timeline in months: processing ranges, premium processing and the visa-bulletin wait."""

from __future__ import annotations

import math
from datetime import date

from catalogue.loader import Catalogue

BUSINESS_DAYS_PER_MONTH = 21


def estimated_timeline(visa_type: dict, profile: dict, catalogue: Catalogue) -> dict:
    """Low/high months from filing to approval (and a visa number, for immigrant types)."""
    regular = visa_type["processing"]["regular_months"]
    premium = visa_type["processing"].get("premium") or {}
    whole_case_premium = premium.get("available") and not premium.get("applies_to")
    low = (math.ceil(premium["business_days"] / BUSINESS_DAYS_PER_MONTH) if whole_case_premium
           else regular["low"])
    wait = bulletin_wait_months(visa_type, profile, catalogue)
    return {"low": low + wait["low"], "high": regular["high"] + wait["high"],
            "premium_processing_business_days": premium.get("business_days"),
            "visa_bulletin_wait_months": wait,
            "processing_source": {"as_of": regular.get("as_of"), "source": regular.get("source"),
                                  "estimate": regular.get("estimate", False),
                                  "note": regular.get("note")},
            "assumes": "premium processing for the low end where it covers the whole case; "
                       "regular processing for the high end; the visa-bulletin wait from the "
                       f"{catalogue.visa_bulletin['bulletin']} by country of birth (the cut-off's "
                       "age is a rough proxy for the queue); no RFE, audit or consular delay"}


def bulletin_wait_months(visa_type: dict, profile: dict, catalogue: Catalogue) -> dict:
    category = visa_type.get("visa_bulletin_category")
    if profile.get("investment_in_tea") and visa_type.get("visa_bulletin_category_tea"):
        category = visa_type["visa_bulletin_category_tea"]
    if not category:
        return {"low": 0, "high": 0}
    chart = catalogue.visa_bulletin["final_action"][category]
    country = profile.get("country_of_birth") or ""
    presumed = not country and len(profile.get("citizenships") or []) == 1
    if presumed:
        # Chargeability follows the country of birth (INA 202(b)); a sole citizenship is the
        # likeliest one until it is recorded.
        country = profile["citizenships"][0]
    cutoff = chart.get(country, chart["default"])
    wait = {"category": category, "country_of_chargeability": country or None,
            "final_action_date": cutoff}
    if presumed:
        wait["note"] = (f"country of birth not recorded; presumed {country} from the client's "
                        "citizenship (chargeability follows the country of birth)")
    elif not country:
        wait["note"] = "country of birth not recorded; the all-chargeability row is assumed"
    spouse = profile.get("spouse_country_of_birth")
    if country and spouse and spouse != country and \
            _earlier_or_current(chart.get(spouse, chart["default"]), cutoff):
        # INA 202(b)(2): a spouse may be charged to the other spouse's country of birth when
        # both immigrate together (the spouse as principal or derivative).
        cutoff = chart.get(spouse, chart["default"])
        wait.update({"country_of_chargeability": spouse, "final_action_date": cutoff,
                     "cross_chargeability": {"born_in": country, "spouse_born_in": spouse,
                                             "citation": "INA 202(b)(2)"},
                     "note": "charged to the spouse's country of birth (INA 202(b)(2)): the "
                             "spouses must immigrate together"})
    if cutoff == "C":
        return {**wait, "low": 0, "high": 0}
    if cutoff == "U":
        unavailable = catalogue.visa_bulletin["wait_estimate"]["unavailable_months"]
        return {**wait, "low": unavailable["low"], "high": unavailable["high"]}
    age = _months_between(date.fromisoformat(str(cutoff)),
                          date.fromisoformat(catalogue.visa_bulletin["as_of"]))
    return {**wait, "low": age, "high": age * 2}


def _earlier_or_current(candidate, current) -> bool:
    """Whether a Final Action Date `candidate` moves the client ahead of `current`."""
    rank = {"C": (0, ""), "U": (2, "")}
    a = rank.get(str(candidate), (1, str(candidate)))
    b = rank.get(str(current), (1, str(current)))
    return a[0] < b[0] or (a[0] == b[0] == 1 and a[1] > b[1])


def _months_between(earlier: date, later: date) -> int:
    return max(0, (later.year - earlier.year) * 12 + later.month - earlier.month)
