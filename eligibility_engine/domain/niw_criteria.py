"""The three Dhanasar prongs (Matter of Dhanasar, 26 I&N Dec. 884 (AAO 2016)), from the proposed
endeavor and the record, researchers and entrepreneurs alike; no prong turns on a degree (the
degree is EB-2's threshold, judged as a gate). Policy Manual Vol. 6 Part F Ch. 5 (Jan 2022 and
Jan 2025 updates): STEM work in critical and emerging technologies weighs for prongs 2 and 3;
plans and letters must be corroborated by independent evidence.
"""

from __future__ import annotations

import re

from catalogue.loader import Catalogue
from eligibility_engine.domain.acclaim_criteria import (
    ADOPTION_WORDS,
    award_exclusion,
    field_norms,
    one_time_award,
    published_material,
)
from eligibility_engine.domain.findings import Finding, met, not_met, unknown

PRIORITY_FIELDS = re.compile(
    r"\b(artificial intelligence|machine learning|\bai\b|computer|software|data|cyber\w*|biolog\w*|"
    r"life scien\w*|chemi\w*|physic\w*|scien\w*|"
    r"quantum|semiconductor\w*|chip|microelectronic\w*|biotech\w*|biomedic\w*|medic\w*|health|"
    r"clinical|pharma\w*|vaccine\w*|genom\w*|genetic\w*|neuro\w*|cancer|oncolog\w*|"
    r"immunolog\w*|energy|battery|batteries|solar|nuclear|climate|environment\w*|water|"
    r"agricultur\w*|food security|space|aerospace|robot\w*|autonom\w*|advanced manufactur\w*|"
    r"materials?|nano\w*|telecom\w*|5g|network\w*|defen[cs]e|security|public health|"
    r"epidemiolog\w*|infrastructure|transport\w*|engineering|physics|chemistry|mathemat\w*|"
    r"statistic\w*|economics|education|stem)\b")
LOCAL_ENDEAVORS = re.compile(r"\b(restaurant|cafe|coffee shop|bakery|food truck|salon|barber|"
                             r"retail store|convenience store|franchise|real estate agent|"
                             r"realtor|car wash|cleaning service|daycare|nail|boutique)\b")
STEM_DEGREES = ("masters", "doctorate")
RAISED = re.compile(r"(?:raised|raising|secured|closed|funding of|funded with|grants? of|"
                    r"investment of|series [a-e] of)\s+(?:over |more than |about |approximately )?"
                    r"(?:us)?\$\s?(\d+(?:[.,]\d+)?)\s*(k|thousand|m|mm|million|b|bn|billion)?\b",
                    re.I)
FOUNDER = re.compile(r"\b(co-?founder|founder|founded|founding ceo)\b", re.I)
SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
         "billion": 1e9}


def venture_texts(profile: dict) -> list[str]:
    roles = [f"{r.get('role', '')} at {r.get('organization', '')}"
             for r in profile.get("critical_roles") or []]
    return [t for t in (*(profile.get("original_contributions") or []), *roles,
                        profile.get("current_job_title"), profile.get("proposed_endeavor"),
                        profile.get("notes")) if t]


def funding_raised(profile: dict) -> float:
    """Funding raised or granted for the endeavor: the field, or amounts stated in the record."""
    if profile.get("endeavor_funding_usd"):
        return float(profile["endeavor_funding_usd"])
    amounts = []
    for text in venture_texts(profile):
        for number, unit in RAISED.findall(text):
            amounts.append(float(number.replace(",", "")) * SCALE.get((unit or "").lower(), 1))
    return max(amounts, default=0.0)


def is_founder(profile: dict) -> bool:
    if profile.get("founder") is not None:
        return bool(profile["founder"])
    return any(FOUNDER.search(t) for t in venture_texts(profile) if t != profile.get("notes"))


def endeavor_text(profile: dict) -> str:
    return " ".join(filter(None, (profile.get("proposed_endeavor"), profile.get("field_of_study"),
                                  profile.get("current_job_title"),
                                  *(profile.get("original_contributions") or [])))).lower()


PHYSICIAN = re.compile(r"\b(physician|doctor of medicine|medical doctor|general practitioner|"
                       r"internist|pediatrician|psychiatrist|family medicine|internal medicine|"
                       r"primary care|hospitalist)\b")
SHORTAGE_AREA = re.compile(r"\b(hpsa|health professional shortage area|medically underserved|"
                           r"underserved (area|population|community)|\bmua\b|\bmup\b|"
                           r"shortage area|veterans affairs|va (medical center|hospital|facility))")
