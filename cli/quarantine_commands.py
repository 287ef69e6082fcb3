"""`visa projections quarantine list|retry|skip`: act on events a consumer set aside."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import contextmanager

from cli import bootstrap
from eligibility_engine.bootstrap import engine_quarantine
from event_store import FirmStores, close_shared_pools, parse_firm_id, to_envelope
from query_service.projections import Projector
from shared.config import load_settings
from shared.quarantine import Quarantine, describe
from shared.sql import database_for

def list_quarantined(args) -> int:
    with _quarantine(args) as (quarantine, _retry_one, _stores):
        events = quarantine.events(_firm(args), status=None if args.all else "quarantined")
    if args.json:
        for event in events:
            print(json.dumps(event.as_dict()))
        return 0
    print(f"{'firm':<36} {'position':>9} {'event':<26} {'tries':>5}  error")
    for e in events:
        print(f"{e.firm_id:<36} {e.position:>9} {e.event_type:<26} {e.attempts:>5}  "
              f"{'(skipped) ' if e.status != 'quarantined' else ''}{e.error}")
    print(f"{len(events)} event(s)", file=sys.stderr)
    return 0


def retry(args) -> int:
    if args.position is not None and not args.firm:
        print("error: --position needs --firm", file=sys.stderr)
        return 2
    released = failing = 0
    with _quarantine(args) as (quarantine, retry_one, stores):
        progress = True
        while progress:  # releasing an aggregate's first event lets its later ones apply
            progress, failing = False, 0
            for event in quarantine.events(_firm(args)):
                if args.position is not None and event.position != args.position:
                    continue
                error = _retry_event(stores, quarantine, event, retry_one)
                print(json.dumps({"firm_id": event.firm_id, "position": event.position,
                                  "event_type": event.event_type,
                                  "outcome": "applied" if error is None else "failed",
                                  "error": error}))
                released, failing = released + (error is None), failing + (error is not None)
                progress = progress or error is None
    print(f"{released} applied, {failing} still quarantined", file=sys.stderr)
    return 0 if failing == 0 else 1


def _retry_event(stores: FirmStores, quarantine: Quarantine, event, retry_one) -> str | None:
    store = stores.for_firm(event.firm_id)
    found = store.recorder.select_notifications(start=event.position, limit=1)
    try:
        if not found or found[0].id != event.position:
            raise LookupError(f"position {event.position} is not in the firm's event store")
        envelope = to_envelope(store, found[0])
    except Exception as exc:  # still unreadable: note the attempt and keep it
        error = describe(exc)
        with quarantine.db.transaction() as tx:
            quarantine.record(tx, event.firm_id, event.position, event.event_type,
                              event.aggregate_id, error)
        return error
    return retry_one(envelope)


def skip(args) -> int:
    with _quarantine(args) as (quarantine, _retry_one, _stores):
        skipped = quarantine.skip(_firm(args), args.position)
    if not skipped:
        print(f"error: no quarantined event at position {args.position} of that firm",
              file=sys.stderr)
        return 1
    print(json.dumps({"firm_id": _firm(args), "position": args.position, "status": "skipped"}))
    return 0


def _firm(args) -> str | None:
    return parse_firm_id(args.firm) if args.firm else None


@contextmanager
def _quarantine(args):
    """The chosen consumer's quarantine, how it retries an event, and the firms' stores."""
    settings = load_settings()
    if not settings.uses_postgres:
        bootstrap.migrate(settings)
    keyring = bootstrap.keyring(settings)
    stores = FirmStores(settings, keyring=keyring)
    closers: list[Callable[[], None]] = [stores.close, close_shared_pools]
    try:
        if args.consumer == "projector":
            projector = Projector(bootstrap.read_database(settings), keyring=keyring)
            yield projector.quarantine, projector.retry, stores
        else:
            yield _engine_parts(settings, stores, closers)
    finally:
        for close in closers:
            close()


def _engine_parts(settings, stores: FirmStores, closers: list):
    engines = []

    def retry_one(envelope):
        # Built on the first retry only; a retried CheckRequested starts its check on the
        # engine's pool, and closing the pool waits for it.
        if not engines:
            engines.append(bootstrap.engine(settings, stores,
                                            track_positions=not settings.uses_kafka))
            closers.insert(0, engines[0].handler.close)
        return engines[0].handler.retry(envelope)

    return engine_quarantine(database_for(settings, "engine")), retry_one, stores
