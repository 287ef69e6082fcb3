"""Measure the engine against labelled profiles: precision and recall per visa type.

A labelled case is `{"id", "why", "profile", "viable": [codes]}`: the types an attorney would
pursue for that profile. The engine "recommends" a type when its verdict is strong or viable.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
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
