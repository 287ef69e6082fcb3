"""Run every benchmark against a fresh distributed deployment and collect the figures."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import command_side, dataset, embedded_replay, pipeline, query_side, replay
from benchmarks.stats import machine
from chaos.deployment import Deployment
from tests.support.databases import fresh_database
from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import close_shared_pools
from shared.config import load_settings
from shared.sql import database_for
from tests.support.api import Api
from tests.support.processes import run_visa, wait_for_http


@dataclass(frozen=True)
class Size:
    big_firm_clients: int
    firms: int
    other_firm_clients: int
    requests_per_level: int
    concurrencies: tuple[int, ...]
    query_samples: int
    appends: int
    lag_rate_per_s: float
    lag_seconds: float
    engine_checks: int
    relay_events: int
    as_of_samples: int


SIZES = {
    "tiny": Size(40, 3, 5, 6, (1, 4), 8, 20, 10, 1.5, 8, 400, 3),
    "medium": Size(10_000, 150, 10, 200, (1, 16, 64), 200, 1000, 20, 15, 200, 50_000, 30),
    "full": Size(50_000, 150, 20, 400, (1, 16, 64), 300, 2000, 20, 30, 300, 50_000, 30),
}


def run(size_name: str, workdir: Path, log=print, partial: Path | None = None) -> dict:
    """Measure everything at one size; return the figures with the machine and configuration.

    With partial, the figures so far are written there after each part (JSON), so a run
    that fails late keeps what it measured.
    """
    size = SIZES[size_name]
    with fresh_database("visa_bench") as database_url:
        # Far longer than any batch takes, so a busy consumer is not evicted; production's
        # 300 s also bounds how long a rebalance waits for a member that left silently,
        # which stalled a restarted engine past the benchmark's patience at full size.
        deployment = Deployment(workdir, database_url,
                                {"VISA_KAFKA_MAX_POLL_INTERVAL_MS": 30_000})
        try:
            return _measure(size_name, size, deployment, _Progress(log, partial))
        finally:
            deployment.stop()
            close_shared_pools()


def _measure(size_name: str, size: Size, deployment: Deployment, log) -> dict:
    report = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "size": size_name, "parameters": asdict(size),
              "machine": machine(deployment.database_url), "configuration": CONFIGURATION}
    log.report = report
    if run_visa(deployment.env, "migrate").returncode != 0:
        raise RuntimeError("visa migrate failed")
    settings = load_settings(deployment.env)
    # With the keyring, as the services run: seeded clients get data keys, identifiers sealed.
    stores = firm_case_files(settings, keyring=bootstrap.keyring(settings))
    directory = bootstrap.directory(settings)
    log("seeding firms through the event store")
    data, report["dataset"] = dataset.seed(settings, stores, size.big_firm_clients, size.firms,
                                           size.other_firm_clients)
    log(f"seeded {report['dataset']}; rebuilding the read tables by replay")
    report["replay"] = {"rebuild": dataset.rebuild_read_tables(settings, stores, data)}
    log("the embedded default's rebuild of the same events, copied to SQLite")
    report["replay"]["rebuild_sqlite"] = embedded_replay.sqlite_rebuild(
        deployment.env, stores, [f.id for f in data.firms], deployment.workdir)
    for name in ("command", "query"):
        deployment.start_process(name)
    wait_for_http(f"{deployment.api.command_url}/healthz")
    wait_for_http(f"{deployment.api.query_url}/healthz")
    big = deployment.api.login(data.big.admin_email, dataset.PASSWORD)
    log("query side")
    report["query_side"] = {
        "firm_clients": data.big.clients, "firms": size.firms,
        "operations": query_side.query_operations(
            deployment.api.query_url, big.token, deployment.database_url, data.big.id,
            data.big.client_ids, size.query_samples)}
    log("command side")
    report["command_side"] = {
        "http": command_side.http_commands(deployment.api.command_url, big.token,
                                           data.big.client_ids, size.concurrencies,
                                           size.requests_per_level),
        "append": command_side.append_vs_raw_insert(stores, deployment.database_url,
                                                    size.appends)}
    log("command side saturation, per gunicorn configuration")
    report["command_side"]["saturation"] = command_side.saturation_sweep(
        deployment, big.token, data.big.client_ids[size.requests_per_level
                                                    * len(size.concurrencies):],
        command_side.SWEEPS[size_name])
    log("as_of reconstruction")
    report["replay"]["as_of"] = replay.as_of_reconstruction(
        stores, deployment.database_url, data.big.id, samples=size.as_of_samples)
    report["replay"]["as_of"]["http"] = query_side.as_of_over_http(
        deployment.api.query_url, big.token, report["replay"]["as_of"]["client_id"],
        size.as_of_samples)
    log("audit export of the largest firm")
    report["replay"]["audit_export"] = replay.audit_export(stores, data.big.id)
    report["pipeline"] = _pipeline(size, deployment, data, stores, directory, log)
    stores.close()
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return report


def _pipeline(size: Size, deployment: Deployment, data, stores, directory, log) -> dict:
    deployment.start_broker()
    db = database_for(load_settings(deployment.env), "directory")
    log("relay throughput")
    relay = pipeline.relay_throughput(stores, directory, db, deployment.env[
        "VISA_KAFKA_BOOTSTRAP_SERVERS"], data.big.id, size.relay_events)
    pipeline.mark_history_relayed(stores, db, [f.id for f in data.firms])
    for name in ("relay", "projector", "engine"):
        deployment.start_process(name)
        deployment.wait_until_healthy(name)
    small = data.others[0]
    attorney: Api = deployment.api.login(small.admin_email, dataset.PASSWORD)
    log("warming the pipeline up, then projection lag")
    pipeline.projection_lag(deployment.api.command_url, attorney.token,
                            deployment.database_url, small.id, 2, 1)
    lag = pipeline.projection_lag(deployment.api.command_url, attorney.token,
                                  deployment.database_url, small.id, size.lag_rate_per_s,
                                  size.lag_seconds)
    log("engine throughput, rules only")
    n = size.engine_checks
    engine = pipeline.engine_throughput(stores, data.big.id, data.big.client_ids[-n:])
    engine["llm"] = "none: rules only (no LLM configured)"
    # Fresh clients per run: a stored analysis of the same profile would be reused.
    with_llm = []
    for number, latency in enumerate(ENGINE_LLM_LATENCIES_SECONDS, start=1):
        log(f"engine throughput, fake LLM at {latency} s")
        with_llm.append(pipeline.engine_throughput_with_fake_llm(
            deployment, stores, data.big.id,
            data.big.client_ids[-(number + 1) * n:-number * n], latency,
            warm_up_client=data.big.client_ids[number - 1]))
    pipeline.restart_engine_rules_only(deployment)
    db.close()
    return {"projection_lag": lag, "relay": relay, "engine": engine,
            "engine_with_fake_llm": with_llm}


ENGINE_LLM_LATENCIES_SECONDS = (0.0, 2.0)


class _Progress:
    """Log each part's start; with a path, save the figures measured so far."""

    def __init__(self, log, partial: Path | None):
        self._log, self._partial, self.report = log, partial, None

    def __call__(self, message: str) -> None:
        if self._partial is not None and self.report is not None:
            self._partial.parent.mkdir(parents=True, exist_ok=True)
            self._partial.write_text(json.dumps(self.report, indent=2, default=str))
        self._log(message)


CONFIGURATION = {
    "deployment": "distributed: every service its own process on one machine",
    "command_service": "gunicorn, 2 workers x 4 threads (visa command-service --workers 2)",
    "query_service": "gunicorn, 2 workers x 4 threads (visa query-service --workers 2)",
    "workers": "one relay, one engine, one projector process",
    "engine": "one process, 32 checks at once (VISA_ENGINE_CONCURRENCY); with the LLM, the "
              "real anthropic client against a local fake Messages API (tests/fakes)",
    "event_store": "PostgreSQL, one table per firm, one shared pool per process (max 8)",
    "broker": "Tansu (Kafka protocol) with in-memory storage, 12 partitions",
    "consumers": "max_poll_interval 30 s, 100 records per poll",
    "load_generator": "Python threads (requests) on the same machine as the services",
    "http_clients": "keep-alive sessions; each request waits for its response",
}
