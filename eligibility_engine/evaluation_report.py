"""Measure the engine against labelled profiles: per type, per criterion, and for coherence.

A labelled case is `{"id", "why", "profile", "viable": [codes]}`: the types an attorney would
pursue for that profile. The engine "recommends" a type when its verdict is strong or viable.
Optional, per case:
- `"source": {"kind": "aao_decision" | "approved_case" | "regulation", "citation": "..."}`:
  where the label comes from; cases whose kind is not "regulation" count as external;
- `"criteria": {"EB-1A": {"awards": false, "judging": true, ...}}`: the decision's finding on
  each criterion (true met, false not met), compared with the engine's (`met is True`);
- `"labelled_types": ["EB-1A"]`: the only types the label speaks to (a decision on one
  petition says nothing about the others); absent, every catalogue type is labelled.
Coherence is checked over every profile and type: no weak above 0.5, no not-eligible above 0,
a score inside its verdict's band, and for one type a better verdict never with a lower score
or probability.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.guardrails import bounded_analysis
from eligibility_engine.domain.llm_analysis import case_message
from eligibility_engine.domain.redaction import redacted_findings, redacted_profile
from eligibility_engine.ports import AnalysisUnavailable
from eligibility_engine.domain.scoring import SCORE_BANDS, VERDICTS, verdict_for_score
from shared.profile_schema import load_profile

RECOMMENDED = ("strong", "viable")
ORIGINS = ("external", "own")
EVAL_DATE = date(2026, 11, 27)


def load_cases(directory: str | Path) -> list[dict]:
    """Read every labelled case from the JSON files of a directory."""
    paths = sorted(Path(directory).glob("*.json"))
    if not paths:
        raise ValueError(f"no labelled profiles (*.json) in {directory}")
    cases = []
    for path in paths:
        content = json.loads(path.read_text())
        cases.extend(content if isinstance(content, list) else [content])
    return cases


def evaluate_directory(directory: str | Path) -> dict:
    """Run the engine over every case: agreement per type and criterion, and coherence."""
    catalogue = load_catalogue()
    codes = [t["code"] for t in catalogue.types]
    counts = {code: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for code in codes}
    by_origin = {origin: {code: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for code in codes}
                 for origin in ORIGINS}
    criteria: dict[str, dict] = {}
    disagreements, results = [], []
    cases = load_cases(directory)
    for case in cases:
        result = evaluate_profile(load_profile(case["profile"]), catalogue, today=EVAL_DATE)
        results.append(result)
        origin = ORIGINS[0] if is_external(case) else ORIGINS[1]
        by_type = {r["visa_type"]: r for r in result["recommendations"]}
        scope = ([catalogue.visa_type(c)["code"] for c in case["labelled_types"]]
                 if "labelled_types" in case else codes)
        predicted = {code for code, r in by_type.items()
                     if r["verdict"] in RECOMMENDED and code in scope}
        expected = {catalogue.visa_type(code)["code"] for code in case["viable"]}
        for code in scope:
            _count(counts[code], code in predicted, code in expected)
            _count(by_origin[origin][code], code in predicted, code in expected)
        if predicted != expected:
            disagreements.append({"id": case["id"], "missed": sorted(expected - predicted),
                                  "extra": sorted(predicted - expected)})
        _count_criteria(criteria, case, by_type, catalogue, disagreements)
    external = [c for c in cases if is_external(c)]
    calls = sum(sum(c.values()) for c in counts.values())
    agree = sum(c["tp"] + c["tn"] for c in counts.values())
    return {"cases": len(cases), "external_cases": len(external),
            "per_type": {c: _rates(counts[c]) for c in codes},
            "micro": _rates({k: sum(c[k] for c in counts.values())
                             for k in ("tp", "fp", "fn", "tn")}),
            "agreement": agree / calls if calls else None,
            "per_criterion": {k: {**v, "agreement": v["agree"] / v["labelled"]}
                              for k, v in sorted(criteria.items())},
            "agreement_by_origin": {origin: _agreement_per_type(by_origin[origin])
                                    for origin in ORIGINS},
            "coherence_violations": coherence_violations(results),
            "hard_gate_false_positives": hard_gate_false_positives(results),
            "disagreements": disagreements}


def is_external(case: dict) -> bool:
    """A label from outside the rules' authors: a decision, a court, agency guidance."""
    return (case.get("source") or {}).get("kind", "regulation") != "regulation"


