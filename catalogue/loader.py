"""The visa catalogue: every rule, citation and figure the engine applies, loaded from data."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = PACKAGE_DIR / "visa_types"
DATA_DIR = PACKAGE_DIR / "data"


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

    def visa_type(self, code: str) -> dict:
        wanted = code.strip().upper().replace("-", "").replace(" ", "")
        for visa_type in self.types:
            if visa_type["code"].upper().replace("-", "").replace(" ", "") == wanted:
                return visa_type
        raise UnknownVisaTypeError(f"no visa type {code!r} in the catalogue")

    def nationals_of(self, list_name: str) -> set[str]:
        return {c.lower() for c in self.nationality_lists[list_name]["countries"]}


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Read the catalogue files shipped with the product."""
    index = _read_yaml(CATALOGUE_DIR / "catalogue.yaml")
    return Catalogue(
        version=str(index["version"]),
        published=str(index["published"]),
        types=tuple(_read_yaml(CATALOGUE_DIR / f"{name}.yaml") for name in index["types"]),
        visa_bulletin=index["visa_bulletin"],
        nationality_lists=index["nationality_lists"],
        sources=_read_yaml(CATALOGUE_DIR / "sources.yaml"),
        disqualifiers=tuple(_read_yaml(CATALOGUE_DIR / f"{index['disqualifiers']}.yaml")),
        base_rates=_read_yaml(DATA_DIR / "base_rates.yaml"),
    )


@lru_cache(maxsize=1)
def catalogue_fingerprint() -> str:
    """A digest of every catalogue and data file, so a published version pins its content."""
    digest = hashlib.sha256()
    for path in sorted([*CATALOGUE_DIR.glob("*.yaml"), *DATA_DIR.glob("*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class WageLevels:
    soc: str
    title: str
    levels: tuple[int, int, int, int]


@lru_cache(maxsize=1)
def load_wage_table() -> dict[str, WageLevels]:
    """Read the national prevailing-wage levels by SOC code."""
    with open(DATA_DIR / "prevailing_wages_national.csv", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            r["soc"]: WageLevels(r["soc"], r["soc_title"],
                                 tuple(int(r[f"level_{i}_usd"]) for i in range(1, 5)))
            for r in rows
        }


@lru_cache(maxsize=1)
def load_occupations() -> list[dict]:
    return _read_yaml(DATA_DIR / "occupations.yaml")


def occupation_for(*texts: str | None) -> WageLevels | None:
    """Place a field of study or job title in an occupation, when a keyword matches."""
    haystack = " ".join(t.lower() for t in texts if t)
    if not haystack:
        return None
    table = load_wage_table()
    for occupation in load_occupations():
        if any(keyword in haystack for keyword in occupation["keywords"]):
            return table.get(occupation["soc"])
    return None


def _read_yaml(path: Path):
    with open(path) as handle:
        return yaml.safe_load(handle)
