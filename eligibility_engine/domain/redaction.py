"""What of a client's profile may leave the process for the LLM: identifiers out of every string.

The direct identifiers (name, email, phone, date of birth, notes) are dropped as fields, and
then scrubbed from every free-text value, wherever an attorney typed them: a media title, a
contribution, an award name. Patterns catch what the profile does not name (another email,
a phone number, a full date, a street address, a ZIP code). The employer, the university and
the exact location are not needed to judge the evidence: they go out as placeholders, the
location as its country only.
"""

from __future__ import annotations

import copy
import re

from contracts.profile import DIRECT_IDENTIFIERS

CLIENT = "[client]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d\s().-]{6,}\d(?![\w/])")
_DATE = re.compile(
    r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4})\b",
    re.IGNORECASE)
_STREET = re.compile(
    r"\b\d{1,6}[A-Za-z]?\s+(?:[A-Z][\w'.-]*\s+){1,4}(?:street|st|avenue|ave|road|rd|boulevard|blvd|"
    r"lane|ln|drive|dr|court|ct|way|place|pl|terrace|square|sq|highway|hwy|strasse|straße)\b"
    r"\.?(?:,?\s+(?:apt|apartment|suite|ste|unit|#)\s*[\w-]+)?", re.IGNORECASE)
_YEARS = re.compile(r"(?:(?:19|20)\d\d[\s.-]*)+")
_POBOX = re.compile(r"\bp\.?\s?o\.?\s+box\s+\d+\b", re.IGNORECASE)
_ZIP = re.compile(r"\b\d{5}(?:-\d{4})\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")
# Names the analysis does not need: the rules already judged the wage and the degree.
_PLACEHOLDERS = {("current_employer",): "[employer]", ("university",): "[university]",
                 ("job_offer", "employer"): "[offering employer]",
                 ("foreign_employment", "employer"): "[employer abroad]"}


def redacted_profile(profile: dict, identifiers: dict) -> dict:
    """Return the profile as it may be sent: no identifier in any field or any string."""
    kept = copy.deepcopy({k: v for k, v in profile.items() if k not in DIRECT_IDENTIFIERS})
    for path, placeholder in _PLACEHOLDERS.items():
        _replace(kept, path, placeholder)
    if isinstance(kept.get("current_location"), str):
        kept["current_location"] = kept["current_location"].split(",")[-1].strip()
    scrub = scrubber(identifiers, _named_organisations(profile))
    return _walk(kept, scrub)


def redacted_findings(result: dict, profile: dict, identifiers: dict) -> dict:
    """Return the rules' result with every explanation and flag scrubbed the same way: the
    rules quote the employer ("U.S. petitioner: Acme AI") and other facts in their text."""
    scrub = scrubber(identifiers, _named_organisations(profile))
    copied = copy.deepcopy(result)
    for rec in copied["recommendations"]:
        for row in [*rec["gates"], *rec["criteria"]]:
            row["explanation"] = scrub(row["explanation"] or "")
        for flag in rec.get("flags", []):
            flag["message"] = scrub(flag["message"])
    return copied


def _named_organisations(profile: dict) -> dict[str, str]:
    names = {}
    for path, placeholder in _PLACEHOLDERS.items():
        holder = profile
        for key in path:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, str) and holder.strip():
            names[holder.strip()] = placeholder
    return names


def scrubber(identifiers: dict, organisations: dict[str, str] | None = None):
    """Return a function that removes these identifiers (and identifier-like text) from a string."""
    names = _name_patterns(identifiers)
    exact = [str(identifiers[k]) for k in ("email", "phone", "date_of_birth")
             if identifiers.get(k)]

    def scrub(text: str) -> str:
        for value in exact:
            text = text.replace(value, "[redacted]")
        for name, placeholder in sorted((organisations or {}).items(), key=lambda kv: -len(kv[0])):
            text = re.sub(re.escape(name), placeholder, text, flags=re.IGNORECASE)
        text = _EMAIL.sub("[email]", text)
        text = _DATE.sub("[date]", text)
        text = _STREET.sub("[address]", text)
        text = _POBOX.sub("[address]", text)
        text = _ZIP.sub("[address]", text)
        text = _PHONE.sub(_phone, text)
        for pattern in names:
            text = pattern.sub(CLIENT, text)
        return text

    return scrub


def _phone(match: re.Match) -> str:
    # Seven digits or more: a year range or a count is not a phone number.
    text = match.group()
    if sum(c.isdigit() for c in text) < 7 or _YEARS.fullmatch(text):
        return text
    return "[phone]"


def _name_patterns(identifiers: dict) -> list[re.Pattern]:
    parts = [str(identifiers.get(k) or "").strip() for k in ("first_name", "last_name")]
    words = {w for part in parts for w in re.split(r"[\s-]+", part) if len(w) > 1}
    full = " ".join(p for p in parts if p)
    candidates = sorted({full, *words} - {""}, key=len, reverse=True)
    return [re.compile(rf"(?<!\w){re.escape(c)}(?:'s|’s)?(?!\w)", re.IGNORECASE)
            for c in candidates]


def _walk(value, scrub):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _walk(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, scrub) for v in value]
    return value


def _replace(profile: dict, path: tuple[str, ...], placeholder: str) -> None:
    holder = profile
    for key in path[:-1]:
        holder = holder.get(key) if isinstance(holder, dict) else None
        if not isinstance(holder, dict):
            return
    if holder.get(path[-1]):
        holder[path[-1]] = placeholder
