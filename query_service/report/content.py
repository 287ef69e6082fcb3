"""What the client report says: a completed check, cut to the chosen types, in plain words."""

from __future__ import annotations

from datetime import date

from query_service.report import wording
from query_service.report.sources import data_sources

GROUP_TITLES = {"work_authorization": "Work authorisation now",
                "permanent_residence": "Permanent residence (green card)"}
DISCLAIMER = ("This report is not legal advice. It was prepared from the information the client "
              "gave and from published government data as of the dates shown, and it is not an "
              "opinion of the firm until an attorney of the firm has reviewed it and signed it "
              "off below. Immigration law, processing times and visa availability change often.")


class UnknownVisaTypesError(ValueError):
    """The report was asked for types the check does not have."""

    def __init__(self, unknown: list[str], known: list[str]):
        super().__init__(", ".join(unknown))
        self.unknown, self.known = unknown, known


def chosen_types(check: dict, requested: list[str] | None) -> list[str]:
    """The check's types to include, in the check's order; every one when none is requested."""
    known = [r["visa_type"] for r in check.get("recommendations") or []]
    if not requested:
        return known
    by_key = {_key(t): t for t in known}
    unknown = [t for t in requested if _key(t) not in by_key]
    if unknown:
        raise UnknownVisaTypesError(unknown, known)
    wanted = {by_key[_key(t)] for t in requested}
    return [t for t in known if t in wanted]


def _key(visa_type: str) -> str:
    # "EB-2 NIW", "eb-2-niw" and "EB-2  NIW" name the same type.
    return "".join(ch for ch in visa_type.lower() if ch.isalnum())


def build_report(check: dict, client: dict, firm_name: str | None, types: list[str],
                 today: date) -> dict:
    """The report's content: letterhead, summary, one section per type, not-eligible table."""
    recs = [r for r in check.get("recommendations") or [] if r["visa_type"] in types]
    pursued = [r for r in recs if r.get("verdict") != "not_eligible"]
    return {
        "firm_name": firm_name or "Immigration counsel",
        "client_name": f"{client.get('first_name', '')} {client.get('last_name', '')}".strip(),
        "date": wording.long_date(today.isoformat()),
        "checked_on": wording.long_date((check.get("completed_at") or "")[:10]),
        "profile_version": check.get("profile_version"),
        "summary": summary(check, recs),
        "groups": [{"title": title, "sections": [section(r) for r in pursued
                                                 if r.get("group") == group]}
                   for group, title in GROUP_TITLES.items()
                   if any(r.get("group") == group for r in pursued)],
        "not_eligible": [{"visa_type": r["visa_type"], "name": wording.short_name(r),
                          "reason": wording.not_eligible_reason(r)}
                         for r in recs if r.get("verdict") == "not_eligible"],
        "sources": data_sources(pursued, today),
        "disclaimer": DISCLAIMER,
    }


def summary(check: dict, recs: list[dict]) -> dict:
    engine = check.get("summary") or {}
    included = {r["visa_type"] for r in recs}
    questions = [q for q in engine.get("ask_first") or []
                 if included & set(q.get("affects") or [])]
    return {"best_now": _best(engine.get("best_path_now"), recs, "work_authorization"),
            "best_green_card": _best(engine.get("best_green_card_path"), recs,
                                     "permanent_residence"),
            "next": _unique([q["question"] for q in questions if q.get("question")])}


def _best(pick: dict | None, recs: list[dict], group: str) -> dict | None:
    # The engine's pick when the report includes it, else the best included type of the group.
    by_type = {r["visa_type"]: r for r in recs}
    rec = by_type.get((pick or {}).get("visa_type")) or next(
        (r for r in recs if r.get("group") == group and r.get("verdict") != "not_eligible"), None)
    if rec is None:
        return None
    return {"visa_type": rec["visa_type"], "name": wording.short_name(rec),
            "verdict": wording.VERDICTS.get(rec["verdict"], rec["verdict"]),
            "probability": wording.percent(rec.get("success_probability") or 0),
            "headline": wording.headline(rec)}


def section(rec: dict) -> dict:
    rows = [*(rec.get("gates") or []), *(rec.get("criteria") or [])]
    return {
        "visa_type": rec["visa_type"], "name": wording.short_name(rec),
        "verdict": wording.VERDICTS.get(rec["verdict"], rec["verdict"]),
        "headline": wording.headline(rec), "legal_basis": rec.get("legal_basis"),
        "score": rec.get("eligibility_score"), "probability": wording.probability(rec),
        "basis": wording.probability_basis(rec), "count": wording.criteria_count(rec),
        "criteria": [{"state": wording.STATES.get(row.get("met")), "name": row.get("criterion"),
                      "explanation": row.get("explanation"), "citation": row.get("citation")}
                     for row in rows],
        "questions": _unique([q["question"] for q in rec.get("questions") or []
                              if q.get("question")]),
        "flags": [f.get("message") for f in rec.get("flags") or [] if f.get("message")],
        "evidence": list(rec.get("required_documents") or []),
        "timeline": wording.timeline(rec),
    }


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
