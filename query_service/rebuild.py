"""Rebuild every read table from the event stores without downtime, and report lag.

A rebuild fills a fresh, suffixed set of tables beside the live ones while the
live projector and the query API carry on. It then takes the live tables'
locks for a moment, applies whatever arrived meanwhile, and swaps the sets by
renaming, in one transaction: readers see the old tables or the new ones,
never a half-built set, and no event is applied twice or skipped.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from event_store import FirmStores
from event_store import read_envelopes
from query_service.adapters.read_tables import (LIVE, ReadTables, create_tables_for_bulk_load,
                                                drop_tables, finish_bulk_load)
from query_service.projections import Projector
from shared.collector import collector_paused
from shared.quarantine import QuarantinedEvent
from shared.sql import Database, Transaction

BATCH = 5000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RebuildReport:
    events: int
    seconds: float  # until the new tables served reads
    quarantined: tuple[QuarantinedEvent, ...] = ()
    retiring_seconds: float = 0.0  # dropping the old tables afterwards

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class ProjectionRebuild:
    """Build a new table set from the event stores, then swap it in."""

    def __init__(self, db: Database, stores: FirmStores, firm_ids: Callable[[], Iterable[str]]):
        self._db = db
        self._stores = stores
        self._firm_ids = firm_ids

    def run(self) -> RebuildReport:
        started = time.monotonic()
        building = ReadTables("__r" + secrets.token_hex(4))
        create_tables_for_bulk_load(self._db, building)
        try:
            projector = Projector(self._db, building, keyring=self._stores.keyring)
            events = sum(self._project_firm(projector, firm) for firm in self._firm_ids())
            finish_bulk_load(self._db, building)
            analyse_tables(self._db, building)
            with self._db.transaction() as tx:
                lock_live_tables(tx)
                events += sum(self._catch_up(tx, projector, firm) for firm in self._firm_ids())
                quarantined = tuple(projector.quarantine.events(tx=tx))
                swap_tables(tx, building)
        except BaseException:
            with self._db.transaction() as tx:
                drop_tables(tx, building)
            raise
        swapped = time.monotonic()
        # After the swap's commit, so the live tables are not held meanwhile: on SQLite,
        # dropping overwrites every freed page (secure_delete), which takes a while.
        try:
            with self._db.transaction() as tx:
                drop_tables(tx, RETIRED)
        except Exception as exc:  # the rebuild stands; the next one drops them
            log.warning("the replaced read tables stay until the next rebuild: %s", exc)
        return RebuildReport(events, swapped - started, quarantined,
                             time.monotonic() - swapped)

    def _project_firm(self, projector: Projector, firm_id: str) -> int:
        app, applied = self._stores.for_firm(firm_id), 0
        with collector_paused(), ThreadPoolExecutor(1, "rebuild-read") as reader:
            # The next batch is read and decoded while this one is written: the writes
            # mostly wait for PostgreSQL, which lets the reading thread run.
            ahead = reader.submit(read_envelopes, app, projector.position(firm_id), BATCH)
            while batch := ahead.result():
                ahead = reader.submit(read_envelopes, app, batch[-1].position, BATCH)
                projector.handle_batch(batch)
                applied += len(batch)
        return applied

    def _catch_up(self, tx: Transaction, projector: Projector, firm_id: str) -> int:
        app, applied = self._stores.for_firm(firm_id), 0
        position = projector.position_in(tx, firm_id)
        while batch := read_envelopes(app, position, BATCH):
            applied += projector.apply_batch(tx, batch)
            position = batch[-1].position
        return applied


def analyse_tables(db: Database, tables: ReadTables) -> None:
    # Fresh tables have no planner statistics; without them PostgreSQL picks
    # nested loops that are fine on ten rows and slow on fifty thousand.
    with db.transaction() as tx:
        for table in tables.names(tx.dialect):
            if table != tables.clients_fts:
                tx.execute(f"ANALYZE {table}")


def lock_live_tables(tx: Transaction) -> None:
    # SQLite's write lock (BEGIN IMMEDIATE) already stops the live projector;
    # PostgreSQL needs the tables themselves locked against readers and writers.
    # The positions table first: every projector transaction reads it before
    # anything else, so it waits there instead of deadlocking with the swap.
    if tx.dialect == "postgresql":
        tables = [LIVE.projector_positions, *(n for n in LIVE.names(tx.dialect)
                                              if n != LIVE.projector_positions)]
        tx.execute("SET LOCAL lock_timeout = '30s'")
        tx.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")


RETIRED = ReadTables("__retired")


def swap_tables(tx: Transaction, building: ReadTables) -> None:
    """Put the built set in the live set's place; the live set becomes RETIRED, to drop."""
    drop_tables(tx, RETIRED)  # left by a rebuild that stopped after its swap
    for live, new, old in zip(LIVE.names(tx.dialect), building.names(tx.dialect),
                              RETIRED.names(tx.dialect)):
        tx.execute(f"ALTER TABLE {live} RENAME TO {old}")
        tx.execute(f"ALTER TABLE {new} RENAME TO {live}")


@dataclass(frozen=True)
class FirmLag:
    consumer: str
    firm_id: str
    position: int
    head: int
    lag: int
    quarantined: int = 0


def projection_status(db: Database, stores: FirmStores, firm_ids: Iterable[str],
                      others: dict[str, dict[str, int]] | None = None) -> list[FirmLag]:
    """Return each consumer's position, the store's head and the events between, per firm."""
    projector = Projector(db)
    consumers = {"projector": projector.positions(), **(others or {})}
    set_aside = Counter(e.firm_id for e in projector.quarantine.events())
    report = []
    for firm_id in firm_ids:
        recorder = stores.for_firm(firm_id).recorder
        head = recorder.max_notification_id() or 0
        for consumer, positions in consumers.items():
            position = positions.get(firm_id, 0)
            lag = len(recorder.select_notifications(position, 100_000, inclusive_of_start=False))
            report.append(FirmLag(consumer, firm_id, position, head, lag,
                                  set_aside[firm_id] if consumer == "projector" else 0))
    return report
