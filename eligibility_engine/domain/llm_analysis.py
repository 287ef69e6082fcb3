"""The LLM's part of a check: what it is shown, what it must answer, and what it may change.

The model sees the profile without direct identifiers and the rules engine's findings; it
answers through one tool whose input is validated here. Guardrails: it cannot recommend a type
whose hard gate failed, cannot add a visa type, and moves a score at most MAX_SCORE_MOVE points.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from shared.profile_schema import DIRECT_IDENTIFIERS

PROMPT_VERSION = "visa-analysis-2026.11.27-1"
MAX_SCORE_MOVE = 10
TOOL_NAME = "record_visa_analysis"
SYSTEM_PROMPT = (
    "You are a senior U.S. immigration attorney reviewing a rules engine's eligibility findings "
    "for one client. For each visa type listed, assess the case as USCIS would under the Policy "
    "Manual: a short narrative, strengths, weaknesses, likely RFE risks and the evidence to "
    "gather. You may suggest a score adjustment between -10 and 10 when the evidence is stronger "
    "or weaker than the counts suggest. Never recommend a type marked not_eligible and never add "
    f"visa types. Answer only by calling the {TOOL_NAME} tool."
)
_short_list = fields.List(fields.String(validate=validate.Length(min=1, max=600)),
                          validate=validate.Length(max=12), load_default=list)

TOOL = {
    "name": TOOL_NAME,
    "description": "Record the attorney-style analysis of every visa type given.",
    "input_schema": {
        "type": "object",
        "required": ["analyses"],
        "properties": {"analyses": {"type": "array", "items": {
            "type": "object",
            "required": ["visa_type", "narrative", "recommend", "score_adjustment"],
            "properties": {
                "visa_type": {"type": "string"},
                "narrative": {"type": "string"},
                "strengths": {"type": "array", "items": {"type": "string"}},
                "weaknesses": {"type": "array", "items": {"type": "string"}},
                "rfe_risks": {"type": "array", "items": {"type": "string"}},
                "suggested_evidence": {"type": "array", "items": {"type": "string"}},
                "recommend": {"type": "boolean"},
                "score_adjustment": {"type": "integer", "minimum": -100, "maximum": 100},
            }}}},
    },
}


class TypeAnalysisSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    visa_type = fields.String(required=True, validate=validate.Length(min=1, max=60))
    narrative = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    strengths = _short_list
    weaknesses = _short_list
    rfe_risks = _short_list
    suggested_evidence = _short_list
    recommend = fields.Boolean(required=True)
    score_adjustment = fields.Integer(required=True, strict=True)


class AnalysisSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    analyses = fields.List(fields.Nested(TypeAnalysisSchema), required=True,
                           validate=validate.Length(min=1, max=40))


def validate_analysis(tool_input) -> dict:
    """Validate the model's tool input; raises marshmallow.ValidationError when malformed."""
    if not isinstance(tool_input, dict):
        raise ValidationError({"_schema": ["the tool input must be a JSON object"]})
    return AnalysisSchema().load(tool_input)


def prompt_payload(profile: dict, rules_result: dict) -> dict:
    """What the model is shown: no name, email, phone, date of birth or free-text notes."""
    redacted = {k: v for k, v in profile.items() if k not in DIRECT_IDENTIFIERS}
    findings = [{"visa_type": r["visa_type"], "verdict": r["verdict"],
                 "eligibility_score": r["eligibility_score"],
                 "criteria": [{"id": c["id"], "met": c["met"], "explanation": c["explanation"]}
                              for c in [*r["gates"], *r["criteria"]]],
                 "flags": [f["message"] for f in r["flags"]]}
                for r in rules_result["recommendations"]]
    return {"profile": redacted, "rules_findings": findings}
