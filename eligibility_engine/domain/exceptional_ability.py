"""EB-2 exceptional ability: at least three of the six kinds of evidence of 8 CFR
204.5(k)(3)(ii), then whether the whole shows "a degree of expertise significantly above that
ordinarily encountered" in the sciences, arts or business (8 CFR 204.5(k)(2); Policy Manual
Vol. 6 Part F Ch. 5)."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met, unknown
from eligibility_engine.domain.salary import salary_comparison

THRESHOLD = 3


def ea_academic_record(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    if degree is None:
        return unknown("Highest degree not recorded", "highest_degree",
                       question="Which degree, diploma or certificate does the client hold in "
                                "the field?")
    if degree in ("associate", "bachelors", "masters", "doctorate", "professional"):
        return met(f"Academic record: {degree} degree in {profile.get('field_of_study') or 'the field'}",
                   0.5, highest_degree=degree)
    return not_met("No degree, diploma or certificate from a college or university recorded",
                   highest_degree=degree)


def ea_ten_years(profile: dict, catalogue: Catalogue) -> Finding:
    years = profile.get("years_of_experience")
    if years is None:
        return unknown("Years of experience not recorded", "years_of_experience",
                       question="How many years of full-time experience in the occupation does "
                                "the client have (employer letters)?")
    if years >= 10:
        return met(f"{years:g} years of full-time experience (letters from employers)", 0.6,
                   years_of_experience=years)
    return not_met(f"{years:g} years of experience; at least 10 are required",
                   years_of_experience=years)


def ea_license(profile: dict, catalogue: Catalogue) -> Finding:
    licence = profile.get("professional_license")
    if licence is None:
        return unknown("Licence or certification not recorded", "professional_license",
                       question="Does the client hold a licence or certification for the "
                                "profession?")
    return met("Licensed or certified to practise", 0.5) if licence else not_met(
        "No licence or certification")


def ea_salary(profile: dict, catalogue: Catalogue) -> Finding:
    comparison = salary_comparison(profile)
    if comparison is None:
        return unknown("Salary or occupation not recorded", "annual_salary_usd",
                       question="What is the client's salary, and in which occupation?")
    if comparison["ratio_to_level_4"] >= 1.0:
        return met(f"Salary ${comparison['salary']:,.0f} at or above the Level IV wage for "
                   f"{comparison['occupation']} ({comparison['where']})", 0.6, **comparison)
    return not_met(f"Salary ${comparison['salary']:,.0f} below the Level IV wage for "
                   f"{comparison['occupation']}", **comparison)


def ea_memberships(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("memberships")
    if items is None:
        return unknown("Memberships not recorded", "memberships",
                       question="Is the client a member of professional associations?")
    if items:
        return met(f"Member of {len(items)} professional association(s) (no outstanding-"
                   "achievement test applies here)", 0.4,
                   organizations=[m["organization"] for m in items])
    return not_met("No professional memberships")


def ea_recognition(profile: dict, catalogue: Catalogue) -> Finding:
    awards = [a["name"] for a in profile.get("awards") or []
              if a.get("kind") not in ("student", "vendor_or_listing")]
    media = [m["outlet"] for m in profile.get("media_coverage") or [] if m.get("about_client")]
    experts = profile.get("expert_recognition_count") or 0
    if awards or media or experts:
        return met("Recognition for achievements by peers, government or professional bodies",
                   min(1.0, 0.35 + 0.1 * (len(awards) + len(media) + experts)),
                   awards=awards, media=media, expert_recognition_count=experts)
    if profile.get("awards") is None and profile.get("media_coverage") is None:
        return unknown("No recognition recorded", "awards",
                       question="Has the client been recognised for achievements by peers, "
                                "government or professional organizations?")
    return not_met("No recognition for achievements recorded")


EA_CRITERIA = (ea_academic_record, ea_ten_years, ea_license, ea_salary, ea_memberships,
               ea_recognition)


def exceptional_ability_shown(profile: dict, catalogue: Catalogue) -> Finding:
    """At least three of the six kinds of evidence (the gate form, for EB-2 and the NIW)."""
    findings = {fn.__name__: fn(profile, catalogue) for fn in EA_CRITERIA}
    met_ids = [k for k, f in findings.items() if f.met]
    open_ids = [k for k, f in findings.items() if f.met is None]
    facts = {"criteria_met": met_ids, "criteria_unknown": open_ids}
    if len(met_ids) >= THRESHOLD:
        return met(f"{len(met_ids)} of the six kinds of evidence (8 CFR 204.5(k)(3)(ii))",
                   min(1.0, 0.3 + 0.1 * len(met_ids)), **facts)
    if len(met_ids) + len(open_ids) >= THRESHOLD:
        return unknown(f"{len(met_ids)} of the six kinds of evidence so far; three are needed",
                       *[m for k in open_ids for m in findings[k].missing],
                       question=findings[open_ids[0]].question, **facts)
    return not_met(f"{len(met_ids)} of the six kinds of evidence; three are needed", **facts)
