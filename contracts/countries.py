"""Countries as ISO 3166-1 alpha-2 codes: one reading of every way attorneys write them.

pycountry (the Debian iso-codes data) answers codes (alpha-2, alpha-3, numeric) and the
official, common and short names; `data/countries.yaml` adds common short forms and
demonyms ("Canadian", "UK", "Republic of Korea"). Nothing is guessed: a string that is none
of these is unknown, and `close_matches` offers what it may have meant. Profiles store the
code; events written before codes hold English names and are read through `country_code`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pycountry
import yaml

DATA = Path(__file__).resolve().parent / "data" / "countries.yaml"


class UnknownCountryError(ValueError):
    """The string names no country we know; `suggestions` lists close matches."""

    def __init__(self, value: str, suggestions: list[str]):
        self.value = value
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown country {value!r}{hint}")


def country_code(value: str) -> str:
    """The alpha-2 code of a country written as a code, a name or a demonym."""
    key = _key(value)
    code = _index().get(key)
    if code is None:
        raise UnknownCountryError(value, close_matches(value))
    return code


def country_code_or_none(value: str | None) -> str | None:
    try:
        return country_code(value) if value else None
    except UnknownCountryError:
        return None


def country_name(code: str) -> str:
    if code in _extra():
        return _extra()[code]["name"]
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name if country else code


def close_matches(value: str, limit: int = 3) -> list[str]:
    """Up to `limit` country names near what was typed, best first ("Name (CODE)")."""
    names = _names()
    found = difflib.get_close_matches(_key(value), list(names), n=limit * 3, cutoff=0.6)
    suggestions = []
    for name in found:
        label = f"{country_name(names[name])} ({names[name]})"
        if label not in suggestions:
            suggestions.append(label)
    return suggestions[:limit]


def all_countries() -> list[dict]:
    """Every country as {code, name}, sorted by name (for pickers)."""
    codes = {c.alpha_2 for c in pycountry.countries} | set(_extra())
    return sorted(({"code": c, "name": country_name(c)} for c in codes),
                  key=lambda c: c["name"])


def _key(value: str) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.strip().lower().replace("’", "'"))


@lru_cache(maxsize=1)
def _supplement() -> dict:
    with open(DATA) as handle:
        return yaml.safe_load(handle)


def _extra() -> dict:
    return _supplement()["extra_countries"]


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Full names (no codes) -> code, for suggestions."""
    names = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if getattr(country, attr, None):
                names[_key(getattr(country, attr))] = country.alpha_2
    for code, aliases in _supplement()["aliases"].items():
        for alias in aliases:
            if len(alias) > 3:
                names[_key(alias)] = code
    for code, extra in _extra().items():
        names[_key(extra["name"])] = code
    return names


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index = dict(_names())
    for country in pycountry.countries:
        index[_key(country.alpha_2)] = country.alpha_2
        index[_key(country.alpha_3)] = country.alpha_2
        index[_key(country.numeric)] = country.alpha_2
    for code, aliases in _supplement()["aliases"].items():
        for alias in aliases:
            index[_key(alias)] = code
    for code, extra in _extra().items():
        index[_key(code)] = code
        for alias in extra["aliases"]:
            index[_key(alias)] = code
    return index
