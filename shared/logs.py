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


def configure_logging(service: str, level: str | None = None) -> None:
    """Send every logger's records to stderr as JSON lines tagged with the service name."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel((level or os.environ.get("VISA_LOG_LEVEL") or "INFO").upper())
    for noisy in ("kafka", "werkzeug", "eventsourcing", "psycopg.pool"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
