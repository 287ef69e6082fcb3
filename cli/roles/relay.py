"""`visa relay`: publish each firm's stored events to Kafka (the transactional outbox)."""

from __future__ import annotations

import time

from cli.shutdown import stop_on_signal
from cli.worker_host import close, distributed_settings, ops_server, worker_readiness
from command_service.adapters.outbox_relay import PostgresWakeups
from command_service.bootstrap import outbox_relay
from shared.kafka import KafkaEventPublisher
from shared.sql import database_for


def run(args) -> int:
    settings = distributed_settings()
    publisher = KafkaEventPublisher(settings.kafka_bootstrap_servers, settings.kafka_topic)
    wakeups = PostgresWakeups(settings.database_url)
    relay = outbox_relay(settings, publisher)
    db = database_for(settings, "directory", pool_size=1)
    readiness, broker = worker_readiness(settings, db)
    stop = stop_on_signal()
    try:
        with ops_server(args, settings, lambda: time.monotonic() - relay.last_pass_at < 60,
                        readiness):
            relay.run(stop, wakeups)
    finally:
        wakeups.close()
        publisher.close()
        close(broker, db)
    return 0
