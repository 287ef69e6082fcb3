"""Hard gates: a failing gate makes a visa type unavailable, whatever the evidence."""

from __future__ import annotations

from catalogue.loader import Catalogue
from eligibility_engine.domain.employment_gates import (
    cap_exempt_employer,
    cap_subject_employer,
    eb1c_permanent_offer,
    executive_or_manager_abroad,
    one_year_abroad,
    permanent_job_offer,
    qualifying_relationship,
    research_position_offer,
    specialized_knowledge_abroad,
    three_years_research,
    us_entity_one_year,
    us_managerial_role,
)
from eligibility_engine.domain.degree_equivalency import (
    degree_country,
    effective_degree,
    short_degree_not_equivalent,
)
from eligibility_engine.domain.degree_field import unrelated_degree
from eligibility_engine.domain.exceptional_ability import exceptional_ability_shown
from eligibility_engine.domain.field_gates import field_category, o1a_field, o1b_arts_field
from eligibility_engine.domain.findings import Finding, met, not_met, unknown
from eligibility_engine.domain.investment_gates import (
    e2_develop_and_direct,
    e2_not_marginal,
    e2_substantial_investment,
    eb5_job_creation,
    eb5_minimum_investment,
    lawful_source_of_funds,
)
from eligibility_engine.domain.job_requirements import job_requires_advanced_degree
from eligibility_engine.domain.nationality_gates import (
    australian_citizen,
    citizenships,
    e2_treaty_national,
    h1b1_citizen,
    names,
    immigrant_entry_not_suspended,
    not_travel_banned,
    usmca_citizen,
)
from eligibility_engine.domain.tn_gates import listed_profession, tn_credentials
from eligibility_engine.domain.wage_gates import offered_occupation, prevailing_wage_gate

__all__ = ["GATES", "DEGREE_RANK", "citizenships", "field_category", "permanent_job_offer"]

DEGREE_RANK = {"none": 0, "high_school": 1, "associate": 2, "bachelors": 3, "masters": 4,
               "doctorate": 5, "professional": 5}
DEGREE_QUESTION = "What is the client's highest degree (and in what field)?"
SHAH = "Matter of Shah, 17 I&N Dec. 244 (Reg. Comm. 1977)"
EQUIVALENCE_QUESTION = ("Which country awarded the three-year degree, and does a credential "
                        "evaluation (EDGE) find it a single-source equivalent of a U.S. "
                        "four-year bachelor's?")


