"""Signed checkpoints of each firm's chain head, kept outside the product by an auditor.

The keyed chain stops anyone without the master key from rewriting history; a checkpoint
also stops whoever holds it. `visa audit checkpoint` signs every firm's current head
(position and link hash) with an Ed25519 key and appends one JSON line per firm to a file
the auditor keeps; `visa audit verify --checkpoints FILE` then requires the link at each
checkpointed position to still carry the signed hash (history rewritten before it shows as
`rewritten`) and the chain to still reach it (deleted tail events show as `truncated`).
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterable, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from event_store.chain import ChainLink, ChainProblem


@dataclass(frozen=True)
class Checkpoint:
    firm_id: str
    position: int
    head: str
    signed_at: str
    public_key: str
    signature: str = ""

    def signed_bytes(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "signature"}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def to_line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def signing_key(path: Path) -> Ed25519PrivateKey:
    """Load the Ed25519 signing key, creating it (owner-only, with `<path>.pub`) if absent."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)
    path.with_name(path.name + ".pub").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return key


def public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, firm_id: str, head: ChainLink | None) -> Checkpoint:
    raw_public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                               serialization.PublicFormat.Raw)
    unsigned = Checkpoint(firm_id, head.notification_id if head else 0,
                          head.hash if head else "", datetime.now(UTC).isoformat(),
                          base64.b64encode(raw_public).decode())
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


def read_checkpoints(lines: Iterable[str]) -> list[Checkpoint]:
    """Parse a checkpoint file; raises ValueError naming the first unreadable line."""
    checkpoints = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            checkpoints.append(Checkpoint(**json.loads(line)))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"checkpoint line {number} is unreadable: {exc}") from None
    return checkpoints


def check_against(checkpoints: Sequence[Checkpoint], links: Sequence[ChainLink],
                  trusted: Ed25519PublicKey | None) -> list[ChainProblem]:
    """Problems between a firm's signed checkpoints and its chain as stored now.

    Without a trusted key each checkpoint is checked against the key it names: the file is
    the auditor's own copy, so that still shows the line was not altered after signing.
    """
    by_position = {link.notification_id: link for link in links}
    last = links[-1].notification_id if links else 0
    problems = []
    for checkpoint in checkpoints:
        if not _signed(checkpoint, trusted):
            problems.append(ChainProblem("bad_signature", checkpoint.position,
                                         f"checkpoint of {checkpoint.signed_at} is not signed"
                                         " by the expected key"))
        elif checkpoint.position > last:
            problems.append(ChainProblem("truncated", checkpoint.position,
                                         f"the chain ends at {last}, before the position"
                                         f" checkpointed at {checkpoint.signed_at}"))
        elif checkpoint.position and (
                by_position.get(checkpoint.position) is None
                or by_position[checkpoint.position].hash != checkpoint.head):
            problems.append(ChainProblem("rewritten", checkpoint.position,
                                         "the chain no longer carries the head checkpointed at"
                                         f" {checkpoint.signed_at}: history up to it changed"))
    return problems


def _signed(checkpoint: Checkpoint, trusted: Ed25519PublicKey | None) -> bool:
    try:
        key = trusted or Ed25519PublicKey.from_public_bytes(
            base64.b64decode(checkpoint.public_key))
        key.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return False
    return True
