"""Hard gates: a failing gate makes a visa type unavailable, whatever the evidence."""

from __future__ import annotations

from eligibility_engine.domain.catalogue import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met, unknown

DEGREE_RANK = {"none": 0, "high_school": 1, "associate": 2, "bachelors": 3, "masters": 4,
               "doctorate": 5, "professional": 5}


def citizenships(profile: dict) -> set[str]:
    return {c.strip().lower() for c in profile.get("citizenships") or []}


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


def qualifying_relationship(profile: dict, catalogue: Catalogue) -> Finding:
    value = (profile.get("foreign_employment") or {}).get("affiliated_with_us_employer")
    if value is True:
        return met("Foreign employer is related to the U.S. employer")
    if value is False:
        return not_met("Foreign employer is not a parent, branch, subsidiary or affiliate")
    return unknown("Relationship between foreign and U.S. employer not recorded",
                   "foreign_employment.affiliated_with_us_employer")


def one_year_abroad(profile: dict, catalogue: Catalogue) -> Finding:
    months = (profile.get("foreign_employment") or {}).get("months_in_last_3_years")
    if months is None:
        return unknown("Months of employment abroad not recorded",
                       "foreign_employment.months_in_last_3_years")
    if months >= 12:
        return met(f"{months} months abroad in the last 3 years", months=months)
    return not_met(f"{months} months abroad in the last 3 years; 12 continuous are required",
                   months=months)


def executive_or_manager_abroad(profile: dict, catalogue: Catalogue) -> Finding:
    role = (profile.get("foreign_employment") or {}).get("role")
    if role in ("executive", "manager"):
        return met(f"Employed abroad as {role}", role=role)
    if role is None:
        return unknown("Role abroad not recorded", "foreign_employment.role")
    return not_met(f"Role abroad is {role.replace('_', ' ')}, not executive or managerial",
                   role=role)


GATES = {fn.__name__: fn for fn in (
    us_petitioner, us_job_offer, specialty_occupation, bachelors_or_equivalent, advanced_degree,
    not_travel_banned, usmca_citizen, qualifying_relationship, one_year_abroad,
    executive_or_manager_abroad,
)}
