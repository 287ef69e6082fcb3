"""Turn one client profile into a ranked recommendation per visa type.

Scoring method (documented in the README):
- every gate and criterion of the type is judged (met / not met / unknown);
- a failed gate makes the type `not_eligible` (score capped at 10);
- "N of M" types score 70 × min(met, N) / N, plus 5 per extra criterion (max 15),
  plus up to 15 for the strength of the evidence; all-prongs types score 30 per
  prong met and 10 per unknown prong; gate-only types score 85 when every gate is
  met, plus up to 15 from their supporting criteria;
- each unknown gate multiplies the score by 0.7 (the case cannot be filed as is).
"""

from __future__ import annotations

from datetime import date

from eligibility_engine.domain.catalogue import Catalogue
from eligibility_engine.domain.criteria import CRITERIA
from eligibility_engine.domain.findings import Finding
from eligibility_engine.domain.gates import GATES

RULES_VERSION = "rules-2026.11.27-1"
VERDICT_ORDER = {"strong": 0, "viable": 1, "weak": 2, "not_eligible": 3}


def evaluate_profile(profile: dict, catalogue: Catalogue) -> dict:
    """Evaluate every catalogue type for a profile; best first."""
    recommendations = [_evaluate_type(visa_type, profile, catalogue) for visa_type in catalogue.types]
    recommendations.sort(key=lambda r: (VERDICT_ORDER[r["verdict"]], -r["eligibility_score"],
                                        r["visa_type"]))
    return {
        "recommendations": recommendations,
        "analysis_mode": "rules_only",
        "catalogue_version": catalogue.version,
        "rules_version": RULES_VERSION,
    }


def _evaluate_type(visa_type: dict, profile: dict, catalogue: Catalogue) -> dict:
    gates = {g["id"]: GATES[g["id"]](profile, catalogue) for g in visa_type["gates"]}
    spec = visa_type["criteria"]
    criteria = {c["id"]: CRITERIA[c["id"]](profile, catalogue) for c in spec["items"]}
    failed = [g for g in visa_type["gates"] if gates[g["id"]].met is False]
    unknown_gates = [g for g in visa_type["gates"] if gates[g["id"]].met is None]
    score = _score(spec, criteria, unknown_gates)
    if failed:
        score = min(score, 10)
        verdict = "not_eligible"
    elif score >= 80 and not unknown_gates:
        verdict = "strong"
    elif score >= 60 and not unknown_gates:
        verdict = "viable"
    else:
        verdict = "weak"
    met_count = sum(1 for f in criteria.values() if f.met)
    return {
        "visa_type": visa_type["code"],
        "name": visa_type["name"],
        "verdict": verdict,
        "eligibility_score": score,
        "success_probability": _probability(visa_type, verdict, criteria),
        "estimated_timeline_months": _timeline(visa_type, profile, catalogue),
        "required_documents": _documents(visa_type, criteria),
        "gates": [_row(g, gates[g["id"]]) for g in visa_type["gates"]],
        "criteria": [_row(c, criteria[c["id"]]) for c in spec["items"]],
        "criteria_met": met_count,
        "criteria_required": spec.get("threshold", 0),
        "missing_information": sorted({m for f in [*gates.values(), *criteria.values()]
                                       for m in f.missing}),
        "not_eligible_reasons": [f"{g['description']}: {gates[g['id']].explanation}"
                                 for g in failed],
        "summary": _summary(visa_type, verdict, criteria, spec, failed, unknown_gates),
    }


