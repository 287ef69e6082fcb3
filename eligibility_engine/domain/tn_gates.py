"""TN: the job must be a profession on the USMCA list, within the list's own limits, and the
client must hold that profession's credentials (8 CFR 214.6(c); USMCA Appendix 2 to Annex 16-A).

The list is data (catalogue/data/tn_professions.yaml): each profession with the words that place
a title in it, its limits (e.g. teachers only at a college, seminary or university; physicians
only to teach or do research) and its credential routes (a degree, a licence, a diploma plus
three years, or for management consultants five years' experience).
"""

from __future__ import annotations

import re

from catalogue.loader import Catalogue
from eligibility_engine.domain.acclaim_criteria import has
from eligibility_engine.domain.degree_field import unrelated_degree
from eligibility_engine.domain.employment_gates import employer_type
from eligibility_engine.domain.findings import Finding, met, not_met, unknown

DEGREE_RANK = {"none": 0, "high_school": 1, "associate": 2, "bachelors": 3, "masters": 4,
               "doctorate": 5, "professional": 5}
PROFESSION_QUESTION = ("Which USMCA profession is the job (the offer letter must name it and "
                       "describe professional-level duties)?")


def tn_profession(profile: dict, catalogue: Catalogue) -> dict | None:
    """The listed profession the offered job's title names, if any."""
    title = _title(profile)
    if not title:
        return None
    for profession in catalogue.reference["tn_professions"]["professions"]:
        if any(_has(title, word) for word in profession["titles"]):
            return profession
    return None


def listed_profession(profile: dict, catalogue: Catalogue) -> Finding:
    title = _title(profile)
    if not title:
        if not profile.get("job_offer"):
            return not_met("No job offer: TN needs a pre-arranged job in a listed profession")
        return unknown("Job title not recorded", "job_offer.title", question=PROFESSION_QUESTION)
    profession = tn_profession(profile, catalogue)
    if profession is None:
        return unknown(f"'{title}' does not name a USMCA profession", "job_offer.title",
                       question=PROFESSION_QUESTION, title=title)
    facts = {"title": title, "profession": profession["name"]}
    context = " ".join(filter(None, (title, (profile.get("job_offer") or {}).get("employer"))))
    only_if = profession.get("only_if")
    within = bool(only_if) and _within(only_if, context, profile)
    excluded = profession.get("not_if", {}).get("words", [])
    if not within and any(_has(context, word) for word in excluded):
        return not_met(f"'{title}' is outside the list's limits for {profession['name']}: "
                       f"{profession.get('limit', 'not a listed profession')}", **facts)
    if only_if and not within:
        return unknown(f"{profession['name']}: {profession['limit']}", "job_offer.title",
                       question=f"Is the job within the list's limit ({profession['limit']})?",
                       **facts)
    return met(f"'{title}' is the USMCA profession {profession['name']}", 0.7, **facts)


def tn_credentials(profile: dict, catalogue: Catalogue) -> Finding:
    profession = tn_profession(profile, catalogue)
    degree = profile.get("highest_degree")
    if profession is None:
        return _baccalaureate(degree)
    routes = profession["routes"]
    rank = DEGREE_RANK.get(degree or "", -1)
    years = profile.get("years_of_experience")
    licence = profile.get("professional_license")
    facts = {"profession": profession["name"], "routes": routes, "highest_degree": degree,
             "years_of_experience": years, "professional_license": licence}
    unrelated = unrelated_degree(profile, catalogue) if licence is not True else None
    if "degree" in routes and rank >= DEGREE_RANK["bachelors"] and unrelated is None:
        return met(f"Holds a {degree} degree, as {profession['name']} requires", **facts)
    if "specific" in routes and degree in profession.get("specific_degrees", []):
        return met(f"Holds the {degree} degree the profession requires", **facts)
    if "licence" in routes and licence:
        return met("Holds the state or provincial licence the profession accepts", **facts)
    if "diploma_3y" in routes and rank >= DEGREE_RANK["associate"] and (years or 0) >= 3:
        return met("Post-secondary diploma plus three years' experience", **facts)
    if "experience_5y" in routes and (years or 0) >= 5:
        return met(f"{years:g} years' experience: the list accepts five years' experience as a "
                   "management consultant (or in the consulting field) instead of a degree",
                   0.5, **facts)
    if "theory" in routes and rank >= DEGREE_RANK["associate"]:
        return met(f"Post-secondary study ({degree}) shows the theoretical knowledge the list "
                   "asks of a scientific technician (no degree is named)", 0.6, **facts)
    if "experience_3y" in routes and (years or 0) >= 3:
        return met(f"{years:g} years' experience in the field", 0.5, **facts)
    if unrelated is not None and "licence" in routes and licence is None:
        return unknown(f"{unrelated.explanation}; a state or provincial licence would also do",
                       "professional_license", question="Does the client hold a state or "
                       f"provincial licence as {profession['name'].lower()}?", **facts)
    if degree is None or ("licence" in routes and licence is None) or (
            years is None and ({"experience_5y", "diploma_3y", "experience_3y"} & set(routes))):
        return unknown(f"Credentials for {profession['name']} not established "
                       f"(accepted: {', '.join(routes)})", "highest_degree",
                       "professional_license", question="Which degree, licence or years of "
                       "experience does the client hold for the profession?", **facts)
    if unrelated is not None and rank >= DEGREE_RANK["bachelors"]:
        return unrelated
    return not_met(f"No credential the list accepts for {profession['name']} "
                   f"({', '.join(routes)})", **facts)


def _baccalaureate(degree: str | None) -> Finding:
    if degree is None:
        return unknown("Highest degree not recorded", "highest_degree",
                       question="What is the client's highest degree?")
    if DEGREE_RANK[degree] >= DEGREE_RANK["bachelors"]:
        return met(f"Holds a {degree} degree", highest_degree=degree)
    return not_met(f"Highest degree is {degree.replace('_', ' ')}; most listed professions need "
                   "a baccalaureate", highest_degree=degree)


def _within(only_if: dict, context: str, profile: dict) -> bool:
    if any(_has(context, word) for word in only_if.get("words", [])):
        return True
    return employer_type(profile) in only_if.get("employer_types", [])


def _title(profile: dict) -> str:
    return ((profile.get("job_offer") or {}).get("title") or "").lower()


def _has(text: str, word: str) -> bool:
    return has(text, (word,), whole=False) is not None
