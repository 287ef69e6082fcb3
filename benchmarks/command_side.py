"""Command side: HTTP latency and throughput at several concurrencies; append vs raw INSERT."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import requests
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

from benchmarks.stats import percentiles, ratio, stopwatch
from event_store import FirmStores
from demo.profiles import ProfileGenerator


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


def append_vs_raw_insert(stores: FirmStores, database_url: str, appends: int,
                         block: int = 50) -> dict:
    """Append one event per transaction four ways, interleaved block by block, same bytes.

    The four: a full `create_client` (seal the identifiers, create the client's key,
    append), the event store's append of the stored bytes (lock, chain link, announce),
    the library's own PostgreSQL recorder, and a raw autocommitted INSERT. Interleaving
    spreads the machine's load over all four alike.
    """
    cases = stores.for_firm(str(uuid.uuid4()))
    library = _library_recorder(cases)
    kernel = stores.for_firm(str(uuid.uuid4())).recorder
    generator = ProfileGenerator(seed=5)
    meta = {"actor_id": "bench", "actor_kind": "attorney", "correlation_id": "bench"}
    seconds = {"create_client": 0.0, "event_store_append": 0.0, "library_append": 0.0,
               "raw_insert": 0.0}
    sizes: list[int] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        raw_table = _raw_table(conn)
        for _ in range(max(1, appends // block)):
            profiles = [generator.profile() for _ in range(block)]
            with stopwatch() as watch:
                created = [cases.create_client(p, meta) for p in profiles]
            seconds["create_client"] += watch["seconds"]
            rows = [cases.recorder.select_events(c.id)[0] for c in created]
            sizes += [len(r.state) for r in rows]
            for name, append in (("event_store_append", kernel.insert_events),
                                 ("library_append", library.insert_events),
                                 ("raw_insert", lambda e: _raw_insert(conn, raw_table, e))):
                with stopwatch() as watch:
                    for row in rows:
                        append([StoredEvent(uuid.uuid4(), 1, row.topic, row.state)])
                seconds[name] += watch["seconds"]
        conn.execute(f"DROP TABLE {raw_table}")
    rates = {name: round(len(sizes) / s, 1) for name, s in seconds.items()}
    return {"events": len(sizes), "row_bytes_mean": round(sum(sizes) / len(sizes)),
            "appends_per_s": rates,
            "ratio_to_raw_insert": {name: ratio(rate, rates["raw_insert"])
                                    for name, rate in rates.items()},
            "event_store_vs_raw_insert": ratio(rates["event_store_append"],
                                               rates["raw_insert"])}


def _library_recorder(cases) -> PostgresApplicationRecorder:
    """The library's own recorder on a table of its own, over the store's connections."""
    recorder = PostgresApplicationRecorder(
        cases.recorder.datastore,
        events_table_name=f"bench_library_{uuid.uuid4().hex[:8]}_events")
    recorder.create_table()
    return recorder


def _raw_table(conn) -> str:
    name = f"bench_raw_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE TABLE {name} (originator_id uuid NOT NULL, originator_version"
                 " bigint NOT NULL, topic text, state bytea, notification_id bigserial,"
                 " PRIMARY KEY (originator_id, originator_version))")
    return name


def _raw_insert(conn, table: str, events: list[StoredEvent]) -> None:
    for e in events:
        conn.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state)"
                     " VALUES (%s, %s, %s, %s)", (e.originator_id, e.originator_version,
                                                  e.topic, e.state))
