"""Sign-in: exchange an attorney's email and password for a bearer token."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from marshmallow import Schema, fields

from shared.auth import Principal, verify_password
from shared.http import ApiError, json_body

bp = Blueprint("auth", __name__)


class LoginSchema(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True)


@bp.post("/v1/auth/login")
def login():
    credentials = LoginSchema().load(json_body())
    attorney = current_app.extensions["directory"].attorney_by_email(credentials["email"])
    if (attorney is None or not attorney["active"]
            or not verify_password(credentials["password"], attorney["password_hash"])):
        raise ApiError(401, "invalid_credentials", "Email or password is incorrect.")
    tokens = current_app.extensions["tokens"]
    principal = Principal(attorney["id"], attorney["firm_id"], attorney["role"])
    return jsonify({
        "access_token": tokens.issue(principal),
        "token_type": "bearer",
        "expires_in": tokens.ttl_seconds,
        "attorney": {k: attorney[k] for k in ("id", "firm_id", "email", "role", "created_at")},
    })
