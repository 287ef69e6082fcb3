"""The command API: sign-in, attorneys, client profiles and check requests."""

from __future__ import annotations

from flask import Flask, jsonify

from command_service.adapters.directory import Directory, DirectoryError
from command_service.adapters.password_links import PasswordLinks
from command_service.sign_in import SignIn
from command_service.application import last_recorded_position
from event_store import FirmStores
from command_service.domain.errors import (
    CheckHasNoResultError,
    CheckNotFoundError,
    ClientArchivedError,
    ClientBusyError,
    ClientErasedError,
    ClientNotFoundError,
    StaleVersionError,
    UnknownCriterionError,
)
from command_service.entrypoints import (
    attorney_views,
    auth_views,
    client_views,
    contract,
    outcome_views,
)
from shared.gatekeeper import Gatekeeper
from shared.http import error_response, install_api_basics
from shared.idempotency import IdempotencyStore
from shared.limits import Quota
from shared.openapi import install_openapi
from shared.password_hashing import HashingBusyError
from shared.password_policy import WeakPasswordError


def create_app(stores: FirmStores, directory: Directory, gatekeeper: Gatekeeper,
               idempotency: IdempotencyStore, check_quota: Quota, sign_in: SignIn,
               password_links: PasswordLinks, web_app_url: str = "") -> Flask:
    """Build the command service's Flask app."""
    app = Flask("command_service")
    app.config["WEB_APP_URL"] = web_app_url
    app.extensions.update(firm_stores=stores, directory=directory, idempotency=idempotency,
                          check_quota=check_quota, sign_in=sign_in, hasher=sign_in.hasher,
                          password_links=password_links)
    install_api_basics(app, gatekeeper)
    _report_recorded_position(app)
    for blueprint in (auth_views.bp, attorney_views.bp, client_views.bp, outcome_views.bp):
        app.register_blueprint(blueprint)
    install_openapi(app, contract.document())

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
    @app.errorhandler(ClientErasedError)
    def erased(exc):
        return error_response(410, "client_erased", "The client's personal data was erased.")

    @app.errorhandler(StaleVersionError)
    def stale(exc: StaleVersionError):
        return error_response(412, "precondition_failed",
                              "The profile changed since you read it; reload and retry.",
                              {"current_version": exc.current_version},
                              {"ETag": f'"{exc.current_version}"'})

    @app.errorhandler(ClientBusyError)
    def busy(exc: ClientBusyError):
        return error_response(503, "client_busy",
                              "Other edits to this client kept landing first; nothing was saved. "
                              "Try again.", {}, {"Retry-After": "1"})

    @app.errorhandler(HashingBusyError)
    def hashing_busy(exc: HashingBusyError):
        return error_response(503, "busy", "Too many sign-ins at once; retry in a moment.",
                              {"retry_after_seconds": exc.retry_after},
                              {"Retry-After": str(exc.retry_after)})

    @app.errorhandler(WeakPasswordError)
    def weak_password(exc: WeakPasswordError):
        return error_response(400, "weak_password", str(exc), {"password": str(exc)})

    @app.errorhandler(DirectoryError)
    def directory_conflict(exc: DirectoryError):
        return error_response(409, "conflict", str(exc).capitalize() + ".")

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