def hard_gate_false_positives(results: list[dict]) -> list[dict]:
    """Every type recommended (strong or viable) although one of its gates is not met."""
    return [{"case": n, "visa_type": rec["visa_type"], "gates": failed}
            for n, result in enumerate(results) for rec in result["recommendations"]
            if rec["verdict"] in RECOMMENDED
            and (failed := [g["id"] for g in rec.get("gates", []) if g.get("met") is False])]


def _agreement_per_type(counts: dict) -> dict:
    rows = {code: {"calls": sum(c.values()), "agree": c["tp"] + c["tn"], "fp": c["fp"],
                   "fn": c["fn"]} for code, c in counts.items()}
    total = {k: sum(r[k] for r in rows.values()) for k in ("calls", "agree", "fp", "fn")}
    return {code: {**r, "agreement": r["agree"] / r["calls"] if r["calls"] else None}
            for code, r in [*rows.items(), ("ALL", total)]}


def evaluate_with_analysis(directory: str | Path, analyst, deadline_seconds: float = 600) -> dict:
    """Run every case through the rules and the LLM analysis; count what the analysis moved.

    The analysis must never change a verdict (nor the set of recommended types): a score it
    moves is read back through the verdict function and compared with the rules' verdict.
    """
    catalogue = load_catalogue()
    moves = {"requested": 0, "applied": 0}
    changes, failures, dropped, cost = [], {}, 0, 0.0
    cases = load_cases(directory)
    for case in cases:
        profile = load_profile(case["profile"])
        result = evaluate_profile(profile, catalogue, today=EVAL_DATE)
        shown = redacted_profile(profile, profile)
        try:
            answer = analyst.analyse(case_message(shown, redacted_findings(result, profile,
                                                                           profile)),
                                     time.monotonic() + deadline_seconds)
        except AnalysisUnavailable as exc:
            failures[exc.reason] = failures.get(exc.reason, 0) + 1
            continue
        cost += answer.usage.get("cost_usd", 0.0)
        analysis = bounded_analysis(result, answer.content, shown)
        dropped += analysis["dropped_claims"]
        changes += _verdict_changes(case["id"], result, analysis, moves)
    return {"cases": len(cases), "analysed": len(cases) - sum(failures.values()),
            "failures": failures, "score_moves": moves, "dropped_claims": dropped,
            "verdict_changes": len(changes), "changes": changes, "cost_usd": round(cost, 4)}


def _verdict_changes(case_id: str, result: dict, analysis: dict, moves: dict) -> list[dict]:
    by_type = {r["visa_type"]: r for r in result["recommendations"]}
    changes = []
    for item in analysis["types"]:
        rec, score = by_type[item["visa_type"]], item["score"]
        moves["requested"] += score["requested_move"] != 0
        moves["applied"] += score["applied_move"] != 0
        after = verdict_for_score(score["with_analysis"])
        if after != rec["verdict"] or item["verdict"] != rec["verdict"]:
            changes.append({"id": case_id, "visa_type": rec["visa_type"],
                            "rules": rec["verdict"], "with_analysis": after})
    return changes


def format_analysis_report(report: dict) -> str:
    lines = [f"{report['cases']} labelled profiles, {report['analysed']} analysed by the LLM",
             f"score moves requested: {report['score_moves']['requested']}, applied within "
             f"the verdict's band: {report['score_moves']['applied']}",
             f"claims dropped as ungrounded: {report['dropped_claims']}",
             f"verdict changes: {report['verdict_changes']}",
             f"cost: {report['cost_usd']} USD"]
    lines += [f"  failed: {reason} x{n}" for reason, n in sorted(report["failures"].items())]
    lines += [f"  {c['id']} {c['visa_type']}: {c['rules']} -> {c['with_analysis']}"
              for c in report["changes"]]
    return "\n".join(lines)
