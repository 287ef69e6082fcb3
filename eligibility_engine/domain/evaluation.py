"""Turn one client profile into a recommendation per visa type, grouped and ordered.

Per type (docs/SCORING.md):
- every gate and criterion is judged (met / not met / unknown, with the facts used and, when
  unknown, the question to ask);
- a failed gate or a `bar` disqualifier makes the type `not_eligible` (score 0-10,
  probability 0);
- otherwise the record is graded (`merits.py`): criteria types by the two-step review, prong
  types by their prongs, gate-only types from the top of strong down by risks (`risks.py`);
- an unknown gate costs grade; if an attorney would presume it pending confirmation the
  verdict stands "if confirmed" (`conditional`), otherwise the type is weak until it is
  answered; either way `verdict_if_confirmed` and `questions` say what one answer changes;
- a `caution` disqualifier (immigrant intent for TN, E or H-1B1) caps the verdict at weak;
- the verdict and the position within it give both the score and the probability.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from catalogue.loader import Catalogue
from eligibility_engine.domain.criteria import CRITERIA
from eligibility_engine.domain.disqualifiers import applicable_flags
from eligibility_engine.domain.findings import Finding
from eligibility_engine.domain.field_gates import field_category
from eligibility_engine.domain.gates import GATES
from eligibility_engine.domain.lottery import lottery_odds
from eligibility_engine.domain.merits import UNCONFIRMED_FACT_COST, Grade, all_prongs, \
    final_merits, gate_only
from eligibility_engine.domain.ordering import group_of, order_recommendations, result_summary
from eligibility_engine.domain.planning import (
    gap_plan,
    missing_fields,
    missing_information,
    shared_evidence,
    tailored_documents,
)
from eligibility_engine.domain.probability import success_probability
from eligibility_engine.domain.profile_view import prepared
from eligibility_engine.domain.questions import type_questions
from eligibility_engine.domain.risks import apply_risks
from eligibility_engine.domain.scoring import VERDICT_ORDER, score_for, verdict_for_score
from eligibility_engine.domain.staleness import verify_flags
from eligibility_engine.domain.timeline import estimated_timeline

RULES_VERSION = "rules-2026.12.02-1"
RULES = {**CRITERIA, **GATES}
WEAK_CAP = 0.95

__all__ = ["RULES_VERSION", "VERDICT_ORDER", "evaluate_profile", "evaluate_type", "rank",
           "verdict_for"]


def evaluate_profile(profile: dict, catalogue: Catalogue, today: date | None = None,
                     firm_outcomes: dict[str, dict] | None = None) -> dict:
    """Evaluate every catalogue type for a profile, grouped and ordered by the client's goals."""
    today = today or datetime.now(timezone.utc).date()
    outcomes = firm_outcomes or {}
    profile = prepared(profile)
    profile["_today"] = today  # rules that count years to a date (e.g. since a degree)
    memo: dict[str, Finding] = {}  # each rule is judged once per profile, for every type
    recommendations = [evaluate_type(t, profile, catalogue, today, outcomes.get(t["code"]), memo)
                       for t in catalogue.types]
    groups = order_recommendations(recommendations, profile)
    return {
        "recommendations": recommendations,
        "groups": groups,
        "summary": result_summary(recommendations, profile),
        "missing_information": missing_information(recommendations),
        "gap_plan": gap_plan(recommendations, catalogue.types),
        "shared_evidence": shared_evidence(recommendations),
        "verify": _verify_all(recommendations),
        "analysis_mode": "rules_only",
        "catalogue_version": catalogue.version,
        "rules_version": RULES_VERSION,
        "evaluated_on": today.isoformat(),
    }


def rank(recommendations: list[dict], profile: dict | None = None) -> None:
    """Order within the client's goals: group, then verdict, chance of success and score.

    Without the profile (its goals) the order the evaluation gave stands: adjustments after it
    move scores only inside their verdict's band.
    """
    if profile is not None:
        order_recommendations(recommendations, profile)


def verdict_for(score: int, blocking: list, unknown_gates: list) -> str:
    """The verdict a score stands for (kept for callers that move scores)."""
    return "not_eligible" if blocking else verdict_for_score(score)


