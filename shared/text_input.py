"""Accept only text we can store and show: valid Unicode, no NUL, JSON of sane depth.

Python's json module turns "\\ud800" into a lone surrogate, which neither SQLite, PostgreSQL
nor UTF-8 can hold: accepted once, it fails every later write of that value (the projector,
the engine, a log line). NUL is refused because PostgreSQL text cannot hold it. Both are
refused at the edge, naming the field, so nothing downstream ever sees them.
"""

from __future__ import annotations

import json
import re

MAX_JSON_DEPTH = 20


class TextInputError(ValueError):
    """Input that is not storable text; `field` names where it was found."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class JsonTooDeepError(ValueError):
    """A JSON document nested deeper than MAX_JSON_DEPTH."""


def text_problem(value: str) -> str | None:
    """Say what makes a string unstorable, or None when it is fine."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text (it holds a lone surrogate)"
    return None


def check_text(value, where: str = "_schema") -> None:
    """Raise TextInputError for the first unstorable string in a JSON value (keys included)."""
    pending = [(value, where)]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                raise TextInputError(path, problem)
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = _join(path, key if text_problem(key) is None else "?")
                if text_problem(key):
                    raise TextInputError(child_path, "has a field name that " + text_problem(key))
                pending.append((child, child_path))
        elif isinstance(item, list):
            pending.extend((child, _join(path, str(i))) for i, child in enumerate(item))


def parse_json(raw: bytes, max_depth: int = MAX_JSON_DEPTH):
    """Parse a JSON document no deeper than max_depth, refusing NaN and Infinity.

    Raises JsonTooDeepError, or ValueError for anything that is not JSON.
    """
    if json_depth(raw) > max_depth:
        raise JsonTooDeepError(f"nested deeper than {max_depth} levels")
    # RFC 8259: JSON on the wire is UTF-8. json.loads(bytes) would let encoded surrogates in.
    return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)


def json_depth(raw: bytes) -> int:
    """Return the deepest nesting of arrays and objects, ignoring brackets inside strings."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _join(path: str, key: str) -> str:
    return key if path == "_schema" else f"{path}.{key}"
