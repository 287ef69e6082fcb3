"""Success probability: the chance this petition is approved if filed on this record.

Method (docs/SCORING.md):
1. Base rate b: the newest public approval rate for the classification (approvals ÷
   decisions), with its window, sample and age; data older than STALE_AFTER_MONTHS is said to
   be old in the basis and its range widened.
2. Firm history: a beta-binomial update of b with the firm's own recorded outcomes, the
   industry figure counting as PRIOR_WEIGHT pseudo-cases.
3. Bands per verdict, from b: not_eligible 0; weak [0.05, 0.45]; viable [0.50, m); strong
   [m, m + 0.8 (1 - m)], where m = b clipped to [0.60, 0.95]: a strong record is at least as
   likely to be approved as the average petition filed, a viable one less so but better than
   even, a weak one less than even.
4. Point: the record's position within its verdict (strength after final-merits and RFE
   risks) placed linearly in the band. The range is the point moved by the base rate's own
   uncertainty, kept inside the band.
The H-1B lottery is not in this figure: it is reported beside it (`lottery.py`).
"""

from __future__ import annotations

import math
from datetime import date

from catalogue.loader import Catalogue
from eligibility_engine.domain.scoring import clamp_position

PRIOR_WEIGHT = 20
Z95 = 1.96
STALE_AFTER_MONTHS = 36
APPROVED = ("approved", "rfe_then_approved")
DECIDED = ("approved", "rfe_then_approved", "denied")
WEAK_BAND = (0.05, 0.45)
VIABLE_FLOOR = 0.50
BOUNDARY_LIMITS = (0.60, 0.95)


def industry_rate(catalogue: Catalogue, key: str, today: date) -> dict:
    """The newest public base rate for a classification, with its window, sample and age."""
    series = catalogue.base_rates["classifications"][key]["series"]
    newest = max(series, key=lambda s: s.get("window_end") or "")
    rate, decided = float(newest["rate"]), newest.get("decided")
    age = _months_since(newest.get("window_end"), today)
    stale = age is not None and age > STALE_AFTER_MONTHS
    if decided:
        low, high = _wilson(rate, decided)
        widen = min(0.1, (age or 0) / 6 * 0.01)
        low, high = low - widen, high + widen
    else:
        low, high = rate - 0.1, rate + 0.1
    if stale:
        low, high = low - 0.05, high + 0.05
    previous = [s for s in series if s is not newest and s.get("window_end")]
    industry = {"classification": catalogue.base_rates["classifications"][key]["label"],
                "window": newest["window"], "rate": rate, "sample_size": decided,
                "data_age_months": age, "source": newest.get("source"),
                "estimate": bool(newest.get("estimate")), "note": newest.get("note"),
                "previous_window": _previous(previous), "low": _clip(low), "high": _clip(high)}
    if stale:
        industry["stale"] = (f"the newest published figure is {age} months old (more than "
                             f"{STALE_AFTER_MONTHS // 12} fiscal years): the range is widened")
    elif newest.get("window_end") is None:
        industry["stale"] = "no published statistic: a documented prior, not data"
    return industry


def probability_bands(base_rate: float) -> dict[str, tuple[float, float]]:
    """The probability band of each verdict for a type whose base rate is `base_rate`."""
    boundary = min(max(base_rate, BOUNDARY_LIMITS[0]), BOUNDARY_LIMITS[1])
    return {"not_eligible": (0.0, 0.0), "weak": WEAK_BAND,
            "viable": (VIABLE_FLOOR, boundary),
            "strong": (boundary, boundary + 0.8 * (1 - boundary))}


def success_probability(visa_type: dict, verdict: str, position: float, catalogue: Catalogue,
                        today: date, firm_outcomes: dict | None = None,
                        factors: list[dict] | None = None) -> dict:
    """The point, range and basis of the chance of approval for one type."""
    industry = industry_rate(catalogue, visa_type["base_rate_key"], today)
    firm = _firm_update(industry["rate"], firm_outcomes or {})
    basis = {"industry": industry, "firm": firm,
             "case_strength": {"verdict": verdict, "position": round(position, 3),
                               "factors": factors or []}}
    if verdict == "not_eligible":
        return {"point": 0.0, "low": 0.0, "high": 0.0,
                "basis": {**basis, "note": "a hard gate or bar fails: no approval is possible "
                                           "on this record"}}
    base = firm["rate"]
    bands = probability_bands(base)
    point = _place(bands[verdict], verdict, position)
    spread = max(0.02, (industry["high"] - industry["low"]) / 2)
    low_band, high_band = bands[verdict]
    low = max(low_band, point - spread)
    high = min(_band_top(bands, verdict), point + spread)
    basis["bands"] = {v: [round(a, 3), round(b, 3)] for v, (a, b) in bands.items()}
    return {"point": round(point, 3), "low": round(min(low, point), 3),
            "high": round(max(high, point), 3), "basis": basis}


def _place(band: tuple[float, float], verdict: str, position: float) -> float:
    low, high = band
    position = clamp_position(position)
    if verdict == "viable":
        position = min(position, 0.99)  # viable stays strictly below the strong band
    return low + position * (high - low)


def _band_top(bands: dict, verdict: str) -> float:
    low, high = bands[verdict]
    return high - 0.001 if verdict == "viable" else high


def _firm_update(rate: float, outcomes: dict) -> dict:
    approved = sum(outcomes.get(o, 0) for o in APPROVED)
    decided = sum(outcomes.get(o, 0) for o in DECIDED)
    if not decided:
        return {"rate": rate, "decided": 0, "approved": 0, "weight": 0.0,
                "note": "no outcomes recorded by this firm for this type"}
    mean = (approved + PRIOR_WEIGHT * rate) / (decided + PRIOR_WEIGHT)
    return {"rate": mean, "decided": decided, "approved": approved,
            "withdrawn": outcomes.get("withdrawn", 0),
            "weight": round(decided / (decided + PRIOR_WEIGHT), 3)}


def _wilson(rate: float, n: int) -> tuple[float, float]:
    denominator = 1 + Z95 ** 2 / n
    centre = (rate + Z95 ** 2 / (2 * n)) / denominator
    margin = Z95 * math.sqrt(rate * (1 - rate) / n + Z95 ** 2 / (4 * n * n)) / denominator
    return centre - margin, centre + margin


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
