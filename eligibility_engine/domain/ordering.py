"""An order that answers the client's question: grouped, by goals, then verdict and chance.

Results fall in two groups: work authorisation now (nonimmigrant types) and permanent
residence (immigrant types). The client's goals (`goals.objective`: work_visa_now, green_card
or both; `goals.preferred_visa_types`; or visa types named in the notes) put a group and the
preferred types first; within a group the order is verdict, then (for permanent residence)
the expected months to the green card, as a practitioner leads with the fastest route among
those equally pursuable (EB-1C before a PERM case for a multinational manager), then the chance
of getting the status (the probability, times the H-1B lottery's odds where one applies), then
score.
"""

from __future__ import annotations

import re

from eligibility_engine.domain.scoring import VERDICT_ORDER

GROUPS = {"work_authorization": "Work authorisation now",
          "permanent_residence": "Permanent residence"}
MENTION = re.compile(r"\b(o-?1a|o-?1b|eb-?1a|eb-?1b|eb-?1c|niw|national interest waiver|perm|"
                     r"eb-?3|h-?1b1|h-?1b|l-?1a|l-?1b|tn|e-?2|e-?3|eb-?5|green card)\b", re.I)
NOTE_CODES = {"o1a": "O-1A", "o1b": "O-1B", "eb1a": "EB-1A", "eb1b": "EB-1B", "eb1c": "EB-1C",
              "niw": "EB-2 NIW", "nationalinterestwaiver": "EB-2 NIW", "perm": "EB-2 PERM",
              "eb3": "EB-3", "h1b": "H-1B", "h1b1": "H-1B1", "l1a": "L-1A", "l1b": "L-1B",
              "tn": "TN", "e2": "E-2", "e3": "E-3", "eb5": "EB-5"}
REACHABLE = ("strong", "viable")


def chance_now(rec: dict) -> float:
    """The chance of getting the status: the petition's, times the lottery's where one applies."""
    lottery = rec.get("lottery") or {}
    odds = lottery.get("odds", 1.0) if lottery.get("applies") else 1.0
    return rec["success_probability"] * odds


def months_to_green_card(rec: dict) -> float:
    """Midpoint of the estimated months to permanent residence (0 for work visas: not ranked)."""
    if rec["group"] != "permanent_residence":
        return 0.0
    timeline = rec.get("estimated_timeline_months") or {}
    if timeline.get("low") is None or timeline.get("high") is None:
        return float("inf")
    return (timeline["low"] + timeline["high"]) / 2


def group_of(visa_type: dict) -> str:
    return "permanent_residence" if visa_type["kind"] == "immigrant" else "work_authorization"


def client_goals(profile: dict) -> dict:
    """The stated goals, with visa types named in the notes when none are recorded."""
    goals = dict(profile.get("goals") or {})
    preferred = [_code(t) for t in goals.get("preferred_visa_types") or []]
    notes = profile.get("notes") or ""
    mentioned = [m.group(1) for m in MENTION.finditer(notes)]
    if not preferred:
        preferred = [NOTE_CODES[k] for k in (re.sub(r"[-\s]", "", m.lower()) for m in mentioned)
                     if k in NOTE_CODES]
    objective = goals.get("objective")
    if objective is None and any(m.lower() == "green card" for m in mentioned):
        objective = "green_card"
    return {"objective": objective, "urgency": goals.get("urgency"),
            "preferred_visa_types": list(dict.fromkeys(p for p in preferred if p)),
            "from_notes": not goals.get("preferred_visa_types") and bool(preferred)}


