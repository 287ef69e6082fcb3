"""Envelope encryption of clients' identifiers and free text, with one data key per client.

Each client's data key is wrapped (by the master key, or by Vault: event_store.key_wrapping)
and kept in the client_keys table, apart from the events. Identifiers are sealed as
"pii:v1:<base64 nonce+ciphertext>" tokens inside the stored events and on the
wire; only holders of the key table and the master key can open them.
Destroying a client's key (crypto-shredding) makes every copy unreadable:
the event store, Kafka's log and any backup of either.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from datetime import UTC, datetime

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contracts.profile import map_sealed_value
from event_store.blind_index import EmailIndex
from event_store.quotes import quote_finder
from event_store.key_wrapping import KeyWrapping, MasterKeyWrapping
from shared.profile_schema import DIRECT_IDENTIFIERS
from shared.sql import Database, apply_schema

TOKEN_PREFIX = "pii:v1:"
QUOTE = "quote"
# Values of a check's result that its readers compute with: never sealed as quotes.
STRUCTURAL_KEYS = frozenset({"visa_type", "verdict", "id", "criterion", "criterion_id",
                             "status", "analysis_mode", "group", "kind", "catalogue_version",
                             "rules_version", "model", "prompt_version", "check_id"})

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS client_keys (
        firm_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        wrapped_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (firm_id, client_id))""",
]


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def without_direct_identifiers(fields: dict) -> dict:
    """Return a profile with the direct identifiers left out (for the engine and the LLM)."""
    return {name: value for name, value in fields.items() if name not in DIRECT_IDENTIFIERS}


class ClientKeyring:
    """Create, unwrap and destroy the per-client data keys."""

    def __init__(self, db: Database, master_key: bytes, wrapping: KeyWrapping | None = None):
        self._db = db
        self._wrapping = wrapping or MasterKeyWrapping(master_key)
        self.email_index = EmailIndex(master_key)

    def migrate(self) -> None:
        apply_schema(self._db, SCHEMA)

    def create(self, firm_id: str, client_id: str) -> bytes:
        """Return the client's data key, creating it on first use (one transaction)."""
        key = AESGCM.generate_key(bit_length=256)
        wrapped = self._wrapping.wrap(firm_id, str(client_id), key)
        # One round trip, not waiting for its WAL flush: the key is only ever used by the
        # event that seals with it, whose own (synchronous) commit comes later in the same
        # database and flushes the WAL up to it, key included.
        created, existing = self._db.script([
            ("INSERT INTO client_keys (firm_id, client_id, wrapped_key, created_at)"
             " VALUES (?, ?, ?, ?) ON CONFLICT (firm_id, client_id) DO NOTHING"
             " RETURNING client_id",
             (firm_id, str(client_id), wrapped, datetime.now(UTC).isoformat())),
            ("SELECT wrapped_key FROM client_keys WHERE firm_id = ? AND client_id = ?",
             (firm_id, str(client_id)))], write=True, wait_for_flush=False)
        if created:
            return key
        return self._unwrap(firm_id, client_id, existing[0]["wrapped_key"])

    def key(self, firm_id: str, client_id: str) -> bytes | None:
        """Return the client's data key, or None once it was destroyed."""
        # One round trip (a script), not BEGIN, SELECT and COMMIT: every read of a client's
        # history waits for it.
        rows = self._db.script([("SELECT wrapped_key FROM client_keys WHERE firm_id = ?"
                                 " AND client_id = ?", (firm_id, str(client_id)))])[0]
        return self._unwrap(firm_id, client_id, rows[0]["wrapped_key"]) if rows else None

    def sealers(self, firm_id: str, client_ids) -> dict[str, FieldSealer]:
        """Each client's sealer for opening, its key fetched with the others in few statements."""
        ids, found = sorted({str(c) for c in client_ids}), {}
        for start in range(0, len(ids), KEYS_PER_STATEMENT):
            chunk = ids[start:start + KEYS_PER_STATEMENT]
            rows = self._db.script([("SELECT client_id, wrapped_key FROM client_keys"
                                     f" WHERE firm_id = ? AND client_id IN ({_marks(chunk)})",
                                     (firm_id, *chunk))])[0]
            found.update((r["client_id"], r["wrapped_key"]) for r in rows)
        return {c: FieldSealer(self._unwrap(firm_id, c, found[c]) if c in found else None,
                               f"{firm_id}:{c}") for c in ids}

    def _unwrap(self, firm_id: str, client_id: str, wrapped_key: str) -> bytes | None:
        if not wrapped_key:  # being destroyed
            return None
        return self._wrapping.unwrap(firm_id, str(client_id), wrapped_key)

    def destroy(self, firm_id: str, client_id: str) -> None:
        """Destroy the client's data key: every sealed identifier becomes unreadable.

        The wrapper forgets first (Vault deletes the client's transit key), then the row
        goes; on SQLite secure_delete zeroes its bytes and the log is emptied of its frames.
        """
        self._wrapping.forget(firm_id, str(client_id))
        with self._db.transaction() as tx:
            tx.execute("UPDATE client_keys SET wrapped_key = '' WHERE firm_id = ?"
                       " AND client_id = ?", (firm_id, str(client_id)))
            tx.execute("DELETE FROM client_keys WHERE firm_id = ? AND client_id = ?",
                       (firm_id, str(client_id)))
        self._db.truncate_wal()

    def sealer(self, firm_id: str, client_id: str, create: bool = False) -> FieldSealer:
        key = self.create(firm_id, str(client_id)) if create else self.key(firm_id, client_id)
        return FieldSealer(key, f"{firm_id}:{client_id}")


