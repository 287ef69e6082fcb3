"""The benchmark's data: one large firm and many small ones, seeded and projected for real."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from cli import bootstrap
from event_store import EVENT_STORE_SCHEMA, FirmStores, firm_store_name
from demo.profiles import ProfileGenerator
from demo.seed import SeededFirm, Seeder
from query_service.rebuild import BATCH as REBUILD_BATCH, ProjectionRebuild
from benchmarks.stats import stopwatch
from shared.config import Settings

PASSWORD = "bench-password-42"


@dataclass
class Dataset:
    big: SeededFirm
    others: list[SeededFirm]

    @property
    def firms(self) -> list[SeededFirm]:
        return [self.big, *self.others]


def seed(settings: Settings, stores: FirmStores, big_firm_clients: int, firms: int,
         other_firm_clients: int) -> tuple[Dataset, dict]:
    """Load the firms through the event store, in batches, and time it."""
    seeder = Seeder(stores, bootstrap.directory(settings), ProfileGenerator(seed=8))
    with stopwatch() as watch:
        big = seeder.fill(seeder.create_firm(0, PASSWORD), big_firm_clients)
        others = [seeder.fill(seeder.create_firm(i, PASSWORD), other_firm_clients)
                  for i in range(1, firms)]
    dataset = Dataset(big, others)
    events = sum(f.events for f in dataset.firms)
    return dataset, {"firms": firms, "clients": sum(f.clients for f in dataset.firms),
                     "largest_firm_clients": big.clients, "events": events,
                     "seconds": round(watch["seconds"], 2),
                     "events_per_second": round(events / watch["seconds"])}


def rebuild_read_tables(settings: Settings, stores: FirmStores, dataset: Dataset) -> dict:
    """`visa projections rebuild` over every firm's store, beside a raw read of the same rows."""
    firm_ids = [f.id for f in dataset.firms]
    with stopwatch() as raw:
        read = _read_every_event(settings.database_url, firm_ids)
    report = ProjectionRebuild(bootstrap.read_database(settings), stores,
                               lambda: firm_ids).run()
    seconds = report.seconds
    return {"events": report.events, "seconds": round(seconds, 2), "batch": REBUILD_BATCH,
            "seconds_dropping_the_replaced_tables": round(report.retiring_seconds, 2),
            "events_per_second": round(report.events / seconds),
            "quarantined": len(report.quarantined),
            "raw_read": {"events": read, "seconds": round(raw["seconds"], 2),
                         "events_per_second": round(read / raw["seconds"])},
            "ratio_to_raw_read": round((report.events / seconds) / (read / raw["seconds"]), 3)}


def _read_every_event(database_url: str, firm_ids: list[str]) -> int:
    """The baseline: every stored event's row read with psycopg (binary, pages of 5,000)."""
    rows = 0
    with psycopg.connect(database_url) as conn, conn.cursor(binary=True) as cur:
        for firm in firm_ids:
            table = f'"{EVENT_STORE_SCHEMA}"."{firm_store_name(firm)}_events"'
            after = 0
            while page := cur.execute(
                    f"SELECT notification_id, originator_id, originator_version, topic, state"
                    f" FROM {table} WHERE notification_id > %s ORDER BY notification_id"
                    f" LIMIT {REBUILD_BATCH}", (after,)).fetchall():
                after, rows = page[-1][0], rows + len(page)
    return rows
