"""Stop a process cleanly on SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import threading


def stop_on_signal() -> threading.Event:
    """An event set by SIGINT or SIGTERM."""
    stop = threading.Event()
    on_shutdown_signal(stop.set)
    return stop


def on_shutdown_signal(callback) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: callback())
