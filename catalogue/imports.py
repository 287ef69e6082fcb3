"""Load a new month's visa bulletin or a new set of processing times into the catalogue.

Both write the catalogue's data file, bump the catalogue version (so the stale-check listing
and `visa recheck` see every earlier check as stale) and leave publishing to the caller.
Formats (documented in catalogue/data/README.md):

visa bulletin CSV: `month,category,chargeability,final_action,source` — one row per cut-off;
  `month` YYYY-MM, the same on every row; `category` one of BULLETIN_CATEGORIES;
  `chargeability` `default` (all chargeability areas) or a country (code, name or demonym);
  `final_action` `C` (current), `U` (unavailable) or a date YYYY-MM-DD; every category needs
  its `default` row.
processing times CSV: `visa_type,low_months,high_months,as_of,source,estimate` — one row per
  catalogue type; months are whole numbers, low <= high; `estimate` true or false.
"""

from __future__ import annotations

import calendar
import csv
import re
from datetime import date
from pathlib import Path

import yaml

from catalogue.loader import PACKAGE_DIR, UnknownVisaTypeError, load_catalogue_from
from contracts.countries import UnknownCountryError, country_code

BULLETIN_CATEGORIES = ("EB-1", "EB-2", "EB-3", "EB-3 Other Workers", "EB-5 Unreserved",
                       "EB-5 Set-aside")
BULLETIN_COLUMNS = ("month", "category", "chargeability", "final_action", "source")
PROCESSING_COLUMNS = ("visa_type", "low_months", "high_months", "as_of", "source", "estimate")


class CatalogueImportError(ValueError):
    """The file does not follow the documented format; the message names the row."""


def import_bulletin(path: str | Path, root: Path = PACKAGE_DIR,
                    today: date | None = None) -> dict:
    """Replace the visa bulletin with the file's month and bump the catalogue version."""
    rows = _rows(path, BULLETIN_COLUMNS)
    months = {r["month"] for r in rows}
    if len(months) != 1 or not re.fullmatch(r"\d{4}-\d{2}", next(iter(months))):
        raise CatalogueImportError(f"every row needs the same month YYYY-MM, got {sorted(months)}")
    month = next(iter(months))
    chart: dict[str, dict] = {}
    for n, row in enumerate(rows, start=2):
        category = row["category"]
        if category not in BULLETIN_CATEGORIES:
            raise CatalogueImportError(f"row {n}: unknown category {category!r} "
                                       f"(one of {', '.join(BULLETIN_CATEGORIES)})")
        chart.setdefault(category, {})[_chargeability(row["chargeability"], n)] = \
            _cutoff(row["final_action"], n)
    missing = [c for c, rows_ in chart.items() if "default" not in rows_]
    if missing:
        raise CatalogueImportError(f"no `default` row for {', '.join(missing)}")
    year, number = (int(x) for x in month.split("-"))
    first = date(year, number, 1)
    last = date(year, number, calendar.monthrange(year, number)[1])
    data_file = Path(root) / "data" / "visa_bulletin.yaml"
    current = yaml.safe_load(data_file.read_text())
    bulletin = {"bulletin": f"{first:%B %Y} Final Action Dates (employment-based)",
                "month": month, "as_of": first.isoformat(), "effective_from": first.isoformat(),
                "effective_to": last.isoformat(), "source": rows[0]["source"] or None,
                "note": "imported with `visa catalogue import-bulletin`",
                "wait_estimate": current["wait_estimate"], "final_action": chart}
    data_file.write_text(_HEADER_BULLETIN + yaml.safe_dump(bulletin, sort_keys=False,
                                                           allow_unicode=True))
    return {"imported": "visa_bulletin", "month": month, "categories": len(chart),
            "version": bump_version(root, today)}