def us_petitioner(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    if offer.get("employer"):
        return met(f"U.S. petitioner: {offer['employer']}", employer=offer["employer"])
    return unknown("No U.S. petitioner recorded yet: a U.S. employer, a U.S. agent (for several "
                   "employers or as the employer's representative) or the client's own U.S. "
                   "company can file (8 CFR 214.2(o)(2)(i), (o)(2)(iv)(E))", "job_offer.employer",
                   question="Who will petition: a U.S. employer, a U.S. agent, or the client's "
                            "own U.S. company?", presumable=True, cost=0.35)


def us_job_offer(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    if offer.get("employer") or offer.get("title"):
        return met("Job offer recorded", employer=offer.get("employer"), title=offer.get("title"))
    if not offer:
        return not_met("No U.S. job offer recorded: an employer must offer the job and file")
    return unknown("The job offer names neither employer nor title", "job_offer.employer",
                   question="Which U.S. employer offers the job, and what is the job title?")


def specialty_occupation(profile: dict, catalogue: Catalogue) -> Finding:
    value = (profile.get("job_offer") or {}).get("specialty_occupation")
    occupation = offered_occupation(profile)
    facts = {"soc": occupation.soc, "occupation": occupation.title} if occupation else {}
    if occupation and occupation.unskilled:
        return not_met(f"{occupation.title} needs under two years of training: not a specialty "
                       "occupation, whatever the employer records", **facts)
    if value is True:
        return met("The offered job is recorded as a specialty occupation", **facts)
    if value is False:
        return not_met("The offered job does not require a degree in a specific specialty", **facts)
    if occupation and occupation.specialty:
        return unknown(f"{occupation.title} normally requires a bachelor's in a specific "
                       "specialty; confirm the employer requires it", "job_offer.specialty_occupation",
                       question="Does the job require at least a bachelor's in a specific, "
                                "directly related field?", presumable=True, **facts)
    return unknown("Unknown whether the job requires a degree in a specific specialty",
                   "job_offer.specialty_occupation",
                   question="Does the job require at least a bachelor's in a specific, directly "
                            "related field?", **facts)


def bachelors_or_equivalent(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    if degree is None:
        return unknown("Highest degree not recorded", "highest_degree", question=DEGREE_QUESTION)
    if effective_degree(profile, catalogue) == "three_year_bachelors":
        return _three_years_of_college(profile)
    if DEGREE_RANK[degree] >= DEGREE_RANK["bachelors"]:
        return unrelated_degree(profile, catalogue) or met(f"Holds a {degree} degree",
                                                           highest_degree=degree)
    years = profile.get("years_of_experience") or 0
    needed = 6 if degree == "associate" else 12
    if years >= needed:
        return unknown(f"No bachelor's degree; {years:g} years of specialized experience may be "
                       "equivalent (three years of experience for each year of college, 8 CFR "
                       "214.2(h)(4)(iii)(D)(5)): needs a credential evaluation",
                       "credential_evaluation", presumable=True,
                       question="Can an evaluator confirm the experience equals a U.S. bachelor's "
                                "in the specialty (progressively responsible, in the field)?",
                       highest_degree=degree, years_of_experience=years)
    return not_met(f"Highest degree is {degree.replace('_', ' ')}; a bachelor's or equivalent is "
                   "required", highest_degree=degree, years_of_experience=years)


def _three_years_of_college(profile: dict) -> Finding:
    """H-1B/E-3: a non-equivalent three-year degree plus three years of specialized experience
    for the missing year (8 CFR 214.2(h)(4)(iii)(D)(5))."""
    years = profile.get("years_of_experience")
    facts = {"highest_degree": profile.get("highest_degree"), "years_of_experience": years,
             "degree_country": profile.get("degree_country"), "three_year_degree": True}
    if years is not None and years >= 3:
        return unknown(f"A three-year bachelor's is three years of U.S. college ({SHAH}); with "
                       f"{years:g} years of specialized experience an evaluation can show the "
                       "equivalent of a U.S. bachelor's (three years of experience for the "
                       "missing year, 8 CFR 214.2(h)(4)(iii)(D)(5))", "credential_evaluation",
                       presumable=True, question="Can an evaluator confirm three years of "
                       "progressively responsible experience in the specialty to make up the "
                       "fourth year?", **facts)
    if years is None:
        return unknown(f"A three-year bachelor's is three years of U.S. college ({SHAH}); three "
                       "years of specialized experience would make up the fourth year",
                       "years_of_experience", question="How many years of specialized "
                       "experience does the client have?", **facts)
    return not_met(f"A three-year bachelor's is three years of U.S. college ({SHAH}) and "
                   f"{years:g} years of experience do not make up the fourth year (three are "
                   "needed)", **facts)


def advanced_degree(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    if degree is None:
        return unknown("Highest degree not recorded", "highest_degree", question=DEGREE_QUESTION)
    effective = effective_degree(profile, catalogue)
    years = profile.get("years_of_experience")
    if effective == "three_year_bachelors":
        return not_met(f"A three-year bachelor's from {names([degree_country(profile)])} is not a "
                       f"single-source equivalent of a U.S. bachelor's ({SHAH}): the bachelor's "
                       "plus five years route is closed", highest_degree=degree,
                       three_year_degree=True, years_of_experience=years)
    if degree == "masters" and effective == "bachelors":
        if years is not None and years >= 5:
            return met(f"The master's on a three-year bachelor's equals a U.S. bachelor's "
                       f"({SHAH}; EDGE); with {years:g} years of progressive experience after "
                       "it, the bachelor's plus five route applies", 0.8, highest_degree=degree,
                       three_year_degree=True, years_of_experience=years)
        built_on = (f"A master's built on a three-year bachelor's from "
                    f"{names([degree_country(profile)])} equals a U.S. bachelor's, not a master's "
                    f"({SHAH}; EDGE)")
        facts = {"highest_degree": degree, "three_year_degree": True,
                 "years_of_experience": years}
        if years is None:
            return unknown(f"{built_on}: five years of progressive post-degree experience are "
                           "needed", "years_of_experience", question="How many years of "
                           "progressive experience in the specialty does the client have since "
                           "the master's?", **facts)
        return not_met(f"{built_on}, and {years:g} years of experience are under the five "
                       "required", **facts)
    if DEGREE_RANK[degree] >= DEGREE_RANK["masters"]:
        return met(f"Holds an advanced degree ({degree})", highest_degree=degree)
    if degree == "bachelors" and short_degree_not_equivalent(profile, catalogue) is None \
            and (years is None or years >= 5):
        return unknown("A three-year bachelor's supports the bachelor's plus five route only if "
                       f"it is a single-source equivalent of a U.S. bachelor's ({SHAH})",
                       "degree_country", question=EQUIVALENCE_QUESTION, highest_degree=degree,
                       three_year_degree=True, years_of_experience=years)
    if degree == "bachelors":
        if years is None:
            return unknown("Bachelor's degree: 5 years of progressive post-degree experience "
                           "would qualify", "years_of_experience", highest_degree=degree,
                           question="How many years of progressive experience in the specialty "
                                    "does the client have since the bachelor's?")
        since = _years_since_degree(profile)
        if years >= 5 and since is not None and since < 5:
            return not_met(f"{years:g} years of experience, but the bachelor's was earned in "
                           f"{profile['graduation_year']}: only {since} years can follow it, and "
                           "the five progressive years must come after the degree (8 CFR "
                           "204.5(k)(2))", highest_degree=degree, years_of_experience=years,
                           graduation_year=profile["graduation_year"])
        if years >= 5:
            return met("Bachelor's plus 5 years of progressive experience", highest_degree=degree,
                       years_of_experience=years)
        return not_met(f"Bachelor's with {years:g} years of experience; 5 progressive "
                       "post-degree years are needed", highest_degree=degree,
                       years_of_experience=years)
    return not_met(f"Highest degree is {degree.replace('_', ' ')}: no advanced degree or "
                   "equivalent", highest_degree=degree)


def _years_since_degree(profile: dict) -> int | None:
    today, year = profile.get("_today"), profile.get("graduation_year")
    return max(0, today.year - year) if today and year else None


def eb2_threshold(profile: dict, catalogue: Catalogue) -> Finding:
    """EB-2: an advanced degree (or equivalent) or exceptional ability (8 CFR 204.5(k)(2))."""
    degree = advanced_degree(profile, catalogue)
    if degree.met:
        return degree
    ability = exceptional_ability_shown(profile, catalogue)
    if ability.met:
        return met(f"No advanced degree, but exceptional ability: {ability.explanation}",
                   ability.strength, **ability.facts)
    if degree.met is None or ability.met is None:
        return unknown(f"{degree.explanation}; exceptional ability: {ability.explanation}",
                       *degree.missing, *ability.missing,
                       question=degree.question or ability.question, **degree.facts)
    return not_met(f"{degree.explanation}; nor exceptional ability ({ability.explanation})",
                   **degree.facts)


def eb3_worker_qualification(profile: dict, catalogue: Catalogue) -> Finding:
    occupation = offered_occupation(profile)
    if occupation and occupation.unskilled:
        return not_met(f"{occupation.title} normally needs under two years of training or "
                       "experience: the labor certification's requirements set the "
                       "subcategory, so only EB-3 other workers fits, whatever the client's own "
                       "degree (8 CFR 204.5(l)(3)(ii)(B)-(D), (l)(4))", soc=occupation.soc)
    return _eb3_worker(profile, catalogue)


def _eb3_worker(profile: dict, catalogue: Catalogue) -> Finding:
    degree = profile.get("highest_degree")
    years = profile.get("years_of_experience")
    if degree is not None and DEGREE_RANK[degree] >= DEGREE_RANK["bachelors"]:
        if effective_degree(profile, catalogue) == "three_year_bachelors":
            facts = {"highest_degree": degree, "three_year_degree": True}
            occupation = offered_occupation(profile)
            if occupation and occupation.specialty:
                # Matter of X- Corp. (AAO Nov. 23, 2016): a labor certification asking for a
                # U.S. bachelor's or a single foreign equivalent excludes a three-year degree.
                return unknown(f"A three-year bachelor's is not a foreign equivalent degree "
                               f"({SHAH}): {occupation.title} qualifies as a skilled worker only "
                               "if the labor certification states that it accepts a three-year "
                               "degree (or a combination of degrees, or education and "
                               "experience)", "labor_certification_requirements",
                               question="Will the labor certification state that it accepts a "
                                        "three-year degree or an equivalent combination?",
                               presumable=True, **facts)
            return met(f"Skilled worker: a three-year bachelor's is not a professional's "
                       f"foreign equivalent degree ({SHAH}), but its post-secondary study counts "
                       "as training toward the two years a skilled worker needs", 0.7, **facts)
        return met(f"Professional: holds a {degree} degree", highest_degree=degree)
    if years is not None and years >= 2:
        return met(f"Skilled worker: {years:g} years of experience", years_of_experience=years)
    if degree is None and years is None:
        return unknown("Degree and experience not recorded", "highest_degree",
                       "years_of_experience", question=DEGREE_QUESTION)
    return not_met("Neither a bachelor's degree nor 2 years of experience: only the 'other "
                   "workers' subcategory remains", highest_degree=degree,
                   years_of_experience=years)


def other_worker_position(profile: dict, catalogue: Catalogue) -> Finding:
    """EB-3 other workers: a permanent job needing under two years of training or experience."""
    occupation = offered_occupation(profile)
    if occupation and occupation.unskilled:
        return met(f"{occupation.title} is a job needing under two years of training or "
                   "experience: the other-workers subcategory", soc=occupation.soc)
    skilled = _eb3_worker(profile, catalogue)
    if occupation and occupation.specialty:
        return not_met(f"{occupation.title} requires a degree: the professional or skilled "
                       "subcategory (EB-3) applies, not other workers", soc=occupation.soc)
    if skilled.met:
        return not_met("The client qualifies as a professional or skilled worker: EB-3 "
                       "(professional or skilled) is the route, with a shorter queue",
                       **skilled.facts)
    if skilled.met is False:
        return met("The client qualifies only for the other-workers subcategory (a job needing "
                   "under two years of training or experience)", **skilled.facts)
    return unknown("Unknown whether the job needs less than two years of training or experience",
                   "job_offer.title", question="How much training or experience does the "
                                               "offered job require?")


GATES = {fn.__name__: fn for fn in (
    us_petitioner, us_job_offer, specialty_occupation, bachelors_or_equivalent, advanced_degree,
    eb2_threshold, not_travel_banned, immigrant_entry_not_suspended, usmca_citizen, qualifying_relationship, one_year_abroad,
    executive_or_manager_abroad, specialized_knowledge_abroad, h1b1_citizen, australian_citizen,
    e2_treaty_national, o1a_field, o1b_arts_field, permanent_job_offer, research_position_offer,
    three_years_research, us_entity_one_year, eb3_worker_qualification, other_worker_position,
    cap_subject_employer, cap_exempt_employer, e2_substantial_investment, e2_develop_and_direct,
    e2_not_marginal,
    eb5_minimum_investment, eb5_job_creation, lawful_source_of_funds, us_managerial_role,
    listed_profession, tn_credentials, exceptional_ability_shown, eb1c_permanent_offer,
    job_requires_advanced_degree,
)}
GATES["prevailing_wage"] = prevailing_wage_gate
