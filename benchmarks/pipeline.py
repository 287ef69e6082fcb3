"""The pipeline: relay throughput, stored-event-to-projection lag, engine checks per second."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone

import psycopg
import requests

from benchmarks.stats import percentiles, stopwatch
from command_service.adapters.directory import Directory
from event_store import FirmStores
from command_service.adapters.outbox_relay import OutboxRelay
from command_service.bootstrap import RELAY_POSITIONS
from demo.profiles import ProfileGenerator
from contracts import ANALYSIS_EVENTS, ANALYSIS_PRODUCED, CHECK_FAILED, RECOMMENDATIONS_PRODUCED
from shared.kafka import KafkaEventPublisher
from shared.positions import PositionTable
from shared.sql import Database
from tests.fakes.fake_messages_api import FakeMessagesAPI


def relay_throughput(stores: FirmStores, directory: Directory, db: Database, bootstrap: str,
                     firm_id: str, limit: int) -> dict:
    """Publish up to `limit` of a firm's stored events to a topic of their own; time it."""
    positions = PositionTable(db, f"bench-relay-{uuid.uuid4().hex[:6]}")
    publisher = KafkaEventPublisher(bootstrap, f"visa.bench.relay.{uuid.uuid4().hex[:8]}")
    relay, published = OutboxRelay(stores, directory, publisher, positions), 0
    publisher.publish([])  # connect and create the topic outside the timed part
    try:
        with stopwatch() as watch:
            while published < limit and (batch := relay.relay_firm(firm_id)):
                published += batch
    finally:
        publisher.close()
    return {"events": published, "seconds": round(watch["seconds"], 2),
            "events_per_second": round(published / watch["seconds"])}


def mark_history_relayed(stores: FirmStores, db: Database, firm_ids: list[str]) -> None:
    """Record the seeded history as published: its projection was rebuilt by the replay."""
    positions = PositionTable(db, "relay", RELAY_POSITIONS)
    for firm_id in firm_ids:
        positions.advance(firm_id, stores.for_firm(firm_id).recorder.max_notification_id() or 0)


def projection_lag(command_url: str, token: str, database_url: str, firm_id: str,
                   rate_per_s: float, seconds: float) -> dict:
    """Create clients at a steady rate; time from each stored event to its read row."""
    generator, session = ProfileGenerator(seed=31), requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    pending: dict[str, datetime] = {}
    lags: list[float] = []
    lock, done = threading.Lock(), threading.Event()
    watcher = threading.Thread(target=_watch_rows, daemon=True,
                               args=(database_url, firm_id, pending, lags, lock, done))
    watcher.start()
    interval, count = 1 / rate_per_s, int(rate_per_s * seconds)
    started = time.perf_counter()
    for number in range(count):
        time.sleep(max(0.0, started + number * interval - time.perf_counter()))
        body = session.post(f"{command_url}/v1/clients", json=generator.profile(),
                            timeout=60).json()
        with lock:
            pending[body["id"]] = datetime.fromisoformat(body["created_at"])
    achieved = count / (time.perf_counter() - started)
    _wait(lambda: not pending, 120)
    done.set()
    watcher.join()
    return {"target_rate_per_s": rate_per_s, "achieved_rate_per_s": round(achieved, 1),
            "events": count, "unprojected": len(pending), "lag": percentiles(lags)}


def _watch_rows(database_url, firm_id, pending, lags, lock, done) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        while not done.is_set():
            with lock:
                waiting = list(pending)
            if waiting:
                seen = conn.execute("SELECT client_id FROM clients WHERE firm_id = %s"
                                    " AND client_id = ANY(%s)", (firm_id, waiting)).fetchall()
                now = datetime.now(timezone.utc)
                with lock:
                    for (client_id,) in seen:
                        lags.append((now - pending.pop(client_id)).total_seconds() * 1000)
            time.sleep(0.005)


