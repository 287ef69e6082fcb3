"""Firm identity: the unit of tenant isolation."""

from __future__ import annotations

import uuid


class UnknownFirmError(Exception):
    """The firm id is malformed or names no firm."""


def parse_firm_id(raw: str) -> str:
    """Return the canonical firm id, or raise UnknownFirmError."""
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        raise UnknownFirmError(f"not a firm id: {raw!r}") from None


EVENT_STORE_SCHEMA = "event_store"


def firm_store_name(firm_id: str) -> str:
    """Name one firm's event store; its events table is `<name>_events`."""
    return "firm_" + uuid.UUID(firm_id).hex


def firm_store_file(firm_id: str) -> str:
    """Name the SQLite file that holds one firm's event store."""
    return uuid.UUID(firm_id).hex + ".sqlite"
