"""Idempotency-Key: a retried POST gets the first response back and changes nothing.

The first request with a key claims it in the database (one row per attorney and
key, so concurrent duplicates across workers race on a primary key). A finished
2xx response is kept, sealed under the master key, for a day. A claim whose request
died is taken over after CLAIM_TIMEOUT; the views derive aggregate ids from the key,
so even then the event store refuses a second creation.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import time
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Response, current_app, g, make_response, request

from shared.sql import Database, apply_schema, is_unique_violation

KEEP_SECONDS = 24 * 3600
CLAIM_TIMEOUT = 60
_NAMESPACE = uuid.UUID("6f1c2a52-3f0e-4d7a-9a51-2f4f2d1f6c11")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS idempotency_records (
        scope TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL,
        sealed_response TEXT,
        resource_id TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (scope, idem_key))""",
    "CREATE INDEX IF NOT EXISTS idempotency_records_by_age ON idempotency_records (created_at)",
    "CREATE INDEX IF NOT EXISTS idempotency_records_by_resource"
    " ON idempotency_records (resource_id)",
]


class IdempotencyRefusal(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class IdempotencyStore:
    """Claim keys, keep finished responses, and forget those of an erased client."""

    def __init__(self, db: Database, master_key: bytes):
        self._db = db
        self._aead = AESGCM(master_key)

    def migrate(self) -> None:
        apply_schema(self._db, SCHEMA)

    def claim(self, scope: str, key: str, fingerprint: str) -> dict | None:
        """Claim a key; return None when ours, or the earlier record to replay."""
        now = int(time.time())
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM idempotency_records WHERE created_at < ?"
                       " OR (status = 0 AND created_at < ?)",
                       (now - KEEP_SECONDS, now - CLAIM_TIMEOUT))
        try:
            with self._db.transaction() as tx:
                tx.execute("INSERT INTO idempotency_records (scope, idem_key, fingerprint,"
                           " status, created_at) VALUES (?, ?, ?, 0, ?)",
                           (scope, key, fingerprint, now))
            return None
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
        with self._db.transaction() as tx:
            return tx.fetch_one("SELECT * FROM idempotency_records WHERE scope = ?"
                                " AND idem_key = ?", (scope, key))

    def complete(self, scope: str, key: str, response: Response) -> None:
        body = response.get_data()
        record = json.dumps({"status": response.status_code, "body": body.decode(),
                             "headers": _kept_headers(response)}).encode()
        nonce = os.urandom(12)
        sealed = nonce + self._aead.encrypt(nonce, record, f"{scope}:{key}".encode())
        with self._db.transaction() as tx:
            tx.execute("UPDATE idempotency_records SET status = ?, sealed_response = ?,"
                       " resource_id = ? WHERE scope = ? AND idem_key = ?",
                       (response.status_code, base64.b64encode(sealed).decode(),
                        _resource_id(response), scope, key))

    def release(self, scope: str, key: str) -> None:
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM idempotency_records WHERE scope = ? AND idem_key = ?"
                       " AND status = 0", (scope, key))

    def replay(self, record: dict) -> Response:
        raw = base64.b64decode(record["sealed_response"])
        aad = f"{record['scope']}:{record['idem_key']}".encode()
        kept = json.loads(self._aead.decrypt(raw[:12], raw[12:], aad))
        response = Response(kept["body"], status=kept["status"], mimetype="application/json")
        response.headers.update(kept["headers"])
        response.headers["Idempotent-Replayed"] = "true"
        return response

    def forget_resource(self, resource_id: str) -> None:
        """Drop kept responses about a resource (an erased client's profile)."""
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM idempotency_records WHERE resource_id = ?", (resource_id,))
        self._db.truncate_wal()


def idempotent(view):
    """Honour an Idempotency-Key header on a POST view (after authentication)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        _check_key(key)
        store: IdempotencyStore = current_app.extensions["idempotency"]
        scope = f"{g.principal.firm_id}:{g.principal.attorney_id}"
        earlier = store.claim(scope, key, _fingerprint())
        if earlier is not None:
            return _answer_repeat(store, earlier)
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            store.release(scope, key)
            raise
        if 200 <= response.status_code < 300:
            store.complete(scope, key, response)
        else:
            store.release(scope, key)
        return response

    return wrapper


def idempotent_id(kind: str) -> uuid.UUID | None:
    """Derive the id of the aggregate a keyed request creates, so a retry names the same one."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    return uuid.uuid5(_NAMESPACE, f"{g.principal.firm_id}:{g.principal.attorney_id}:{kind}:{key}")


def _answer_repeat(store: IdempotencyStore, earlier: dict) -> Response:
    if earlier["fingerprint"] != _fingerprint():
        raise IdempotencyRefusal(422, "idempotency_key_reused",
                                 "This Idempotency-Key was used for a different request.")
    if earlier["status"] == 0:
        raise IdempotencyRefusal(409, "idempotency_in_progress",
                                 "The first request with this Idempotency-Key is still running.")
    return store.replay(earlier)


def _check_key(key: str) -> None:
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise IdempotencyRefusal(400, "validation_error",
                                 "Idempotency-Key must be 1 to 200 printable characters.")


def _fingerprint() -> str:
    digest = hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _kept_headers(response: Response) -> dict:
    return {k: v for k, v in response.headers.items() if k in ("ETag", "Location")}


def _resource_id(response: Response) -> str | None:
    body = response.get_json(silent=True)
    return str(body.get("id")) if isinstance(body, dict) and body.get("id") else None
