"""Read old wire payloads as the current version: one upcaster per version step.

An event published years ago must still be readable by today's consumers. When a
contract's payload changes, bump its `schema_version` in `contracts.events` and add the
step from the previous version here, keyed by (event type, version it upcasts from).
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.events import CONTRACTS, ContractViolationError, EventContract

Upcaster = Callable[[dict], dict]

# (event type, from version) -> function returning the payload one version up.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcast(event_type: str, schema_version: int, payload: dict,
           contracts: dict[str, EventContract] = CONTRACTS,
           upcasters: dict[tuple[str, int], Upcaster] = UPCASTERS) -> tuple[int, dict]:
    """Return (current version, payload) for a payload written at `schema_version`."""
    contract = contracts.get(event_type)
    if contract is None:
        return schema_version, payload
    if schema_version > contract.schema_version:
        raise ContractViolationError(
            f"{event_type} v{schema_version} is newer than this release reads"
            f" (v{contract.schema_version}): upgrade the consumer")
    while schema_version < contract.schema_version:
        step = upcasters.get((event_type, schema_version))
        if step is None:
            raise ContractViolationError(
                f"no upcaster for {event_type} v{schema_version} -> v{schema_version + 1}")
        payload, schema_version = step(dict(payload)), schema_version + 1
    return schema_version, payload