def evaluate_type(visa_type: dict, profile: dict, catalogue: Catalogue, today: date,
                  firm_outcomes: dict | None = None, memo: dict | None = None) -> dict:
    memo = {} if memo is None else memo

    def judge(rule_id: str) -> Finding:
        if rule_id not in memo:
            memo[rule_id] = RULES[rule_id](profile, catalogue)
        return memo[rule_id]

    gates = {g["id"]: judge(g["id"]) for g in visa_type["gates"]}
    spec = visa_type["criteria"]
    criteria = {c["id"]: judge(c["id"]) for c in spec["items"]}
    achievement = spec.get("one_time_achievement")
    one_time = judge(achievement["id"]) if achievement else None
    flags = applicable_flags(visa_type["code"], profile, catalogue, today)
    failed = [g for g in visa_type["gates"] if gates[g["id"]].met is False]
    bars = [f for f in flags if f["severity"] == "bar"]
    unknown_gates = [g for g in visa_type["gates"] if gates[g["id"]].met is None]
    judged = _judge(visa_type, profile, gates, criteria, one_time, catalogue)
    verdict_if_confirmed = judged.verdict
    verdict, position, conditional = _verdict(judged, gates, unknown_gates, failed, bars, flags)
    probability = success_probability(visa_type, verdict, position, catalogue, today,
                                      firm_outcomes, judged.factors)
    category = field_category(profile)
    film = category == "motion_picture_tv"
    questions = type_questions(visa_type, gates, criteria, verdict,
                               category in ("arts", "motion_picture_tv"))
    rec = {
        "visa_type": visa_type["code"],
        "name": visa_type["name"],
        "kind": visa_type["kind"],
        "group": group_of(visa_type),
        "legal_basis": visa_type["legal_basis"],
        "verdict": verdict,
        "eligibility_score": score_for(verdict, position),
        "success_probability": probability["point"],
        "success_probability_range": probability,
        "strength": {"position": position, "grade": round(judged.value, 3),
                     "factors": judged.factors},
        "conditional": conditional,
        "verdict_if_confirmed": None if verdict == "not_eligible" or not unknown_gates
        else verdict_if_confirmed,
        "questions": questions,
        "lottery": lottery_odds(visa_type, gates, criteria, profile, catalogue),
        "estimated_timeline_months": estimated_timeline(visa_type, profile, catalogue),
        "required_documents": tailored_documents(visa_type, criteria, flags),
        "gates": [_row(g, gates[g["id"]], film) for g in visa_type["gates"]],
        "criteria": [_row(c, criteria[c["id"]], film) for c in spec["items"]],
        "one_time_achievement": (_row(spec["one_time_achievement"], one_time, film)
                                 if one_time else None),
        "criteria_met": sum(1 for f in criteria.values() if f.met),
        "criteria_required": spec.get("threshold", 0),
        "flags": flags,
        "missing_information": missing_fields([*gates.values(), *criteria.values()]),
        "not_eligible_reasons": [f"{g['description']}: {gates[g['id']].explanation}"
                                 for g in failed] + [f"{b['message']} ({b['citation']})"
                                                     for b in bars],
        "fees": visa_type.get("fees", []),
    }
    rec["verify"] = verify_flags(visa_type, rec, catalogue, today)
    rec["summary"] = _summary(visa_type, rec, criteria, spec, failed, bars, unknown_gates, gates,
                              one_time)
    return rec


def _judge(visa_type: dict, profile: dict, gates: dict[str, Finding],
           criteria: dict[str, Finding], one_time: Finding | None,
           catalogue: Catalogue) -> Grade:
    spec = visa_type["criteria"]
    standard = spec.get("final_merits")
    if spec.get("all_required"):
        grade = all_prongs(criteria, standard)
    elif spec.get("threshold"):
        grade = final_merits(spec["threshold"], criteria, one_time, standard)
    else:
        grade = gate_only(criteria)
    apply_risks(visa_type, profile, gates, criteria, grade, catalogue)
    return grade


def _verdict(judged: Grade, gates: dict[str, Finding], unknown_gates: list, failed: list,
             bars: list, flags: list) -> tuple[str, float, bool]:
    if failed or bars:
        share = sum(1 for f in gates.values() if f.met) / max(len(gates), 1)
        return "not_eligible", round(share * 0.999, 3), False
    grade = Grade(judged.value, list(judged.factors))
    for gate in unknown_gates:
        finding = gates[gate["id"]]
        cost = UNCONFIRMED_FACT_COST if finding.cost is None else finding.cost
        grade.adjust(-cost, f"unconfirmed:{gate['id']}",
                     f"not yet confirmed: {finding.explanation}")
    doubtful = [g for g in unknown_gates if not gates[g["id"]].presumable]
    if doubtful or any(f["severity"] == "caution" for f in flags):
        grade.value = min(grade.value, WEAK_CAP)
    judged.factors[:] = grade.factors
    return grade.verdict, grade.position, bool(unknown_gates)


def _row(spec: dict, finding: Finding, film_tv: bool = False) -> dict:
    """A finding as the result shows it; film/TV criteria cite 8 CFR 214.2(o)(3)(v)."""
    citation = spec.get("citation_film_tv") if film_tv and spec.get("citation_film_tv") \
        else spec["citation"]
    row = {"criterion": spec.get("name") or spec.get("description"), "id": spec["id"],
           "met": finding.met, "explanation": finding.explanation,
           "citation": citation, "facts": finding.facts}
    if finding.met is None and finding.question:
        row["question"] = finding.question
    return row


def _summary(visa_type, rec, criteria, spec, failed, bars, unknown_gates, gates,
             one_time) -> str:
    code = visa_type["code"]
    if failed or bars:
        reasons = [gates[g["id"]].explanation for g in failed] + [b["message"] for b in bars]
        return f"{code} is not available: " + "; ".join(reasons) + "."
    threshold = spec.get("threshold", 0)
    text = f"{rec['verdict'].capitalize()} {code} case"
    if one_time is not None and one_time.met:
        text += f": {one_time.explanation}"
    elif threshold:
        met_count = sum(1 for f in criteria.values() if f.met)
        text += f": meets {met_count} criteria ({threshold} required)"
        if met_count >= threshold and rec["verdict"] == "weak" and not unknown_gates:
            text += ", but the record as a whole is thin for the final-merits review"
    if unknown_gates:
        confirm = "; ".join(gates[g["id"]].question or g["description"] for g in unknown_gates)
        text += (f"; {rec['verdict_if_confirmed']} if confirmed: {confirm}"
                 if rec["verdict_if_confirmed"] != rec["verdict"]
                 else f"; still to confirm: {confirm}")
    return text + "."


def _verify_all(recommendations: list[dict]) -> list[dict]:
    seen, flags = set(), []
    for rec in recommendations:
        for flag in rec["verify"]:
            if flag["what"] not in seen:
                seen.add(flag["what"])
                flags.append(flag)
    return flags
