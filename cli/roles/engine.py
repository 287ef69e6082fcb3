"""`visa engine`: evaluate requested checks from Kafka, and sweep for stuck ones."""

from __future__ import annotations

import threading

from cli.shutdown import stop_on_signal
from cli.worker_host import distributed_settings, run_consumer
from eligibility_engine.bootstrap import engine
from shared.kafka import KafkaConsumerLoop


def run(args) -> int:
    settings = distributed_settings()
    parts = engine(settings)
    loop = KafkaConsumerLoop(settings.kafka_bootstrap_servers, settings.kafka_topic, parts.handler,
                             max_poll_interval_ms=settings.kafka_max_poll_interval_ms)
    stop = stop_on_signal()
    sweeper = threading.Thread(target=parts.run_sweepers, name="stuck-checks", args=(stop,))
    sweeper.start()
    try:
        run_consumer(args, settings, loop, parts.db, stop)
    finally:
        stop.set()
        sweeper.join(30)
    return 0
