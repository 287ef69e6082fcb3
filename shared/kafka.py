"""Kafka plumbing: the topic, a publisher keyed by firm, and a consumer-group loop."""

from __future__ import annotations

import json
import logging
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.structs import OffsetAndMetadata

from contracts import EventEnvelope
from shared.logs import correlated
from shared.messaging import EventConsumer, record_applied
from shared.metrics import (
    CONSUMER_FAILURES,
    CONSUMER_LAG,
    EVENT_LAG_SECONDS,
    EVENTS_CONSUMED,
    EVENTS_QUARANTINED,
    seconds_since,
)
from shared.quarantine import describe

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
        self._bootstrap_servers = bootstrap_servers
        self._topic = topic
        self._producer: KafkaProducer | None = None

    def publish(self, envelopes: list[EventEnvelope]) -> None:
        """Send a batch and wait until the broker has every message, or raise."""
        producer = self._producer or self._connect()
        try:
            futures = [
                producer.send(self._topic, key=e.firm_id.encode(), value=e.to_json(),
                              headers=e.kafka_headers())
                for e in envelopes
            ]
            producer.flush(timeout=30)
            for future in futures:
                future.get(timeout=30)
        except KafkaError:
            # A producer that met a restarted broker (unknown producer id) stays in a
            # fatal state; the caller retries the batch with a fresh producer.
            self._discard()
            raise

    def _connect(self) -> KafkaProducer:
        ensure_topic(self._bootstrap_servers, self._topic)
        self._producer = KafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            acks="all",
            retries=5,
            max_in_flight_requests_per_connection=1,
            linger_ms=5,
            request_timeout_ms=10_000,
        )
        return self._producer

    def _discard(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            producer.close(timeout=0)

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)