def import_processing(path: str | Path, root: Path = PACKAGE_DIR,
                      today: date | None = None) -> dict:
    """Record new regular-processing ranges per type and bump the catalogue version."""
    rows = _rows(path, PROCESSING_COLUMNS)
    catalogue = load_catalogue_from(root)
    types = {}
    for n, row in enumerate(rows, start=2):
        try:
            code = catalogue.visa_type(row["visa_type"])["code"]
        except UnknownVisaTypeError as exc:
            raise CatalogueImportError(f"row {n}: {exc}") from None
        low, high = _months(row["low_months"], n), _months(row["high_months"], n)
        if low > high:
            raise CatalogueImportError(f"row {n}: low_months {low} is above high_months {high}")
        as_of = _date(row["as_of"], n)
        estimate = row["estimate"].strip().lower()
        if estimate not in ("true", "false"):
            raise CatalogueImportError(f"row {n}: estimate must be true or false")
        types[code] = {"low": low, "high": high, "as_of": as_of, "source": row["source"] or None,
                       "estimate": estimate == "true"}
    newest = max(t["as_of"] for t in types.values())
    data_file = Path(root) / "data" / "processing_times.yaml"
    data_file.write_text(_HEADER_PROCESSING + yaml.safe_dump(
        {"as_of": newest, "types": types}, sort_keys=False, allow_unicode=True))
    return {"imported": "processing_times", "types": len(types), "as_of": newest,
            "version": bump_version(root, today)}


def bump_version(root: Path = PACKAGE_DIR, today: date | None = None) -> str:
    """Give the catalogue a new version `YYYY.MM.DD-N` (N counts that day's versions)."""
    today = today or date.today()
    index_file = Path(root) / "visa_types" / "catalogue.yaml"
    text = index_file.read_text()
    current = re.search(r'^version: "([^"]+)"', text, re.M).group(1)
    prefix = f"{today:%Y.%m.%d}"
    n = int(current.split("-")[1]) + 1 if current.startswith(prefix + "-") else 1
    version = f"{prefix}-{n}"
    text = re.sub(r'^version: "[^"]+"', f'version: "{version}"', text, count=1, flags=re.M)
    text = re.sub(r'^published: "[^"]+"', f'published: "{today.isoformat()}"', text, count=1,
                  flags=re.M)
    index_file.write_text(text)
    return version


def _rows(path: str | Path, columns: tuple[str, ...]) -> list[dict]:
    try:
        with open(path, newline="") as handle:
            reader = csv.DictReader(line for line in handle if not line.startswith("#"))
            if tuple(reader.fieldnames or ()) != columns:
                raise CatalogueImportError(f"the header must be {','.join(columns)}, got "
                                           f"{','.join(reader.fieldnames or [])}")
            rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    except OSError as exc:
        raise CatalogueImportError(f"cannot read {path}: {exc.strerror}") from None
    if not rows:
        raise CatalogueImportError("the file has no rows")
    return rows


def _chargeability(value: str, n: int) -> str:
    if value.lower() in ("default", "all", "all chargeability", "row"):
        return "default"
    try:
        return country_code(value)
    except UnknownCountryError as exc:
        raise CatalogueImportError(f"row {n}: {exc}") from None


def _cutoff(value: str, n: int) -> str:
    if value.upper() in ("C", "U"):
        return value.upper()
    return _date(value, n)


def _date(value: str, n: int) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise CatalogueImportError(f"row {n}: {value!r} is not a date YYYY-MM-DD") from None


def _months(value: str, n: int) -> int:
    if not value.isdigit():
        raise CatalogueImportError(f"row {n}: months must be whole numbers, got {value!r}")
    return int(value)


_HEADER_BULLETIN = ("# Employment-based Final Action Dates, imported by `visa catalogue "
                    "import-bulletin` (format: catalogue/data/README.md).\n")
_HEADER_PROCESSING = ("# Regular-processing ranges by visa type, imported by `visa catalogue "
                      "import-processing`; a row replaces the type file's "
                      "processing.regular_months.\n")