def _score(spec: dict, criteria: dict[str, Finding], unknown_gates: list) -> int:
    findings = list(criteria.values())
    met = [f for f in findings if f.met]
    threshold = spec.get("threshold", 0)
    if spec.get("all_required"):
        raw = 30 * len(met) + 10 * sum(1 for f in findings if f.met is None)
        raw += 10 * (sum(f.strength for f in met) / len(findings))
    elif threshold:
        raw = 70 * min(len(met), threshold) / threshold
        raw += 5 * min(max(len(met) - threshold, 0), 3)
        raw += 15 * (sum(sorted((f.strength for f in met), reverse=True)[:threshold]) / threshold)
    else:
        raw = 85 + 15 * (sum(f.strength for f in met) / max(len(findings), 1))
    raw *= 0.7 ** len(unknown_gates)
    return max(0, min(100, round(raw)))


def _probability(visa_type: dict, verdict: str, criteria: dict[str, Finding]) -> float:
    if verdict == "not_eligible":
        return 0.0
    basis = visa_type["base_approval_rate"]
    base = basis["rate"] if basis.get("rate") is not None else basis["prior"]
    factor = {"strong": 1.0, "viable": 0.85, "weak": 0.4}[verdict]
    probability = base * factor
    selection = visa_type.get("cap_selection")
    if selection and not (criteria.get("cap_exempt_employer") and criteria["cap_exempt_employer"].met):
        probability *= selection["rate"]
    return round(probability, 3)


def _timeline(visa_type: dict, profile: dict, catalogue: Catalogue) -> dict:
    regular = visa_type["processing"]["regular_months"]
    premium = visa_type["processing"].get("premium") or {}
    low = 1 if premium.get("available") else regular["low"]
    high = regular["high"]
    wait = _bulletin_wait_months(visa_type, profile, catalogue)
    return {"low": low + wait["low"], "high": high + wait["high"],
            "premium_processing_business_days": premium.get("business_days"),
            "visa_bulletin_wait_months": wait,
            "assumes": "premium processing for the low end where available; regular processing "
                       "for the high end; visa-bulletin wait from the July 2026 Final Action "
                       "Dates by country of birth (a cut-off's age is a rough proxy for the queue)"}


def _bulletin_wait_months(visa_type: dict, profile: dict, catalogue: Catalogue) -> dict:
    category = visa_type.get("visa_bulletin_category")
    if not category:
        return {"low": 0, "high": 0}
    chart = catalogue.visa_bulletin["final_action"][category]
    country = (profile.get("country_of_birth") or "").strip().lower()
    cutoff = chart.get(country, chart["default"])
    if cutoff == "C":
        return {"low": 0, "high": 0}
    if cutoff == "U":
        return {"low": 24, "high": 120}
    age = _months_between(date.fromisoformat(str(cutoff)),
                          date.fromisoformat(catalogue.visa_bulletin["as_of"]))
    return {"low": age, "high": age * 2}


def _months_between(earlier: date, later: date) -> int:
    return max(0, (later.year - earlier.year) * 12 + later.month - earlier.month)


def _documents(visa_type: dict, criteria: dict[str, Finding]) -> list[str]:
    documents = list(visa_type.get("documents", []))
    for item in visa_type["criteria"]["items"]:
        if criteria[item["id"]].met is not False:
            documents.extend(item.get("documents", []))
    return list(dict.fromkeys(documents))


def _row(spec: dict, finding: Finding) -> dict:
    return {"criterion": spec.get("name") or spec.get("description"), "id": spec["id"],
            "met": finding.met, "explanation": finding.explanation,
            "citation": spec["citation"], "facts": finding.facts}


def _summary(visa_type, verdict, criteria, spec, failed, unknown_gates) -> str:
    code = visa_type["code"]
    if failed:
        return f"{code} is not available: " + "; ".join(g["description"] for g in failed) + "."
    met_names = [i["name"] for i in spec["items"] if criteria[i["id"]].met]
    threshold = spec.get("threshold", 0)
    text = f"{verdict.capitalize()} {code} case"
    if threshold:
        text += f": meets {len(met_names)} criteria ({threshold} required)"
    if unknown_gates:
        text += "; still to confirm: " + "; ".join(g["description"] for g in unknown_gates)
    return text + "."
