"""Employment gates: related employers, time abroad, roles, and permanent or research offers.

An empty section of the profile (no `foreign_employment`, no `job_offer`) reads as "the client
has none"; a section with an unanswered field reads as a question to ask.
"""

from __future__ import annotations

import re

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met, unknown
from eligibility_engine.domain.profile_view import in_united_states

MANAGERIAL_WORDS = re.compile(r"\b(manager|director|head of|chief|vice president|vp|president|"
                              r"executive|ceo|cto|cfo|coo|founder|general manager|managing|"
                              r"country lead|principal of)\b")
CONTRIBUTOR_WORDS = re.compile(r"\b(engineer|developer|programmer|analyst|scientist|researcher|"
                               r"designer|specialist|consultant|technician|associate|accountant|"
                               r"architect|administrator|coordinator|representative|assistant)\b")
RESEARCH_WORDS = re.compile(r"\b(research\w*|scientist|professor|lecturer|faculty|investigator|"
                            r"postdoc\w*|post-doc\w*|fellow)\b")


def _abroad(profile: dict) -> dict | None:
    return profile.get("foreign_employment") or None


def qualifying_relationship(profile: dict, catalogue: Catalogue) -> Finding:
    abroad = _abroad(profile)
    if abroad is None:
        return not_met("No employment abroad recorded: the client must have worked for a parent, "
                       "branch, subsidiary or affiliate of the U.S. employer")
    value = abroad.get("affiliated_with_us_employer")
    if value is True:
        return met("Foreign employer is related to the U.S. employer")
    if value is False:
        return not_met("Foreign employer is not a parent, branch, subsidiary or affiliate")
    return unknown("Relationship between foreign and U.S. employer not recorded",
                   "foreign_employment.affiliated_with_us_employer",
                   question="Is the employer abroad a parent, branch, subsidiary or affiliate of "
                            "the U.S. employer (common ownership and control)?")


def one_year_abroad(profile: dict, catalogue: Catalogue) -> Finding:
    abroad = _abroad(profile)
    if abroad is None:
        return not_met("No employment abroad recorded: one continuous year abroad in the last "
                       "three is required")
    months = abroad.get("months_in_last_3_years")
    if months is None:
        return unknown("Months of employment abroad not recorded",
                       "foreign_employment.months_in_last_3_years",
                       question="How many continuous months did the client work for the "
                                "related company abroad in the last three years?")
    if months >= 12:
        return met(f"{months} months abroad in the last 3 years", months=months)
    status = (profile.get("current_us_status") or "").upper().replace(" ", "")
    if in_united_states(profile) and status.startswith(("L-1", "L1", "H-1B", "H1B", "E-", "O-1")):
        # Already in the U.S. working for the related employer: the year abroad is counted in
        # the three years before entry as a nonimmigrant (8 CFR 204.5(j)(3)(i)(B)); time in
        # the U.S. for the same employer neither counts nor interrupts (214.2(l)(1)(ii)(A)).
        # An L-1 approval has already found that year.
        return unknown(f"{months} months abroad in the last 3 years, but the client is in the "
                       f"U.S. ({profile.get('current_us_status')}): for a client working for the "
                       "related employer here, the year abroad is counted in the three years "
                       "before entering as a nonimmigrant", "foreign_employment.months_in_last_3_years",
                       question="How many continuous months did the client work for the related "
                                "company abroad in the three years before entering the U.S. to "
                                "work for it, and has the client worked for it ever since?",
                       presumable=status.startswith(("L-1", "L1")), months=months,
                       current_us_status=profile.get("current_us_status"))
    return not_met(f"{months} months abroad in the last 3 years; 12 continuous are required",
                   months=months)


def executive_or_manager_abroad(profile: dict, catalogue: Catalogue) -> Finding:
    abroad = _abroad(profile)
    if abroad is None:
        return not_met("No employment abroad recorded")
    role = abroad.get("role")
    if role in ("executive", "manager"):
        return met(f"Employed abroad as {role}", role=role)
    if role is None:
        return unknown("Role abroad not recorded", "foreign_employment.role",
                       question="Was the client's role abroad executive, managerial (managing "
                                "people or an essential function) or specialized knowledge?")
    return not_met(f"Role abroad is {role.replace('_', ' ')}, not executive or managerial",
                   role=role)


