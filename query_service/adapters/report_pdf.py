"""Render the client report from its HTML template to PDF with WeasyPrint."""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape


class ReportRenderer:
    """Fill the report template (every value escaped) and lay it out as a PDF."""

    def __init__(self):
        self._env = Environment(loader=PackageLoader("query_service", "report"),
                                autoescape=select_autoescape(["html"]))
        self._css = (files("query_service.report") / "report.css").read_text()

    def html(self, report: dict) -> str:
        return self._env.get_template("report.html").render(r=report)

    def pdf(self, report: dict) -> bytes:
        from weasyprint import CSS, HTML  # a heavy import, paid on the first report only

        return HTML(string=self.html(report), url_fetcher=_no_fetching).write_pdf(
            stylesheets=[CSS(string=self._css, url_fetcher=_no_fetching)])


def _no_fetching(url: str, *args, **kwargs):
    # The template is self-contained; client text never makes the renderer fetch anything.
    raise ValueError(f"the report fetches nothing ({url})")
