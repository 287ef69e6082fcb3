"""Derive the catalogue's prevailing-wage tables from the OFLC county extract (a dev tool).

    python scripts/derive_wage_tables.py SOURCE_DIR catalogue/data/wages

SOURCE_DIR holds `oflc_prevailing_wage_2025_26_selected_soc_by_county.csv` and
`oflc_prevailing_wage_2025_26_soc_national_summary.csv` (DOL OFLC wage year 2025-26 via
github.com/vchrombie/wagemap, commit d34079b). Writes:
- counties.csv: state, county, area (counties whose wages are identical for every SOC share
  an area: OFLC sets wages by area, not by county);
- area_wages.csv: area, soc, annual Level I-IV wages;
- soc_levels.csv: per SOC (all 848), the minimum, median and maximum over counties of each
  level's annual wage, for worksites whose county or SOC is not in the county extract.
Hourly figures are annualised at 2,080 hours; figures above 500 are already annual (OFLC gives
some teaching occupations as annual salaries). The product reads only the written files.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

HEADER = ("# Derived by scripts/derive_wage_tables.py from DOL OFLC Prevailing Wage Data, wage year "
          "2025-26 (effective 2025-07-01 to 2026-06-30), via github.com/vchrombie/wagemap commit "
          "d34079b. Annual USD.\n")


def annual(value: str) -> int:
    number = float(value)
    return int(round(number if number > 500 else number * 2080))


def derive(source: Path, target: Path) -> None:
    by_county: dict[tuple[str, str], dict[str, tuple[int, ...]]] = defaultdict(dict)
    with open(source / "oflc_prevailing_wage_2025_26_selected_soc_by_county.csv") as handle:
        for row in csv.DictReader(handle):
            levels = tuple(annual(row[f"L{i}_hourly"]) for i in range(1, 5))
            by_county[(row["state"], row["county"])][row["soc"]] = levels
    areas: dict[tuple, str] = {}
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "counties.csv", "w", newline="") as handle:
        handle.write(HEADER)
        writer = csv.writer(handle)
        writer.writerow(["state", "county", "area"])
        for (state, county), wages in sorted(by_county.items()):
            signature = tuple(sorted(wages.items()))
            area = areas.setdefault(signature, f"A{len(areas) + 1:04d}")
            writer.writerow([state, county, area])
    with open(target / "area_wages.csv", "w", newline="") as handle:
        handle.write(HEADER)
        writer = csv.writer(handle)
        writer.writerow(["area", "soc", "level_1", "level_2", "level_3", "level_4"])
        for signature, area in sorted(areas.items(), key=lambda item: item[1]):
            for soc, levels in signature:
                writer.writerow([area, soc, *levels])
    with open(source / "oflc_prevailing_wage_2025_26_soc_national_summary.csv") as handle, \
            open(target / "soc_levels.csv", "w", newline="") as out:
        out.write(HEADER + "# min/median/max over counties of each level (median not "
                  "employment-weighted).\n")
        writer = csv.writer(out)
        columns = [f"level_{i}_{stat}" for i in range(1, 5) for stat in ("min", "median", "max")]
        writer.writerow(["soc", "title", "counties", *columns])
        for row in csv.DictReader(handle):
            values = [annual(row[f"L{i}_hourly_{stat}"]) for i in range(1, 5)
                      for stat in ("min", "median", "max")]
            writer.writerow([row["soc"], row["soc_title"], row["n_counties"], *values])


if __name__ == "__main__":
    derive(Path(sys.argv[1]), Path(sys.argv[2]))
