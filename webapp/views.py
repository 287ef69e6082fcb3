"""Serve the web app's page shell and its static assets from the package itself."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

# Every address the browser app routes itself; each one serves the same shell page.
PAGES = ("/", "/login", "/clients", "/clients/new", "/clients/<client_id>",
         "/clients/<client_id>/edit", "/clients/<client_id>/checks",
         "/clients/<client_id>/history", "/clients/<client_id>/compare",
         "/dashboard", "/audit", "/attorneys", "/set-password")

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self' {command_url}; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def web_blueprint(command_url: str = "") -> Blueprint:
    """Build the blueprint serving the app; command_url is where writes go (blank: same origin)."""
    bp = Blueprint("webapp", __name__, static_folder="static", static_url_path="/assets",
                   template_folder="templates")

    def shell(**_ignored):
        return render_template("webapp/index.html", command_url=command_url)

    for path in PAGES:
        bp.add_url_rule(path, f"page_{path}", shell, methods=["GET"])

    @bp.after_request
    def harden(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value.format(command_url=command_url).strip())
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response

    return bp


def install_web_app(app: Flask, command_url: str = "") -> None:
    """Serve the web app from an existing Flask app (the query service or the embedded product)."""
    app.register_blueprint(web_blueprint(command_url.rstrip("/")))
