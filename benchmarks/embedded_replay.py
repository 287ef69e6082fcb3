"""The embedded default's rebuild, on the same data set: the PostgreSQL stores copied to SQLite.

Copying the stored events (and the clients' wrapped keys) is much quicker than seeding a
second time, and the rebuild then replays exactly the events the PostgreSQL one did.
"""

from __future__ import annotations

from pathlib import Path

from eventsourcing.persistence import StoredEvent

from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import FirmStores
from query_service.rebuild import ProjectionRebuild
from shared.config import load_settings
from shared.sql import database_for
from tests.support.processes import run_visa, visa_env

COPY_PAGE = 5000


def sqlite_rebuild(postgres_env: dict, postgres_stores: FirmStores, firm_ids: list[str],
                   workdir: Path) -> dict:
    """Copy every firm's events to an embedded deployment, then time `visa projections rebuild`."""
    env = visa_env(**{k: v for k, v in postgres_env.items()
                      if k.startswith("VISA_") and k not in ("VISA_DATABASE_URL", "VISA_DATA_DIR")},
                   VISA_DATA_DIR=workdir / "embedded")
    if run_visa(env, "migrate").returncode != 0:
        raise RuntimeError("visa migrate failed on the embedded deployment")
    settings = load_settings(env)
    stores = firm_case_files(settings, keyring=bootstrap.keyring(settings))
    try:
        events = sum(_copy_firm(postgres_stores, stores, firm) for firm in firm_ids)
        _copy_keys(load_settings(postgres_env), settings)
        report = ProjectionRebuild(bootstrap.read_database(settings), stores,
                                   lambda: firm_ids).run()
    finally:
        stores.close()
    return {"events": report.events, "copied": events, "seconds": round(report.seconds, 2),
            "events_per_second": round(report.events_per_second),
            "seconds_dropping_the_replaced_tables": round(report.retiring_seconds, 2),
            "quarantined": len(report.quarantined)}


def _copy_firm(source: FirmStores, target: FirmStores, firm_id: str) -> int:
    reader, writer, after, copied = source.for_firm(firm_id), target.for_firm(firm_id), 0, 0
    while page := reader.recorder.select_notifications(after, COPY_PAGE,
                                                       inclusive_of_start=False):
        writer.recorder.insert_events([StoredEvent(n.originator_id, n.originator_version,
                                                   n.topic, n.state) for n in page])
        after, copied = page[-1].id, copied + len(page)
    return copied


def _copy_keys(source_settings, target_settings) -> None:
    columns = "firm_id, client_id, wrapped_key, created_at"
    source, target = database_for(source_settings, "keys"), database_for(target_settings, "keys")
    with source.transaction() as tx:
        rows = tx.fetch_all(f"SELECT {columns} FROM client_keys")
    with target.transaction() as tx:
        tx.insert_rows("client_keys", columns.split(", "), [tuple(r.values()) for r in rows])
    source.close()
    target.close()
