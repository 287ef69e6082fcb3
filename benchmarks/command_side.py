"""Command side: HTTP latency and throughput at several concurrencies; append vs raw INSERT."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Sweep:
    """Offered rates (requests/s) tried in turn per gunicorn configuration; each step lasts
    `seconds`, or longer to send at least `requests` (a p99 of fewer is just the maximum)."""

    rates: tuple[float, ...]
    seconds: float
    requests: int
    configurations: tuple[tuple[int, int], ...]  # (workers, threads per worker)


P99_LIMIT_MS = 100.0
SWEEPS = {
    "tiny": Sweep((4, 8), 0.75, 3, ((1, 4), (2, 4))),
    "medium": Sweep((10, 20, 40, 60, 80, 120, 160), 2.5, 60, ((1, 8), (2, 4), (4, 2))),
    "full": Sweep((10, 20, 40, 60, 80, 120, 160, 240), 4.0, 100, ((1, 8), (2, 4), (4, 2))),
}


def saturation_sweep(deployment, token: str, client_ids: list[str], sweep: Sweep) -> dict:
    """Find, per configuration, the request rate at which POST and PATCH p99 crosses 100 ms.

    Open loop: requests leave at the offered rate whatever the answers' pace, and each is
    timed from the moment it was due, so queueing in front of the service counts. The
    rates rise until p99 passes the limit (or a request fails) at two steps in a row; the
    saturation throughput is the highest rate served with p99 within it. The command service is restarted with
    each configuration, then with the deployment's own again.
    """
    headers, generator = {"Authorization": f"Bearer {token}"}, ProfileGenerator(seed=77)
    unused, results = iter(client_ids), []
    try:
        for workers, threads in sweep.configurations:
            deployment.serve_commands_with(workers, threads)
            url = deployment.api.command_url
            # Warm each worker up (pools opened, statements prepared) before timing.
            http_load([("POST", f"{url}/v1/clients", headers, generator.profile())
                       for _ in range(4 * workers)], workers)
            posts = _rising(lambda n: [("POST", f"{url}/v1/clients", headers,
                                        generator.profile()) for _ in range(n)], sweep)
            created = iter([i for step in posts for i in step["created"]])
            patches = _rising(lambda n: [("PATCH", f"{url}/v1/clients/{_next_id(created, unused)}",
                                          headers, generator.edit({})) for _ in range(n)], sweep)
            for operation, steps in (("POST /v1/clients", posts),
                                     ("PATCH /v1/clients/{id}", patches)):
                for step in steps:
                    del step["created"]
                results.append({"workers": workers, "threads": threads, "operation": operation,
                                "saturation_per_s": _saturation(steps), "steps": steps})
    finally:
        deployment.serve_commands_with(int(deployment.service_workers), None)
    return {"p99_limit_ms": P99_LIMIT_MS, "seconds_per_step": sweep.seconds,
            "results": results, "best": _best(results)}


def _next_id(created, seeded) -> str:
    # Each PATCH edits a client no other request edits: concurrent edits would race by design.
    return next(created, None) or next(seeded)


def _rising(prepare, sweep: Sweep) -> list[dict]:
    """Raise the rate until two steps in a row miss the limit (one may be a passing stall)."""
    steps, missed = [], 0
    for rate in sweep.rates:
        step = open_loop(prepare(max(sweep.requests, round(rate * sweep.seconds))), rate)
        steps.append(step)
        missed = missed + 1 if not _within_limit(step) else 0
        if missed == 2:
            break
    return steps


def _within_limit(step: dict) -> bool:
    return not step["errors"] and (step["latency"]["p99_ms"] or 0) <= P99_LIMIT_MS


def open_loop(requests_to_send: list, rate: float, threads: int = 64) -> dict:
    """Send prepared requests at `rate` per second; time each from when it was due."""
    local, latencies, errors, created = threading.local(), [], [], []

    def send(prepared, due: float):
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        method, url, headers, body = prepared
        response = session.request(method, url, headers=headers, json=body, timeout=60)
        latencies.append((time.perf_counter() - due) * 1000)
        if response.status_code >= 300:
            errors.append((response.status_code, response.text[:300]))
        elif method == "POST":
            created.append(response.json()["id"])

    with stopwatch() as watch, ThreadPoolExecutor(threads) as pool:
        start = time.perf_counter()
        for number, prepared in enumerate(requests_to_send):
            due = start + number / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            pool.submit(send, prepared, due)
    return {"offered_per_s": rate,
            # Completions per second, never above the offered rate: n requests span n / rate.
            "achieved_per_s": round(len(requests_to_send)
                                    / max(watch["seconds"], len(requests_to_send) / rate), 1),
            "latency": percentiles(latencies), "errors": len(errors),
            "error_samples": errors[:3], "created": created}


def _saturation(steps: list[dict]) -> float | None:
    served = [s["achieved_per_s"] for s in steps if _within_limit(s)]
    return max(served) if served else None


def _best(results: list[dict]) -> dict | None:
    """The configuration whose POST and PATCH saturation, taken together, is highest."""
    totals: dict[tuple[int, int], float] = {}
    for r in results:
        key = (r["workers"], r["threads"])
        totals[key] = totals.get(key, 0.0) + (r["saturation_per_s"] or 0.0)
    if not totals or not any(totals.values()):
        return None
    (workers, threads), _ = max(totals.items(), key=lambda item: item[1])
    return {"workers": workers, "threads": threads}