PHYSICIAN_NIW = ("INA 203(b)(2)(B)(ii); 8 CFR 204.12: a physician who will practise full time "
                 "for five years in a designated shortage area (HPSA, MUA/MUP) or a VA facility "
                 "qualifies for the waiver by statute, without the Dhanasar analysis")


def physician_waiver(profile: dict) -> bool:
    """The statutory physician national interest waiver applies to the recorded endeavor."""
    text = " ".join(filter(None, (profile.get("current_job_title"), profile.get("field_of_study"),
                                  (profile.get("job_offer") or {}).get("title"),
                                  profile.get("proposed_endeavor"), profile.get("notes")))).lower()
    doctor = profile.get("highest_degree") in ("professional", "doctorate") and (
        PHYSICIAN.search(text) or "medicine" in (profile.get("field_of_study") or "").lower())
    return bool(doctor and SHORTAGE_AREA.search(text))


def _statutory(prong: str) -> Finding:
    return met(f"{prong}: {PHYSICIAN_NIW}", 0.9, physician_waiver=True)


def niw_merit_importance(profile: dict, catalogue: Catalogue) -> Finding:
    """Prong 1: substantial merit and national importance of the specific endeavor."""
    if physician_waiver(profile):
        return _statutory("Substantial merit and national importance")
    described = profile.get("proposed_endeavor")
    text = endeavor_text(profile)
    if not text.strip():
        return unknown("No proposed endeavor or field recorded", "proposed_endeavor",
                       question="What specific endeavor will the client pursue in the U.S., and "
                                "why does it matter beyond one employer or locality?")
    broad = _broad_impact(profile, catalogue)
    priority = PRIORITY_FIELDS.search(text)
    facts = {"endeavor": described or "inferred from the field and work: " + text[:120],
             "priority_field": priority.group(0) if priority else None, "broader_impact": broad}
    if LOCAL_ENDEAVORS.search(text) and not broad:
        return not_met("The endeavor's benefits look local (a single business serving its area); "
                       "national importance needs broader implications (Dhanasar at 889-90)",
                       **facts)
    if priority or broad:
        strength = 0.45 + (0.15 if priority else 0) + (0.15 if broad else 0) + (
            0.1 if described else 0)
        return met("The endeavor has substantial merit and national importance"
                   + (f" ({priority.group(0)}" + ", a national priority area)" if priority else "")
                   + (f"; broader impact: {', '.join(broad)}" if broad else ""),
                   strength, **facts)
    return unknown("The endeavor's national importance is not shown by the record",
                   "proposed_endeavor", question="What is the proposed endeavor and its "
                   "national importance (broader effects on the field, economy or public)?",
                   **facts)


def niw_well_positioned(profile: dict, catalogue: Catalogue) -> Finding:
    """Prong 2: education, skills, record of success, plan, progress and others' interest."""
    if physician_waiver(profile):
        return _statutory("Well positioned")
    core, points, reasons = _positioning(profile, catalogue)
    facts = {"record": round(core, 2), "points": round(points, 2), "reasons": reasons}
    if core >= 0.5 and points >= 1.0:
        return met("Well positioned to advance the endeavor: " + "; ".join(reasons),
                   min(1.0, 0.3 + points / 5), **facts)
    if not reasons and profile.get("publications_count") is None and \
            not funding_raised(profile):
        return unknown("No record of progress recorded (publications, citations, funding, "
                       "ventures)", "publications_count", "endeavor_funding_usd",
                       question="What record of success and progress toward the endeavor does "
                                "the client have (publications and citations, patents in use, "
                                "funding raised, customers, government interest)?", **facts)
    return not_met("Little independent evidence of progress toward the endeavor"
                   + (": " + "; ".join(reasons) if reasons else ""), **facts)


def niw_on_balance(profile: dict, catalogue: Catalogue) -> Finding:
    """Prong 3: on balance, waiving the job offer and labor certification benefits the U.S."""
    if physician_waiver(profile):
        return _statutory("On balance the waiver benefits the U.S.")
    prong_one = niw_merit_importance(profile, catalogue)
    prong_two = niw_well_positioned(profile, catalogue)
    if prong_two.met is False:
        return not_met("Without a record that positions the client to advance the endeavor, the "
                       "waiver is hard to justify")
    factors = []
    if is_founder(profile) or funding_raised(profile) > 0:
        factors.append("self-employed or founder: labor certification is impractical")
    if profile.get("highest_degree") in STEM_DEGREES and PRIORITY_FIELDS.search(
            endeavor_text(profile)):
        factors.append("advanced STEM degree in a priority field (a strong positive factor)")
    if prong_two.met and prong_two.strength >= 0.6:
        factors.append("a record whose contributions matter beyond one employer")
    if prong_one.met and prong_one.facts.get("broader_impact"):
        factors.append("benefits beyond one employer already shown: "
                       + ", ".join(prong_one.facts["broader_impact"]))
    if factors:
        return met("On balance the national interest favours the waiver: " + "; ".join(factors),
                   min(1.0, 0.4 + 0.15 * len(factors)), factors=factors)
    return unknown("Explain why waiving the job offer and labor certification benefits the U.S.",
                   "proposed_endeavor", question="Why would requiring a job offer and labor "
                   "certification harm the national interest here (urgency, self-employment, "
                   "benefit beyond one employer)?")