class FieldSealer:
    """Seal and open one client's identifier values; opens to None once the key is gone."""

    def __init__(self, key: bytes | None, context: str):
        self._aead = AESGCM(key) if key else None
        self._context = context

    @property
    def can_open(self) -> bool:
        """False once the client's key was destroyed (the client was erased)."""
        return self._aead is not None

    def seal(self, name: str, value):
        if value is None or is_sealed(value):
            return value
        if self._aead is None:
            raise ValueError("the client's data key was destroyed; nothing can be sealed")
        nonce = os.urandom(12)
        plain = json.dumps(value).encode()
        sealed = nonce + self._aead.encrypt(nonce, plain, self._aad(name))
        return TOKEN_PREFIX + base64.b64encode(sealed).decode()

    def open(self, name: str, value):
        if not is_sealed(value):
            return value
        if self._aead is None:
            return None
        try:
            raw = binascii.a2b_base64(value[len(TOKEN_PREFIX):], strict_mode=True)
            plain = self._aead.decrypt(raw[:12], raw[12:], self._aad(name))
        except (InvalidTag, ValueError):  # another key's, another field's, or not a token
            return None
        try:
            return orjson.loads(plain)
        except orjson.JSONDecodeError:  # e.g. a lone surrogate sealed before inputs were checked
            return json.loads(plain)

    def seal_profile_data(self, data: dict) -> dict:
        """Seal the identifiers and free text in an event's fields (created) or changes."""
        return _map_sealed(data, self.seal)

    def open_profile_data(self, data: dict) -> dict:
        return _map_sealed(data, self.open)

    def open_current_values(self, data: dict) -> dict:
        """Open what a profile event leaves: its fields, or its changes' new values only.

        For a read model that keeps the latest profile: the old values stay sealed,
        unopened (a third of the decryptions of a replay).
        """
        return _map_sealed(data, self.open, sides=("new",))

    def seal_quotes(self, value, texts: list[str], words: list[str] = ()):
        """Seal every string of a check's result or analysis that quotes the client's words.

        The engine judges free text and quotes it back (an award's name, a contribution, the
        employer); those strings are sealed like the profile's, so erasure reaches them too.
        """
        quotes = quote_finder(texts, words)
        if quotes is None:
            return value

        def walk(item, key):
            if isinstance(item, dict):
                return {k: walk(v, k) for k, v in item.items()}
            if isinstance(item, list):
                return [walk(v, key) for v in item]
            if (isinstance(item, str) and key not in STRUCTURAL_KEYS and not is_sealed(item)
                    and quotes(item)):
                return self.seal(QUOTE, item)
            return item

        return walk(value, None)

    def open_quotes(self, value):
        """Open the sealed quotes of a result or analysis (None once the key is gone)."""
        if isinstance(value, dict):
            return {k: self.open_quotes(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.open_quotes(v) for v in value]
        return self.open(QUOTE, value) if is_sealed(value) else value

    def open_changes(self, changes: dict) -> dict:
        """Open the {field: {old, new}} changes of a history entry."""
        return self.open_profile_data({"changes": changes})["changes"]

    def _aad(self, name: str) -> bytes:
        return f"{self._context}:{name}".encode()


def _map_sealed(data: dict, transform, sides: tuple[str, ...] = ("old", "new")) -> dict:
    out = dict(data)
    if isinstance(out.get("fields"), dict):
        out["fields"] = {name: map_sealed_value(name, v, transform)
                         for name, v in out["fields"].items()}
    if isinstance(out.get("changes"), dict):
        out["changes"] = {
            name: ({k: map_sealed_value(name, v, transform) if k in sides else v
                    for k, v in change.items()}
                   if isinstance(change, dict) else change)
            for name, change in out["changes"].items()}
    return out


KEYS_PER_STATEMENT = 500


def _marks(values) -> str:
    return ", ".join("?" * len(values))