def coherence_violations(results: list[dict]) -> list[dict]:
    """Every place where verdict, score and probability contradict each other."""
    problems, by_type = [], {}
    for n, result in enumerate(results):
        for rec in result["recommendations"]:
            code, verdict = rec["visa_type"], rec["verdict"]
            p, score = rec["success_probability"], rec["eligibility_score"]
            low, high = SCORE_BANDS[verdict]
            if verdict == "weak" and p > 0.5:
                problems.append({"case": n, "visa_type": code, "problem": f"weak at {p}"})
            if verdict == "not_eligible" and p > 0:
                problems.append({"case": n, "visa_type": code,
                                 "problem": f"not eligible at {p}"})
            if not low <= score <= high:
                problems.append({"case": n, "visa_type": code,
                                 "problem": f"{verdict} with score {score}"})
            by_type.setdefault(code, []).append((VERDICTS.index(verdict), score, p, n))
    for code, rows in by_type.items():
        for worse in rows:
            for better in rows:
                if better[0] > worse[0] and (better[1] < worse[1] or (
                        worse[0] > 0 and better[2] <= worse[2])):
                    problems.append({"case": better[3], "visa_type": code,
                                     "problem": f"{VERDICTS[better[0]]} ({better[1]}, "
                                                f"{better[2]}) not above {VERDICTS[worse[0]]} "
                                                f"({worse[1]}, {worse[2]}) of case {worse[3]}"})
    return problems


def format_report(report: dict) -> str:
    lines = [f"{report['cases']} labelled profiles ({report['external_cases']} with labels from "
             f"outside: AAO, precedent and court decisions, approved-case write-ups, USCIS "
             f"and State Department guidance)",
             f"agreement over every (profile, type) call: {_pct(report['agreement'])}",
             f"coherence violations: {len(report['coherence_violations'])}",
             f"{'type':<20} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for code, r in [*report["per_type"].items(), ("ALL (micro)", report["micro"])]:
        lines.append(f"{code:<20} {_pct(r['precision']):>9} {_pct(r['recall']):>7} "
                     f"{r['tp']:>4} {r['fp']:>4} {r['fn']:>4}")
    lines.append(f"hard-gate false positives (recommended with a gate not met): "
                 f"{len(report['hard_gate_false_positives'])}")
    ext, own = report["agreement_by_origin"]["external"], report["agreement_by_origin"]["own"]
    lines.append(f"{'agreement per type':<20} {'external':>14} {'own':>14}")
    for code in ext:
        lines.append(f"{code:<20} {_share(ext[code]):>14} {_share(own[code]):>14}")
    if report["per_criterion"]:
        lines.append(f"{'criterion (type)':<40} {'agreement':>9} {'labelled':>8}")
        for key, r in report["per_criterion"].items():
            lines.append(f"{key:<40} {_pct(r['agreement']):>9} {r['labelled']:>8}")
    for d in report["disagreements"]:
        if "criterion" in d:
            lines.append(f"  {d['id']}: {d['criterion']} engine {d['engine']}, label "
                         f"{d['label']}")
        else:
            lines.append(f"  {d['id']}: missed {d['missed'] or '-'}, extra {d['extra'] or '-'}")
    for problem in report["coherence_violations"]:
        lines.append(f"  coherence: case {problem['case']} {problem['visa_type']}: "
                     f"{problem['problem']}")
    return "\n".join(lines)


def _count_criteria(tally: dict, case: dict, by_type: dict, catalogue, disagreements) -> None:
    for code, labels in (case.get("criteria") or {}).items():
        rec = by_type[catalogue.visa_type(code)["code"]]
        found = {c["id"]: c["met"] for c in rec["criteria"]}
        if rec.get("one_time_achievement"):
            found[rec["one_time_achievement"]["id"]] = rec["one_time_achievement"]["met"]
        for criterion, label in labels.items():
            key = f"{criterion} ({rec['visa_type']})"
            entry = tally.setdefault(key, {"labelled": 0, "agree": 0})
            entry["labelled"] += 1
            engine = found.get(criterion) is True
            if engine == label:
                entry["agree"] += 1
            else:
                disagreements.append({"id": case["id"], "criterion": key,
                                      "engine": found.get(criterion), "label": label})


def _count(counts: dict, predicted: bool, expected: bool) -> None:
    if predicted and expected:
        counts["tp"] += 1
    elif predicted:
        counts["fp"] += 1
    elif expected:
        counts["fn"] += 1
    else:
        counts["tn"] += 1


def _rates(c: dict) -> dict:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
    return {**c, "precision": precision, "recall": recall}


def _share(row: dict) -> str:
    return f"{_pct(row['agreement'])} ({row['agree']}/{row['calls']})" if row["calls"] else "-"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"