class KafkaConsumerLoop:
    """Feed one consumer group's messages to an EventConsumer; commit only after success."""

    def __init__(self, bootstrap_servers: str, topic: str, consumer: EventConsumer,
                 group_id: str | None = None, max_poll_interval_ms: int = 300_000):
        self._consumer = consumer
        self.group_id = group_id or f"visa-{consumer.name}"
        self.last_poll_at = time.monotonic()
        self._max_poll_seconds = max_poll_interval_ms / 1000
        self._lag_measured_at = 0.0
        self._kafka = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap_servers,
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=100,
            fetch_max_wait_ms=50,
            max_poll_interval_ms=max_poll_interval_ms,
            session_timeout_ms=min(10_000, max_poll_interval_ms),
            heartbeat_interval_ms=1_000,
        )

    def is_alive(self) -> bool:
        """Whether the loop polled recently enough to keep its place in the group."""
        return time.monotonic() - self.last_poll_at < self._max_poll_seconds

    def run(self, stop: threading.Event) -> None:
        """Consume until stop is set; in-flight events finish, the rest are redelivered."""
        log.info("consumer %s subscribing as group %s", self._consumer.name, self.group_id)
        try:
            while not stop.is_set():
                try:
                    batch = self._kafka.poll(timeout_ms=500)
                except KafkaError as exc:
                    # A broker outage is not the consumer's fault: wait and poll again.
                    log.warning("consumer %s cannot reach the broker: %s", self._consumer.name, exc)
                    stop.wait(1)
                    continue
                self.last_poll_at = time.monotonic()
                if not batch:
                    EVENT_LAG_SECONDS.labels(self._consumer.name).set(0)
                for partition, records in batch.items():
                    self._apply(partition, records, stop)
                self._measure_lag()
        finally:
            try:
                self._kafka.close(autocommit=False, timeout_ms=5000)
            except KafkaError as exc:
                log.warning("consumer %s closed without the broker: %s", self._consumer.name, exc)
            log.info("consumer %s left group %s", self._consumer.name, self.group_id)

    def _apply(self, partition: TopicPartition, records, stop: threading.Event) -> None:
        done, run = None, []
        for record in records:
            if stop.is_set():
                run = []
                break
            try:
                envelope, error = EventEnvelope.from_json(record.value), None
            except Exception as exc:
                envelope, error = None, exc
            if run and (envelope is None or envelope.firm_id != run[0][1].firm_id):
                if not self._handle_run(run, partition):
                    run = []
                    break
                done, run = run[-1][0], []
            if envelope is not None:
                run.append((record.offset, envelope))
            # A message this release cannot read (e.g. a newer schema version during a
            # rolling upgrade) is set aside by firm and position, for a later retry.
            elif self._set_aside(record, error, partition):
                done = record.offset
            else:
                break
        if run and self._handle_run(run, partition):
            done = run[-1][0]
        if done is None:
            return
        try:
            self._kafka.commit({partition: OffsetAndMetadata(done + 1, "", -1)})
        except KafkaError:
            log.warning("commit failed on %s; events after offset %s may be redelivered",
                        partition, done)

    def _handle_run(self, run: list, partition: TopicPartition) -> bool:
        """Apply consecutive events of one firm: together when the consumer takes batches."""
        handle_batch = getattr(self._consumer, "handle_batch", None)
        if handle_batch is None or len(run) == 1:
            return all(self._handle(envelope, partition, offset) for offset, envelope in run)
        envelopes = [envelope for _, envelope in run]
        try:
            handle_batch(envelopes)
        except Exception:
            log.exception("consumer %s failed on a batch of %s events of firm %s from %s"
                          " offset %s; will retry", self._consumer.name, len(run),
                          envelopes[0].firm_id, partition, run[0][0])
            CONSUMER_FAILURES.labels(self._consumer.name).inc()
            self._kafka.seek(partition, run[0][0])
            time.sleep(1)
            return False
        record_applied(self._consumer.name, envelopes)
        return True

    def _handle(self, envelope: EventEnvelope, partition: TopicPartition, offset: int) -> bool:
        with correlated(envelope.correlation_id):
            try:
                self._consumer.handle(envelope)
            except Exception:
                # Rewind to the failed event: it is redelivered after a pause
                # instead of being skipped, and its offset is never committed.
                log.exception("consumer %s failed on %s at %s offset %s; will retry",
                              self._consumer.name, envelope.event_type, partition, offset)
                CONSUMER_FAILURES.labels(self._consumer.name).inc()
                self._kafka.seek(partition, offset)
                time.sleep(1)
                return False
            log.info("%s applied %s", self._consumer.name, envelope.event_type,
                     extra={"firm_id": envelope.firm_id, "position": envelope.position,
                            "aggregate_id": envelope.aggregate_id})
        EVENTS_CONSUMED.labels(self._consumer.name, envelope.event_type).inc()
        EVENT_LAG_SECONDS.labels(self._consumer.name).set(seconds_since(envelope.occurred_at))
        return True

    def _set_aside(self, record, exc: Exception, partition: TopicPartition) -> bool:
        where = _whereabouts(record)
        log.error("consumer %s cannot read the message at %s offset %s: %r",
                  self._consumer.name, partition, record.offset, exc)
        if where is None:
            EVENTS_QUARANTINED.labels(self._consumer.name, "unreadable").inc()
            return True  # not one of our envelopes: nothing in any firm's stream to wait for
        try:
            self._consumer.set_aside(*where, describe(exc))
        except Exception:
            log.exception("consumer %s could not set the message aside; will retry",
                          self._consumer.name)
            CONSUMER_FAILURES.labels(self._consumer.name).inc()
            self._kafka.seek(partition, record.offset)
            time.sleep(1)
            return False
        return True

    def _measure_lag(self, every_seconds: float = 5.0) -> None:
        if time.monotonic() - self._lag_measured_at < every_seconds:
            return
        self._lag_measured_at = time.monotonic()
        # The high-water marks come with every fetch, so measuring costs no
        # request that could hold up a shutdown while the broker is away.
        lag = 0
        try:
            for partition in self._kafka.assignment():
                high = self._kafka.highwater(partition)
                if high is not None:
                    lag += max(0, high - self._kafka.position(partition, timeout_ms=1000))
        except KafkaError:
            log.warning("could not measure the lag of group %s", self.group_id)
            return
        CONSUMER_LAG.labels(self.group_id).set(lag)


def _whereabouts(record) -> tuple[str, int, str, str] | None:
    """The firm, position, type and aggregate an unreadable envelope names, if it names them."""
    try:
        fields = json.loads(record.value)
        return (str(fields["firm_id"]), int(fields["position"]),
                str(fields.get("event_type") or "unreadable"), str(fields.get("aggregate_id")))
    except (ValueError, TypeError, KeyError):
        return None
