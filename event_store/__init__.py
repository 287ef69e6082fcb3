"""The event-store kernel every service uses: per-firm stores, sealing, hash chain, keyring.

No service owns it. Services go through these names, not through the modules behind them.
"""

from event_store.blind_index import EmailIndex, looks_like_email
from event_store.chain import ChainLink, ChainProblem, verify_chain
from event_store.checkpoints import (
    Checkpoint,
    check_against,
    public_key,
    read_checkpoints,
    sign,
    signing_key,
)
from event_store.envelopes import read_envelopes, to_envelope
from event_store.firm_store import AppendConflictError, FirmEventStore
from event_store.firm_stores import STORED_CHANNEL, FirmStores, close_shared_pools
from event_store.keyring import (
    QUOTE,
    TOKEN_PREFIX,
    ClientKeyring,
    FieldSealer,
    is_sealed,
    without_direct_identifiers,
)
from event_store.opening import kernel_migrations, open_keyring
from event_store.stored_events import UnknownStoredEventError
from event_store.tenancy import (
    EVENT_STORE_SCHEMA,
    UnknownFirmError,
    firm_store_file,
    firm_store_name,
    parse_firm_id,
)

__all__ = [
    "EVENT_STORE_SCHEMA", "QUOTE", "STORED_CHANNEL", "TOKEN_PREFIX", "AppendConflictError", "ChainLink",
    "ChainProblem", "Checkpoint", "check_against", "public_key", "read_checkpoints", "sign",
    "signing_key", "ClientKeyring", "EmailIndex", "FieldSealer", "FirmEventStore", "FirmStores",
    "UnknownFirmError", "UnknownStoredEventError", "close_shared_pools", "firm_store_file",
    "firm_store_name", "is_sealed", "kernel_migrations", "looks_like_email", "open_keyring", "parse_firm_id",
    "read_envelopes", "to_envelope", "verify_chain", "without_direct_identifiers",
]
