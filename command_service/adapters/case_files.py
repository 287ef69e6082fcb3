"""The command service's per-firm stores: the kernel's stores, built as FirmCaseFiles."""

from __future__ import annotations

from collections.abc import Callable

from command_service.application import FirmCaseFiles
from event_store import ClientKeyring, FirmStores
from shared.config import Settings


def firm_case_files(settings: Settings, on_saved: Callable[[str], None] | None = None,
                    keyring: ClientKeyring | None = None) -> FirmStores:
    """Hand out each firm's FirmCaseFiles, created on first use."""
    return FirmStores(settings, on_saved, keyring, application=FirmCaseFiles)
