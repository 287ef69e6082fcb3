"""The query API: listings, client detail and history, checks, dashboard and audit, per firm."""

from __future__ import annotations

from flask import Flask, g, jsonify

from query_service.adapters.profile_history import ProfileHistory
from query_service.adapters.report_pdf import ReportRenderer
from query_service.entrypoints import (
    audit_views,
    catalogue_views,
    client_views,
    contract,
    report_views,
)
from shared.gatekeeper import Gatekeeper
from shared.http import install_api_basics
from shared.openapi import install_openapi
from shared.sql import Database

POSITION_HEADER = "X-Position"


def create_app(read_db: Database, gatekeeper: Gatekeeper, history: ProfileHistory | None = None,
               document: dict | None = None, read_wait_seconds: float = 5.0,
               publications=None, firm_names=None) -> Flask:
    """Build the query service's Flask app (document: the OpenAPI document to publish)."""
    app = Flask("query_service")
    app.extensions["read_db"] = read_db
    app.extensions["profile_history"] = history
    app.extensions["catalogue_publications"] = publications
    app.extensions["firm_names"] = firm_names
    app.extensions["report_renderer"] = ReportRenderer()
    app.config["READ_WAIT_SECONDS"] = read_wait_seconds
    install_api_basics(app, gatekeeper)
    app.register_blueprint(client_views.bp)
    app.register_blueprint(audit_views.bp)
    app.register_blueprint(catalogue_views.bp)
    app.register_blueprint(report_views.bp)
    install_openapi(app, document or contract.document())

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.after_request
    def report_position(response):
        if g.get("read_position") is not None:
            response.headers[POSITION_HEADER] = str(g.read_position)
        return response

    return app
