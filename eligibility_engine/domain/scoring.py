"""One model for verdict, score and probability: a grade, placed in fixed bands.

The judged record gives each type a verdict and a position (0..1) within that verdict, the
record's strength after final-merits and RFE risks. The score is the position inside the
verdict's score band; the probability is the position inside the type's probability band
(`probability.py`). Both are monotone in (verdict, position), so a higher score never carries a
lower verdict and, for one type, every strong case outranks every viable one, every viable one
every weak one. docs/SCORING.md explains the bands and their calibration.
"""

from __future__ import annotations

VERDICTS = ("not_eligible", "weak", "viable", "strong")
VERDICT_ORDER = {"strong": 0, "viable": 1, "weak": 2, "not_eligible": 3}
SCORE_BANDS = {"not_eligible": (0, 10), "weak": (15, 49), "viable": (50, 79),
               "strong": (80, 100)}


def clamp_position(position: float) -> float:
    return min(max(float(position), 0.0), 1.0)


def score_for(verdict: str, position: float) -> int:
    """The eligibility score of a verdict at a position within it."""
    low, high = SCORE_BANDS[verdict]
    return int(round(low + clamp_position(position) * (high - low)))


def position_of(verdict: str, score: float) -> float:
    """Where a score sits within its verdict's band (the inverse of `score_for`)."""
    low, high = SCORE_BANDS[verdict]
    return clamp_position((score - low) / (high - low))


def verdict_for_score(score: float) -> str:
    """The verdict whose band holds a score (scores between bands round down)."""
    for verdict in ("strong", "viable", "weak"):
        if score >= SCORE_BANDS[verdict][0]:
            return verdict
    return "not_eligible"


def clamp_score(verdict: str, score: float) -> int:
    """Keep a score inside its verdict's band (an adjustment cannot cross a verdict line)."""
    low, high = SCORE_BANDS[verdict]
    return int(round(min(max(score, low), high)))


def grade(verdict: str, position: float) -> float:
    """A single ordinal for sorting: not_eligible < weak < viable < strong, then position."""
    return VERDICTS.index(verdict) + min(clamp_position(position), 0.999)


def rescore(recommendation: dict, new_score: float) -> dict:
    """Move a recommendation's score inside its verdict's band and its probability with it.

    The verdict never changes: an adjustment (the LLM's, an attorney's) can say the record is
    stronger or weaker within what the rules found, not cross a verdict line.
    """
    verdict = recommendation["verdict"]
    if verdict == "not_eligible":
        return recommendation
    score = clamp_score(verdict, new_score)
    position = position_of(verdict, score)
    probability = recommendation["success_probability_range"]
    low, high = probability["basis"]["bands"][verdict]
    if verdict == "viable":
        high -= 0.001
    point = round(low + position * (high - low), 3)
    shift = point - probability["point"]
    recommendation["eligibility_score"] = score
    recommendation["success_probability"] = point
    recommendation["success_probability_range"] = {
        **probability, "point": point,
        "low": round(max(low, min(point, probability["low"] + shift)), 3),
        "high": round(min(high, max(point, probability["high"] + shift)), 3)}
    recommendation["strength"] = {**recommendation.get("strength", {}), "position": position}
    return recommendation
