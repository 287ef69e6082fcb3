"""Success probability as a range with its basis: public base rate, case strength, firm history.

Method (documented in the README):
1. Industry base rate: the newest fiscal-year window for the classification (approvals ÷
   decisions), with a 95% Wilson interval when the sample size is known, widened by one point
   per six months of data age; ±10 points for estimates and priors without a sample.
2. Case strength: a shift on the log-odds scale by verdict (an engine assumption, not fitted).
3. Firm history: a beta-binomial update of (2) with the firm's own recorded outcomes for the
   classification, the industry figure counting as PRIOR_WEIGHT pseudo-cases.
4. Cap-subject H-1B: multiplied by the odds of lottery selection at the offered wage level.
"""

from __future__ import annotations

import math
from datetime import date

from catalogue.loader import Catalogue

STRENGTH_SHIFT = {"strong": 0.4, "viable": -0.2, "weak": -1.2}
PRIOR_WEIGHT = 20
Z95 = 1.96
APPROVED = ("approved", "rfe_then_approved")
DECIDED = ("approved", "rfe_then_approved", "denied")


def industry_rate(catalogue: Catalogue, key: str, today: date) -> dict:
    """The newest public base rate for a classification, with its window, sample and age."""
    series = catalogue.base_rates["classifications"][key]["series"]
    newest = max(series, key=lambda s: s.get("window_end") or "")
    rate, decided = float(newest["rate"]), newest.get("decided")
    age = _months_since(newest.get("window_end"), today)
    if decided:
        low, high = _wilson(rate, decided)
        widen = min(0.1, (age or 0) / 6 * 0.01)
        low, high = low - widen, high + widen
    else:
        low, high = rate - 0.1, rate + 0.1
    previous = [s for s in series if s is not newest and s.get("window_end")]
    return {"classification": catalogue.base_rates["classifications"][key]["label"],
            "window": newest["window"], "rate": rate, "sample_size": decided,
            "data_age_months": age, "source": newest.get("source"),
            "estimate": bool(newest.get("estimate")), "note": newest.get("note"),
            "previous_window": _previous(previous), "low": _clip(low), "high": _clip(high)}


def success_probability(visa_type: dict, verdict: str, catalogue: Catalogue, today: date,
                        firm_outcomes: dict | None = None, lottery: dict | None = None) -> dict:
    """Combine the base rate, the case's strength and the firm's own outcomes into a range."""
    industry = industry_rate(catalogue, visa_type["base_rate_key"], today)
    if verdict == "not_eligible":
        return {"point": 0.0, "low": 0.0, "high": 0.0,
                "basis": {"industry": industry, "note": "a hard gate or bar fails"}}
    shift = STRENGTH_SHIFT[verdict]
    point, low, high = (_shifted(industry[k], shift) for k in ("rate", "low", "high"))
    firm = _firm_update(point, low, high, firm_outcomes or {})
    point, low, high = firm.pop("point"), firm.pop("low"), firm.pop("high")
    basis = {"industry": industry, "case_strength": {"verdict": verdict, "log_odds_shift": shift},
             "firm": firm}
    if lottery:
        point, low, high = (v * lottery["odds"] for v in (point, low, high))
        basis["lottery"] = lottery
    return {"point": round(point, 3), "low": round(low, 3), "high": round(high, 3),
            "basis": basis}


def _firm_update(point: float, low: float, high: float, outcomes: dict) -> dict:
    approved = sum(outcomes.get(o, 0) for o in APPROVED)
    decided = sum(outcomes.get(o, 0) for o in DECIDED)
    weight = decided / (decided + PRIOR_WEIGHT)
    if not decided:
        return {"point": point, "low": low, "high": high, "decided": 0, "approved": 0,
                "weight": 0.0, "note": "no outcomes recorded by this firm for this type"}
    mean = (approved + PRIOR_WEIGHT * point) / (decided + PRIOR_WEIGHT)
    spread = Z95 * math.sqrt(mean * (1 - mean) / (decided + PRIOR_WEIGHT + 1))
    return {"point": mean, "low": _clip((1 - weight) * low + weight * (mean - spread)),
            "high": _clip((1 - weight) * high + weight * (mean + spread)), "decided": decided,
            "approved": approved, "withdrawn": outcomes.get("withdrawn", 0),
            "weight": round(weight, 3)}


def _wilson(rate: float, n: int) -> tuple[float, float]:
    denominator = 1 + Z95 ** 2 / n
    centre = (rate + Z95 ** 2 / (2 * n)) / denominator
    margin = Z95 * math.sqrt(rate * (1 - rate) / n + Z95 ** 2 / (4 * n * n)) / denominator
    return centre - margin, centre + margin


def _shifted(p: float, shift: float) -> float:
    p = min(max(p, 0.001), 0.999)
    return 1 / (1 + math.exp(-(math.log(p / (1 - p)) + shift)))


def _months_since(window_end: str | None, today: date) -> int | None:
    if not window_end:
        return None
    end = date.fromisoformat(window_end)
    return max(0, (today.year - end.year) * 12 + today.month - end.month)


def _previous(series: list[dict]) -> dict | None:
    if not series:
        return None
    last = max(series, key=lambda s: s["window_end"])
    return {"window": last["window"], "rate": last["rate"]}


def _clip(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), 3)
