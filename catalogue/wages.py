"""Prevailing wages by worksite area and occupation (DOL OFLC, wage year 2025-26).

OFLC sets a wage per area (a metropolitan or non-metropolitan area, made of counties) and SOC
occupation at four levels. The county extract covers 47 SOC codes and every county; other
SOC codes have a national summary (minimum, median and maximum over counties). When the
worksite's county is not known the answer is the range over the counties it could be in (the
state's, or the nation's), so a caller can tell "below the prevailing wage wherever the job
is" from "depends on the county". See catalogue/data/wages/README.md.
"""

from __future__ import annotations

import csv
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WAGE_DIR = Path(__file__).resolve().parent / "data" / "wages"
SOURCE = {"source": "DOL OFLC Prevailing Wage Data, wage year 2025-26",
          "effective_from": "2025-07-01", "effective_to": "2026-06-30", "as_of": "2025-07-01",
          "refresh": "annual (each 1 July)"}
_SUFFIXES = re.compile(r"\s+(county|parish|borough|census area|municipality|city and borough|"
                       r"municipio)$")


@dataclass(frozen=True)
class PrevailingWage:
    soc: str
    title: str
    scope: str  # county, state or national: where the figures were taken over
    low: tuple[int, int, int, int]  # lowest of each level over the possible areas
    typical: tuple[int, int, int, int]  # the area's levels, or the median area's
    high: tuple[int, int, int, int]  # highest of each level over the possible areas
    state: str | None = None
    county: str | None = None
    area: str | None = None
    note: str = ""

    @property
    def exact(self) -> bool:
        return self.scope == "county"


def prevailing_wage(soc: str, state: str | None = None, county: str | None = None,
                    city: str | None = None) -> PrevailingWage | None:
    """The wage levels for an occupation at a worksite, as precise as the worksite is known."""
    summary = soc_summary().get(soc)
    if summary is None:
        return None
    state = (state or "").strip().upper() or None
    county = normalise_county(county) or _county_of_city(state, city)
    area = _counties().get((state, county)) if state and county else None
    by_area = _area_wages()
    if area and (area, soc) in by_area:
        levels = by_area[(area, soc)]
        return PrevailingWage(soc, summary["title"], "county", levels, levels, levels, state,
                              county, area)
    note = ""
    if state and county and area is None:
        note = f"county {county!r} not found in {state}: the state's range is used"
    if state:
        in_state = [by_area[(a, soc)] for (s, _), a in _counties().items()
                    if s == state and (a, soc) in by_area]
        if in_state:
            return _range(soc, summary["title"], "state", in_state, state, note)
    note = note or ("worksite not recorded" if not state else
                    f"SOC {soc} is not in the county extract: the national range is used")
    return PrevailingWage(soc, summary["title"], "national", summary["min"], summary["median"],
                          summary["max"], state, county, None, note)


def normalise_county(county: str | None) -> str | None:
    if not county:
        return None
    name = _SUFFIXES.sub("", county.strip().lower())
    return name.replace("saint ", "st. ") if name.startswith("saint ") else name


@lru_cache(maxsize=1)
def soc_summary() -> dict[str, dict]:
    """Per SOC: title and the min / median / max over counties of each level (annual USD)."""
    table = {}
    for row in _rows("soc_levels.csv"):
        pick = {stat: tuple(int(row[f"level_{i}_{stat}"]) for i in range(1, 5))
                for stat in ("min", "median", "max")}
        table[row["soc"]] = {"title": row["title"], **pick}
    return table


def _range(soc: str, title: str, scope: str, options: list[tuple], state: str | None,
           note: str) -> PrevailingWage:
    columns = list(zip(*options))
    low = tuple(min(c) for c in columns)
    high = tuple(max(c) for c in columns)
    typical = tuple(int(statistics.median(c)) for c in columns)
    return PrevailingWage(soc, title, scope, low, typical, high, state, None, None,
                          note or "county not recorded: the range over the state's counties")


def _county_of_city(state: str | None, city: str | None) -> str | None:
    if not state or not city:
        return None
    return _cities().get((state, city.strip().lower()))


@lru_cache(maxsize=1)
def _counties() -> dict[tuple[str, str], str]:
    return {(r["state"], r["county"]): r["area"] for r in _rows("counties.csv")}


@lru_cache(maxsize=1)
def _area_wages() -> dict[tuple[str, str], tuple[int, int, int, int]]:
    return {(r["area"], r["soc"]): tuple(int(r[f"level_{i}"]) for i in range(1, 5))
            for r in _rows("area_wages.csv")}


@lru_cache(maxsize=1)
def _cities() -> dict[tuple[str, str], str]:
    return {(r["state"], r["city"]): r["county"] for r in _rows("cities.csv")}


def _rows(name: str) -> list[dict]:
    with open(WAGE_DIR / name, newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))
