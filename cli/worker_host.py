"""What the relay, the engine and the projector share: settings, health and readiness."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from event_store import close_shared_pools
from shared.config import ConfigurationError, Settings, load_settings
from shared.kafka import ensure_topic
from shared.ops_server import OpsServer, ops_app
from shared.readiness import BrokerProbe, Readiness, database_probe
from shared.sql import Database

log = logging.getLogger("visa")


def distributed_settings() -> Settings:
    """The settings of a process that runs only in the distributed deployment."""
    settings = load_settings()
    if not settings.uses_kafka or not settings.uses_postgres:
        raise ConfigurationError("this process needs VISA_DATABASE_URL and "
                                 "VISA_KAFKA_BOOTSTRAP_SERVERS (the distributed deployment)")
    ensure_topic(settings.kafka_bootstrap_servers, settings.kafka_topic)
    return settings


def worker_readiness(settings: Settings, db: Database, group_id: str | None = None
                     ) -> tuple[Readiness, BrokerProbe]:
    """Probe a worker's database, the broker and, for consumers, their consumer group."""
    broker = BrokerProbe(settings.kafka_bootstrap_servers, group_id)
    probes = {"database": database_probe(db), "broker": broker.broker}
    if group_id:
        probes["consumer_group"] = broker.consumer_group
    return Readiness(probes), broker


def run_consumer(args, settings: Settings, loop, db: Database, stop: threading.Event) -> None:
    """Run a Kafka consumer loop with its health server until stop is set."""
    readiness, broker = worker_readiness(settings, db, loop.group_id)
    try:
        with ops_server(args, settings, loop.is_alive, readiness):
            loop.run(stop)
    finally:
        close(broker, db)


@contextmanager
def ops_server(args, settings: Settings, alive, readiness: Readiness):
    """Serve /healthz, /readyz and /metrics on the worker's health address while it runs."""
    host = args.health_host or settings.health_host
    port = settings.health_port if args.health_port is None else args.health_port
    try:
        server = OpsServer(host, port, ops_app(alive, readiness)).start()
    except OSError as exc:
        raise ConfigurationError(f"cannot serve health and metrics on {host}:{port} "
                                 f"({exc.strerror}); set --health-port or VISA_HEALTH_PORT"
                                 ) from None
    log.info("%s started; health and metrics on http://%s:%s", args.command, host, server.port)
    try:
        yield server
    finally:
        server.close()
        log.info("%s stopped", args.command)


def close(broker: BrokerProbe, db: Database) -> None:
    broker.close()
    db.close()
    close_shared_pools()
