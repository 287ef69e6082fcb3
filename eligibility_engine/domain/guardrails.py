"""Merge a validated LLM analysis into the rules result, within the guardrails."""

from __future__ import annotations

from eligibility_engine.domain.evaluation import rank
from eligibility_engine.domain.llm_analysis import MAX_SCORE_MOVE
from eligibility_engine.domain.scoring import rescore


def apply_analysis(result: dict, analysis: dict) -> dict:
    """Return the result with the LLM's per-type assessment and bounded score moves."""
    by_type = {r["visa_type"]: r for r in result["recommendations"]}
    notes = []
    for item in analysis["analyses"]:
        rec = by_type.get(item["visa_type"])
        if rec is None:
            notes.append(f"ignored an analysis of {item['visa_type']!r}: not a catalogue type")
            continue
        notes.extend(_merge(rec, item))
    rank(result["recommendations"])
    result["guardrail_notes"] = notes
    return result


def _merge(rec: dict, item: dict) -> list[str]:
    notes = []
    recommend = item["recommend"]
    if recommend and rec["verdict"] == "not_eligible":
        notes.append(f"{rec['visa_type']}: the model recommended a type whose hard gate fails; "
                     "kept not eligible")
        recommend = False
    move = max(-MAX_SCORE_MOVE, min(MAX_SCORE_MOVE, item["score_adjustment"]))
    if move != item["score_adjustment"]:
        notes.append(f"{rec['visa_type']}: score move {item['score_adjustment']} bounded to {move}")
    if rec["verdict"] == "not_eligible":
        move = 0
    rec["rules_score"] = rec["eligibility_score"]
    rescore(rec, rec["eligibility_score"] + move)
    if rec["eligibility_score"] != rec["rules_score"] + move and move:
        notes.append(f"{rec['visa_type']}: score kept inside the {rec['verdict']} band")
    move = rec["eligibility_score"] - rec["rules_score"]
    rec["llm_assessment"] = {**{k: item[k] for k in ("narrative", "strengths", "weaknesses",
                                                     "rfe_risks", "suggested_evidence")},
                             "recommend": recommend, "score_adjustment_applied": move}
    return notes
