"""JSON log lines: correlation ids attached, personal data masked."""

from __future__ import annotations

import json
import logging

from shared.logs import JsonFormatter, correlated, redact


def _format(message: str, *args, exc_info=None, **extra) -> dict:
    record = logging.LogRecord("visa.test", logging.INFO, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    return json.loads(JsonFormatter("engine").format(record))


def test_a_line_written_inside_a_correlated_block_carries_its_correlation_id():
    with correlated("corr-123"):
        inside = _format("check %s started", "c-1")
    outside = _format("idle")

    assert inside["correlation_id"] == "corr-123"
    assert inside["message"] == "check c-1 started"
    assert inside["service"] == "engine" and inside["level"] == "info"
    assert "correlation_id" not in outside


def test_extra_fields_become_json_keys():
    line = _format("published %s", "CheckRequested", firm_id="f-1", position=7)

    assert line["firm_id"] == "f-1" and line["position"] == 7


def test_emails_phone_numbers_and_bearer_tokens_are_masked():
    line = _format("login failed for %s (%s) with %s", "amara@example.org",
                   "+1 (415) 555-0100", "Bearer eyJhbGciOi.abc.def")

    assert "amara@example.org" not in line["message"]
    assert "555-0100" not in line["message"]
    assert "eyJhbGciOi" not in line["message"]
    assert "[email]" in line["message"] and "[number]" in line["message"]


def test_exception_text_is_masked_too():
    try:
        raise ValueError("no attorney amara@example.org")
    except ValueError:
        import sys
        line = _format("failed", exc_info=sys.exc_info())

    assert "amara@example.org" not in line["error"] and "ValueError" in line["error"]


def test_ids_and_timestamps_are_not_mistaken_for_personal_data():
    text = "check 0f0cfb94-971c-4b50-973b-361506111213 at 2026-11-27T02:08:04+00:00 offset 1234"

    assert redact(text) == text


def test_a_phone_number_written_with_spaces_or_dots_is_masked():
    assert redact("call 415.555.0100 or +44 20 7946 0958") == "call [number] or [number]"
