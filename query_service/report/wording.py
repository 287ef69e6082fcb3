"""The engine's findings in plain words: verdicts, headlines, data ages, timelines."""

from __future__ import annotations

from datetime import date

import pycountry

VERDICTS = {"strong": "Strong", "viable": "Viable", "weak": "Weak",
            "not_eligible": "Not eligible"}
STATES = {True: "Met", False: "Not met", None: "To confirm"}


def short_name(rec: dict) -> str:
    """'O-1A: individual with extraordinary ability' -> 'Individual with extraordinary ability'."""
    name = rec.get("name") or ""
    rest = name.split(": ", 1)[1] if ": " in name else name
    return rest[:1].upper() + rest[1:]


def headline(rec: dict) -> str:
    """One sentence an attorney could read to the client."""
    verdict = rec.get("verdict")
    if verdict == "not_eligible":
        return f"Not available: {not_eligible_reason(rec)}."
    questions = [q for q in rec.get("questions") or [] if q.get("decides")]
    if rec.get("conditional") and rec.get("verdict_if_confirmed"):
        facts = "one fact" if len(questions) == 1 else f"{len(questions) or 'a few'} facts"
        return (f"{VERDICTS.get(verdict, verdict)} on this record; "
                f"{VERDICTS[rec['verdict_if_confirmed']].lower()} once the client confirms {facts}.")
    met, needed = rec.get("criteria_met") or 0, rec.get("criteria_required") or 0
    record = (f"meets {met} of the criteria, {needed} needed" if needed
              else "every requirement checked is met" if verdict in ("strong", "viable")
              else "some requirements are not shown yet")
    lottery = rec.get("lottery") or {}
    chance = (f"; filing depends on the registration lottery (about {percent(lottery['odds'])}"
              " chance of selection)") if lottery.get("applies") and lottery.get("odds") else ""
    return f"{VERDICTS.get(verdict, verdict)} case: {record}{chance}."


def not_eligible_reason(rec: dict) -> str:
    """The first requirement the client does not meet, as the engine explained it."""
    for gate in rec.get("gates") or []:
        if gate.get("met") is False and gate.get("explanation"):
            return gate["explanation"].rstrip(".")
    reasons = rec.get("not_eligible_reasons") or []
    return reasons[0].split(": ", 1)[-1].rstrip(".") if reasons else "a requirement is not met"


def criteria_count(rec: dict) -> str | None:
    """'7 criteria met; 3 needed' (never '7 of 3 criteria needed')."""
    needed = rec.get("criteria_required")
    if not needed:
        return None
    met = rec.get("criteria_met") or 0
    return f"{met} {'criterion' if met == 1 else 'criteria'} met; {needed} needed"


def percent(value) -> str:
    return f"{round(float(value) * 100)}%"


def probability(rec: dict) -> str:
    spread = rec.get("success_probability_range") or {}
    point = percent(rec.get("success_probability") or 0)
    if spread.get("low") is not None and spread.get("high") is not None:
        return f"{point} (range {percent(spread['low'])}–{percent(spread['high'])})"
    return point


def probability_basis(rec: dict) -> str:
    """Where the probability comes from, with the statistic's age in words."""
    if rec.get("verdict") == "not_eligible":
        return "Not eligible on this record, so no chance of approval is given."
    basis = ((rec.get("success_probability_range") or {}).get("basis") or {}).get("industry") or {}
    age = months_words(basis.get("data_age_months"))
    age = f" (data {age} old)" if age else ""
    if basis.get("sample_size"):
        source = (f"Based on {basis['sample_size']:,} decisions on {basis.get('classification')}"
                  f" in {basis.get('window')}{age}")
    elif basis.get("window") and basis["window"] != "prior":
        source = (f"Based on published approval rates for {basis.get('classification')}"
                  f" in {basis['window']}{age}")
    else:
        source = ("No published approval statistic"
                  f"{' for ' + basis['classification'] if basis.get('classification') else ''};"
                  " based on a documented estimate")
    verdict = VERDICTS.get(rec.get("verdict"), "").lower()
    return f"{source}, then adjusted for the strength of this {verdict} case."


def months_words(months) -> str | None:
    if months is None:
        return None
    months = int(months)
    if months < 1:
        return "less than a month"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


def as_of_words(as_of: str | None, on: date) -> str | None:
    """'2026-07-01' seen on 2026-12-02 -> 'July 2026, 5 months old'."""
    try:
        then = date.fromisoformat(str(as_of)[:10])
    except ValueError:
        return str(as_of) if as_of else None
    months = (on.year - then.year) * 12 + on.month - then.month - (on.day < then.day)
    age = months_words(max(0, months))
    return f"{then.strftime('%B %Y')}, {age} old"


def timeline(rec: dict) -> dict:
    """The estimated time to a decision, the visa-bulletin wait and what the estimate assumes."""
    months = rec.get("estimated_timeline_months") or {}
    if months.get("low") is None:
        return {"range": "No estimate", "premium": None, "bulletin": None, "assumes": None}
    premium = months.get("premium_processing_business_days")
    return {"range": f"{months['low']}–{months['high']} months",
            "premium": f"Premium processing: {premium} business days" if premium else None,
            "bulletin": bulletin_wait(months.get("visa_bulletin_wait_months") or {}),
            "assumes": months.get("assumes")}


def bulletin_wait(wait: dict) -> str | None:
    category = wait.get("category")
    if not category:
        return None
    country = country_name(wait.get("country_of_chargeability"))
    if wait.get("final_action_date") == "C" or not wait.get("high"):
        return f"Visa bulletin: {category} is current for {country}; no wait for a visa number."
    return (f"Visa bulletin: {category} for {country} has a final action date of "
            f"{long_date(wait['final_action_date'])}; expect about {wait['low']}–{wait['high']} months of "
            "waiting for a visa number, included above.")


def country_name(code: str | None) -> str:
    found = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(found, "common_name", None) or getattr(found, "name", None) or "the client's country"


def long_date(text: str | None) -> str:
    try:
        day = date.fromisoformat(str(text)[:10])
    except ValueError:
        return str(text)
    return f"{day.strftime('%B')} {day.day}, {day.year}"
