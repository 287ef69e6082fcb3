"""The data a check relied on, each with the date it is as of and its age in words."""

from __future__ import annotations

from datetime import date

from query_service.report.wording import as_of_words, months_words

_KINDS = {"processing_times": "USCIS processing times", "prevailing_wages": None,
          "visa_bulletin": None}


def data_sources(recs: list[dict], on: date) -> list[dict]:
    """One row per source the chosen types used: what it is, for which types, as of when."""
    rows: dict[tuple, dict] = {}
    for rec in recs:
        for item in rec.get("verify") or []:
            what = item.get("what") or ""
            if what.startswith("base_rate:"):
                continue
            label = _label(what, item.get("message") or "")
            row = rows.setdefault((label, item.get("as_of")), {
                "label": label, "as_of": as_of_words(item.get("as_of"), on) or "unknown",
                "types": []})
            row["types"].append(rec["visa_type"])
        basis = _industry_basis(rec)
        if basis.get("window") and basis["window"] != "prior":
            age = months_words(basis.get("data_age_months"))
            row = rows.setdefault(("approval", basis["window"]), {
                "label": "Approval statistics",
                "as_of": f"{basis['window']}{f', {age} old' if age else ''}", "types": []})
            row["types"].append(rec["visa_type"])
    return sorted(rows.values(), key=lambda r: (r["label"], r["as_of"]))


def _label(what: str, message: str) -> str:
    if what in _KINDS and _KINDS[what]:
        return _KINDS[what]
    if what.startswith("list:"):
        return "Nationality list (treaty and free-trade countries)"
    text = message.removeprefix("verify: ")
    for end in (" data as of", " as of"):
        if end in text:
            text = text[:text.index(end)]
            break
    return text[:1].upper() + text[1:] if text else "Published data"


def _industry_basis(rec: dict) -> dict:
    return ((rec.get("success_probability_range") or {}).get("basis") or {}).get("industry") or {}
