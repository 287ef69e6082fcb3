"""Parse and validate query-string parameters into clear 400s."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import request

from shared.http import ApiError


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    # Present but empty is refused like any other non-number: the contract says integer.
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "validation_error", f"{name} must be a whole number.",
                       {name: f"between {low} and {high}"}) from None
    if not low <= value <= high:
        raise ApiError(400, "validation_error", f"{name} is out of range.",
                       {name: f"between {low} and {high}"})
    return value


def time_arg(name: str) -> datetime | None:
    """Parse an ISO-8601 time with a timezone into UTC."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ApiError(400, "validation_error", f"{name} must be an ISO-8601 time with a timezone.",
                       {name: "for example 2026-01-31T09:30:00Z"})
    return value.astimezone(timezone.utc)


def time_text_arg(name: str) -> str | None:
    value = time_arg(name)
    return value.isoformat() if value else None


def uuid_text_arg(name: str) -> str | None:
    import uuid

    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ApiError(400, "validation_error", f"{name} must be an id.",
                       {name: "a UUID"}) from None
