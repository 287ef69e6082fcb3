"""Hard gates: a failing gate makes a visa type unavailable, whatever the evidence."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.employment_gates import (
    cap_subject_employer,
    executive_or_manager_abroad,
    one_year_abroad,
    permanent_job_offer,
    qualifying_relationship,
    research_position_offer,
    specialized_knowledge_abroad,
    three_years_research,
    us_entity_one_year,
)
from eligibility_engine.domain.field_gates import field_category, o1a_field, o1b_arts_field
from eligibility_engine.domain.findings import Finding, met, not_met, unknown
from eligibility_engine.domain.investment_gates import (
    e2_develop_and_direct,
    e2_substantial_investment,
    eb5_job_creation,
    eb5_minimum_investment,
    lawful_source_of_funds,
)
from eligibility_engine.domain.nationality_gates import (
    australian_citizen,
    citizenships,
    e2_treaty_national,
    h1b1_citizen,
    not_travel_banned,
    usmca_citizen,
)

__all__ = ["GATES", "DEGREE_RANK", "citizenships", "field_category", "permanent_job_offer"]

DEGREE_RANK = {"none": 0, "high_school": 1, "associate": 2, "bachelors": 3, "masters": 4,
               "doctorate": 5, "professional": 5}

def us_petitioner(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    if offer.get("employer"):
        return met(f"U.S. petitioner: {offer['employer']}", employer=offer["employer"])
    return unknown("No U.S. employer or agent recorded to file the petition", "job_offer.employer")

def us_job_offer(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    if offer.get("employer") or offer.get("title"):
        return met("Job offer recorded", employer=offer.get("employer"), title=offer.get("title"))
    return unknown("No job offer recorded", "job_offer")

def specialty_occupation(profile: dict, catalogue: Catalogue) -> Finding:
    value = (profile.get("job_offer") or {}).get("specialty_occupation")
    if value is True:
        return met("The offered job is recorded as a specialty occupation")
    if value is False:
        return not_met("The offered job does not require a specialty degree")
    return unknown("Unknown whether the job requires a degree in a specific specialty",
                   "job_offer.specialty_occupation")

def bachelors_or_equivalent(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    if degree is None:
        return unknown("Highest degree not recorded", "highest_degree")
    if DEGREE_RANK[degree] >= DEGREE_RANK["bachelors"]:
        return met(f"Holds a {degree} degree", highest_degree=degree)
    years = profile.get("years_of_experience") or 0
    if years >= 12:
        return unknown("No bachelor's degree; 12+ years of experience may establish equivalence "
                       "(three years of experience for each year of college)",
                       "credential_evaluation", highest_degree=degree, years_of_experience=years)
    return not_met(f"Highest degree is {degree}; a bachelor's or equivalent is required",
                   highest_degree=degree)

def advanced_degree(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    if degree is None:
        return unknown("Highest degree not recorded", "highest_degree")
    if DEGREE_RANK[degree] >= DEGREE_RANK["masters"]:
        return met(f"Holds an advanced degree ({degree})", highest_degree=degree)
    years = profile.get("years_of_experience")
    if degree == "bachelors":
        if years is None:
            return unknown("Bachelor's degree: 5 years of progressive experience would qualify",
                           "years_of_experience", highest_degree=degree)
        if years >= 5:
            return met("Bachelor's plus 5 years of progressive experience", highest_degree=degree,
                       years_of_experience=years)
        return not_met(f"Bachelor's with {years:g} years of experience; 5 are needed",
                       highest_degree=degree, years_of_experience=years)
    return not_met(f"Highest degree is {degree}; EB-2 needs an advanced degree or equivalent",
                   highest_degree=degree)

def eb3_worker_qualification(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    years = profile.get("years_of_experience")
    if degree is not None and DEGREE_RANK[degree] >= DEGREE_RANK["bachelors"]:
        return met(f"Professional: holds a {degree} degree", highest_degree=degree)
    if years is not None and years >= 2:
        return met(f"Skilled worker: {years:g} years of experience", years_of_experience=years)
    if degree is None and years is None:
        return unknown("Degree and experience not recorded", "highest_degree",
                       "years_of_experience")
    return not_met("Neither a bachelor's degree nor 2 years of experience (only the capped "
                   "'other workers' subcategory would remain)", highest_degree=degree,
                   years_of_experience=years)


GATES = {fn.__name__: fn for fn in (
    us_petitioner, us_job_offer, specialty_occupation, bachelors_or_equivalent, advanced_degree,
    not_travel_banned, usmca_citizen, qualifying_relationship, one_year_abroad,
    executive_or_manager_abroad, specialized_knowledge_abroad, h1b1_citizen, australian_citizen,
    e2_treaty_national, o1a_field, o1b_arts_field, permanent_job_offer, research_position_offer,
    three_years_research, us_entity_one_year, eb3_worker_qualification, cap_subject_employer,
    e2_substantial_investment, e2_develop_and_direct, eb5_minimum_investment, eb5_job_creation,
    lawful_source_of_funds,
)}
