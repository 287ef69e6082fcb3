"""One firm's event store, as every service sees it: read envelopes, read a stream, append.

The command service extends this application with its aggregates and use cases; the
engine, the query side and the relay use it as it is, through contract events only, so
none of them imports the command service's classes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Notification, StoredEvent

from contracts import EventEnvelope
from event_store.chain import rechained, verify_chain
from event_store.keyring import ClientKeyring, FieldSealer
from event_store.plain_events import plain_event
from event_store.sealing import SealingMapper, sealer_for, sealers_remembered
from event_store.stored_events import CLIENT_PROFILE_TOPICS, DecodedEvent, decode, encode_state
from event_store.stored_rows import StoredRow, log_rows, stream_rows
from event_store.tenancy import firm_store_name
from event_store.transcoder import FastJSONTranscoder


# Events per read of a compliance replay: a concluded check's state is about 100 KB.
HISTORY_PAGE = 500


class AppendConflictError(Exception):
    """Another writer appended to the stream first: re-read it and decide again."""


class FirmEventStore(Application):
    """A firm's event store: its own file or table, sealing client identifiers on the way in."""

    def __init__(self, firm_id: str, env: dict, on_saved: Callable[[str], None] | None = None,
                 keyring: ClientKeyring | None = None, chain_key: bytes | None = None):
        self.firm_id = firm_id
        self.chain_key = chain_key
        # The library names the events table after the application: one table per firm.
        self.name = firm_store_name(firm_id)
        self._on_saved = on_saved
        self.keyring = keyring
        super().__init__(env=env)
        self.recorder.chain_key = chain_key

    def construct_transcoder(self):
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self):
        mapper = super().construct_mapper()
        return SealingMapper(mapper, self.keyring, self.firm_id) if self.keyring else mapper

    def read_envelopes(self, after: int, limit: int = 500) -> list[EventEnvelope]:
        """Read the firm's events stored after a position, in order, identifiers sealed."""
        return [self._read(row, None) for row in log_rows(self.recorder, after, limit)]

    def history(self, after: int = 0, page: int = HISTORY_PAGE) -> Iterator[EventEnvelope]:
        """Yield the firm's events after a position with identifiers opened (compliance replay).

        An erased client's identifiers stay sealed: its key is gone. Each event is decoded
        as it is taken, so a replay of any length holds two pages of stored bytes and a few
        decoded events (the garbage collector has no growing heap to walk), and the next
        page is read by a thread while this one is decoded: the database and the wire
        work while Python decodes.
        """
        with ThreadPoolExecutor(max_workers=1) as reader:
            pending = reader.submit(self._history_page, after, page)
            while rows_and_openers := pending.result():
                rows, openers = rows_and_openers
                pending = reader.submit(self._history_page, rows[-1].position, page)
                for row in rows:
                    yield self._read(row, openers.get(row.originator_id)
                                     if row.topic in CLIENT_PROFILE_TOPICS else None)

    def _history_page(self, after: int, page: int) -> tuple[list[StoredRow], dict] | None:
        rows = log_rows(self.recorder, after, page)
        return (rows, self._openers(rows)) if rows else None

    def envelope(self, notification: Notification) -> EventEnvelope:
        """Decode one notification into its wire envelope; identifiers stay sealed.

        Kafka's log then holds only ciphertext, which erasing the client's key makes
        unreadable too.
        """
        return self._read(StoredRow(notification.id, str(notification.originator_id),
                                    notification.originator_version, notification.topic,
                                    notification.state), None)

    def stream(self, aggregate_id: UUID | str, to_version: int | None = None,
               reveal: bool = False) -> list[EventEnvelope]:
        """Read one aggregate's events in order (position 0: not read from the log)."""
        rows = stream_rows(self.recorder, UUID(str(aggregate_id)), to_version)
        with sealers_remembered():
            return [self._read(row, self._opener(row) if reveal else None) for row in rows]

    def stream_version(self, aggregate_id: UUID | str) -> int:
        """Return the version of an aggregate's latest event (0: no events), decoding nothing."""
        latest = self.recorder.select_events(UUID(str(aggregate_id)), desc=True, limit=1)
        return latest[0].originator_version if latest else 0

    def stream_version_query(self, aggregate_id: UUID | str) -> tuple[str, tuple] | None:
        """The statement (`?` placeholders) whose one row's `version` is stream_version.

        For a caller that reads it beside its own statements on the same PostgreSQL
        database, in one round trip; None on SQLite, where each firm has its own file.
        """
        schema = getattr(self.recorder.datastore, "schema", None)
        if schema is None:
            return None
        table = f'"{schema}"."{self.recorder.events_table_name}"'
        return (f"SELECT COALESCE(MAX(originator_version), 0) AS version FROM {table}"
                " WHERE originator_id = ?", (str(UUID(str(aggregate_id))),))

    def load(self, aggregate_id: UUID, version: int | None = None):
        """Rebuild an aggregate from its events, fetching its client's key once."""
        with sealers_remembered():
            return self.repository.get(aggregate_id, version=version, projector_func=_mutated)

    def append(self, aggregate_id: UUID | str, version: int, event_type: str, payload: dict,
               meta: dict) -> int:
        """Append one contract event as `version` of the stream; return its position.

        Raises AppendConflictError when that version exists: the optimistic check lets
        exactly one of two racing writers record its event.
        """
        topic, state = encode_state(event_type, payload, meta)
        stored = StoredEvent(originator_id=UUID(str(aggregate_id)), originator_version=version,
                             topic=topic, state=self._encode(state))
        try:
            positions = self.recorder.insert_events([stored])
        except IntegrityError:
            raise AppendConflictError(f"{aggregate_id} v{version} exists") from None
        self.notify_saved()
        return positions[-1] if positions else 0

    def chain_links(self):
        return self.recorder.chain_links()

    def adopt_keyed_chain(self) -> bool:
        """Re-link a chain written before links were keyed, once it verifies; True if it was.

        Its first link tells: a keyed chain is left alone without reading its events.
        """
        first = self.recorder.select_notifications(0, 1)
        links = self.recorder.chain_links()
        if not first or not links or not verify_chain(links[:1], first, self.chain_key)[0]:
            return False
        notifications, after = [], 0
        while page := self.recorder.select_notifications(after, 5000, inclusive_of_start=False):
            notifications += page
            after = page[-1].id
        try:
            links = rechained(links, notifications, self.chain_key)
        except ValueError as exc:
            raise ValueError(f"firm {self.firm_id}: {exc}; see `visa audit verify`") from None
        if links is not None:
            self.recorder.replace_chain(links)
        return links is not None

    def notify_saved(self) -> None:
        if self._on_saved is not None:
            self._on_saved(self.firm_id)

    def _openers(self, rows: list[StoredRow]) -> dict:
        """The sealers that can open the clients' events among rows, keys fetched together."""
        if self.keyring is None:
            return {}
        sealers = self.keyring.sealers(self.firm_id, {
            row.originator_id for row in rows if row.topic in CLIENT_PROFILE_TOPICS})
        return {client: sealer for client, sealer in sealers.items() if sealer.can_open}

    def _opener(self, row: StoredRow) -> FieldSealer | None:
        """The sealer that opens the row's identifiers (to None once its key is gone)."""
        if self.keyring is None or row.topic not in CLIENT_PROFILE_TOPICS:
            return None
        return sealer_for(self.keyring, self.firm_id, row.originator_id)

    def _read(self, row: StoredRow, opener: FieldSealer | None) -> EventEnvelope:
        """The row's envelope, identifiers opened by opener (kept sealed without one)."""
        plain = None if self.mapper.cipher or self.mapper.compressor else plain_event(row)
        if plain is None:
            state = self._transcoded(row.state)
            state = opener.open_profile_data(state) if opener else state
            event = decode(row.topic, row.originator_id, row.originator_version, state)
            return _envelope(self.firm_id, row.position, event)
        return EventEnvelope(plain.event_type, self.firm_id, row.position, row.originator_id,
                             row.originator_version, plain.occurred_at,
                             opener.open_profile_data(plain.payload) if opener else plain.payload,
                             plain.meta, plain.schema_version)

    def _transcoded(self, raw: bytes) -> dict:
        mapper = self.mapper
        if mapper.cipher:
            raw = mapper.cipher.decrypt(raw)
        if mapper.compressor:
            raw = mapper.compressor.decompress(raw)
        return mapper.transcoder.decode(raw)

    def _encode(self, state: dict) -> bytes:
        mapper = self.mapper
        raw = mapper.transcoder.encode(state)
        if mapper.compressor:
            raw = mapper.compressor.compress(raw)
        if mapper.cipher:
            raw = mapper.cipher.encrypt(raw)
        return raw


def _mutated(aggregate, events):
    # The library's projector asserts each event is an instance of a runtime-checkable
    # Protocol: a third of the time to load an aggregate of 200 events.
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def _envelope(firm_id: str, position: int, event: DecodedEvent) -> EventEnvelope:
    return EventEnvelope(event_type=event.event_type, firm_id=firm_id, position=position,
                         aggregate_id=event.originator_id,
                         aggregate_version=event.originator_version,
                         occurred_at=event.occurred_at.isoformat(), data=event.payload,
                         meta=event.meta)
