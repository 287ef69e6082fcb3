"""Acclaim criteria (O-1A, EB-1A, EB-1B), each judged by the Policy Manual's standard for it.

Profiles arrive as the client claims them: an intake marks a senior-member grade "selective",
an employer's award "national", a citing paper "about" the client. Each judgement below reads
what the claim rests on (the catalogue's tables of known awards, memberships and outlets; the
field's citation norms) and declines the common over-claims or counts them only weakly with
the question that would settle them. Strength (0..1) is the evidence's weight in the
final-merits review (`merits.py`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from catalogue.loader import Catalogue
from eligibility_engine.domain.findings import Finding, met, not_met, unknown
from eligibility_engine.domain.salary import salary_comparison

NATIONAL_TEAM = re.compile(r"\bnational\b.*\b(team|squad)\b|\bolympic team\b")
LEVEL_STRENGTH = {"major_international": 0.9, "international": 0.7, "national": 0.55}
STALE_AWARD_YEARS = 10
NOT_ONE_TIME = ("best paper", "best poster", "outstanding paper", "paper award", "best demo",
                "best presentation", "fellowship", "grant", "scholarship", "travel award")
ADOPTION_WORDS = re.compile(r"\b(widely (used|adopted|cited)|adopted by|used by|deployed|"
                            r"licensed|licenced|commerciali[sz]ed|standard|industry[- ]standard|"
                            r"millions of|clinical (use|practice)|guideline)\b")


def has(text: str, patterns, whole: bool = True) -> str | None:
    """The words of `text` that match one of the patterns (whole words, or a word prefix)."""
    found = _alternation(tuple(patterns), whole).search((text or "").lower())
    return found.group(0) if found else None


@lru_cache(maxsize=256)
def _alternation(patterns: tuple[str, ...], whole: bool) -> re.Pattern:
    options = "|".join(re.escape(p.lower()) for p in sorted(patterns, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + options + ")" + (r"(?![a-z0-9])" if whole else ""))


NOMINATED = re.compile(r"\bnominat(ed|ion|ions|ee)\b")
COACHED = re.compile(r"\b(coached|my athletes?|athletes? i coached|won by (my|the) (athlete|student|team)|"
                     r"students? i (supervised|coached)|(athlete|student)'s)\b")
MEDAL = re.compile(r"\b(medals?|gold|silver|bronze|champion(ship)?|title)\b")


def award_exclusion(award: dict, catalogue: Catalogue, profile: dict | None = None,
                    nominations: bool = False) -> str | None:
    """Why an award cannot count as a prize for excellence in the field, if it cannot."""
    name = award["name"].lower()
    if award.get("awarded_to") == "someone_coached_or_supervised" or COACHED.search(name) or (
            _is_coach(profile) and MEDAL.search(name) and "coach" not in name):
        return ("won by an athlete or student the client coached or supervised: their medal, "
                "not the client's award")
    if not nominations and (award.get("outcome") == "nominated" or NOMINATED.search(name)):
        return "a nomination, not an award received"
    employer = ((profile or {}).get("current_employer") or "").strip().lower()
    if len(employer) > 2 and employer in name:
        return "employer internal award (named after the client's own employer)"
    kinds = catalogue.reference["recognised_awards"]["not_field_excellence"]
    kind = award.get("kind")
    if kind in kinds:
        return f"{kind.replace('_', ' ')} award"
    for kind, patterns in kinds.items():
        if has(award["name"], patterns):
            return f"{kind.replace('_', ' ')} award"
    return None


def _is_coach(profile: dict | None) -> bool:
    title = ((profile or {}).get("current_job_title") or "").lower()
    return bool(re.search(r"\bcoach", title))


def recognised_one_time(award: dict, catalogue: Catalogue, table: str = "one_time") -> str | None:
    for entry in catalogue.reference["recognised_awards"][table]:
        if has(award["name"], entry["patterns"]):
            return entry["name"]
    return None


def awards(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("awards")
    if items is None:
        return unknown("No awards recorded", "awards")
    counted, declined, team, stale = [], [], [], []
    for award in items:
        reason = award_exclusion(award, catalogue, profile)
        if reason:
            declined.append(f"{award['name']}: {reason}")
        elif award.get("awarded_to") == "client_team" and not recognised_one_time(award,
                                                                                  catalogue):
            team.append(award["name"])
        elif recognised_one_time(award, catalogue):
            counted.append((award["name"], 1.0))
        elif award.get("level") in LEVEL_STRENGTH:
            age = _years_ago(award, profile)
            if age is not None and age > STALE_AWARD_YEARS:
                # "Sustained" acclaim (INA 203(b)(1)(A)(i)): an old prize still counts, but
                # weighs less in the final merits unless recent recognition follows it.
                counted.append((award["name"], LEVEL_STRENGTH[award["level"]] * 0.6))
                stale.append(f"{award['name']} ({award['year']})")
            else:
                counted.append((award["name"], LEVEL_STRENGTH[award["level"]]))
        else:
            declined.append(f"{award['name']}: {award.get('level', 'local')} recognition only")
    facts = {"counted": [n for n, _ in counted], "declined": declined, "team_awards": team,
             "older_than_ten_years": stale}
    if counted:
        best = max(s for _, s in counted)
        return met(f"{len(counted)} nationally or internationally recognized award(s)"
                   + (f"; sustained acclaim needs recent recognition too (older than ten years: "
                      f"{', '.join(stale)})" if stale and len(stale) == len(counted) else ""),
                   min(1.0, best + 0.05 * (len(counted) - 1)), **facts)
    if team:
        return unknown("A team award counts only if the awarding body named the client among the "
                       "recipients (Policy Manual Vol. 6 Part F Ch. 2)", "awards",
                       question=f"Did the awarding body name the client as a recipient of "
                                f"{team[0]} (certificate, medal, listing)?", **facts)
    if items:
        return not_met("No award recognised at national or international level for excellence "
                       "in the field: " + "; ".join(declined), **facts)
    return not_met("No awards", **facts)


def _years_ago(award: dict, profile: dict) -> int | None:
    today = profile.get("_today")
    return today.year - award["year"] if today and award.get("year") else None


def one_time_award(profile: dict, catalogue: Catalogue) -> Finding:
    """A major, internationally recognised award, known by its name whatever level was picked."""
    for award in profile.get("awards") or []:
        if award_exclusion(award, catalogue, profile):
            continue
        known = recognised_one_time(award, catalogue)
        if known:
            return met(f"{award['name']} ({known}): a major, internationally recognized award "
                       "that meets the evidentiary criteria on its own", 1.0, award=award["name"])
        if award.get("level") == "major_international" and not has(award["name"], NOT_ONE_TIME):
            return met(f"{award['name']}: recorded as a major international award (show its "
                       "international recognition)", 0.8, award=award["name"])
    return not_met("No major, internationally recognized award")


def memberships(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("memberships")
    if items is None:
        return unknown("No memberships recorded", "memberships")
    table = catalogue.reference["memberships"]
    counted, declined, open_claims = [], [], []
    for item in items:
        name = item["organization"]
        admission = item.get("admission")
        if _known(name, table["selective"]) or admission == "outstanding_achievement" or \
                NATIONAL_TEAM.search(name.lower()):
            counted.append(name)
        elif _known(name, table["not_selective"]):
            declined.append(f"{name}: {_known(name, table['not_selective'])}")
        elif admission in ("credentials_or_experience", "dues_or_application"):
            declined.append(f"{name}: admission by {admission.replace('_', ' ')}")
        elif item.get("selective"):
            open_claims.append(name)
        else:
            declined.append(f"{name}: open membership")
    facts = {"counted": counted, "declined": declined, "to_confirm": open_claims}
    if counted:
        return met("Membership requiring outstanding achievement, judged by recognised experts",
                   0.8, **facts)
    if open_claims:
        return unknown("Recorded as selective, but nothing shows admission by outstanding "
                       "achievement judged by recognised experts", "memberships",
                       question="How does " + open_claims[0] + " admit members (who judges, and "
                                "on what achievement)? Bylaws or admission rules are needed",
                       **facts)
    if items:
        return not_met("Memberships open to anyone who pays, applies or has the credentials do "
                       "not qualify: " + "; ".join(declined), **facts)
    return not_met("No memberships")


def published_material(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("media_coverage")
    if items is None:
        return unknown("No media coverage recorded", "media_coverage")
    table = catalogue.reference["media_outlets"]
    counted, declined, open_items = [], [], []
    for item in items:
        verdict = _outlet(item, table)
        if verdict is None:
            open_items.append(item["outlet"])
        elif isinstance(verdict, float):
            counted.append((item["outlet"], verdict))
        else:
            declined.append(f"{item['outlet']}: {verdict}")
    facts = {"counted": [o for o, _ in counted], "declined": declined, "to_confirm": open_items}
    if counted:
        best = max(s for _, s in counted)
        return met(f"{len(counted)} published item(s) about the client in professional, trade "
                   "or major media", min(1.0, best + 0.05 * (len(counted) - 1)), **facts)
    if open_items:
        return unknown("Material about the client in outlets not shown to be professional, major "
                       "trade or major media", "media_coverage",
                       question="What are the circulation, readership or intended audience of "
                                + ", ".join(open_items[:3]) + "?", **facts)
    if items:
        return not_met("No published material about the client in qualifying media: "
                       + "; ".join(declined), **facts)
    return not_met("No published material about the client")


def judging(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("judging_count")
    completed = profile.get("judging_completed_count")
    if count is None and completed is None:
        return unknown("Judging or peer-review activity not recorded", "judging_count")
    done = completed if completed is not None else count
    if not done:
        why = ("review invitations without completed reviews do not show participation as a "
               "judge" if count else "no judging of others' work")
        return not_met(why.capitalize(), judging_count=count, judging_completed_count=completed)
    return met(f"Judged the work of others {done} time(s)", 0.35 + min(0.45, done / 40),
               judging_count=count, judging_completed_count=completed)


def original_contributions(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("original_contributions") or []
    citations = profile.get("citations_count")
    patents = profile.get("patents_count") or 0
    evidence = set(profile.get("contribution_evidence") or [])
    norms = field_norms(profile, catalogue)
    claims = [c for c in items if ADOPTION_WORDS.search(c.lower())]
    facts = {"contributions": items, "citations_count": citations, "patents_count": patents,
             "field_norm": norms, "evidence": sorted(evidence), "adoption_claims": claims}
    strength = _significance(citations or 0, norms, evidence, claims)
    if strength and (items or evidence):
        return met("Original contributions with evidence of major significance in the field "
                   f"({_basis(citations or 0, norms, evidence, claims)})", strength, **facts)
    if items or evidence:
        return not_met("Originality is not major significance: show widespread adoption, "
                       "licensing or citation well above the field's norm "
                       f"({citations or 0} citations; notable in {norms['field']} from "
                       f"{norms['notable']}){'; a patent shows novelty, not impact' if patents else ''}",
                       **facts)
    if (citations or 0) >= norms["notable"]:
        return unknown("A citation record above the field's norm suggests major contributions; "
                       "describe them and their impact", "original_contributions", **facts)
    return unknown("No original contributions described", "original_contributions", **facts)


def scholarly_articles(profile: dict, catalogue: Catalogue) -> Finding:
    count = profile.get("publications_count")
    if count is None:
        return unknown("Publications not recorded", "publications_count")
    if count > 0:
        return met(f"Author of {count} scholarly article(s)", 0.3 + min(0.5, count / 40),
                   publications_count=count)
    return not_met("No scholarly articles", publications_count=count)


def critical_role(profile: dict, catalogue: Catalogue) -> Finding:
    items = profile.get("critical_roles")
    if items is None:
        return unknown("No leading or critical roles recorded", "critical_roles")
    qualifying = [r for r in items if r.get("distinguished_organization")]
    roles = [f"{r['role']} at {r['organization']}" for r in qualifying]
    if qualifying:
        leading = any(re.search(r"\b(lead|head|chief|director|founder|principal|president|"
                                r"vp|vice president|captain|first|star)", r["role"].lower())
                      for r in qualifying)
        return met("Leading or critical role for an organization with a distinguished "
                   "reputation", 0.7 if leading else 0.5, roles=roles)
    if items:
        return not_met("Roles recorded, but no evidence the organizations have a distinguished "
                       "reputation", roles=[f"{r['role']} at {r['organization']}" for r in items])
    return not_met("No critical roles")


def high_salary(profile: dict, catalogue: Catalogue) -> Finding:
    return _high_salary(profile, include_offer=False)


def high_remuneration(profile: dict, catalogue: Catalogue) -> Finding:
    """O-1: has commanded or will command a high salary (the offer counts)."""
    return _high_salary(profile, include_offer=True)


def _high_salary(profile: dict, include_offer: bool) -> Finding:
    comparison = salary_comparison(profile, include_offer)
    if comparison is None:
        if profile.get("annual_salary_usd") is None:
            return unknown("Salary not recorded", "annual_salary_usd")
        return unknown("Occupation not recognised; compare the salary with the field's wage data "
                       "for the area", "current_job_title")
    ratio = comparison["ratio_to_level_4"]
    text = (f"${comparison['salary']:,.0f} ({comparison['compared']}) is {ratio:.2f} x the "
            f"Level IV wage for {comparison['occupation']} in the {comparison['where']} "
            f"(${comparison['level_4_usd']:,})")
    if ratio >= 1.3:
        return met(f"High salary: {text}", min(1.0, 0.5 + (ratio - 1.3)), **comparison)
    if ratio >= 1.0:
        return unknown(f"At the top of the wage levels but not clearly high for the field: {text}",
                       "annual_salary_usd", question="Which survey data show the salary in the "
                       "top ~10% of the field in the area?", **comparison)
    return not_met(f"Not a high salary for the field and area: {text}", **comparison)


def field_norms(profile: dict, catalogue: Catalogue) -> dict:
    table = catalogue.reference["field_norms"]
    text = " ".join(filter(None, (profile.get("field_of_study"),
                                  profile.get("current_job_title"))))
    for entry in table["fields"]:
        if has(text, entry["patterns"], whole=False):
            return {"field": entry["field"], "notable": entry["notable"],
                    "exceptional": entry["exceptional"], "estimate": True}
    return {"field": "unrecognised field", **table["default"], "estimate": True}


def _significance(citations: int, norms: dict, evidence: set, claims: list) -> float:
    score = 0.0
    if citations >= norms["exceptional"]:
        score = 0.9
    elif citations >= norms["notable"]:
        score = 0.7
    if evidence & {"adopted_by_industry", "licensed_or_commercialised"}:
        score = max(score, 0.75)
    if "widely_cited" in evidence and citations >= norms["notable"] / 2:
        score = max(score, 0.6)
    # Citations shown high for the field (the intake's "widely cited", with its analysis) and
    # experts explaining what the work changed: the AAO accepted this with 233 citations in
    # neurosurgery (appeal sustained 15 Apr 2019); raw counts alone stay declined.
    if {"widely_cited", "independent_expert_letters"} <= evidence and \
            citations >= norms["notable"] / 10:
        score = max(score, 0.5)
    if "independent_expert_letters" in evidence and evidence & {"media_about_it",
                                                                "funded_by_others"}:
        score = max(score, 0.5)
    if claims and citations >= norms["notable"] / 2:
        score = max(score, 0.55)
    return score


def _basis(citations: int, norms: dict, evidence: set, claims: list) -> str:
    parts = [f"{citations} citations against a {norms['field']} norm of {norms['notable']}"]
    if evidence:
        parts.append("evidence: " + ", ".join(sorted(evidence)))
    if claims:
        parts.append("described adoption: " + "; ".join(claims))
    return "; ".join(parts)


def _outlet(item: dict, table: dict) -> float | str | None:
    if item.get("about_client") is False:
        return "about the employer or the work, not the client"
    if item.get("passing_mention"):
        return "a passing mention, not material about the client"
    kind = item.get("outlet_type")
    name = f"{item['outlet']} {item.get('title') or ''}"
    if kind == "press_release_or_own_channel" or has(name, table["not_media"]):
        return "a press release or the employer's own channel"
    if kind == "academic_citation" or has(name, table["academic"]):
        return "a paper citing the client's work is not published material about the client"
    circulation = item.get("circulation")
    if kind == "major_media" or has(item["outlet"], table["major"]) or (
            circulation or 0) >= table["major_circulation_threshold"]:
        return 0.8
    if kind == "professional_or_trade":
        return 0.6
    if kind == "general_or_local":
        return "local or general media without national reach"
    return None


def _known(name: str, entries: list[dict]) -> str | None:
    for entry in entries:
        if has(name, entry["patterns"]):
            return entry["name"]
    return None