def specialized_knowledge_abroad(profile: dict, catalogue: Catalogue) -> Finding:
    abroad = _abroad(profile)
    if abroad is None:
        return not_met("No employment abroad recorded")
    role = abroad.get("role")
    if role == "specialized_knowledge":
        return met("Employed abroad in a specialized-knowledge position", role=role)
    if role in ("executive", "manager"):
        return unknown(f"Employed abroad as {role}: L-1A fits; L-1B needs proof of specialized "
                       "knowledge", "foreign_employment.role", role=role,
                       question="Does the client have special or advanced knowledge of the "
                                "company's products, processes or procedures?")
    if role is None:
        return unknown("Role abroad not recorded", "foreign_employment.role",
                       question="Was the client's role abroad executive, managerial or "
                                "specialized knowledge?")
    return not_met("Role abroad did not involve specialized knowledge", role=role)


def us_managerial_role(profile: dict, catalogue: Catalogue) -> Finding:
    """The U.S. job must itself be managerial or executive (INA 101(a)(44))."""
    offer = profile.get("job_offer") or {}
    role = offer.get("role")
    title = (offer.get("title") or "").lower()
    if role in ("executive", "manager"):
        return met(f"U.S. role recorded as {role}", role=role, title=title or None)
    if role in ("specialized_knowledge", "individual_contributor", "other"):
        return not_met(f"The U.S. job is a {role.replace('_', ' ')} role, not managerial or "
                       "executive: L-1A and EB-1C need a managerial or executive U.S. role "
                       "(L-1B may fit a specialized-knowledge role)", role=role)
    if title:
        if MANAGERIAL_WORDS.search(title):
            return met(f"U.S. title '{title}' is managerial or executive (the duties must "
                       "confirm it)", 0.6, title=title)
        if CONTRIBUTOR_WORDS.search(title):
            return not_met(f"U.S. title '{title}' is an individual-contributor role, not "
                           "managerial or executive", title=title)
    abroad_role = (_abroad(profile) or {}).get("role")
    return unknown("The U.S. role's capacity is not recorded", "job_offer.role",
                   question="Will the client manage people or an essential function, or direct "
                            "the organization, in the U.S. job?",
                   presumable=abroad_role in ("executive", "manager"), title=title or None)


