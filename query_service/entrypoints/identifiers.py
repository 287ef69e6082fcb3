"""Open the sealed client identifiers of audit entries for the firm's own readers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import current_app, g


def opened(entries: Iterable[dict]) -> Iterator[dict]:
    """Yield each entry with its changes opened while the client's key exists.

    The audit log keeps identifiers sealed (`pii:v1:` tokens); an erased client's open
    to nothing. One key fetch per client, however many entries name it.
    """
    keyring = current_app.extensions.get("keyring")
    if keyring is None:
        yield from entries
        return
    sealers: dict[str, object] = {}
    for entry in entries:
        client_id = entry.get("client_id")
        if not client_id:
            yield entry
            continue
        if client_id not in sealers:
            sealers[client_id] = keyring.sealer(g.principal.firm_id, client_id)
        yield {**entry, "changes": sealers[client_id].open_changes(entry["changes"])}
