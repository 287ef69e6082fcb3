"""Keyed blind indexes: find a client by an exact identifier without storing it readable.

The read tables keep, beside a client, the HMAC of its normalised email address under a
per-firm key derived from the master key. A lookup hashes the address it is given the
same way and compares digests through an ordinary index: the index holds no address,
the same address gives unrelated digests in two firms, and nobody without the master
key can test guesses against it.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSE = b"visa:blind-index:email:v1:"


class EmailIndex:
    """Digest email addresses under each firm's blind-index key."""

    def __init__(self, master_key: bytes):
        self._master = master_key
        self._firm_keys: dict[str, bytes] = {}

    def digest(self, firm_id: str, address: str | None) -> str | None:
        """Return the address's digest in this firm, or None when there is no address."""
        normalised = normalise_email(address)
        if not normalised:
            return None
        return hmac.new(self._key(firm_id), normalised.encode(), hashlib.sha256).hexdigest()

    def _key(self, firm_id: str) -> bytes:
        key = self._firm_keys.get(firm_id)
        if key is None:
            key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=PURPOSE + firm_id.encode()).derive(self._master)
            self._firm_keys[firm_id] = key
        return key


def normalise_email(address: str | None) -> str:
    """Return the address as it is compared: trimmed, NFKC, lower case."""
    if not isinstance(address, str):
        return ""
    return unicodedata.normalize("NFKC", address).strip().lower()


def looks_like_email(term: str) -> bool:
    local, at, domain = term.partition("@")
    return bool(at and local and domain)
