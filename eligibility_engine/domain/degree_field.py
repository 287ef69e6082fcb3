"""Is the degree in a field directly related to the offered job? (catalogue/data/degree_fields.yaml)

A specialty occupation needs a degree in a directly related specific specialty; an unrelated
degree counts only through experience, three years per missing year of related study
(8 CFR 214.2(h)(4)(iii)(C), (D)(5)). Judged only when both the job's occupation and the field of
study are recognised: otherwise the attorney's reading stands.
"""

from __future__ import annotations

import re

from catalogue.loader import Catalogue, occupation_by_soc, occupation_for
from eligibility_engine.domain.findings import Finding, met, not_met, unknown

DEGREE_RANK = {"none": 0, "high_school": 1, "associate": 2, "bachelors": 3, "masters": 4,
               "doctorate": 5, "professional": 5}
CITATION = "8 CFR 214.2(h)(4)(iii)(C), (D)(5)"


def field_families(field_of_study: str | None, catalogue: Catalogue) -> set[str]:
    text = (field_of_study or "").lower()
    return {family for family, stems in _table(catalogue)["families"].items()
            if any(re.search(r"(?<![a-z0-9])" + re.escape(stem), text) for stem in stems)}


def related_families(profile: dict, catalogue: Catalogue) -> tuple[object, set[str]] | None:
    """The offered job's occupation and the families directly related to it, if listed."""
    offer = profile.get("job_offer") or {}
    occupation = (occupation_by_soc(offer["soc_code"][:7]) if offer.get("soc_code")
                  else occupation_for(offer.get("title")))
    if occupation is None or (not offer.get("soc_code")
                              and occupation.keyword in _table(catalogue)["loose_title_keywords"]):
        return None
    for row in _table(catalogue)["occupations"]:
        if occupation.soc.startswith(row["soc"]):
            return occupation, set(row["related"])
    return None


def unrelated_degree(profile: dict, catalogue: Catalogue) -> Finding | None:
    """A not-met or unknown finding when the degree is in an unrelated field, else None."""
    judged = _judge(profile, catalogue)
    return judged if judged is not None and judged.met is not True else None


def _judge(profile: dict, catalogue: Catalogue) -> Finding | None:
    degree = profile.get("highest_degree")
    if DEGREE_RANK.get(degree or "", 0) < DEGREE_RANK["bachelors"]:
        return None
    placed = related_families(profile, catalogue)
    families = field_families(profile.get("field_of_study"), catalogue)
    if placed is None or not families:
        return None
    occupation, related = placed
    field = profile["field_of_study"]
    job = ((profile.get("job_offer") or {}).get("title") or occupation.title).lower()
    facts = {"field_of_study": field, "soc": occupation.soc, "occupation": occupation.title,
             "related_fields": sorted(related), "source": _table(catalogue)["source"]}
    if families & related:
        return met(f"A degree in {field} is directly related to {occupation.title}", 0.6,
                   **facts)
    table = _table(catalogue)
    needed = table["experience_years_per_year_of_study"] * table["unrelated_degree_years"]
    years = profile.get("years_of_experience")
    why = (f"A degree in {field} is not in a field directly related to {occupation.title} "
           f"({', '.join(sorted(related))}): the job needs a degree in the specific specialty "
           f"or its equivalent, three years of specialty experience per missing year of related "
           f"study ({CITATION})")
    if years is not None and years >= needed:
        return unknown(f"{why}; {years:g} years of experience could be equivalent if an "
                       "evaluator confirms they were in the specialty", "credential_evaluation",
                       question=f"Were the client's {years:g} years of experience in "
                                f"{job} work, progressively responsible, so an evaluator can "
                                "find them equal to a related degree?",
                       presumable=True, **facts, years_of_experience=years)
    if years is not None and years >= needed / 2:
        return unknown(f"{why}; {years:g} years of experience make up part of it, with related "
                       "coursework an evaluator might find equivalence", "credential_evaluation",
                       question=f"Did the client's {field} degree include coursework for the "
                                f"{job} job's field, and were the {years:g} years of "
                                "experience in that work?",
                       **facts, years_of_experience=years)
    return not_met(f"{why}; {years or 0:g} years of experience are short of the {needed} that "
                   "would stand in for the related degree", **facts, years_of_experience=years)


def _table(catalogue: Catalogue) -> dict:
    return catalogue.reference["degree_fields"]
