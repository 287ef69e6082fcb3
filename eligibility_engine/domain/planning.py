"""What to do next: tailored documents, missing information and the gap plan across types."""

from __future__ import annotations

from eligibility_engine.domain.findings import Finding

# Gates no evidence can cure (nationality); every other failing gate is a step to take.
FIXED_GATES = {"usmca_citizen", "h1b1_citizen", "australian_citizen", "e2_treaty_national",
               "not_travel_banned", "immigrant_entry_not_suspended", "o1a_field", "o1b_arts_field", "one_year_abroad",
               "qualifying_relationship", "executive_or_manager_abroad",
               "specialized_knowledge_abroad"}
FLAG_DOCUMENTS = {
    "j1_home_residence": "J-1 waiver recommendation (DS-3035) and I-612 approval, or proof of "
                         "two years' home-country presence",
    "h1b_entry_payment": "Pay.gov receipt for the $100,000 payment or the DHS exception",
    "immigrant_intent": "Evidence of ties abroad and intent to depart at the end of status",
}


def tailored_documents(visa_type: dict, criteria: dict[str, Finding], flags: list[dict]) -> list:
    """The type's checklist plus the evidence for each criterion relied on or still open."""
    documents = list(visa_type.get("documents", []))
    for item in visa_type["criteria"]["items"]:
        if criteria[item["id"]].met is not False:
            documents.extend(item.get("documents", []))
    documents.extend(FLAG_DOCUMENTS[f["id"]] for f in flags if f["id"] in FLAG_DOCUMENTS)
    return list(dict.fromkeys(documents))


def missing_fields(findings: list[Finding]) -> list[str]:
    return sorted({field for finding in findings if finding.met is None
                   for field in finding.missing})


def missing_information(recommendations: list[dict]) -> list[dict]:
    """Absent profile fields that could change a reachable type's verdict, most useful first."""
    affects: dict[str, list[str]] = {}
    for rec in recommendations:
        if rec["verdict"] == "not_eligible":
            continue
        for field in rec["missing_information"]:
            affects.setdefault(field, []).append(rec["visa_type"])
    return sorted(({"field": f, "affects": types} for f, types in affects.items()),
                  key=lambda m: (-len(m["affects"]), m["field"]))


def gap_plan(recommendations: list[dict], catalogue_types: tuple[dict, ...]) -> list[dict]:
    """For each type not yet viable, what would make it reachable and what evidence is shared."""
    users = _criterion_users(catalogue_types)
    plans = []
    for rec in recommendations:
        if rec["verdict"] in ("strong", "viable"):
            continue
        plan = {"visa_type": rec["visa_type"], "verdict": rec["verdict"],
                "reachable": not any(g["id"] in FIXED_GATES for g in rec["gates"]
                                     if g["met"] is False), "steps": _steps(rec, users)}
        plans.append(plan)
    return plans


def shared_evidence(recommendations: list[dict]) -> list[dict]:
    """Evidence that is met once and counts for several types (one profile, every type)."""
    counted: dict[str, set[str]] = {}
    for rec in recommendations:
        if rec["verdict"] == "not_eligible":
            continue
        for criterion in rec["criteria"]:
            if criterion["met"]:
                counted.setdefault(criterion["id"], set()).add(rec["visa_type"])
    return [{"criterion": cid, "counts_for": sorted(types)}
            for cid, types in sorted(counted.items()) if len(types) > 1]


def _steps(rec: dict, users: dict[str, list[str]]) -> list[dict]:
    steps = [{"action": f"Resolve gate: {g['criterion']}", "why": g["explanation"],
              "citation": g["citation"]}
             for g in rec["gates"] if g["met"] is not True and g["id"] not in FIXED_GATES]
    steps += [{"action": f"Clear bar: {f['message']}", "citation": f["citation"]}
              for f in rec["flags"] if f["severity"] == "bar"]
    needed = rec["criteria_required"] - rec["criteria_met"]
    if needed > 0:
        open_items = sorted((c for c in rec["criteria"] if not c["met"]),
                            key=lambda c: c["met"] is False)
        steps.append({"action": f"{needed} more criterion/criteria, from: "
                      + "; ".join(c["criterion"] for c in open_items),
                      "options": [{"criterion": c["id"], "citation": c["citation"],
                                   "status": "not met" if c["met"] is False else "unknown",
                                   "also_counts_for": [t for t in users.get(c["id"], [])
                                                       if t != rec["visa_type"]]}
                                  for c in open_items]})
    return steps


def _criterion_users(types: tuple[dict, ...]) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for visa_type in types:
        for item in visa_type["criteria"]["items"]:
            users.setdefault(item["id"], []).append(visa_type["code"])
    return users
