"""Kafka plumbing: the topic, a publisher keyed by firm, and a consumer-group loop."""

from __future__ import annotations

import logging
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.structs import OffsetAndMetadata

from shared.contracts import EventEnvelope
from shared.messaging import EventConsumer

log = logging.getLogger(__name__)


def ensure_topic(bootstrap_servers: str, topic: str, partitions: int = 12) -> None:
    """Create the events topic if the broker does not have it yet."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="visa-admin")
    try:
        if topic not in admin.list_topics():
            admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


class KafkaEventPublisher:
    """Publish envelopes keyed by firm, so one firm's events stay in one partition, in order."""

    def __init__(self, bootstrap_servers: str, topic: str):
        self._topic = topic
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap_servers,
            acks="all",
            retries=5,
            max_in_flight_requests_per_connection=1,
            linger_ms=5,
            request_timeout_ms=10_000,
        )

    def publish(self, envelopes: list[EventEnvelope]) -> None:
        """Send a batch and wait until the broker has every message, or raise."""
        futures = [
            self._producer.send(self._topic, key=e.firm_id.encode(), value=e.to_json(),
                                headers=e.kafka_headers())
            for e in envelopes
        ]
        self._producer.flush(timeout=30)
        for future in futures:
            future.get(timeout=30)

    def close(self) -> None:
        self._producer.close(timeout=5)


class KafkaConsumerLoop:
    """Feed one consumer group's messages to an EventConsumer; commit only after success."""

    def __init__(self, bootstrap_servers: str, topic: str, consumer: EventConsumer,
                 group_id: str | None = None, max_poll_interval_ms: int = 300_000):
        self._consumer = consumer
        self._kafka = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap_servers,
            group_id=group_id or f"visa-{consumer.name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=100,
            fetch_max_wait_ms=50,
            max_poll_interval_ms=max_poll_interval_ms,
            session_timeout_ms=min(10_000, max_poll_interval_ms),
            heartbeat_interval_ms=1_000,
        )

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                batch = self._kafka.poll(timeout_ms=500)
                for partition, records in batch.items():
                    self._apply(partition, records)
        finally:
            self._kafka.close(autocommit=False)

    def _apply(self, partition: TopicPartition, records) -> None:
        done = None
        for record in records:
            try:
                self._consumer.handle(EventEnvelope.from_json(record.value))
            except Exception:
                # Rewind to the failed event: it is redelivered after a pause
                # instead of being skipped, and its offset is never committed.
                log.exception("consumer %s failed at %s offset %s; will retry",
                              self._consumer.name, partition, record.offset)
                self._kafka.seek(partition, record.offset)
                time.sleep(1)
                break
            done = record.offset
        if done is None:
            return
        try:
            self._kafka.commit({partition: OffsetAndMetadata(done + 1, "", -1)})
        except KafkaError:
            log.warning("commit failed on %s; events after offset %s may be redelivered",
                        partition, done)


