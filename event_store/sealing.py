"""Seal client identifiers before events are stored, and open them when aggregates load.

Sealing happens in the mapper, before the stored bytes exist, so anything computed
over stored events (the audit hash chain) covers ciphertext, and erasure never has
to rewrite a stored event: it only destroys the client's key.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from eventsourcing.persistence import Mapper, StoredEvent

from contracts.profile import SEALED_FIELDS
from event_store.keyring import ClientKeyring


# Within one read of a stream, each client's key is fetched once, not once per event. The
# memory ends with the read, so a key destroyed meanwhile is never used by a later one.
_remembered: ContextVar[dict | None] = ContextVar("remembered_sealers", default=None)


@contextmanager
def sealers_remembered() -> Iterator[None]:
    """Fetch each client's key at most once inside this block."""
    if _remembered.get() is not None:
        yield
        return
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def sealer_for(keyring: ClientKeyring, firm_id: str, client_id: str):
    """The client's sealer for opening, remembered inside sealers_remembered()."""
    memory = _remembered.get()
    if memory is None:
        return keyring.sealer(firm_id, client_id)
    if client_id not in memory:
        memory[client_id] = keyring.sealer(firm_id, client_id)
    return memory[client_id]


class SealingMapper(Mapper):
    """The library's mapper, with a client's identifiers sealed under the client's data key."""

    def __init__(self, base: Mapper, keyring: ClientKeyring, firm_id: str):
        super().__init__(base.transcoder, base.compressor, base.cipher)
        self._keyring = keyring
        self._firm_id = firm_id

    def to_stored_event(self, domain_event) -> StoredEvent:
        if not _has_identifiers(domain_event):
            return super().to_stored_event(domain_event)
        sealer = self._keyring.sealer(self._firm_id, str(domain_event.originator_id),
                                      create=domain_event.originator_version == 1)
        return super().to_stored_event(_with_state(domain_event,
                                                   sealer.seal_profile_data(vars(domain_event))))

    def to_domain_event(self, stored_event: StoredEvent, reveal: bool = True):
        """Decode a stored event; with reveal=False the identifiers stay sealed (for the wire)."""
        domain_event = super().to_domain_event(stored_event)
        if not reveal or not _has_identifiers(domain_event):
            return domain_event
        sealer = sealer_for(self._keyring, self._firm_id, str(domain_event.originator_id))
        return _with_state(domain_event, sealer.open_profile_data(vars(domain_event)))


def _has_identifiers(domain_event) -> bool:
    # Only client profile events carry `fields` (created) or `changes` (edited).
    state = vars(domain_event)
    named = set(state.get("fields") or {}) | set(state.get("changes") or {})
    return not named.isdisjoint(SEALED_FIELDS)


def _with_state(domain_event, state: dict):
    copy = object.__new__(type(domain_event))
    object.__setattr__(copy, "__dict__", dict(state))
    return copy
