"""A finding: the engine's view of one gate or criterion, with the facts it used."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    met: bool | None
    explanation: str
    facts: dict = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    strength: float = 0.0


def met(explanation: str, strength: float = 0.5, **facts) -> Finding:
    return Finding(True, explanation, facts, strength=strength)


def not_met(explanation: str, **facts) -> Finding:
    return Finding(False, explanation, facts)


def unknown(explanation: str, *missing: str, **facts) -> Finding:
    return Finding(None, explanation, facts, missing=missing)
