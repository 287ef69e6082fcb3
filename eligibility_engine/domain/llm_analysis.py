"""The LLM's part of a check: what it is shown, what it must answer, how the answer is checked.

The model sees the catalogue (every type's standard, gates and criteria with their citations,
in a system block cached across calls), the profile with no identifier in it and the rules
engine's findings. It answers one JSON document (structured output) whose schema names the
catalogue's visa types and criterion ids as enums; every claim cites criterion ids and quotes
the profile facts it rests on. `guardrails.py` drops what cites nothing and keeps it below
the law.
"""

from __future__ import annotations

import json

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

PROMPT_VERSION = "visa-analysis-2026.12.05-1"
MAX_SCORE_MOVE = 5
VIEWS = ("likely_met", "doubtful", "needs_evidence")
INSTRUCTIONS = (
    "You are a senior U.S. immigration attorney reviewing a rules engine's findings for one "
    "client. The rules engine applies the law: its gates and its count of criteria are final, "
    "and you cannot change a verdict. Your value is judgement where rules are blind: whether an "
    "outlet is major media, whether a contribution changed the field, whether a membership is "
    "selective, how an officer would weigh the record in the final merits. For each visa type "
    "given, write a short summary, an opinion on the criteria you can judge, strengths, "
    "weaknesses, likely RFE risks and evidence to gather. Every claim must list the criterion "
    "ids it concerns (from the catalogue below, for that visa type) and quote the profile facts "
    "it rests on: copy a string value exactly, or write `field: value` for a number or flag. A "
    "claim without a criterion id, or a strength without a quote, is discarded. You may suggest "
    f"a score adjustment between -{MAX_SCORE_MOVE} and {MAX_SCORE_MOVE} where the evidence is "
    "stronger or weaker than the count suggests; it never changes the verdict. Identifiers were "
    "removed from the profile ([client], [email], [address]...): do not guess them."
)


def catalogue_block(catalogue) -> str:
    """The catalogue the model must cite from, as stable text (the cached prompt prefix)."""
    lines = [f"Visa catalogue {catalogue.version} (published {catalogue.published}). Each "
             "gate must hold; criteria are judged by the standard quoted."]
    for visa_type in catalogue.types:
        lines += ["", f"## {visa_type['code']}: {visa_type['name']}",
                  f"Legal basis: {visa_type['legal_basis']}"]
        if visa_type.get("standard"):
            lines.append(f"Standard: {visa_type['standard']}")
        for gate in visa_type.get("gates", []):
            lines.append(f"- gate `{gate['id']}`: {gate['description']} ({gate['citation']})")
        spec = visa_type.get("criteria") or {}
        if spec.get("threshold"):
            lines.append(f"Criteria: at least {spec['threshold']} of the following must be met.")
        elif spec.get("all_required"):
            lines.append("Criteria: every prong below must be met.")
        for item in _criteria(spec):
            evidence = "; ".join(item.get("documents", []))
            lines.append(f"- criterion `{item['id']}`: {item.get('name') or item['description']} "
                         f"({item['citation']})" + (f". Evidence: {evidence}" if evidence else ""))
    return "\n".join(lines)


def criterion_ids(catalogue) -> list[str]:
    ids = {g["id"] for t in catalogue.types for g in t.get("gates", [])}
    ids |= {c["id"] for t in catalogue.types for c in _criteria(t.get("criteria") or {})}
    return sorted(ids)


def output_schema(catalogue) -> dict:
    """The JSON schema of the answer: enums for types, criteria and views; no numeric bounds
    (structured outputs do not take them), so the bounds are checked by `validate_analysis`."""
    ids = {"type": "string", "enum": criterion_ids(catalogue)}
    text_list = {"type": "array", "items": {"type": "string"}}
    claim = _object(text={"type": "string"}, criterion_ids={"type": "array", "items": ids},
                    profile_quotes=text_list)
    opinion = _object(criterion_id=ids, view={"type": "string", "enum": list(VIEWS)},
                      reasoning={"type": "string"}, profile_quotes=text_list)
    suggestion = _object(text={"type": "string"}, criterion_ids={"type": "array", "items": ids})
    per_type = _object(
        visa_type={"type": "string", "enum": [t["code"] for t in catalogue.types]},
        summary=claim, criterion_opinions={"type": "array", "items": opinion},
        strengths={"type": "array", "items": claim}, weaknesses={"type": "array", "items": claim},
        rfe_risks={"type": "array", "items": claim},
        suggested_evidence={"type": "array", "items": suggestion},
        score_adjustment={"type": "integer",
                          "enum": list(range(-MAX_SCORE_MOVE, MAX_SCORE_MOVE + 1))})
    return _object(analyses={"type": "array", "items": per_type})


def case_message(profile: dict, rules_result: dict) -> str:
    """The user message: the redacted profile and the rules' findings with their citations."""
    findings = [{"visa_type": r["visa_type"], "verdict": r["verdict"],
                 "eligibility_score": r["eligibility_score"],
                 "criteria_met": r.get("criteria_met"),
                 "criteria_required": r.get("criteria_required"),
                 "findings": [{"id": row["id"], "kind": kind, "met": row["met"],
                               "explanation": row["explanation"], "citation": row["citation"]}
                              for kind, rows in (("gate", r["gates"]), ("criterion", r["criteria"]))
                              for row in rows],
                 "flags": [f["message"] for f in r.get("flags", [])]}
                for r in rules_result["recommendations"]]
    return json.dumps({"profile": profile, "rules_findings": findings}, sort_keys=True)


_text = fields.String(required=True, validate=validate.Length(max=2000))
_quotes = fields.List(fields.String(validate=validate.Length(max=400)),
                      validate=validate.Length(max=12), required=True)
_ids = fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                   validate=validate.Length(max=12), required=True)


class ClaimSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    text = _text
    criterion_ids = _ids
    profile_quotes = _quotes


class SuggestionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    text = _text
    criterion_ids = _ids


class OpinionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    criterion_id = fields.String(required=True, validate=validate.Length(min=1, max=80))
    view = fields.String(required=True, validate=validate.OneOf(VIEWS))
    reasoning = _text
    profile_quotes = _quotes


def _claims(schema) -> fields.List:
    return fields.List(fields.Nested(schema), required=True, validate=validate.Length(max=12))


class TypeAnalysisSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    visa_type = fields.String(required=True, validate=validate.Length(min=1, max=60))
    summary = fields.Nested(ClaimSchema, required=True)
    criterion_opinions = fields.List(fields.Nested(OpinionSchema), required=True,
                                     validate=validate.Length(max=30))
    strengths = _claims(ClaimSchema)
    weaknesses = _claims(ClaimSchema)
    rfe_risks = _claims(ClaimSchema)
    suggested_evidence = _claims(SuggestionSchema)
    score_adjustment = fields.Integer(required=True, strict=True, validate=validate.Range(
        -MAX_SCORE_MOVE, MAX_SCORE_MOVE))


class AnalysisSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    analyses = fields.List(fields.Nested(TypeAnalysisSchema), required=True,
                           validate=validate.Length(min=1, max=40))


def validate_analysis(answer) -> dict:
    """Validate the model's answer; raises marshmallow.ValidationError when malformed."""
    if not isinstance(answer, dict):
        raise ValidationError({"_schema": ["the answer must be a JSON object"]})
    return AnalysisSchema().load(answer)


def _object(**properties) -> dict:
    return {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}


def _criteria(spec: dict) -> list[dict]:
    items = list(spec.get("items", []))
    if spec.get("one_time_achievement"):
        items.append(spec["one_time_achievement"])
    return items
