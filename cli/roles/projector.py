"""`visa projector`: project events from Kafka into the read tables."""

from __future__ import annotations

from cli.shutdown import stop_on_signal
from cli.worker_host import distributed_settings, run_consumer
from query_service.bootstrap import projector
from shared.kafka import KafkaConsumerLoop
from shared.sql import database_for


def run(args) -> int:
    settings = distributed_settings()
    loop = KafkaConsumerLoop(settings.kafka_bootstrap_servers, settings.kafka_topic,
                             projector(settings),
                             max_poll_interval_ms=settings.kafka_max_poll_interval_ms)
    db = database_for(settings, "read_model", pool_size=1)
    run_consumer(args, settings, loop, db, stop_on_signal())
    return 0
