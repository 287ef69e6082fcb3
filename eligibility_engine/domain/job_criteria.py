"""Dhanasar prongs and job-related criteria: wage level, cap exemption, USMCA profession, role."""

from __future__ import annotations

from catalogue.loader import Catalogue, occupation_for
from eligibility_engine.domain.findings import Finding, met, not_met, unknown


def niw_merit_importance(profile: dict, catalogue: Catalogue) -> Finding:
    field = profile.get("field_of_study")
    work = profile.get("original_contributions") or []
    if not field:
        return unknown("The proposed endeavor's field is not recorded", "field_of_study")
    record = (profile.get("patents_count") or 0) + (profile.get("publications_count") or 0)
    if work or record > 0:
        return met(f"Endeavor in {field} with a record of work of broader significance", 0.6,
                   field_of_study=field)
    return unknown("Describe the specific proposed endeavor and its national importance",
                   "original_contributions", field_of_study=field)

def niw_well_positioned(profile: dict, catalogue: Catalogue) -> Finding:
    citations = profile.get("citations_count")
    publications = profile.get("publications_count")
    patents = profile.get("patents_count") or 0
    h_index = profile.get("h_index") or 0
    facts = {"citations_count": citations, "publications_count": publications,
             "patents_count": patents, "h_index": h_index}
    if (citations or 0) >= 50 or patents >= 1 or (publications or 0) >= 5 or h_index >= 5:
        strength = min(1.0, 0.4 + (citations or 0) / 1000 + 0.1 * patents)
        return met("Record of progress: publications, citations or patents", strength, **facts)
    if citations is None and publications is None:
        return unknown("No record of progress recorded (publications, citations, patents)",
                       "publications_count", "citations_count", **facts)
    return not_met("Little independent evidence of progress toward the endeavor", **facts)

def niw_on_balance(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    prong_two = niw_well_positioned(profile, catalogue)
    if prong_two.met and degree in ("doctorate", "professional"):
        return met("Advanced research record makes a labor certification impractical to require",
                   0.6, highest_degree=degree)
    if prong_two.met is False:
        return not_met("Without progress toward the endeavor the waiver is hard to justify")
    return unknown("Explain why waiving the job offer and labor certification benefits the U.S.",
                   "notes", highest_degree=degree)

def wage_level(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    wage = offer.get("annual_wage_usd")
    occupation = occupation_for(offer.get("title"), profile.get("field_of_study"))
    if wage is None or occupation is None:
        return unknown("Offered wage or occupation not recorded", "job_offer.annual_wage_usd")
    level = sum(1 for threshold in occupation.levels if wage >= threshold)
    facts = {"annual_wage_usd": wage, "soc": occupation.soc, "wage_level": level}
    if level == 0:
        return not_met(f"Offered wage ${wage:,.0f} is below Level I for {occupation.title}",
                       **facts)
    return met(f"Offered wage meets Level {'I' * level if level < 4 else 'IV'} for "
               f"{occupation.title}", level / 4, **facts)

def cap_exempt_employer(profile: dict, catalogue: Catalogue) -> Finding:
    employer_type = (profile.get("job_offer") or {}).get("employer_type")
    if employer_type is None:
        return unknown("Employer type not recorded", "job_offer.employer_type")
    if employer_type in ("university", "nonprofit_research", "government_research"):
        return met(f"Employer type {employer_type.replace('_', ' ')} is cap-exempt", 1.0)
    return not_met("For-profit employer: subject to the annual cap and registration lottery")

def listed_profession(profile: dict, catalogue: Catalogue) -> Finding:
    title = ((profile.get("job_offer") or {}).get("title") or "").lower()
    if not title:
        return unknown("Job title not recorded", "job_offer.title")
    professions = catalogue.visa_type("TN").get("professions", [])
    match = next((p for p in professions if p in title), None)
    if match:
        return met(f"Job title matches the USMCA profession '{match}'", 0.7, title=title)
    return unknown("Confirm the job is one of the USMCA professions", "job_offer.title",
                   title=title)

def us_managerial_role(profile: dict, catalogue: Catalogue) -> Finding:
    title = ((profile.get("job_offer") or {}).get("title") or "").lower()
    if not title:
        return unknown("U.S. job title not recorded", "job_offer.title")
    if any(word in title for word in ("manager", "director", "head", "chief", "vice president",
                                      "vp", "executive", "lead")):
        return met(f"U.S. role '{title}' is managerial or executive", 0.7)
    return unknown("Confirm the U.S. role is executive or managerial", "job_offer.title")