def permanent_job_offer(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    if not offer:
        return not_met("No U.S. job offer: this category needs an employer sponsor")
    if offer.get("permanent") is True:
        return met("Permanent U.S. job offer", employer=offer.get("employer"))
    if offer.get("permanent") is False:
        return not_met("The offered job is temporary; a permanent offer is required")
    return unknown("Unknown whether the job offer is permanent and full-time",
                   "job_offer.permanent",
                   question="Is the offered job permanent and full-time (the employer will "
                            "sponsor a green card)?")


def eb1c_permanent_offer(profile: dict, catalogue: Catalogue) -> Finding:
    """EB-1C: the U.S. managerial job must be permanent; presumed for a manager the related
    U.S. employer is transferring, pending the offer letter."""
    finding = permanent_job_offer(profile, catalogue)
    if finding.met is None and (_abroad(profile) or {}).get("affiliated_with_us_employer"):
        return unknown(finding.explanation, *finding.missing, question=finding.question,
                       presumable=True)
    return finding


def research_position_offer(profile: dict, catalogue: Catalogue) -> Finding:
    offer = profile.get("job_offer") or {}
    title = (offer.get("title") or "").lower()
    if not offer:
        return not_met("No U.S. job offer; EB-1B requires an employer's offer (no self-petition)")
    if offer.get("tenure_track") is True:
        return met("Tenured or tenure-track teaching offer", title=title)
    research = bool(RESEARCH_WORDS.search(title)) or offer.get("employer_type") in (
        "university", "nonprofit_research", "government_research")
    if offer.get("permanent") is True and research:
        return met("Permanent research position", title=title)
    if offer.get("permanent") is False and not offer.get("tenure_track"):
        return not_met("The offer is neither tenure-track nor a permanent research position",
                       title=title)
    if title and not research and offer.get("permanent") is not None:
        return not_met(f"'{title}' is not a teaching or research position", title=title)
    return unknown("Confirm the offer is tenure-track or a permanent research position",
                   "job_offer.permanent", "job_offer.tenure_track", title=title,
                   presumable=research,
                   question="Is the offer tenure-track, or a permanent (indefinite) research "
                            "position?")


def three_years_research(profile: dict, catalogue: Catalogue) -> Finding:
    """Three years of teaching or research, read from every field that shows it."""
    years = profile.get("research_experience_years")
    if years is not None:
        if years >= 3:
            return met(f"{years:g} years of teaching or research", research_experience_years=years)
        return not_met(f"{years:g} years of teaching or research; at least 3 are required",
                       research_experience_years=years)
    evidence = _research_evidence(profile)
    total = profile.get("years_of_experience")
    if evidence and total is not None and total >= 3:
        return met(f"{total:g} years of experience in a research career ({'; '.join(evidence)}); "
                   "letters must show at least 3 years of teaching or research", 0.6,
                   years_of_experience=total, evidence=evidence)
    if evidence:
        return unknown("Research record without a count of years: "
                       + "; ".join(evidence), "research_experience_years",
                       question="How many years of teaching or research (after the degree, or "
                                "recognised research during it) does the client have?",
                       evidence=evidence)
    return unknown("Years of teaching or research experience not recorded",
                   "research_experience_years",
                   question="How many years of teaching or research does the client have?")


def _research_evidence(profile: dict) -> list[str]:
    evidence = []
    for field in ("current_job_title", "field_of_study"):
        if RESEARCH_WORDS.search((profile.get(field) or "").lower()):
            evidence.append(f"{field.replace('_', ' ')}: {profile[field]}")
    if (profile.get("publications_count") or 0) >= 3:
        evidence.append(f"{profile['publications_count']} publications")
    if profile.get("highest_degree") == "doctorate":
        evidence.append("doctorate")
    return evidence


def us_entity_one_year(profile: dict, catalogue: Catalogue) -> Finding:
    years = (profile.get("job_offer") or {}).get("us_entity_years_doing_business")
    if years is None:
        return unknown("How long the U.S. employer has done business is not recorded",
                       "job_offer.us_entity_years_doing_business", presumable=True,
                       question="How long has the U.S. employer been doing business?")
    if years >= 1:
        return met(f"U.S. employer doing business for {years:g} year(s)", years=years)
    return not_met(f"U.S. employer doing business for {years:g} year(s); one is required",
                   years=years)


CAP_SUBJECT = {"for_profit": "For-profit employer",
               "nonprofit_other": "A nonprofit neither affiliated with a university nor a "
                                  "research organization"}


def employer_type(profile: dict) -> str | None:
    """The recorded employer type, or one read from the employer's name."""
    offer = profile.get("job_offer") or {}
    if offer.get("employer_type"):
        return offer["employer_type"]
    name = (offer.get("employer") or "").lower()
    if re.search(r"\b(university|college|institute of technology|school of medicine)\b", name):
        return "university"
    if re.search(r"\b(national laborator\w*|national institutes? of health|nih|nasa)\b", name):
        return "government_research"
    return None


def cap_subject_employer(profile: dict, catalogue: Catalogue) -> Finding:
    kind = employer_type(profile)
    if kind is None:
        return unknown("Employer type not recorded (cap-subject or cap-exempt)",
                       "job_offer.employer_type", presumable=True,
                       question="Is the employer a university, an affiliated nonprofit, or a "
                                "nonprofit or government research organization (cap-exempt)?")
    if kind in CAP_SUBJECT:
        return met(f"{CAP_SUBJECT[kind]}: subject to the annual cap")
    return not_met(f"The employer ({kind.replace('_', ' ')}) is cap-exempt: file H-1B "
                   "cap-exempt instead")


def cap_exempt_employer(profile: dict, catalogue: Catalogue) -> Finding:
    kind = employer_type(profile)
    if kind is None:
        return unknown("Employer type not recorded", "job_offer.employer_type",
                       question="Is the employer a university, an affiliated nonprofit, or a "
                                "nonprofit or government research organization?")
    if kind == "affiliated_nonprofit":
        return met("A nonprofit related to or affiliated with an institution of higher education "
                   "is cap-exempt: shared ownership or control, operation by the institution, "
                   "membership or branch, or a written affiliation agreement with research or "
                   "education as a fundamental activity (8 CFR 214.2(h)(8)(iii)(F)(2))", 0.9)
    if kind in ("university", "nonprofit_research", "government_research"):
        return met(f"Employer type {kind.replace('_', ' ')} is cap-exempt", 1.0)
    return not_met(f"{CAP_SUBJECT.get(kind, 'Employer')}: subject to the annual cap and "
                   "registration lottery (a nonprofit is exempt only if affiliated with a "
                   "university or primarily engaged in research)")
