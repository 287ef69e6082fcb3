"""Load demo firms and client histories through the real event store, in batches.

Each batch of clients (with their edits and checks) is appended in one call to the
firm's application, so loading is bound by the store, not by HTTP round trips;
the events are the same ones the API and the engine would have stored.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from command_service.adapters.directory import Directory
from event_store import FirmStores
from command_service.application import FirmCaseFiles
from command_service.domain.client_profile import ClientProfile
from command_service.domain.eligibility_check import EligibilityCheck
from demo.profiles import ProfileGenerator
from eligibility_engine.check_handler import ENGINE_ACTOR
from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from shared.profile_schema import load_profile

FIRM_NAMES = ("Harbor & Vance Immigration", "Okafor Mobility Law", "Bright Path Visas LLP",
              "Lindqvist Global Talent", "Meridian Immigration Partners", "Crescent Legal Group")


@dataclass
class SeedPlan:
    """How much history each seeded client gets."""

    min_edits: int = 2
    max_edits: int = 14
    check_share: float = 0.3
    batch_size: int = 200


@dataclass
class SeededFirm:
    id: str
    name: str
    admin_email: str
    clients: int = 0
    events: int = 0
    client_ids: list[str] = field(default_factory=list)


class Seeder:
    """Create firms with an admin, and fill firms with client histories."""

    def __init__(self, stores: FirmStores, directory: Directory, generator: ProfileGenerator,
                 plan: SeedPlan | None = None):
        self._stores = stores
        self._directory = directory
        self._generator = generator
        self._plan = plan or SeedPlan()
        self._catalogue = load_catalogue()

    def create_firm(self, index: int, password: str) -> SeededFirm:
        """Create a demo firm and its admin attorney."""
        name = f"{FIRM_NAMES[index % len(FIRM_NAMES)]} #{index + 1}"
        firm = self._directory.create_firm(name)
        email = f"admin-{firm['id'][:8]}@demo.example"
        self._directory.create_attorney(firm["id"], email, password, "admin")
        # The directory recorded FirmCreated and AttorneyInvited in the firm's store.
        directory_events = len(self._stores.for_firm(firm["id"]).read_envelopes(0))
        return SeededFirm(firm["id"], name, email, events=directory_events)

    def fill(self, firm: SeededFirm, clients: int, actor_id: str = "demo-seed",
             progress: Callable[[int], None] | None = None) -> SeededFirm:
        """Append `clients` client histories to the firm's event store, batch by batch.

        progress, when given, hears how many clients are done after each one.
        """
        cases = self._stores.for_firm(firm.id)
        meta = {"actor_id": actor_id, "actor_kind": "attorney", "correlation_id": "demo-seed"}
        for start in range(0, clients, self._plan.batch_size):
            batch = []
            for number in range(min(self._plan.batch_size, clients - start)):
                batch += self._client_history(meta)
                if progress:
                    progress(start + number + 1)
            # Count before saving: the library empties pending events on save.
            firm.events += sum(len(a.pending_events) for a in batch)
            cases.save(*batch)
            firm.client_ids += [str(a.id) for a in batch if isinstance(a, ClientProfile)]
            firm.clients += sum(1 for a in batch if isinstance(a, ClientProfile))
        return firm

    def _client_history(self, meta: dict) -> list:
        plan, random = self._plan, self._generator.random
        profile = ClientProfile(fields=load_profile(self._generator.profile()), meta=meta)
        aggregates: list = [profile]
        edits = random.randint(plan.min_edits, plan.max_edits)
        check_after = random.randrange(edits + 1) if random.random() < plan.check_share else -1
        for number in range(edits + 1):
            if number == check_after:
                aggregates.append(self._concluded_check(profile, meta))
            if number < edits:
                profile.edit(self._generator.edit(profile.fields), meta)
        return aggregates

    def _concluded_check(self, profile: ClientProfile, meta: dict) -> EligibilityCheck:
        engine = {"actor_id": ENGINE_ACTOR, "actor_kind": "engine",
                  "correlation_id": meta["correlation_id"]}
        check = EligibilityCheck(profile.id, profile.version, False, meta)
        check.start(engine)
        check.conclude(evaluate_profile(dict(profile.fields), self._catalogue), engine)
        return check


def seed_demo(stores: FirmStores, directory: Directory, firms: int, clients: int,
              password: str, seed: int = 0, plan: SeedPlan | None = None,
              progress: Callable[[int], None] | None = None) -> dict:
    """Create `firms` firms of `clients` clients each; return a summary for the operator.

    progress, when given, hears how many clients (over all firms) are done.
    """
    seeder = Seeder(stores, directory, ProfileGenerator(seed), plan)
    started = time.perf_counter()
    seeded = [seeder.fill(seeder.create_firm(i, password), clients,
                          progress=(lambda done, i=i: progress(i * clients + done))
                          if progress else None)
              for i in range(firms)]
    seconds = time.perf_counter() - started
    events = sum(f.events for f in seeded)
    return {
        "firms": [{"id": f.id, "name": f.name, "admin_email": f.admin_email,
                   "clients": f.clients, "events": f.events} for f in seeded],
        "password": password, "clients": sum(f.clients for f in seeded), "events": events,
        "seconds": round(seconds, 2),
        "events_per_second": round(events / seconds) if seconds else None,
    }


def demo_password() -> str:
    return "demo-" + uuid.uuid4().hex[:12]
