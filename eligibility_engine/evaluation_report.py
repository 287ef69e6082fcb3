"""Measure the engine against labelled profiles: precision and recall per visa type.

A labelled case is `{"id", "why", "profile", "viable": [codes]}`: the types an attorney would
pursue for that profile. The engine "recommends" a type when its verdict is strong or viable.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import time

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.guardrails import bounded_analysis, verdict_at
from eligibility_engine.domain.llm_analysis import case_message
from eligibility_engine.domain.redaction import redacted_findings, redacted_profile
from eligibility_engine.ports import AnalysisUnavailable
from shared.profile_schema import load_profile

RECOMMENDED = ("strong", "viable")
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
    """Run the engine over every case and count hits, misses and false alarms per type."""
    catalogue = load_catalogue()
    codes = [t["code"] for t in catalogue.types]
    counts = {code: {"tp": 0, "fp": 0, "fn": 0} for code in codes}
    disagreements = []
    cases = load_cases(directory)
    for case in cases:
        result = evaluate_profile(load_profile(case["profile"]), catalogue, today=EVAL_DATE)
        predicted = {r["visa_type"] for r in result["recommendations"]
                     if r["verdict"] in RECOMMENDED}
        expected = {catalogue.visa_type(code)["code"] for code in case["viable"]}
        for code in codes:
            _count(counts[code], code in predicted, code in expected)
        if predicted != expected:
            disagreements.append({"id": case["id"], "missed": sorted(expected - predicted),
                                  "extra": sorted(predicted - expected)})
    return {"cases": len(cases), "per_type": {c: _rates(counts[c]) for c in codes},
            "micro": _rates({k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}),
            "disagreements": disagreements}


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
        analysis = bounded_analysis(result, answer.content, shown,
                                    lambda rec, score: rec["success_probability"])
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
        after = verdict_at(rec, score["with_analysis"]) if rec["verdict"] != "not_eligible" \
            else "not_eligible"
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


def format_report(report: dict) -> str:
    lines = [f"{report['cases']} labelled profiles", f"{'type':<16} {'precision':>9} "
             f"{'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for code, r in [*report["per_type"].items(), ("ALL (micro)", report["micro"])]:
        lines.append(f"{code:<16} {_pct(r['precision']):>9} {_pct(r['recall']):>7} "
                     f"{r['tp']:>4} {r['fp']:>4} {r['fn']:>4}")
    for d in report["disagreements"]:
        lines.append(f"  {d['id']}: missed {d['missed'] or '-'}, extra {d['extra'] or '-'}")
    return "\n".join(lines)


def _count(counts: dict, predicted: bool, expected: bool) -> None:
    if predicted and expected:
        counts["tp"] += 1
    elif predicted:
        counts["fp"] += 1
    elif expected:
        counts["fn"] += 1


def _rates(c: dict) -> dict:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
    return {**c, "precision": precision, "recall": recall}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"
