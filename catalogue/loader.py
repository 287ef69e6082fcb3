"""The visa catalogue: every rule, citation and figure the engine applies, loaded from data."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from catalogue.wages import soc_summary

PACKAGE_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = PACKAGE_DIR / "visa_types"
DATA_DIR = PACKAGE_DIR / "data"
# Judgement tables the criteria read (each file says its sources and dates).
REFERENCE_TABLES = ("tn_professions", "recognised_awards", "memberships", "media_outlets",
                    "field_norms", "wage_rules", "degree_equivalency", "degree_fields")


class UnknownVisaTypeError(Exception):
    """No visa type with that code in the catalogue."""


@dataclass(frozen=True)
class Catalogue:
    version: str
    published: str
    types: tuple[dict, ...]
    visa_bulletin: dict
    nationality_lists: dict
    sources: dict
    disqualifiers: tuple[dict, ...] = ()
    base_rates: dict | None = None
    refresh_cadence: dict | None = None
    reference: dict | None = None

    def visa_type(self, code: str) -> dict:
        wanted = code.strip().upper().replace("-", "").replace(" ", "")
        for visa_type in self.types:
            if visa_type["code"].upper().replace("-", "").replace(" ", "") == wanted:
                return visa_type
        raise UnknownVisaTypeError(f"no visa type {code!r} in the catalogue")

    def nationals_of(self, list_name: str) -> set[str]:
        """The ISO 3166-1 alpha-2 codes of a nationality list."""
        return {c.upper() for c in self.nationality_lists[list_name]["countries"]}


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Read the catalogue files shipped with the product."""
    return load_catalogue_from(PACKAGE_DIR)


def load_catalogue_from(root: Path) -> Catalogue:
    """Read a catalogue tree (`visa_types/` and `data/` under `root`), uncached."""
    types_dir, data_dir = Path(root) / "visa_types", Path(root) / "data"
    index = _read_yaml(types_dir / "catalogue.yaml")
    processing = _read_yaml(data_dir / "processing_times.yaml") or {}
    return Catalogue(
        version=str(index["version"]),
        published=str(index["published"]),
        types=tuple(_with_processing(_read_yaml(types_dir / f"{name}.yaml"), processing)
                    for name in index["types"]),
        visa_bulletin=_read_yaml(data_dir / "visa_bulletin.yaml"),
        nationality_lists=index["nationality_lists"],
        sources=_read_yaml(types_dir / "sources.yaml"),
        disqualifiers=tuple(_read_yaml(types_dir / f"{index['disqualifiers']}.yaml")),
        base_rates=_read_yaml(data_dir / "base_rates.yaml"),
        refresh_cadence=index.get("refresh_cadence", {}),
        reference={name: _read_yaml(data_dir / f"{name}.yaml") for name in REFERENCE_TABLES},
    )


@lru_cache(maxsize=1)
def catalogue_fingerprint() -> str:
    """A digest of every catalogue and data file, so a published version pins its content."""
    digest = hashlib.sha256()
    for path in sorted([*CATALOGUE_DIR.glob("*.yaml"), *DATA_DIR.rglob("*.*")]):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Occupation:
    soc: str
    title: str
    keyword: str
    specialty: bool = False
    managerial: bool = False
    unskilled: bool = False
    job_zone: int | None = None


@lru_cache(maxsize=1)
def load_occupations() -> list[dict]:
    occupations = _read_yaml(DATA_DIR / "occupations.yaml")
    for occupation in occupations:
        occupation["patterns"] = [(k, re.compile(r"(?<![a-z0-9])" + re.escape(k.lower())))
                                  for k in occupation["keywords"]]
    return occupations


@lru_cache(maxsize=4096)
def occupation_for(*texts: str | None) -> Occupation | None:
    """Place a job title (or field of study) in an occupation: the first text that matches wins."""
    for text in texts:
        if not text:
            continue
        haystack = text.lower()
        for occupation in load_occupations():
            match = next((k for k, p in occupation["patterns"] if p.search(haystack)), None)
            if match:
                return _occupation(occupation, match)
    return None


def occupation_by_soc(soc: str) -> Occupation | None:
    summary = soc_summary().get(soc)
    if summary is None:
        return None
    listed = next((o for o in load_occupations() if o["soc"] == soc), {})
    return Occupation(soc, summary["title"] or soc, "soc code", bool(listed.get("specialty")),
                      bool(listed.get("managerial")), bool(listed.get("unskilled")),
                      listed.get("job_zone"))


def _occupation(entry: dict, keyword: str) -> Occupation:
    title = soc_summary().get(entry["soc"], {}).get("title") or entry["keywords"][0]
    return Occupation(entry["soc"], title, keyword, bool(entry.get("specialty")),
                      bool(entry.get("managerial")), bool(entry.get("unskilled")),
                      entry.get("job_zone"))


def _with_processing(visa_type: dict, processing: dict) -> dict:
    """Apply an imported processing-time row (`visa catalogue import-processing`) to a type."""
    row = (processing.get("types") or {}).get(visa_type["code"])
    if row:
        visa_type["processing"]["regular_months"] = {**row, "imported": processing.get("as_of")}
    return visa_type


def _read_yaml(path: Path):
    with open(path) as handle:
        return yaml.safe_load(handle)
