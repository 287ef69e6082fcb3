"""Schemathesis hooks: Unicode-hostile strings in generated bodies, and a check that refuses them.

Loaded by `st run` through SCHEMATHESIS_HOOKS (tests/support/fuzz.py). Hypothesis's text
strategies never produce lone surrogates, which Python's json module happily decodes from
"\\ud800": two in three generated bodies get one string replaced by hostile text.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import strategies as st

UNSTORABLE = ("\ud800", "\udfff", "\udbff\udbff", "\x00")
HOSTILE_TEXT = st.builds(
    lambda before, bad, after: before + bad + after,
    st.text(max_size=3), st.sampled_from(UNSTORABLE), st.text(max_size=3))


def _string_paths(value, path=()):
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _string_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _string_paths(child, (*path, index))


def _replaced(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replaced(value[head], rest, new)
    return copy


def is_unstorable(value) -> bool:
    """Say whether a JSON value holds a string no database of ours can store."""
    for path in _string_paths(value):
        text = value
        for step in path:
            text = text[step]
        if "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text):
            return True
    return False


@schemathesis.hook
def flatmap_body(context, body):
    paths = list(_string_paths(body))
    if not paths:
        return st.just(body)
    poisoned = st.tuples(st.sampled_from(paths), HOSTILE_TEXT).map(
        lambda chosen: _replaced(body, chosen[0], chosen[1]))
    # Two bodies in three are poisoned: the suite's short run still sends a good number.
    return st.sampled_from((True, True, False)).flatmap(
        lambda poison: poisoned if poison else st.just(body))


@schemathesis.check
def unstorable_text_is_refused(ctx, response, case):
    """A body holding a lone surrogate or NUL must never be accepted (2xx) nor crash (5xx)."""
    if not is_unstorable(case.body):
        return None
    tally = os.environ.get("VISA_FUZZ_HOSTILE_LOG")
    if tally:  # the suite counts what was sent, so a hook that stopped firing is noticed
        with open(tally, "a") as log:
            log.write(f"{case.method} {case.path} {response.status_code}\n")
    if response.status_code < 300 or response.status_code >= 500:
        raise AssertionError(f"a body with unstorable text got {response.status_code}")
    return None
