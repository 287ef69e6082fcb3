"""The hash chain's verification, on hand-made links and notifications."""

from __future__ import annotations

import uuid
from dataclasses import replace

from eventsourcing.persistence import Notification

import pytest

from event_store.chain import GENESIS, ChainLink, chain_key, link_hash, rechained, verify_chain

AGGREGATE = uuid.uuid4()
KEY = chain_key(b"m" * 32, str(uuid.uuid4()))


def _events(count: int) -> list[Notification]:
    return [Notification(id=i, originator_id=AGGREGATE, originator_version=i,
                         topic="command_service.domain:Event", state=f'{{"n": {i}}}'.encode())
            for i in range(1, count + 1)]


def _chain(events: list[Notification], key: bytes | None = KEY) -> list[ChainLink]:
    links, prev = [], GENESIS
    for e in events:
        digest = link_hash(key, prev, e.id, e.originator_id, e.originator_version, e.topic, e.state)
        links.append(ChainLink(e.id, prev, digest))
        prev = digest
    return links


def _kinds(problems) -> list[tuple[str, int]]:
    return [(p.kind, p.notification_id) for p in problems]


def test_an_intact_chain_has_no_problems_and_reports_its_head():
    events = _events(4)
    links = _chain(events)

    problems, head = verify_chain(links, events, KEY)

    assert problems == [] and head == links[-1].hash


def test_a_changed_byte_is_reported_as_altered():
    events = _events(3)
    links = _chain(events)
    forged = replace(events[1], state=b'{"n": 20}')

    problems, _ = verify_chain(links, [events[0], forged, events[2]], KEY)

    assert _kinds(problems) == [("altered", 2)]


def test_swapped_events_are_reported_as_altered():
    events = _events(3)
    links = _chain(events)
    swapped = [events[0], replace(events[2], id=2), replace(events[1], id=3)]

    problems, _ = verify_chain(links, swapped, KEY)

    assert _kinds(problems) == [("altered", 2), ("altered", 3)]


def test_a_deleted_event_and_a_removed_link_are_both_reported():
    events = _events(4)
    links = _chain(events)

    missing_event, _ = verify_chain(links, [events[0], events[2], events[3]], KEY)
    missing_link, _ = verify_chain([links[0], links[2], links[3]], events, KEY)

    assert _kinds(missing_event) == [("missing", 2)]
    assert ("broken_link", 3) in _kinds(missing_link) and ("unchained", 2) in _kinds(missing_link)


def test_an_event_inserted_behind_the_recorder_is_unchained():
    events = _events(3)

    problems, _ = verify_chain(_chain(events[:2]), events, KEY)

    assert _kinds(problems) == [("unchained", 3)]


def test_the_hash_covers_every_stored_column():
    base = ("0" * 64, 1, AGGREGATE, 1, "topic", b"state")
    variants = [("1" * 64, 1, AGGREGATE, 1, "topic", b"state"),
                ("0" * 64, 2, AGGREGATE, 1, "topic", b"state"),
                ("0" * 64, 1, uuid.uuid4(), 1, "topic", b"state"),
                ("0" * 64, 1, AGGREGATE, 2, "topic", b"state"),
                ("0" * 64, 1, AGGREGATE, 1, "other", b"state"),
                ("0" * 64, 1, AGGREGATE, 1, "topic", b"state ")]

    assert len({link_hash(KEY, *v) for v in variants} | {link_hash(KEY, *base)}) \
        == len(variants) + 1


def test_a_forger_without_the_key_cannot_recompute_the_chain():
    events = _events(3)
    forged = [events[0], replace(events[1], state=b'{"n": 20}'), events[2]]
    recomputed_without_key = _chain(forged, key=None)
    recomputed_with_another_key = _chain(forged, key=chain_key(b"x" * 32, "firm"))

    for links in (recomputed_without_key, recomputed_with_another_key):
        problems, _ = verify_chain(links, forged, KEY)
        assert _kinds(problems)[0] == ("altered", 1)


def test_an_intact_unkeyed_chain_is_relinked_under_the_key_and_a_keyed_one_is_left_alone():
    events = _events(3)

    relinked = rechained(_chain(events, key=None), events, KEY)

    assert relinked == _chain(events) and verify_chain(relinked, events, KEY)[0] == []
    assert rechained(_chain(events), events, KEY) is None


def test_a_tampered_unkeyed_chain_is_never_relinked():
    events = _events(3)
    links = _chain(events, key=None)

    with pytest.raises(ValueError):
        rechained(links, [events[0], replace(events[1], state=b"{}"), events[2]], KEY)