def order_recommendations(recommendations: list[dict], profile: dict) -> list[dict]:
    """Sort in place and return the groups in the order the client's goals put them."""
    goals = client_goals(profile)
    group_rank = _group_rank(goals)
    preferred = {code.upper(): i for i, code in enumerate(goals["preferred_visa_types"])}
    recommendations.sort(key=lambda r: (
        r["verdict"] == "not_eligible", group_rank[r["group"]],
        0 if r["visa_type"].upper() in preferred and r["verdict"] != "not_eligible" else 1,
        VERDICT_ORDER[r["verdict"]], months_to_green_card(r), -chance_now(r),
        -r["eligibility_score"],
        preferred.get(r["visa_type"].upper(), 99), r["visa_type"]))
    order = sorted(GROUPS, key=group_rank.get)
    # Not-eligible types close the list; within each group the order above still holds.
    return [{"id": g, "title": GROUPS[g],
             "visa_types": [r["visa_type"] for r in recommendations if r["group"] == g]}
            for g in order]


def result_summary(recommendations: list[dict], profile: dict) -> dict:
    """Best path now, best green-card path and what to ask first, to show as is."""
    goals = client_goals(profile)
    now = _best(recommendations, "work_authorization")
    green = _best(recommendations, "permanent_residence")
    ask = _ask_first(recommendations)
    return {"best_path_now": now, "best_green_card_path": green, "ask_first": ask,
            "goals": goals, "text": _text(now, green, ask, goals)}


def _best(recommendations: list[dict], group: str) -> dict | None:
    for rec in recommendations:
        if rec["group"] == group and rec["verdict"] in REACHABLE:
            return {"visa_type": rec["visa_type"], "name": rec["name"], "verdict": rec["verdict"],
                    "success_probability": rec["success_probability"],
                    "conditional": rec["conditional"], "why": rec["summary"]}
    return None


def _ask_first(recommendations: list[dict], limit: int = 5) -> list[dict]:
    asked: dict[str, dict] = {}
    ranked = [r for r in recommendations if r["verdict"] != "not_eligible"]
    for decides in (True, False):
        for rec in ranked:
            # A question is worth asking only where the type is in reach: a nurse with no
            # record is not asked about O-1A prizes, nor who would petition for her O-1A.
            if not _within_reach(rec):
                continue
            for q in rec["questions"]:
                if q["decides"] != decides:
                    continue
                key = q["question"]
                entry = asked.setdefault(key, {"field": q["field"], "question": q["question"],
                                               "affects": []})
                if rec["visa_type"] not in entry["affects"]:
                    entry["affects"].append(rec["visa_type"])
    return list(asked.values())[:limit]


def _within_reach(rec: dict) -> bool:
    if rec["verdict"] in REACHABLE:
        return True
    required = rec.get("criteria_required") or 0
    if required == 0:
        return True  # a type judged on its gates alone: the open gate decides it
    return (rec.get("criteria_met") or 0) >= required - 1


def _text(now: dict | None, green: dict | None, ask: list[dict], goals: dict) -> str:
    parts = []
    parts.append(f"Best path to work now: {now['visa_type']} ({now['verdict']}, "
                 f"{now['success_probability']:.0%} if filed on this record"
                 f"{', once the open facts are confirmed' if now['conditional'] else ''})."
                 if now else "No work-authorisation type is viable on this record yet.")
    parts.append(f"Best green-card path: {green['visa_type']} ({green['verdict']}, "
                 f"{green['success_probability']:.0%}"
                 f"{', once the open facts are confirmed' if green['conditional'] else ''})."
                 if green else "No green-card type is viable on this record yet.")
    if ask:
        parts.append("Ask first: " + ask[0]["question"].rstrip("?") + "?")
    if goals["preferred_visa_types"]:
        parts.append("The client's stated preference (" + ", ".join(goals["preferred_visa_types"])
                     + ") is listed first.")
    return " ".join(parts)


def _group_rank(goals: dict) -> dict[str, int]:
    if goals["objective"] == "green_card":
        return {"permanent_residence": 0, "work_authorization": 1}
    if goals["objective"] is None and goals["preferred_visa_types"] and all(
            p.startswith("EB") for p in goals["preferred_visa_types"]):
        return {"permanent_residence": 0, "work_authorization": 1}
    return {"work_authorization": 0, "permanent_residence": 1}


def _code(text: str) -> str:
    key = re.sub(r"[-\s]", "", text.lower())
    return NOTE_CODES.get(key, text)
