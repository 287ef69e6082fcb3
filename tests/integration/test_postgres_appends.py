"""PostgreSQL appends keep their promises: gap-free positions in commit order, one unbroken
chain, an announcement per commit, whichever writer appends and however they interleave."""

from __future__ import annotations

import os
import threading
import uuid

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from event_store import (EVENT_STORE_SCHEMA, STORED_CHANNEL, FirmStores, close_shared_pools,
                         firm_store_name, verify_chain)


@pytest.fixture
def firm(pg_settings):
    """A firm's id and two independent writers of its store (as two processes would be)."""
    firm_id = str(uuid.uuid4())
    writers = [FirmStores(pg_settings), FirmStores(pg_settings)]
    yield firm_id, [w.for_firm(firm_id).recorder for w in writers], pg_settings.database_url
    for writer in writers:
        writer.close()
    close_shared_pools()


def event(version: int = 1, originator=None) -> StoredEvent:
    return StoredEvent(originator or uuid.uuid4(), version, "test:Appended", os.urandom(64))


def assert_gap_free_and_chained(recorder, count: int) -> None:
    notifications = recorder.select_notifications(0, 100_000)
    assert [n.id for n in notifications] == list(range(1, count + 1))
    assert verify_chain(recorder.chain_links(), notifications, recorder.chain_key)[0] == []


def test_two_writers_taking_turns_extend_one_chain_without_gaps(firm):
    _, (first, second), _ = firm

    positions = [(first if n % 2 else second).insert_events([event(), event()])
                 for n in range(10)]

    assert [p for pair in positions for p in pair] == list(range(1, 21))
    assert_gap_free_and_chained(first, 20)


def test_concurrent_writers_in_many_threads_get_every_position_once(firm):
    _, writers, _ = firm
    positions: list[int] = []

    def append(recorder):
        for _ in range(15):
            positions.extend(recorder.insert_events([event()]))

    threads = [threading.Thread(target=append, args=(writers[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(positions) == list(range(1, 121))
    assert_gap_free_and_chained(writers[0], 120)


def test_a_refused_version_leaves_no_gap_in_the_positions(firm):
    _, (recorder, _), _ = firm
    client = uuid.uuid4()
    recorder.insert_events([event(1, client)])

    with pytest.raises(IntegrityError):
        recorder.insert_events([event(2), event(1, client)])
    after = recorder.insert_events([event()])

    assert after == [2]
    assert_gap_free_and_chained(recorder, 2)


def test_every_commit_announces_the_firm_to_the_relay(firm):
    firm_id, (first, second), url = firm
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute(f"LISTEN {STORED_CHANNEL}")

        first.insert_events([event()])
        second.insert_events([event()])
        first.insert_events([event()])
        heard = [n.payload for n in listener.notifies(timeout=5, stop_after=3)]

    assert heard == [firm_id] * 3


def test_appends_carry_on_while_the_table_is_being_analysed(firm):
    firm_id, (recorder, _), url = firm
    recorder.insert_events([event()])
    table = f"{EVENT_STORE_SCHEMA}.{firm_store_name(firm_id)}_events"
    positions: list[int] = []
    with psycopg.connect(url) as vacuum_like:
        # The lock ANALYZE and autovacuum hold; the library's EXCLUSIVE lock waited on it.
        vacuum_like.execute(f"LOCK TABLE {table} IN SHARE UPDATE EXCLUSIVE MODE")
        append = threading.Thread(target=lambda: positions.extend(
            recorder.insert_events([event()])), daemon=True)
        append.start()
        append.join(60)
        blocked = append.is_alive()
    append.join()

    assert not blocked and positions == [2]


def test_an_append_after_the_last_event_was_deleted_continues_past_its_link(firm):
    firm_id, (recorder, other), url = firm
    recorder.insert_events([event(), event()])
    table = f"{EVENT_STORE_SCHEMA}.{firm_store_name(firm_id)}_events"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DELETE FROM {table} WHERE notification_id = 2")

    assert other.insert_events([event()]) == [3]
    assert recorder.insert_events([event()]) == [4]
