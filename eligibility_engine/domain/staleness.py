"""Dated law: flag every figure a result used that is past its end or older than its cadence.

A rule or table is applied as dated data, never silently: when `today` is past its
`effective_to`, or its `as_of` is older than the refresh cadence of its kind (catalogue.yaml
`refresh_cadence`: the visa bulletin monthly, processing times quarterly, proclamation lists
every six months, statistics three years), the result carries "verify: ... data as of ...".
"""

from __future__ import annotations

from datetime import date

from catalogue.loader import Catalogue
from catalogue.wages import SOURCE as WAGE_SOURCE

NATIONALITY_GATES = {"usmca_citizen": "usmca", "h1b1_citizen": "h1b1_fta",
                     "australian_citizen": "e3_australia", "e2_treaty_national": "e2_treaty",
                     "not_travel_banned": "travel_ban_full",
                     "immigrant_entry_not_suspended": "travel_ban_partial"}
FLAG_LISTS = {"immigrant_visa_pause": "immigrant_visa_pause",
              "travel_ban_partial": "travel_ban_partial"}


def verify_flags(visa_type: dict, rec: dict, catalogue: Catalogue, today: date) -> list[dict]:
    """The stale-data flags for one recommendation."""
    cadence = catalogue.refresh_cadence or {}
    flags = []
    if visa_type.get("visa_bulletin_category"):
        bulletin = catalogue.visa_bulletin
        flags += _dated("visa_bulletin", f"visa bulletin ({bulletin['bulletin']})", bulletin,
                        cadence.get("visa_bulletin", {}).get("months", 1), today)
    regular = visa_type["processing"]["regular_months"]
    flags += _dated("processing_times", f"{visa_type['code']} processing times", regular,
                    cadence.get("processing_times", {}).get("months", 3), today)
    if any(g["id"] == "prevailing_wage" for g in rec["gates"]):
        flags += _dated("prevailing_wages", "OFLC prevailing wages (wage year 2025-26)",
                        WAGE_SOURCE, 12, today)
    for list_name in _lists_relied_on(rec):
        entry = catalogue.nationality_lists[list_name]
        months = cadence.get("nationality_lists", {}).get("months", 6)
        flags += _dated(f"list:{list_name}", f"nationality list {list_name}", entry,
                        months if entry.get("review_days") else 240, today)
    industry = rec["success_probability_range"]["basis"]["industry"]
    if industry.get("stale") and industry.get("data_age_months"):
        flags.append({"what": f"base_rate:{visa_type['base_rate_key']}",
                      "as_of": industry["window"],
                      "message": f"verify: approval statistics as of {industry['window']} "
                                 f"({industry['stale']})"})
    for flag in rec["flags"]:
        rule = next((r for r in catalogue.disqualifiers if r["id"] == flag["id"]), {})
        flags += _dated(f"rule:{flag['id']}", rule.get("description", flag["id"]), rule, None,
                        today)
    return flags


def _lists_relied_on(rec: dict) -> list[str]:
    lists = [NATIONALITY_GATES[g["id"]] for g in rec["gates"]
             if g["id"] in NATIONALITY_GATES and g["met"] is False]
    lists += [FLAG_LISTS[f["id"]] for f in rec["flags"] if f["id"] in FLAG_LISTS]
    lists += ["e2_treaty" for g in rec["gates"] if g["id"] == "e2_treaty_national" and g["met"]]
    return list(dict.fromkeys(lists))


def _dated(what: str, label: str, entry: dict, cadence_months: int | None,
           today: date) -> list[dict]:
    as_of = entry.get("as_of")
    end = entry.get("effective_to")
    if end and today > date.fromisoformat(str(end)):
        return [{"what": what, "as_of": as_of, "effective_to": str(end),
                 "message": f"verify: {label} data as of {as_of}, in force until {end}; check "
                            "whether it still applies or was replaced"}]
    if as_of and cadence_months is not None:
        age = _months(date.fromisoformat(str(as_of)), today)
        if age > cadence_months:
            return [{"what": what, "as_of": as_of,
                     "message": f"verify: {label} data as of {as_of} ({age} months old; "
                                f"refreshed every {cadence_months} month(s))"}]
    return []


def _months(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month
