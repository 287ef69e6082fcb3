"""OpenAPI 3 documents built from the marshmallow schemas, and a docs page served offline."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, Response, current_app, jsonify

from shared.api_schemas import ErrorSchema

API_VERSION = "1.0.0"
_ERROR_TEXT = {400: "Invalid input", 401: "Missing, invalid, expired or revoked token",
               403: "The caller's role does not allow this", 404: "Not found in the caller's firm",
               409: "Conflicts with the current state", 410: "The client was erased",
               412: "If-Match names a stale version", 413: "Body larger than 1 MB",
               415: "Body is not application/json", 422: "Idempotency-Key reused differently",
               429: "Rate limited; see Retry-After",
               503: "Other edits to the client kept landing first; retry after Retry-After"}


@dataclass(frozen=True)
class Operation:
    """One documented endpoint: who may call it, what it takes and what it answers."""

    method: str
    path: str
    summary: str
    role: str | None
    ok: tuple[int, type | None]
    body: object = None
    query: tuple = ()
    errors: tuple = ()
    headers: tuple = ()
    ok_headers: tuple = ()
    ok_media: str = "application/json"
    body_required: bool = True
    accepts_idempotency_key: bool = True
    tags: tuple = field(default=())
    error_notes: tuple = ()  # (status, description) where the generic one would mislead


def build_document(title: str, operations: list[Operation]) -> dict:
    """Build the OpenAPI document of a list of operations."""
    spec = APISpec(title=title, version=API_VERSION, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
                   info={"description": "Versioned under /v1. Errors are always "
                                        '{"error", "message", "details"}.'})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    for op in operations:
        spec.path(path=op.path, operations={op.method: _operation(op)})
    return spec.to_dict()


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    return name + "Patch" if getattr(schema, "partial", False) is True else name


def merge_documents(title: str, *documents: dict) -> dict:
    """Merge service documents into one (the embedded product serves both APIs)."""
    merged = {**documents[0], "info": {**documents[0]["info"], "title": title},
              "paths": {}, "components": {}}
    for document in documents:
        for path, operations in document["paths"].items():
            merged["paths"].setdefault(path, {}).update(operations)
        for kind, items in document.get("components", {}).items():
            merged["components"].setdefault(kind, {}).update(items)
    return merged


def install_openapi(app: Flask, document: dict) -> None:
    """Serve the document at /v1/openapi.json and a readable page at /docs."""
    app.extensions["openapi"] = document
    app.add_url_rule("/v1/openapi.json", "openapi_document", _serve_document)
    app.add_url_rule("/docs", "openapi_docs", _serve_docs)


def _serve_document():
    return jsonify(current_app.extensions["openapi"])


def _serve_docs():
    return Response(render_docs(current_app.extensions["openapi"]), mimetype="text/html")


def _operation(op: Operation) -> dict:
    status, schema = op.ok
    ok = {"description": "Success"}
    if schema is not None:
        ok["content"] = {op.ok_media: {"schema": schema}}
    if op.ok_headers:
        ok["headers"] = {name: {"schema": {"type": "string"}} for name in op.ok_headers}
    operation = {"summary": op.summary, "tags": list(op.tags) or [op.path.split("/")[2]],
                 "parameters": _parameters(op), "responses": {str(status): ok}}
    if op.role is not None:
        operation["security"] = [{"bearer": []}]
        operation["description"] = f"Needs the `{op.role}` role or above."
    else:
        operation["security"] = []
    if op.body is not None:
        operation["requestBody"] = {"required": op.body_required,
                                    "content": {"application/json": {"schema": op.body}}}
    notes = dict(op.error_notes)
    for code in sorted(set(op.errors) | _standard_errors(op)):
        operation["responses"][str(code)] = _error_response(code, notes.get(code))
    return operation


def _standard_errors(op: Operation) -> set[int]:
    codes = set()
    if op.role is not None:
        codes |= {401, 429} | ({403} if op.role != "viewer" else set())
    if op.body is not None:
        codes |= {400, 413, 415}
    if "{" in op.path:
        codes.add(404)
    if _takes_idempotency_key(op):
        codes |= {400, 409, 422}
    return codes


def _takes_idempotency_key(op: Operation) -> bool:
    return op.method == "post" and op.role is not None and op.accepts_idempotency_key


def _error_response(code: int, note: str | None = None) -> dict:
    response = {"description": note or _ERROR_TEXT.get(code, "Error"),
                "content": {"application/json": {"schema": "Error"}}}
    if code in (429, 503):
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return response


def _parameters(op: Operation) -> list[dict]:
    params = [{"in": "path", "name": name, "required": True,
               "schema": {"type": "string", "format": "uuid"}}
              for name in _path_names(op.path)]
    params += [{"in": "query", "name": name, "required": False, "schema": schema}
               for name, schema in op.query]
    params += [{"in": "header", "name": name, "required": False, "schema": schema}
               for name, schema in op.headers]
    if _takes_idempotency_key(op):
        params.append({"in": "header", "name": "Idempotency-Key", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                       "description": "A retry with the same key returns the first response."})
    return params


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def render_docs(document: dict) -> str:
    """Render the document as one self-contained HTML page (no scripts, no CDN)."""
    rows = []
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            codes = ", ".join(op["responses"])
            params = ", ".join(f'{p["name"]} ({p["in"]})' for p in op.get("parameters", []))
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>"
                        f"{html.escape(path)}</code></td><td>{html.escape(op['summary'])}<br>"
                        f"<small>{html.escape(op.get('description', 'No sign-in needed.'))}"
                        f"</small></td><td>{html.escape(params)}</td><td>{codes}</td></tr>")
    schemas = "".join(
        f"<h3 id='{html.escape(name)}'>{html.escape(name)}</h3><ul>"
        + "".join(f"<li><code>{html.escape(prop)}</code>: {html.escape(_type_of(spec))}</li>"
                  for prop, spec in schema.get("properties", {}).items()) + "</ul>"
        for name, schema in document.get("components", {}).get("schemas", {}).items())
    title = html.escape(document["info"]["title"])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;"
            "padding:4px;vertical-align:top}table{border-collapse:collapse}</style></head><body>"
            f"<h1>{title} <small>{html.escape(document['info']['version'])}</small></h1>"
            f"<p>{html.escape(document['info'].get('description', ''))} "
            "Machine-readable: <a href='/v1/openapi.json'>/v1/openapi.json</a>.</p>"
            "<table><tr><th>Method</th><th>Path</th><th>What</th><th>Parameters</th>"
            f"<th>Responses</th></tr>{''.join(rows)}</table><h2>Schemas</h2>{schemas}"
            "</body></html>")


def _type_of(spec: dict) -> str:
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    kind = spec.get("type", "object")
    if kind == "array":
        return f"array of {_type_of(spec.get('items', {}))}"
    return kind + (" or null" if spec.get("nullable") else "")
