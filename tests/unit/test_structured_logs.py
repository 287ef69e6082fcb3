"""JSON log lines: correlation ids attached, personal data masked."""

from __future__ import annotations

import json
import re
import logging

from shared.logs import JsonFormatter, TextFormatter, configure_logging, correlated, redact


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


def test_console_lines_are_short_masked_and_name_the_level_only_when_it_matters():
    def text(level, message, *args, **extra):
        record = logging.LogRecord("visa.access", level, __file__, 1, message, args, None)
        record.__dict__.update(extra)
        return TextFormatter().format(record)

    request = text(logging.INFO, "%s %s %s", "GET", "/v1/clients", 200, duration_ms=12.4)
    warning = text(logging.WARNING, "login failed for %s", "amara@example.org")

    assert re.fullmatch(r"\d\d:\d\d:\d\d GET /v1/clients 200 \(12 ms\)", request)
    assert re.fullmatch(r"\d\d:\d\d:\d\d warning: login failed for \[email\]", warning)


def test_the_quiet_console_keeps_requests_checks_and_warnings_only():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("serve", None, "text", quiet=True)
        levels = {name: logging.getLogger(name).getEffectiveLevel()
                  for name in ("visa.access", "eligibility_engine.check_handler",
                               "command_service.adapters.local_delivery")}
        configure_logging("serve", "INFO", "text", quiet=True)
        chosen = logging.getLogger("command_service.adapters.local_delivery").getEffectiveLevel()
    finally:
        configure_logging("test")
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])

    assert levels == {"visa.access": logging.INFO, "eligibility_engine.check_handler": logging.INFO,
                      "command_service.adapters.local_delivery": logging.WARNING}
    assert chosen == logging.INFO
