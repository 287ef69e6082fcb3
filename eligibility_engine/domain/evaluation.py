"""Turn one client profile into a ranked recommendation per visa type.

Scoring method (documented in the README):
- every gate and criterion of the type is judged (met / not met / unknown) by the Policy
  Manual's standard for it; a failed gate or a `bar` disqualifier makes the type
  `not_eligible` (score capped at 10);
- "N of M" types score 65 × min(met, N) / N, plus 6 per extra criterion (max 18), plus up to
  15 for the strength of the best N pieces of evidence; a one-time major award counts as
  meeting the threshold; all-prongs types score 30 per prong met and 10 per unknown prong;
  gate-only types score 85 when every gate is met, plus up to 15 from supporting criteria;
- each unknown gate multiplies the score by 0.7 (the case cannot be filed as is);
- types are ranked by verdict, then success probability, then score;
- verdict: strong ≥ 80, viable ≥ 60 (both with every gate met), else weak; a `caution`
  disqualifier (e.g. immigrant intent for TN or E) caps the verdict at weak.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from catalogue.loader import Catalogue
from eligibility_engine.domain.criteria import CRITERIA
from eligibility_engine.domain.disqualifiers import applicable_flags
from eligibility_engine.domain.findings import Finding
from eligibility_engine.domain.gates import GATES
from eligibility_engine.domain.lottery import lottery_odds
from eligibility_engine.domain.planning import (
    gap_plan,
    missing_fields,
    missing_information,
    shared_evidence,
    tailored_documents,
)
from eligibility_engine.domain.probability import success_probability
from eligibility_engine.domain.timeline import estimated_timeline

RULES_VERSION = "rules-2026.11.27-2"
VERDICT_ORDER = {"strong": 0, "viable": 1, "weak": 2, "not_eligible": 3}
RULES = {**CRITERIA, **GATES}


def evaluate_profile(profile: dict, catalogue: Catalogue, today: date | None = None,
                     firm_outcomes: dict[str, dict] | None = None) -> dict:
    """Evaluate every catalogue type for a profile; best first."""
    today = today or datetime.now(timezone.utc).date()
    outcomes = firm_outcomes or {}
    recommendations = [evaluate_type(t, profile, catalogue, today, outcomes.get(t["code"]))
                       for t in catalogue.types]
    rank(recommendations)
    return {
        "recommendations": recommendations,
        "missing_information": missing_information(recommendations),
        "gap_plan": gap_plan(recommendations, catalogue.types),
        "shared_evidence": shared_evidence(recommendations),
        "analysis_mode": "rules_only",
        "catalogue_version": catalogue.version,
        "rules_version": RULES_VERSION,
        "evaluated_on": today.isoformat(),
    }


def rank(recommendations: list[dict]) -> None:
    """Order best first: by verdict, then chance of success, then score."""
    recommendations.sort(key=lambda r: (VERDICT_ORDER[r["verdict"]], -r["success_probability"],
                                        -r["eligibility_score"], r["visa_type"]))


def verdict_for(score: int, blocking: list, unknown_gates: list) -> str:
    if blocking:
        return "not_eligible"
    if score >= 80 and not unknown_gates:
        return "strong"
    if score >= 60 and not unknown_gates:
        return "viable"
    return "weak"


def evaluate_type(visa_type: dict, profile: dict, catalogue: Catalogue, today: date,
                  firm_outcomes: dict | None = None) -> dict:
    gates = {g["id"]: RULES[g["id"]](profile, catalogue) for g in visa_type["gates"]}
    spec = visa_type["criteria"]
    criteria = {c["id"]: RULES[c["id"]](profile, catalogue) for c in spec["items"]}
    one_time = _one_time(spec, profile, catalogue)
    flags = applicable_flags(visa_type["code"], profile, catalogue, today)
    failed = [g for g in visa_type["gates"] if gates[g["id"]].met is False]
    bars = [f for f in flags if f["severity"] == "bar"]
    unknown_gates = [g for g in visa_type["gates"] if gates[g["id"]].met is None]
    score = _score(spec, criteria, unknown_gates, one_time)
    verdict = verdict_for(score, failed or bars, unknown_gates)
    if verdict in ("strong", "viable") and any(f["severity"] == "caution" for f in flags):
        verdict = "weak"
    if verdict == "not_eligible":
        score = min(score, 10)
    probability = success_probability(visa_type, verdict, catalogue, today, firm_outcomes,
                                      lottery_odds(visa_type, criteria, catalogue))
    return {
        "visa_type": visa_type["code"],
        "name": visa_type["name"],
        "kind": visa_type["kind"],
        "legal_basis": visa_type["legal_basis"],
        "verdict": verdict,
        "eligibility_score": score,
        "success_probability": probability["point"],
        "success_probability_range": probability,
        "estimated_timeline_months": estimated_timeline(visa_type, profile, catalogue),
        "required_documents": tailored_documents(visa_type, criteria, flags),
        "gates": [_row(g, gates[g["id"]]) for g in visa_type["gates"]],
        "criteria": [_row(c, criteria[c["id"]]) for c in spec["items"]],
        "one_time_achievement": _row(spec["one_time_achievement"], one_time) if one_time else None,
        "criteria_met": sum(1 for f in criteria.values() if f.met),
        "criteria_required": spec.get("threshold", 0),
        "flags": flags,
        "missing_information": missing_fields([*gates.values(), *criteria.values()]),
        "not_eligible_reasons": [f"{g['description']}: {gates[g['id']].explanation}"
                                 for g in failed] + [f"{b['message']} ({b['citation']})"
                                                     for b in bars],
        "fees": visa_type.get("fees", []),
        "summary": _summary(visa_type, verdict, criteria, spec, failed, bars, unknown_gates),
    }


def _one_time(spec: dict, profile: dict, catalogue: Catalogue) -> Finding | None:
    achievement = spec.get("one_time_achievement")
    return RULES[achievement["id"]](profile, catalogue) if achievement else None


def _score(spec: dict, criteria: dict[str, Finding], unknown_gates: list,
           one_time: Finding | None) -> int:
    findings = list(criteria.values())
    met = [f for f in findings if f.met]
    threshold = spec.get("threshold", 0)
    if spec.get("all_required"):
        raw = 30 * len(met) + 10 * sum(1 for f in findings if f.met is None)
        raw += 10 * (sum(f.strength for f in met) / len(findings))
    elif threshold and one_time is not None and one_time.met:
        raw = 85 + 5 * min(len(met), 3)
    elif threshold:
        raw = 65 * min(len(met), threshold) / threshold
        raw += 6 * min(max(len(met) - threshold, 0), 3)
        raw += 15 * (sum(sorted((f.strength for f in met), reverse=True)[:threshold]) / threshold)
    else:
        raw = 85 + 15 * (sum(f.strength for f in met) / max(len(findings), 1))
    raw *= 0.7 ** len(unknown_gates)
    return max(0, min(100, round(raw)))


def _row(spec: dict, finding: Finding) -> dict:
    return {"criterion": spec.get("name") or spec.get("description"), "id": spec["id"],
            "met": finding.met, "explanation": finding.explanation,
            "citation": spec["citation"], "facts": finding.facts}


def _summary(visa_type, verdict, criteria, spec, failed, bars, unknown_gates) -> str:
    code = visa_type["code"]
    if failed or bars:
        reasons = [g["description"] for g in failed] + [b["message"] for b in bars]
        return f"{code} is not available: " + "; ".join(reasons) + "."
    met_names = [i["name"] for i in spec["items"] if criteria[i["id"]].met]
    threshold = spec.get("threshold", 0)
    text = f"{verdict.capitalize()} {code} case"
    if threshold:
        text += f": meets {len(met_names)} criteria ({threshold} required)"
    if unknown_gates:
        text += "; still to confirm: " + "; ".join(g["description"] for g in unknown_gates)
    return text + "."
