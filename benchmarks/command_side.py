"""Command side: HTTP latency and throughput at several concurrencies; append vs raw INSERT."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import requests

from benchmarks.stats import percentiles, ratio, stopwatch
from event_store import FirmStores
from demo.profiles import ProfileGenerator
from event_store import EVENT_STORE_SCHEMA, firm_store_name


def http_load(requests_to_send: list, concurrency: int) -> dict:
    """Send prepared requests from `concurrency` threads; time each one and the whole run."""
    local, latencies, errors = threading.local(), [], []

    def send(prepared):
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        method, url, headers, body = prepared
        started = time.perf_counter()
        response = session.request(method, url, headers=headers, json=body, timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 300:
            errors.append((response.status_code, response.text[:300]))

    with stopwatch() as watch, ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, requests_to_send))
    return {"concurrency": concurrency, "latency": percentiles(latencies),
            "throughput_per_s": round(len(requests_to_send) / watch["seconds"], 1),
            "errors": len(errors), "error_samples": errors[:3]}


def http_commands(command_url: str, token: str, client_ids: list[str], concurrencies,
                  per_level: int) -> list[dict]:
    """POST new clients and PATCH existing ones at each concurrency level."""
    generator, headers = ProfileGenerator(seed=99), {"Authorization": f"Bearer {token}"}
    results, unused = [], iter(client_ids)
    for concurrency in concurrencies:
        posts = [("POST", f"{command_url}/v1/clients", headers, generator.profile())
                 for _ in range(per_level)]
        results.append({"operation": "POST /v1/clients", **http_load(posts, concurrency)})
        # Distinct clients per PATCH: concurrent edits of one client would race by design.
        patches = [("PATCH", f"{command_url}/v1/clients/{next(unused)}", headers,
                    generator.edit({})) for _ in range(per_level)]
        results.append({"operation": "PATCH /v1/clients/{id}", **http_load(patches, concurrency)})
    return results


def append_vs_raw_insert(stores: FirmStores, database_url: str, appends: int) -> dict:
    """Append single events through the store and raw INSERT same-size rows, one per transaction."""
    firm_id, generator = str(uuid.uuid4()), ProfileGenerator(seed=5)
    cases = stores.for_firm(firm_id)
    meta = {"actor_id": "bench", "actor_kind": "attorney", "correlation_id": "bench"}
    profiles = [generator.profile() for _ in range(appends)]
    with stopwatch() as store_watch:
        for fields in profiles:
            cases.create_client(fields, meta)
    table = f'"{EVENT_STORE_SCHEMA}"."{firm_store_name(firm_id)}_events"'
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(f"SELECT originator_version, topic, state FROM {table}").fetchall()
        raw_seconds = _raw_inserts(conn, rows)
    store_rate, raw_rate = appends / store_watch["seconds"], appends / raw_seconds
    return {"events": appends, "row_bytes_mean": round(sum(len(r[2]) for r in rows) / len(rows)),
            "event_store_appends_per_s": round(store_rate, 1),
            "raw_insert_rows_per_s": round(raw_rate, 1),
            "event_store_vs_raw_insert": ratio(store_rate, raw_rate)}


def _raw_inserts(conn, rows) -> float:
    name = f"bench_raw_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE TABLE {name} (originator_id uuid NOT NULL, originator_version"
                 " bigint NOT NULL, topic text, state bytea, notification_id bigserial,"
                 " PRIMARY KEY (originator_id, originator_version))")
    try:
        with stopwatch() as watch:
            for version, topic, state in rows:
                conn.execute(f"INSERT INTO {name} (originator_id, originator_version, topic,"
                             " state) VALUES (%s, %s, %s, %s)",
                             (uuid.uuid4(), version, topic, state))
        return watch["seconds"]
    finally:
        conn.execute(f"DROP TABLE {name}")
