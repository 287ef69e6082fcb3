"""The benchmark's data: one large firm and many small ones, seeded and projected for real."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from cli import bootstrap
from event_store import FirmStores
from event_store import read_envelopes
from demo.profiles import ProfileGenerator
from demo.seed import SeededFirm, Seeder
from query_service.projections import Projector
from benchmarks.stats import stopwatch
from shared.config import Settings

PASSWORD = "bench-password-42"
REBUILD_BATCH = 1000


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
    """Replay every firm's whole event store through the projector into the read tables."""
    projector, applied = Projector(bootstrap.read_database(settings),
                                     keyring=bootstrap.keyring(settings)), 0
    with stopwatch() as watch:
        for firm in dataset.firms:
            cases, position = stores.for_firm(firm.id), 0
            while batch := read_envelopes(cases, position, REBUILD_BATCH):
                projector.handle_batch(batch)
                position, applied = batch[-1].position, applied + len(batch)
    # Bulk loading leaves the planner without statistics until autovacuum gets to it.
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return {"events": applied, "seconds": round(watch["seconds"], 2), "batch": REBUILD_BATCH,
            "events_per_second": round(applied / watch["seconds"])}
