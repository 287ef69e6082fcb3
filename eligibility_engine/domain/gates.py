"""Hard gates: a failing gate makes a visa type unavailable, whatever the evidence."""

from __future__ import annotations

import re

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


def o1a_field(profile: dict, catalogue: Catalogue) -> Finding:
    category = field_category(profile)
    if category in ("arts", "motion_picture_tv"):
        return not_met("Work in the arts or film/TV is petitioned as O-1B", field_category=category)
    return met(f"Field: {category or 'sciences, education, business or athletics (assumed)'}",
               field_category=category)


def o1b_arts_field(profile: dict, catalogue: Catalogue) -> Finding:
    category = field_category(profile)
    if category in ("arts", "motion_picture_tv"):
        return met(f"Field: {category.replace('_', ' ')}", field_category=category)
    if category is None:
        return not_met("No sign the client works in the arts or film/TV (field_category not "
                       "recorded)", field_category=None)
    return not_met(f"Field is {category}, not the arts or film/TV", field_category=category)


ARTS_WORDS = re.compile(r"\b(arts?|artist\w*|music\w*|film\w*|danc\w*|theat\w*|actor|actress|"
                        r"acting|paint\w*|sculpt\w*|photograph\w*|cinema\w*|culinary|chef|"
                        r"opera|compos\w*|singer|choreograph\w*|screenwrit\w*)\b")


def field_category(profile: dict) -> str | None:
    """The recorded field category, or "arts" when the field or job title is artistic."""
    if profile.get("field_category"):
        return profile["field_category"]
    words = " ".join(filter(None, (profile.get("field_of_study"), profile.get("current_job_title"))))
    return "arts" if ARTS_WORDS.search(words.lower()) else None


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


def cap_subject_employer(profile: dict, catalogue: Catalogue) -> Finding:
    employer_type = (profile.get("job_offer") or {}).get("employer_type")
    if employer_type is None:
        return unknown("Employer type not recorded (cap-subject or cap-exempt)",
                       "job_offer.employer_type")
    if employer_type == "for_profit":
        return met("For-profit employer: subject to the annual cap and the weighted lottery")
    return not_met(f"The employer ({employer_type.replace('_', ' ')}) is cap-exempt: file "
                   "H-1B cap-exempt instead")


def e2_substantial_investment(profile: dict, catalogue: Catalogue) -> Finding:
    amount = profile.get("investment_usd")
    rule = catalogue.visa_type("E-2")["substantial_investment_heuristic"]
    if amount is None:
        return unknown("No investment recorded", "investment_usd")
    facts = {"investment_usd": amount, "heuristic": rule}
    if profile.get("investment_at_risk") is False:
        return not_met("The capital is not committed and at risk", **facts)
    if amount >= rule["likely_substantial_usd"]:
        return met(f"${amount:,.0f} invested: likely substantial for a small or mid-size "
                   "enterprise (proportionality still applies)", **facts)
    if amount < rule["doubtful_below_usd"]:
        return not_met(f"${amount:,.0f} is unlikely to be substantial or non-marginal", **facts)
    return unknown(f"${amount:,.0f}: substantial only if proportional to a low-cost enterprise",
                   "notes", **facts)


def e2_develop_and_direct(profile: dict, catalogue: Catalogue) -> Finding:
    share = profile.get("ownership_percent")
    if share is None:
        return unknown("Ownership share of the enterprise not recorded", "ownership_percent")
    if share >= 50:
        return met(f"Owns {share:g}% of the enterprise", ownership_percent=share)
    return not_met(f"Owns {share:g}%: at least 50% or operational control is required",
                   ownership_percent=share)


def eb5_minimum_investment(profile: dict, catalogue: Catalogue) -> Finding:
    amount = profile.get("investment_usd")
    minimums = catalogue.visa_type("EB-5")["investment_minimums"]
    if amount is None:
        return unknown("No investment recorded", "investment_usd")
    in_tea = profile.get("investment_in_tea")
    required = minimums["tea_usd"] if in_tea else minimums["standard_usd"]
    facts = {"investment_usd": amount, "required_usd": required, "investment_in_tea": in_tea}
    if amount >= required:
        return met(f"${amount:,.0f} meets the ${required:,} minimum", **facts)
    if in_tea is None and amount >= minimums["tea_usd"]:
        return unknown(f"${amount:,.0f} qualifies only in a targeted employment area",
                       "investment_in_tea", **facts)
    return not_met(f"${amount:,.0f} is below the ${required:,} minimum", **facts)


def eb5_job_creation(profile: dict, catalogue: Catalogue) -> Finding:
    jobs = profile.get("jobs_to_create")
    if jobs is None:
        return unknown("Planned job creation not recorded", "jobs_to_create")
    if jobs >= 10:
        return met(f"{jobs} full-time jobs planned", jobs_to_create=jobs)
    return not_met(f"{jobs} jobs planned; 10 per investor are required", jobs_to_create=jobs)


def lawful_source_of_funds(profile: dict, catalogue: Catalogue) -> Finding:
    documented = profile.get("lawful_source_documented")
    if documented is True and profile.get("investment_at_risk") is not False:
        return met("Lawful source of funds documented")
    if documented is False or profile.get("investment_at_risk") is False:
        return not_met("Lawful source of funds or capital at risk not shown")
    return unknown("Source of funds not yet documented", "lawful_source_documented")


GATES = {fn.__name__: fn for fn in (
    us_petitioner, us_job_offer, specialty_occupation, bachelors_or_equivalent, advanced_degree,
    not_travel_banned, usmca_citizen, qualifying_relationship, one_year_abroad,
    executive_or_manager_abroad, specialized_knowledge_abroad, h1b1_citizen, australian_citizen,
    e2_treaty_national, o1a_field, o1b_arts_field, permanent_job_offer, research_position_offer,
    three_years_research, us_entity_one_year, eb3_worker_qualification, cap_subject_employer,
    e2_substantial_investment, e2_develop_and_direct, eb5_minimum_investment, eb5_job_creation,
    lawful_source_of_funds,
)}
