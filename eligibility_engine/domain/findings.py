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
    # For an unknown finding: the question for the client, and whether an attorney would
    # presume the fact pending confirmation (a routine answer) rather than doubt it.
    question: str | None = None
    presumable: bool = False
    # How much an unconfirmed answer weighs on the grade (None: the default cost); small where
    # the answer is almost always favourable (citizenship against a 19-country list).
    cost: float | None = None


def met(explanation: str, strength: float = 0.5, **facts) -> Finding:
    return Finding(True, explanation, facts, strength=round(min(max(strength, 0.0), 1.0), 3))


def not_met(explanation: str, **facts) -> Finding:
    return Finding(False, explanation, facts)


def unknown(explanation: str, *missing: str, question: str | None = None,
            presumable: bool = False, cost: float | None = None, **facts) -> Finding:
    return Finding(None, explanation, facts, missing=missing, question=question,
                   presumable=presumable, cost=cost)
