"""Attorney judgment: real case outcomes and criterion-level assessments of a check."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from command_service.application import FirmCaseFiles
from catalogue.loader import UnknownVisaTypeError, load_catalogue
from shared.http import json_body, parse_uuid, request_meta, require_auth, require_writer

bp = Blueprint("attorney_judgment", __name__)
OUTCOMES = ("approved", "denied", "rfe_then_approved", "withdrawn")


class CaseOutcomeSchema(Schema):
    visa_type = fields.String(required=True, validate=validate.Length(min=1, max=40))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    filed_date = fields.Date(required=True)
    decision_date = fields.Date(required=True)

    @validates_schema
    def check_dates_and_type(self, data, **kwargs):
        if data["decision_date"] < data["filed_date"]:
            raise ValidationError("the decision cannot precede the filing", "decision_date")
        try:
            data["visa_type"] = load_catalogue().visa_type(data["visa_type"])["code"]
        except UnknownVisaTypeError:
            raise ValidationError("not a visa type of the catalogue", "visa_type") from None


class AssessmentSchema(Schema):
    visa_type = fields.String(required=True, validate=validate.Length(min=1, max=40))
    criterion = fields.String(required=True, validate=validate.Length(min=1, max=80))
    met = fields.Boolean(required=True)
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def case_files() -> FirmCaseFiles:
    return current_app.extensions["firm_stores"].for_firm(g.principal.firm_id)


@bp.post("/v1/clients/<client_id>/case-outcomes")
@require_auth
def record_case_outcome(client_id: str):
    require_writer()
    outcome = CaseOutcomeSchema().dump(CaseOutcomeSchema().load(json_body()))
    profile = case_files().record_case_outcome(parse_uuid(client_id, "client"), outcome,
                                               request_meta())
    return jsonify({"client_id": str(profile.id), **outcome,
                    "recorded_by": g.principal.attorney_id}), 201


@bp.post("/v1/eligibility-checks/<check_id>/assessments")
@require_auth
def record_assessment(check_id: str):
    require_writer()
    assessment = AssessmentSchema().load(json_body())
    check = case_files().record_assessment(parse_uuid(check_id, "eligibility check"), assessment,
                                           request_meta())
    engine = check.engine_finding(assessment["visa_type"], assessment["criterion"])
    attorney = check.assessments[-1]
    keyring = case_files().keyring
    if keyring is not None:  # the client's words (quotes, the note) are sealed with its key
        sealer = keyring.sealer(g.principal.firm_id, str(check.client_id))
        engine, attorney = sealer.open_quotes(engine), sealer.open_quotes(attorney)
    return jsonify({"check_id": str(check.id), "visa_type": assessment["visa_type"],
                    "criterion": assessment["criterion"],
                    "engine": {"met": engine["met"], "explanation": engine["explanation"],
                               "citation": engine["citation"]},
                    "attorney": attorney}), 201