def adoption_claims(profile: dict) -> list[str]:
    return [c for c in profile.get("original_contributions") or [] if ADOPTION_WORDS.search(c.lower())]


def _broad_impact(profile: dict, catalogue: Catalogue) -> list[str]:
    impact = []
    evidence = set(profile.get("contribution_evidence") or [])
    if evidence & {"adopted_by_industry", "licensed_or_commercialised"} or \
            adoption_claims(profile):
        impact.append("work adopted or licensed")
    if funding_raised(profile) >= 250_000:
        impact.append(f"${funding_raised(profile):,.0f} raised")
    if "funded_by_others" in evidence:
        impact.append("funded by others")
    if (profile.get("jobs_to_create") or 0) >= 10:
        impact.append(f"{profile['jobs_to_create']} jobs")
    if published_material(profile, catalogue).met:
        impact.append("media attention")
    if (profile.get("citations_count") or 0) >= 200:
        impact.append(f"{profile['citations_count']} citations")
    return impact


def _positioning(profile: dict, catalogue: Catalogue) -> tuple[float, float, list[str]]:
    """(record of progress, all points, reasons): the record (work, citations, funding,
    adoption) must carry the prong; credentials and recognition only support it."""
    points, core, reasons = 0.0, 0.0, []

    def add(value: float, why: str, record: bool = True) -> None:
        nonlocal points, core
        points += value
        core += value if record else 0.0
        reasons.append(why)

    norms = field_norms(profile, catalogue)
    citations = profile.get("citations_count") or 0
    publications = profile.get("publications_count") or 0
    if citations >= norms["notable"]:
        add(1.5, f"{citations} citations, above the {norms['field']} norm")
    elif citations >= norms["notable"] / 5:
        add(0.7, f"{citations} citations")
    if publications >= 10:
        add(0.7, f"{publications} publications")
    elif publications >= 5:
        add(0.5, f"{publications} publications")
    elif publications >= 3:
        add(0.3, f"{publications} publications")
    funding = funding_raised(profile)
    if funding >= 1_000_000:
        add(1.5, f"${funding:,.0f} raised or granted for the endeavor")
    elif funding >= 100_000:
        add(0.8, f"${funding:,.0f} raised or granted")
    if is_founder(profile):
        add(0.3, "founder of the venture", record=False)
    evidence = set(profile.get("contribution_evidence") or [])
    if evidence & {"adopted_by_industry", "licensed_or_commercialised"}:
        add(1.0, "work adopted or licensed")
    elif adoption_claims(profile):
        add(0.7, "described adoption of the work: " + "; ".join(adoption_claims(profile)))
    if "funded_by_others" in evidence:
        add(0.7, "research or venture funded by government or other parties")
    if "independent_expert_letters" in evidence:
        add(0.3, "independent expert letters", record=False)
    if (profile.get("patents_count") or 0) >= 1:
        add(0.3, f"{profile['patents_count']} patent(s)")
    if (profile.get("judging_count") or 0) >= 5:
        add(0.3, "peer reviewer", record=False)
    landmark = one_time_award(profile, catalogue)
    if landmark.met:
        # A Nobel, Fields or Olympic medal is itself a record of success in the field.
        add(1.5 * landmark.strength, f"{landmark.facts['award']}: a major international award")
    elif any(a.get("level") in ("national", "international", "major_international") and
             not award_exclusion(a, catalogue) for a in profile.get("awards") or []):
        add(0.3, "national or international awards", record=False)
    if published_material(profile, catalogue).met:
        add(0.3, "media coverage", record=False)
    if profile.get("highest_degree") in ("doctorate", "professional"):
        add(0.3, f"{profile['highest_degree']} degree", record=False)
    if (profile.get("years_of_experience") or 0) >= 10:
        add(0.3, f"{profile['years_of_experience']:g} years of experience", record=False)
    return core, points, reasons