def engine_throughput(stores: FirmStores, firm_id: str, client_ids: list[str],
                      analysis_follows: bool = False) -> dict:
    """Request one check per client at once; checks per second from first request to last
    conclusion, and (with an LLM) the time until every check's analysis is recorded too."""
    cases = stores.for_firm(firm_id)
    meta = {"actor_id": "bench", "actor_kind": "attorney", "correlation_id": "bench"}
    before = cases.recorder.max_notification_id() or 0
    checks = {str(cases.request_check(uuid.UUID(c), meta).id) for c in client_ids}
    concluded, analysed, modes = {}, {}, {}

    def all_done() -> bool:
        for event in cases.read_envelopes(before, limit=100_000):
            at = datetime.fromisoformat(event.occurred_at)
            if event.event_type in (RECOMMENDATIONS_PRODUCED, CHECK_FAILED):
                concluded[event.aggregate_id] = at
                result = event.data.get("result")
                modes[event.aggregate_id] = (result.get("analysis_mode", "unknown")
                                             if isinstance(result, dict) else "failed")
            elif event.event_type in ANALYSIS_EVENTS:
                analysed[event.data["check_id"]] = at
                modes[event.data["check_id"]] = ("llm_and_rules"
                                                 if event.event_type == ANALYSIS_PRODUCED
                                                 else "rules_only")
        return checks <= set(concluded) and (not analysis_follows or checks <= set(analysed))

    requested_at = min(cases.eligibility_check(uuid.UUID(c)).created_on for c in checks)
    finished = _wait(all_done, 300)
    # A run that timed out reports what concluded in time, and says so.
    done = [concluded[c] for c in checks if c in concluded]
    seconds = (max(done) - requested_at).total_seconds() if done else None
    figures = {"checks": len(checks), "concluded": len(done), "timed_out": not finished,
               "seconds": round(seconds, 2) if seconds else None,
               "checks_per_second": round(len(done) / seconds, 1) if seconds else 0.0,
               "analysis_modes": dict(Counter(modes[c] for c in checks if c in modes)),
               "event_types_counted": [RECOMMENDATIONS_PRODUCED, CHECK_FAILED]}
    if analysis_follows:
        analyses = [analysed[c] for c in checks if c in analysed]
        figures["seconds_to_every_analysis"] = round(
            (max(analyses) - requested_at).total_seconds(), 2) if analyses else None
    return figures


def engine_throughput_with_fake_llm(deployment, stores: FirmStores, firm_id: str,
                                    client_ids: list[str], latency_seconds: float,
                                    warm_up_client: str) -> dict:
    """Restart the engine against a fake Messages API answering after `latency_seconds`.

    One check on `warm_up_client` first, outside the figure: it waits out the restarted
    engine joining its consumer group.
    """
    fake = FakeMessagesAPI(default="slow" if latency_seconds else "good",
                           slow_seconds=latency_seconds).start()
    rules_only_env = deployment.env
    # Deadlines well past the latency: the figure is throughput, not the fallback.
    deployment.env = {**rules_only_env, "ANTHROPIC_API_KEY": "bench-key",
                      "ANTHROPIC_BASE_URL": fake.base_url,
                      "VISA_LLM_CALL_TIMEOUT_SECONDS": str(latency_seconds + 30),
                      "VISA_LLM_DEADLINE_SECONDS": str(latency_seconds + 60)}
    try:
        _restart_engine(deployment)
        engine_throughput(stores, firm_id, [warm_up_client], analysis_follows=True)
        calls_before = fake.request_count()
        fake.max_in_flight = 0
        figures = engine_throughput(stores, firm_id, client_ids, analysis_follows=True)
    finally:
        deployment.env = rules_only_env
        fake.stop()
    return {**figures, "llm": f"fake Messages API (real anthropic client), "
                              f"{round(latency_seconds * 1000)} ms per call",
            "llm_latency_ms": round(latency_seconds * 1000), "llm_calls": fake.request_count() - calls_before,
            "llm_calls_in_flight_max": fake.max_in_flight}


def restart_engine_rules_only(deployment) -> None:
    """Put the engine back as the deployment started it: no LLM."""
    _restart_engine(deployment)


def _restart_engine(deployment) -> None:
    # A graceful stop leaves the consumer group at once; a kill would hold the partitions.
    deployment.processes["engine"].stop()
    deployment.start_process("engine")
    deployment.wait_until_healthy("engine")


def _wait(condition, timeout: float) -> bool:
    """Wait for condition; False when the timeout passed first."""
    deadline = time.monotonic() + timeout
    while not (met := condition()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return met
