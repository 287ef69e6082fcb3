"""Rebuilding state from events: one client's history at a version, beside the raw SELECT."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import psycopg

from benchmarks.stats import percentiles, ratio, stopwatch, timed_ms
from event_store import FirmStores
from demo.profiles import ProfileGenerator
from event_store import EVENT_STORE_SCHEMA, firm_store_name
from query_service.adapters.profile_history import ProfileHistory
from query_service.audit_export import AuditExport, ExportCount


def as_of_reconstruction(stores: FirmStores, database_url: str, firm_id: str,
                         history: int = 200, samples: int = 30) -> dict:
    """Give one client `history` events, then rebuild it at its last version repeatedly."""
    cases, generator = stores.for_firm(firm_id), ProfileGenerator(seed=200)
    meta = {"actor_id": "bench", "actor_kind": "attorney", "correlation_id": "bench"}
    profile = cases.create_client(generator.profile(), meta)
    while profile.version < history:
        profile, _ = cases.edit_client(profile.id, {"notes": f"edit {uuid.uuid4().hex}"}, meta)
    middle = history // 2
    table = f'"{EVENT_STORE_SCHEMA}"."{firm_store_name(firm_id)}_events"'
    rebuild_ms = [timed_ms(lambda: cases.client_profile(profile.id, version=history))
                  for _ in range(samples)]
    middle_ms = [timed_ms(lambda: cases.client_profile(profile.id, version=middle))
                 for _ in range(samples)]
    # What `?as_of=` runs, without HTTP: the query side's fold of the stored events.
    past, now = ProfileHistory(stores), datetime.now(UTC)
    query_ms = [timed_ms(lambda: past.profile_as_of(firm_id, profile.id, now))
                for _ in range(samples)]
    with psycopg.connect(database_url, autocommit=True) as conn:
        select = (f"SELECT originator_version, topic, state FROM {table}"
                  " WHERE originator_id = %s AND originator_version <= %s"
                  " ORDER BY originator_version")
        raw_ms = [timed_ms(lambda: conn.execute(select, (profile.id, history)).fetchall())
                  for _ in range(samples)]
    rebuilt, raw, query = percentiles(rebuild_ms), percentiles(raw_ms), percentiles(query_ms)
    return {"events": history, "client_id": str(profile.id), f"as_of_version_{history}": rebuilt,
            f"as_of_version_{middle}": percentiles(middle_ms), "raw_select_of_the_rows": raw,
            "ratio_p50": ratio(rebuilt["p50_ms"], raw["p50_ms"]), "query_side": query,
            "query_side_ratio_p50": ratio(query["p50_ms"], raw["p50_ms"])}


def audit_export(stores: FirmStores, firm_id: str) -> dict:
    """Stream the firm's whole decrypted history as JSON Lines (`visa audit export`); time it.

    Beside it, the baseline: the same rows read with raw SELECTs (binary, pages of 5000).
    """
    count, size = ExportCount(), 0
    with stopwatch() as watch:
        for line in AuditExport(stores).lines(firm_id, count=count):
            size += len(line)
    raw = _raw_select_of_the_log(stores, firm_id)
    return {"events": count.events, "megabytes": round(size / 2**20, 1),
            "seconds": round(watch["seconds"], 2),
            "events_per_second": round(count.events / watch["seconds"]),
            "raw_select_events_per_second": raw,
            "ratio_to_raw_select": ratio(count.events / watch["seconds"], raw)}


def _raw_select_of_the_log(stores: FirmStores, firm_id: str) -> int:
    table = f'"{EVENT_STORE_SCHEMA}"."{firm_store_name(firm_id)}_events"'
    select = (f"SELECT notification_id, originator_id, originator_version, topic, state"
              f" FROM {table} WHERE notification_id > %s ORDER BY notification_id LIMIT 5000")
    rows, after = 0, 0
    with stores.for_firm(firm_id).recorder.datastore.get_connection() as conn, \
            conn.cursor(binary=True) as cursor, stopwatch() as watch:
        while page := cursor.execute(select, (after,)).fetchall():
            rows, after = rows + len(page), page[-1]["notification_id"]
    return round(rows / watch["seconds"])
