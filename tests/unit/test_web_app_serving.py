"""The web app's pages and assets come from the package, with a strict content policy."""

from __future__ import annotations

import pytest
from flask import Flask, jsonify

from command_service.entrypoints.cors import allow_web_origins
from webapp.views import install_web_app


@pytest.fixture
def app():
    app = Flask("host")
    install_web_app(app)

    @app.get("/v1/clients")
    def clients():
        return jsonify({"data": []})

    return app


@pytest.mark.parametrize("path", ["/", "/login", "/clients", "/clients/new",
                                  "/clients/8c1f2f55-0000-4000-8000-000000000000/compare",
                                  "/dashboard", "/audit", "/attorneys"])
def test_every_app_address_serves_the_page_shell(app, path):
    response = app.test_client().get(path)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b'<script type="module" src="/assets/js/main.js">' in response.data
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_assets_are_served_from_the_package_with_their_types(app):
    client = app.test_client()

    script = client.get("/assets/js/main.js")
    style = client.get("/assets/app.css")

    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert style.status_code == 200 and style.mimetype == "text/css"


def test_the_shell_loads_nothing_from_another_host(app):
    page = app.test_client().get("/clients").get_data(as_text=True)

    assert "http://" not in page and "https://" not in page


def test_the_api_routes_are_untouched_by_the_web_app(app):
    assert app.test_client().get("/v1/clients").json == {"data": []}


def test_a_separate_command_service_is_named_in_the_page_and_allowed_by_the_policy():
    app = Flask("query")
    install_web_app(app, "http://commands.example:8001/")

    response = app.test_client().get("/clients")

    assert b'content="http://commands.example:8001"' in response.data
    assert "connect-src 'self' http://commands.example:8001" in (
        response.headers["Content-Security-Policy"])


def test_cross_origin_calls_are_allowed_only_from_the_listed_web_origins():
    app = Flask("command")
    allow_web_origins(app, ("http://web.example:8002/",))

    @app.post("/v1/clients")
    def create():
        return jsonify({"id": "x"}), 201

    client = app.test_client()
    preflight = client.options("/v1/clients", headers={
        "Origin": "http://web.example:8002", "Access-Control-Request-Method": "POST"})
    stranger = client.options("/v1/clients", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})

    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://web.example:8002"
    assert "If-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Retry-After" in preflight.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in stranger.headers
