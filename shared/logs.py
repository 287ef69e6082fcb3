"""Structured JSON logs carrying the correlation id of the work in hand, without PII.

The correlation id lives in a context variable: an HTTP request sets it from
X-Correlation-ID (or its request id), and a consumer sets it from the event's
metadata, so every line about one check can be found with one grep.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

# Attorneys type client data into free text; an email address, phone number or
# passport-like number in a message is masked before the line is written.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w-])\+?\(?\d[\d ().-]{7,}\d(?![\w:-])")
_BEARER = re.compile(r"(?i)bearer\s+[\w.-]+")
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def current_correlation_id() -> str | None:
    return _correlation_id.get()


@contextmanager
def correlated(correlation_id: str | None) -> Iterator[None]:
    """Attach a correlation id to every log line written inside the block."""
    token = _correlation_id.set(correlation_id)
    try:
        yield
    finally:
        _correlation_id.reset(token)


def bind_correlation_id(correlation_id: str | None) -> None:
    """Attach a correlation id to the rest of this request's (or thread's) log lines."""
    _correlation_id.set(correlation_id)


def redact(text: str) -> str:
    """Mask email addresses, phone numbers and bearer tokens in free text."""
    text = _BEARER.sub("Bearer [redacted]", text)
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub(_mask_phone, text)


def _mask_phone(match: re.Match) -> str:
    # Ten or more digits is a phone number; fewer is a date, a year or a count.
    digits = sum(c.isdigit() for c in match.group())
    return "[number]" if digits >= 10 else match.group()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, correlation id, extras."""

    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        correlation_id = getattr(record, "correlation_id", None) or _correlation_id.get()
        if correlation_id:
            entry["correlation_id"] = correlation_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key != "correlation_id":
                entry[key] = value
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """One short line for people at a console: time, level when it matters, message."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        level = f"{record.levelname.lower()}: " if record.levelno >= logging.WARNING else ""
        line = f"{when} {level}{redact(record.getMessage())}"
        if isinstance(getattr(record, "duration_ms", None), (int, float)):
            line += f" ({record.duration_ms:.0f} ms)"
        if record.exc_info:
            line += "\n" + redact(self.formatException(record.exc_info))
        return line


# What a quiet console still shows at INFO: one line per request and one per check.
CONSOLE_LOGGERS = ("visa.access", "eligibility_engine.check_handler")
_NOISY = ("kafka", "werkzeug", "eventsourcing", "psycopg.pool")


def configure_logging(service: str, level: str | None = None, fmt: str = "json",
                      quiet: bool = False) -> None:
    """Send every logger's records to stderr, as JSON lines (tagged with the service) or text.

    quiet (the embedded default's console, unless a level is given) keeps warnings and the
    one-line-per-request-or-check loggers only.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if fmt == "text" else JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    chosen = level or os.environ.get("VISA_LOG_LEVEL")
    root.setLevel((chosen or ("WARNING" if quiet else "INFO")).upper())
    for name in CONSOLE_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if quiet and not chosen else logging.NOTSET)
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
