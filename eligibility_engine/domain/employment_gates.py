"""Employment gates: related employers, time abroad, roles, and permanent or research offers."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met, unknown


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

def specialized_knowledge_abroad(profile: dict, catalogue: Catalogue) -> Finding:
    role = (profile.get("foreign_employment") or {}).get("role")
    if role == "specialized_knowledge":
        return met("Employed abroad in a specialized-knowledge position", role=role)
    if role in ("executive", "manager"):
        return unknown(f"Employed abroad as {role}: L-1A fits; L-1B needs proof of specialized "
                       "knowledge", "foreign_employment.role", role=role)
    if role is None:
        return unknown("Role abroad not recorded", "foreign_employment.role")
    return not_met("Role abroad did not involve specialized knowledge", role=role)

def permanent_job_offer(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    if offer.get("permanent") is True and (offer.get("employer") or offer.get("title")):
        return met("Permanent U.S. job offer", employer=offer.get("employer"))
    if offer.get("permanent") is False:
        return not_met("The offered job is temporary; a permanent offer is required")
    if not offer:
        return not_met("No U.S. job offer: this category needs an employer sponsor")
    return unknown("Unknown whether the job offer is permanent", "job_offer.permanent")

RESEARCH_TITLES = ("research", "scientist", "professor", "lecturer", "faculty", "investigator")

def research_position_offer(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    title = (offer.get("title") or "").lower()
    if not offer:
        return not_met("No U.S. job offer; EB-1B requires an employer's offer (no self-petition)")
    if offer.get("tenure_track") is True:
        return met("Tenured or tenure-track teaching offer", title=title)
    if offer.get("permanent") is True and any(t in title for t in RESEARCH_TITLES):
        return met("Permanent research position", title=title)
    if offer.get("permanent") is False and not offer.get("tenure_track"):
        return not_met("The offer is neither tenure-track nor a permanent research position",
                       title=title)
    return unknown("Confirm the offer is tenure-track or a permanent research position",
                   "job_offer.permanent", "job_offer.tenure_track", title=title)

def three_years_research(profile: dict, catalogue: Catalogue) -> Finding:
    years = profile.get("research_experience_years")
    if years is None:
        return unknown("Years of teaching or research experience not recorded",
                       "research_experience_years")
    if years >= 3:
        return met(f"{years:g} years of teaching or research", research_experience_years=years)
    return not_met(f"{years:g} years of teaching or research; at least 3 are required",
                   research_experience_years=years)

def us_entity_one_year(profile: dict, catalogue: Catalogue) -> Finding:
    years = (profile.get("job_offer") or {}).get("us_entity_years_doing_business")
    if years is None:
        return unknown("How long the U.S. employer has done business is not recorded",
                       "job_offer.us_entity_years_doing_business")
    if years >= 1:
        return met(f"U.S. employer doing business for {years:g} year(s)", years=years)
    return not_met(f"U.S. employer doing business for {years:g} year(s); one is required",
                   years=years)

def cap_subject_employer(profile: dict, catalogue: Catalogue) -> Finding:
    employer_type = (profile.get("job_offer") or {}).get("employer_type")
    if employer_type is None:
        return unknown("Employer type not recorded (cap-subject or cap-exempt)",
                       "job_offer.employer_type")
    if employer_type == "for_profit":
        return met("For-profit employer: subject to the annual cap and the weighted lottery")
    return not_met(f"The employer ({employer_type.replace('_', ' ')}) is cap-exempt: file "
                   "H-1B cap-exempt instead")
