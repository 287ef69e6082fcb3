"""The offered wage against the prevailing wage for the worksite's area and the occupation.

INA 212(n)(1)(A) and 20 CFR 655.731 (H-1B, H-1B1, E-3 through the LCA) and 20 CFR
656.10(c)(1) and 656.40 (PERM) require at least the prevailing wage for the occupation in the
area of employment; the lowest lawful figure is the area's Level I. The worksite may be known
to the county (exact), the state or not at all: then the wage is compared with the range over
the counties the job could be in, so the gate fails only when the wage is below Level I
everywhere and passes outright only when it clears Level I everywhere.
"""

from __future__ import annotations

from catalogue.loader import Catalogue, Occupation, occupation_by_soc, occupation_for
from catalogue.wages import SOURCE, PrevailingWage, prevailing_wage
from eligibility_engine.domain.employment_gates import employer_type
from eligibility_engine.domain.findings import Finding, met, not_met, unknown

LEVELS = ("I", "II", "III", "IV")
WORKSITE_QUESTION = ("Where will the client work (city, county and state of the worksite)? The "
                     "prevailing wage is set for the worksite's area")


def offered_occupation(profile: dict) -> Occupation | None:
    offer = profile.get("job_offer") or {}
    if offer.get("soc_code"):
        return occupation_by_soc(offer["soc_code"][:7])
    return occupation_for(offer.get("title"), profile.get("current_job_title"),
                          profile.get("field_of_study"))


def offered_wage_and_level(profile: dict) -> tuple[PrevailingWage | None, int | None]:
    """The prevailing wage at the offered worksite and the level the offered wage reaches."""
    offer = profile.get("job_offer") or {}
    occupation = offered_occupation(profile)
    wage = offer.get("annual_wage_usd")
    if occupation is None or wage is None:
        return None, None
    pw = prevailing_wage(occupation.soc, offer.get("worksite_state"),
                         offer.get("worksite_county"), offer.get("worksite_city"))
    if pw is None:
        return None, None
    return pw, level_reached(wage, pw.typical)


def level_reached(wage: float, levels: tuple[int, ...]) -> int:
    return sum(1 for threshold in levels if wage >= threshold)


def prevailing_wage_gate(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer")
    if not offer:
        return unknown("No job offer recorded, so no wage to compare", "job_offer",
                       presumable=True)
    wage = offer.get("annual_wage_usd")
    occupation = offered_occupation(profile)
    if wage is None:
        return unknown("Offered wage not recorded; it must be at least the prevailing wage for the "
                       "occupation in the worksite's area", "job_offer.annual_wage_usd",
                       question="What annual wage does the employer offer?", presumable=True)
    if occupation is None:
        return unknown(f"Occupation not recognised from the job title; ${wage:,.0f} cannot be "
                       "compared with a prevailing wage", "job_offer.soc_code",
                       question="What is the job's SOC code (or a fuller job title)?",
                       presumable=True, annual_wage_usd=wage)
    pw = prevailing_wage(occupation.soc, offer.get("worksite_state"),
                         offer.get("worksite_county"), offer.get("worksite_city"))
    if pw is None:
        return unknown(f"No OFLC wage data for SOC {occupation.soc}", "job_offer.soc_code",
                       question="What is the job's SOC code?", presumable=True)
    finding = _compare(wage, pw, offer)
    rule = catalogue.reference["wage_rules"]["acwia"]
    if finding.met is not True and employer_type(profile) in rule["employer_types"]:
        return _acwia(wage, pw, finding, rule)
    return finding


def _acwia(wage: float, pw: PrevailingWage, finding: Finding, rule: dict) -> Finding:
    """A higher-education or research employer's offer is compared with the ACWIA wage."""
    share = wage / pw.low[0]
    return unknown(f"{finding.explanation}. The employer is a higher-education or research "
                   "employer, whose prevailing wage comes from such employers only (ACWIA, "
                   f"{rule['citation']}) and is usually lower: check the ACWIA table",
                   "job_offer.annual_wage_usd", question="Does the offered wage meet the ACWIA "
                   "prevailing wage (OFLC higher-education data) for the SOC and worksite?",
                   presumable=share >= rule["presume_from_share_of_level_1"], acwia=True,
                   share_of_all_industry_level_1=round(share, 2), **finding.facts)


def _compare(wage: float, pw: PrevailingWage, offer: dict) -> Finding:
    facts = {"annual_wage_usd": wage, "soc": pw.soc, "occupation": pw.title, "scope": pw.scope,
             "worksite": {"state": pw.state, "county": pw.county, "area": pw.area},
             "level_1_usd": pw.typical[0] if pw.exact else {"lowest": pw.low[0],
                                                            "typical": pw.typical[0],
                                                            "highest": pw.high[0]},
             "wage_levels_usd": list(pw.typical), "wage_data": SOURCE,
             "wage_level": level_reached(wage, pw.typical)}
    if pw.note:
        facts["note"] = pw.note
    where = _where(pw)
    if wage < pw.low[0]:
        return not_met(f"Offered wage ${wage:,.0f} is below the Level I prevailing wage for "
                       f"{pw.title} {where} (${pw.low[0]:,}"
                       f"{'' if pw.exact else ' at the lowest'}): the LCA or labor certification "
                       "cannot be certified", **facts)
    level = level_reached(wage, pw.typical)
    if pw.exact or wage >= pw.high[0]:
        if not pw.exact:
            facts["wage_level"] = level_reached(wage, pw.high) or 1
        name = LEVELS[max(facts["wage_level"], 1) - 1]
        return met(f"Offered wage ${wage:,.0f} meets the prevailing wage for {pw.title} {where} "
                   f"(Level {name})", facts["wage_level"] / 4, **facts)
    return unknown(f"Offered wage ${wage:,.0f} clears Level I for {pw.title} in some counties "
                   f"{where} but not all (${pw.low[0]:,} to ${pw.high[0]:,}); the worksite's "
                   "county decides", "job_offer.worksite_county", question=WORKSITE_QUESTION,
                   presumable=wage >= pw.typical[0], **facts)


def _where(pw: PrevailingWage) -> str:
    if pw.exact:
        return f"in {pw.county.title()} County, {pw.state}"
    if pw.scope == "state":
        return f"in {pw.state}"
    return "anywhere in the U.S." if not pw.state else f"({pw.note})"
