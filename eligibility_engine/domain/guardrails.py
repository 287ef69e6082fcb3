"""Keep an LLM analysis grounded and below the law.

- A claim must cite criterion ids of its own visa type; a strength, or an opinion that a
  criterion is likely met, must also quote a fact the model was actually shown. What does not
  is dropped and counted.
- Verdicts, gates and criteria never change: the analysis is an opinion beside them.
- A score move stays within MAX_SCORE_MOVE and within the band of the rules' verdict (a weak
  type cannot become viable, 2 of 3 criteria never read as 3), is 0 for a type that is not
  eligible or whose analysis kept no grounded claim; `scoring.rescore` recomputes the
  probability at the moved score.
"""

from __future__ import annotations

import copy
import re

from eligibility_engine.domain.llm_analysis import MAX_SCORE_MOVE
from eligibility_engine.domain.scoring import rescore

_CLAIM_LISTS = ("strengths", "weaknesses", "rfe_risks")


def bounded_analysis(result: dict, answer: dict, shown_profile: dict) -> dict:
    """Return the analysis to record: grounded claims per type, bounded score moves."""
    facts = fact_index(shown_profile)
    by_type = {r["visa_type"]: r for r in result["recommendations"]}
    kept, notes, dropped = {}, [], 0
    for item in answer["analyses"]:
        rec = by_type.get(item["visa_type"])
        if rec is None or item["visa_type"] in kept:
            notes.append(f"ignored an analysis of {item['visa_type']!r}: not a type of this check"
                         if rec is None else f"ignored a second analysis of {rec['visa_type']}")
            continue
        kept[rec["visa_type"]], lost = _grounded(rec, item, facts)
        dropped += lost
        notes.extend(_bound_score(rec, kept[rec["visa_type"]], item["score_adjustment"]))
    return {"types": list(kept.values()), "guardrail_notes": notes, "dropped_claims": dropped}


def _grounded(rec: dict, item: dict, facts: list[str]) -> tuple[dict, int]:
    ids = {row["id"] for row in [*rec["gates"], *rec["criteria"]]}
    if rec.get("one_time_achievement"):
        ids.add(rec["one_time_achievement"]["id"])
    out = {"visa_type": rec["visa_type"], "verdict": rec["verdict"], "opinion_of": "model"}
    claims = [_claim(item["summary"], ids, facts, need_quote=False)]
    out["summary"] = claims[0]
    for name in _CLAIM_LISTS:
        out[name] = [_claim(c, ids, facts, need_quote=name == "strengths") for c in item[name]]
        claims += out[name]
    out["suggested_evidence"] = [_claim({**c, "profile_quotes": []}, ids, facts, False)
                                 for c in item["suggested_evidence"]]
    out["criterion_opinions"] = [_opinion(o, ids, facts) for o in item["criterion_opinions"]]
    claims += out["suggested_evidence"] + out["criterion_opinions"]
    dropped = sum(1 for c in claims if c is None)
    for name in (*_CLAIM_LISTS, "suggested_evidence", "criterion_opinions"):
        out[name] = [c for c in out[name] if c is not None]
    out["grounded_claims"] = len(claims) - dropped
    return out, dropped


def _claim(claim: dict, ids: set[str], facts: list[str], need_quote: bool) -> dict | None:
    cited = [i for i in claim["criterion_ids"] if i in ids]
    quotes = [q for q in claim["profile_quotes"] if is_quoted(q, facts)]
    if not cited or (need_quote and not quotes):
        return None
    return {"text": claim["text"], "criterion_ids": cited, "profile_quotes": quotes}


def _opinion(opinion: dict, ids: set[str], facts: list[str]) -> dict | None:
    quotes = [q for q in opinion["profile_quotes"] if is_quoted(q, facts)]
    if opinion["criterion_id"] not in ids or (opinion["view"] == "likely_met" and not quotes):
        return None
    return {"criterion_id": opinion["criterion_id"], "view": opinion["view"],
            "reasoning": opinion["reasoning"], "profile_quotes": quotes}


def _bound_score(rec: dict, out: dict, requested: int) -> list[str]:
    rules = rec["eligibility_score"]
    move = max(-MAX_SCORE_MOVE, min(MAX_SCORE_MOVE, requested))
    if rec["verdict"] == "not_eligible" or not out["grounded_claims"]:
        move = 0
    # The engine's own scoring keeps the verdict, clamps the score to its band and moves the
    # probability with it (docs/SCORING.md); the rules' recommendation itself is not touched.
    moved = rescore(copy.deepcopy(rec), rules + move) if move else rec
    applied = moved["eligibility_score"] - rules
    notes = []
    if applied != requested:
        notes.append(f"{rec['visa_type']}: score move {requested:+d} applied as {applied:+d} "
                     f"(the {rec['verdict']} verdict and its criteria stay as the rules found)")
    out["score"] = {"rules": rules, "requested_move": requested, "applied_move": applied,
                    "with_analysis": moved["eligibility_score"]}
    out["success_probability"] = {"rules": rec["success_probability"],
                                  "with_analysis": moved["success_probability"]}
    return notes


def fact_index(profile: dict) -> list[str]:
    """Every fact the model was shown, normalised: string values and `field: value` pairs."""
    facts: list[str] = []

    def walk(value, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            facts.append(_normal(value))
            facts.append(_normal(f"{key}: {value}"))
        elif value is not None:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            facts.append(_normal(f"{key}: {shown}"))

    walk(profile, "")
    return facts


def is_quoted(quote: str, facts: list[str]) -> bool:
    wanted = _normal(quote)
    return len(wanted) >= 3 and any(wanted in fact for fact in facts)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip("\"'`“”‘’").lower()
