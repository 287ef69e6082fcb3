"""Who wraps a client's data key: the port, the master key, or HashiCorp Vault's transit engine.

The wrapped key is kept in the key store's table either way; erasure deletes that row.
With the master key, the row is the only copy: deleting it (with SQLite's secure_delete
and the log truncated) is the shredding, and on PostgreSQL old row versions linger until
VACUUM, in the WAL and in backups. With Vault, each client has a transit key of its own
that never leaves Vault: erasure deletes it there, and every wrapped copy anywhere
becomes undecryptable, which is Vault's promise, not the database's.
"""

from __future__ import annotations

import base64
import os
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class KeyWrapping(Protocol):
    def wrap(self, firm_id: str, client_id: str, key: bytes) -> str: ...

    def unwrap(self, firm_id: str, client_id: str, wrapped: str) -> bytes | None: ...

    def forget(self, firm_id: str, client_id: str) -> None: ...


class MasterKeyWrapping:
    """AES-GCM under the deployment's master key; forgetting is deleting the row."""

    def __init__(self, master_key: bytes):
        self._master = AESGCM(master_key)

    def wrap(self, firm_id: str, client_id: str, key: bytes) -> str:
        nonce = os.urandom(12)
        return base64.b64encode(
            nonce + self._master.encrypt(nonce, key, _aad(firm_id, client_id))).decode()

    def unwrap(self, firm_id: str, client_id: str, wrapped: str) -> bytes | None:
        raw = base64.b64decode(wrapped)
        return self._master.decrypt(raw[:12], raw[12:], _aad(firm_id, client_id))

    def forget(self, firm_id: str, client_id: str) -> None:
        """Nothing outside the row to destroy."""


class VaultTransitWrapping:
    """One transit key per client in Vault; erasure deletes it there."""

    def __init__(self, client, mount_point: str = "transit"):
        self._vault = client  # an hvac.Client
        self._mount = mount_point

    def wrap(self, firm_id: str, client_id: str, key: bytes) -> str:
        name = _key_name(firm_id, client_id)
        self._vault.secrets.transit.create_key(name, key_type="aes256-gcm96",
                                               mount_point=self._mount)
        answer = self._vault.secrets.transit.encrypt_data(
            name, base64.b64encode(key).decode(), mount_point=self._mount)
        return answer["data"]["ciphertext"]

    def unwrap(self, firm_id: str, client_id: str, wrapped: str) -> bytes | None:
        from hvac.exceptions import InvalidPath, InvalidRequest

        try:
            answer = self._vault.secrets.transit.decrypt_data(
                _key_name(firm_id, client_id), wrapped, mount_point=self._mount)
        except (InvalidRequest, InvalidPath):  # the key was deleted: the client was erased
            return None
        return base64.b64decode(answer["data"]["plaintext"])

    def forget(self, firm_id: str, client_id: str) -> None:
        from hvac.exceptions import InvalidPath, InvalidRequest

        name = _key_name(firm_id, client_id)
        try:
            self._vault.secrets.transit.update_key_configuration(
                name, deletion_allowed=True, mount_point=self._mount)
        except (InvalidRequest, InvalidPath):
            return  # no such key: already forgotten
        self._vault.secrets.transit.delete_key(name, mount_point=self._mount)


def vault_wrapping(addr: str, token: str, mount_point: str) -> VaultTransitWrapping:
    import hvac

    return VaultTransitWrapping(hvac.Client(url=addr, token=token, timeout=10), mount_point)


def _key_name(firm_id: str, client_id: str) -> str:
    return f"visa-client-{firm_id}-{client_id}"


def _aad(firm_id: str, client_id: str) -> bytes:
    return f"client-key:{firm_id}:{client_id}".encode()
