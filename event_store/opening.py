"""Open the kernel's parts from settings: the keyring and each firm's stores."""

from __future__ import annotations

from event_store.key_wrapping import vault_wrapping
from event_store.keyring import ClientKeyring
from shared.config import Settings
from shared.migrations import Migration
from shared.sql import database_for


def open_keyring(settings: Settings) -> ClientKeyring:
    """The clients' data keys, in the key store (never beside the events)."""
    wrapping = (vault_wrapping(settings.vault_addr, settings.vault_token,
                               settings.vault_transit_mount)
                if settings.key_store == "vault" else None)
    return ClientKeyring(database_for(settings, "keys"), settings.master_key, wrapping)


def kernel_migrations(settings: Settings) -> list:
    """The kernel's own schema: the key store (event tables are created per firm on use)."""
    return [(database_for(settings, "keys"), [
        Migration("keys", 1, "clients' wrapped data keys",
                  lambda db: ClientKeyring(db, settings.master_key).migrate()),
    ])]
