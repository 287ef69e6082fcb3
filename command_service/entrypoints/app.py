"""The command API: sign-in, client profiles and check requests."""

from __future__ import annotations

from flask import Flask, jsonify

from command_service.adapters.directory import Directory
from command_service.application import last_recorded_position
from command_service.adapters.event_store import FirmStores
from command_service.domain.errors import (
    CheckHasNoResultError,
    CheckNotFoundError,
    ClientArchivedError,
    ClientNotFoundError,
    UnknownCriterionError,
)
from command_service.entrypoints import auth_views, client_views, outcome_views
from shared.auth import TokenIssuer
from shared.http import error_response, install_api_basics


def create_app(stores: FirmStores, directory: Directory, tokens: TokenIssuer) -> Flask:
    """Build the command service's Flask app."""
    app = Flask("command_service")
    app.extensions["firm_stores"] = stores
    app.extensions["directory"] = directory
    install_api_basics(app, tokens)
    _report_recorded_position(app)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(client_views.bp)
    app.register_blueprint(outcome_views.bp)

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.errorhandler(ClientNotFoundError)
    @app.errorhandler(CheckNotFoundError)
    def not_found(exc):
        return error_response(404, "not_found", str(exc).capitalize() + ".")

    @app.errorhandler(ClientArchivedError)
    def archived(exc):
        return error_response(409, "client_archived",
                              "The client is archived; restore it before editing or checking.")

    @app.errorhandler(CheckHasNoResultError)
    def no_result(exc):
        return error_response(409, "check_not_completed",
                              "The check has no result yet; assess it once it has completed.")

    @app.errorhandler(UnknownCriterionError)
    def unknown_criterion(exc):
        return error_response(422, "unknown_criterion", str(exc).capitalize() + ".")

    return app


def _report_recorded_position(app: Flask) -> None:
    """Answer every write with X-Position: the firm's event position it reached."""

    @app.before_request
    def forget_position():
        last_recorded_position.set(None)

    @app.after_request
    def report_position(response):
        position = last_recorded_position.get()
        if position is not None:
            response.headers["X-Position"] = str(position)
        return response
