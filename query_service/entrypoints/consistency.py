"""Read-your-writes: wait briefly until the projections reach the position a write returned."""

from __future__ import annotations

import time

from flask import current_app, g, request

from query_service.adapters.client_views import FirmReadView
from shared.http import ApiError

MIN_POSITION_HEADER = "X-Min-Position"


def requested_min_position() -> int:
    raw = request.args.get("min_position")
    if raw is None:
        raw = request.headers.get(MIN_POSITION_HEADER)
    if raw is None:
        return 0
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ApiError(400, "validation_error", "min_position must be a whole number.",
                       {"min_position": "the X-Position a command returned"})
    return value


def await_min_position(view: FirmReadView, wait_seconds: float) -> int:
    """Return the firm's projection position once it reaches min_position, or answer 503."""
    wanted = requested_min_position()
    deadline = time.monotonic() + wait_seconds
    delay = 0.01
    while True:
        position = view.position()
        if position >= wanted:
            return position
        if time.monotonic() >= deadline:
            raise ApiError(503, "not_yet_consistent",
                           "The read model has not caught up with that write yet; retry shortly.",
                           {"min_position": wanted, "position": position})
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def firm_view() -> FirmReadView:
    """Return the caller's firm view, once the projections reflect the caller's last write.

    Each read through the view reports, as g.read_position, the position its rows reflect
    (read in the same transaction); only a request naming min_position waits first.
    """
    keyring = current_app.extensions.get("keyring")
    view = FirmReadView(current_app.extensions["read_db"], g.principal.firm_id,
                        keyring.email_index if keyring else None, on_position=_report)
    if requested_min_position():
        g.read_position = await_min_position(view, current_app.config["READ_WAIT_SECONDS"])
    return view


def _report(position: int) -> None:
    g.read_position = position
