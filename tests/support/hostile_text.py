"""Every string field an OpenAPI document lets a caller send, and bodies that poison one of them."""

from __future__ import annotations

LONE_SURROGATE = "\ud800"


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    for combined in ("allOf", "anyOf", "oneOf"):
        # A nullable nested object is written as anyOf [null, the object]: take the object.
        refs = [s for s in schema.get(combined, []) if "$ref" in s or "properties" in s]
        if len(refs) == 1:
            return resolve(document, refs[0])
    return schema


def string_field_paths(document: dict, schema: dict, prefix: str = "") -> list[str]:
    """Return the dotted path of every string a body can carry (arrays as `.0`)."""
    schema = resolve(document, schema)
    kind = schema.get("type")
    if kind == "string":
        return [prefix]
    if kind == "array":
        return string_field_paths(document, schema.get("items", {}), f"{prefix}.0"
                                  if prefix else "0")
    paths = []
    for name, child in schema.get("properties", {}).items():
        if child.get("readOnly"):
            continue
        paths += string_field_paths(document, child, f"{prefix}.{name}" if prefix else name)
    return paths


def body_operations(document: dict) -> list[tuple[str, str, dict]]:
    """Return (method, path, body schema) of every operation that takes a JSON body."""
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found.append((method.upper(), path, content["application/json"]["schema"]))
    return found


def body_with(path: str, value) -> dict:
    """Build the smallest body holding value at a dotted path (`awards.0.name`)."""
    head, _, rest = path.partition(".")
    if not rest:
        return {head: value}
    return {head: _nested(rest, value)}


def _nested(path: str, value):
    head, _, rest = path.partition(".")
    inner = value if not rest else _nested(rest, value)
    return [inner] if head.isdigit() else {head: inner}
