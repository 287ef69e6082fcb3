"""Send a stream of attorney commands and remember which ones the API accepted."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import requests

from demo.profiles import ProfileGenerator
from tests.support.api import Api


@dataclass
class Accepted:
    """A command the API acknowledged: its kind, aggregate and resulting version."""

    kind: str
    aggregate_id: str
    version: int


@dataclass
class Outcomes:
    sent: int = 0
    accepted: list[Accepted] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)

    def refuse(self, reason: str) -> None:
        self.refused[reason] = self.refused.get(reason, 0) + 1

    def merged(self, other: "Outcomes") -> "Outcomes":
        refused = dict(self.refused)
        for reason, count in other.refused.items():
            refused[reason] = refused.get(reason, 0) + count
        return Outcomes(self.sent + other.sent, self.accepted + other.accepted, refused)

    def clients(self) -> dict[str, int]:
        """Return each accepted client with the highest version an accepted command gave it."""
        latest: dict[str, int] = {}
        for a in self.accepted:
            if a.kind in ("create", "edit"):
                latest[a.aggregate_id] = max(latest.get(a.aggregate_id, 0), a.version)
        return latest

    def checks(self) -> list[str]:
        return [a.aggregate_id for a in self.accepted if a.kind == "check"]


MIXED = ("create", "edit", "check", "edit", "create", "check")
CHECKS = ("create", "check", "check", "check")


class Workload:
    """Create clients, edit them and request checks, as attorneys would, one after another."""

    def __init__(self, api: Api, seed: int = 0, mix: tuple[str, ...] = MIXED):
        self._api = api
        self._generator = ProfileGenerator(seed)
        self._mix = mix
        self._clients: list[str] = []
        self.outcomes = Outcomes()

    def step(self, number: int) -> None:
        """Send the command the mix names for this step (a create while there is no client)."""
        kind = self._mix[number % len(self._mix)] if self._clients else "create"
        if kind == "check":
            client = self._clients[number % len(self._clients)]
            self._send("check", lambda: self._api.post(f"/v1/clients/{client}/eligibility-checks"))
        elif kind == "edit":
            client = self._clients[-1]
            self._send("edit", lambda: self._api.patch(
                f"/v1/clients/{client}", json=self._generator.edit({})))
        else:
            self._send("create", lambda: self._api.post("/v1/clients",
                                                          json=self._generator.profile()))

    def run(self, count: int, pause: float = 0.0, stop: threading.Event | None = None) -> Outcomes:
        for number in range(count):
            if stop is not None and stop.is_set():
                break
            self.step(number)
            if pause:
                time.sleep(pause)
        return self.outcomes

    def run_in_background(self, count: int, pause: float = 0.0,
                          stop: threading.Event | None = None) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(count, pause, stop), daemon=True)
        thread.start()
        return thread

    def _send(self, kind: str, request) -> None:
        self.outcomes.sent += 1
        try:
            response = request()
        except requests.RequestException as exc:
            self.outcomes.refuse(type(exc).__name__)
            return
        if response.status_code not in (200, 201, 202):
            self.outcomes.refuse(str(response.status_code))
            return
        body = response.json()
        if kind == "check":
            self.outcomes.accepted.append(Accepted(kind, body["check_id"], 1))
        else:
            self.outcomes.accepted.append(Accepted(kind, body["id"], body["version"]))
            if kind == "create":
                self._clients.append(body["id"])
