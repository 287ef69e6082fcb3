"""Questions for the client: the unknown facts that decide a type first, then open criteria."""

from __future__ import annotations

from eligibility_engine.domain.findings import Finding


ARTS_ONLY = {"exhibitions", "commercial_success", "lead_roles"}


def type_questions(visa_type: dict, gates: dict[str, Finding], criteria: dict[str, Finding],
                   verdict: str, arts: bool) -> list[dict]:
    """The questions whose answers change this type's verdict, most decisive first.

    Unknown gates always; open criteria only while the case is not yet strong, and artistic
    criteria only for clients in the arts.
    """
    questions = []
    for gate in visa_type["gates"]:
        finding = gates[gate["id"]]
        if finding.met is None:
            questions.append(_question(finding, gate, decides=True))
    if verdict in ("strong", "not_eligible"):
        return _unique(questions)
    for item in visa_type["criteria"]["items"]:
        finding = criteria[item["id"]]
        if item["id"] in ARTS_ONLY and not arts:
            continue
        if finding.met is None or (finding.met and finding.question):
            questions.append(_question(finding, item, decides=False))
    return _unique(questions)


def _unique(questions: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for q in questions:
        if q["question"] not in seen:
            seen.add(q["question"])
            unique.append(q)
    return unique


def _question(finding: Finding, spec: dict, decides: bool) -> dict:
    name = spec.get("name") or spec["description"]
    text = finding.question or (f"Any evidence of {name[0].lower()}{name[1:]}? "
                                f"({finding.explanation})")
    return {"field": finding.missing[0] if finding.missing else None, "question": text,
            "about": spec["id"], "decides": decides}
