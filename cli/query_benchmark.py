"""`visa bench query`: seed a firm with many clients, then time a rebuild and the listings.

It writes a new benchmark firm into the configured deployment: point
VISA_DATA_DIR (or VISA_DATABASE_URL) at a scratch store before running it.
"""

from __future__ import annotations

import random
import secrets
import statistics
import time
import uuid
from urllib.parse import quote

from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import FirmStores, close_shared_pools
from command_service.domain.client_profile import ClientProfile
from command_service.domain.eligibility_check import EligibilityCheck
from query_service.adapters.client_views import FirmReadView
from query_service.rebuild import ProjectionRebuild
from shared.auth import Principal, token_issuer
from shared.config import Settings

FIRST = ("Amara", "Li", "Sofia", "Ravi", "Chen", "Olga", "Mateo", "Aisha", "Kenji", "Noor")
LAST = ("Okafor", "Wang", "Rossi", "Patel", "Zhang", "Ivanova", "Garcia", "Khan", "Sato", "Haddad")
EMPLOYERS = ("Acme AI", "Globex", "Initech", "Umbrella Labs", "Stark Research", "Wayne Bio")
FIELDS = ("Machine learning", "Oncology", "Structural engineering", "Economics", "Robotics")
VISA_TYPES = ("O-1A", "EB-1A", "EB-2-NIW", "H-1B", "L-1A", "TN")
SAVE_BATCH = 500


def run_query_benchmark(settings: Settings, clients: int, samples: int,
                        firm_id: str | None = None) -> dict:
    """Seed (unless given a firm), rebuild and time listings; return the figures."""
    bootstrap.migrate(settings)  # a scratch store may be brand new; safe to run twice
    keyring = bootstrap.keyring(settings)
    stores = firm_case_files(settings, keyring=keyring)
    directory = bootstrap.directory(settings, stores)
    seeded = 0
    try:
        if firm_id is None:
            firm_id = directory.create_firm(f"Benchmark {uuid.uuid4().hex[:6]}")["id"]
            seeded = _seed(stores, firm_id, clients)
        read_db = bootstrap.read_database(settings)
        rebuild = ProjectionRebuild(read_db, stores, directory.firm_ids).run()
        app = bootstrap.query_app(settings, stores=stores, keyring=keyring)
        latency = _listing_latency(app.test_client(), _admin_token(settings, directory,
                                                                   firm_id), samples)
        in_firm = FirmReadView(read_db, firm_id).dashboard()["clients_by_status"]
    finally:
        stores.close()
        close_shared_pools()
    return {"deployment": "postgresql" if settings.uses_postgres else "sqlite",
            "firm_id": firm_id, "clients": sum(in_firm.values()), "events_seeded": seeded,
            "rebuild": {"events": rebuild.events, "seconds": round(rebuild.seconds, 2),
                        "events_per_second": round(rebuild.events_per_second)},
            "listing_latency_ms": latency}


def _admin_token(settings: Settings, directory, firm_id: str) -> str:
    """Sign in as a new admin of the firm: the query API checks the attorney's stream."""
    admin = directory.create_attorney(firm_id, f"bench-{uuid.uuid4().hex[:8]}@bench.example",
                                      secrets.token_urlsafe(16), "admin")
    return token_issuer(settings).issue(Principal(admin["id"], firm_id, "admin"))


def _seed(stores: FirmStores, firm_id: str, clients: int) -> int:
    app, rng, events = stores.for_firm(firm_id), random.Random(42), 0
    meta = {"actor_id": str(uuid.uuid4()), "actor_kind": "attorney"}
    for start in range(0, clients, SAVE_BATCH):
        batch = []
        for _ in range(start, min(start + SAVE_BATCH, clients)):
            profile = ClientProfile(fields=_profile(rng), meta=meta)
            batch.append(profile)
            if rng.random() < 0.2:
                batch.append(_concluded_check(profile, rng, meta))
        events += len(app.save(*batch))
    return events


def _profile(rng: random.Random) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {"first_name": first, "last_name": f"{last}{rng.randint(1, 999)}",
            "email": f"{first.lower()}.{rng.randint(1, 10**6)}@example.org",
            "current_employer": rng.choice(EMPLOYERS), "field_of_study": rng.choice(FIELDS),
            "highest_degree": "doctorate", "annual_salary_usd": rng.randint(50, 400) * 1000}


def _concluded_check(profile: ClientProfile, rng: random.Random, meta: dict) -> EligibilityCheck:
    check = EligibilityCheck(profile.id, 1, False, meta)
    check.start(meta)
    types = rng.sample(VISA_TYPES, 3)
    check.conclude({"analysis_mode": "rules_only", "recommendations": [
        {"visa_type": t, "verdict": "possible", "eligibility_score": rng.randint(20, 95),
         "success_probability": round(rng.random(), 2)} for t in types]}, meta)
    return check


def _listing_latency(client, token: str, samples: int) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    queries = {
        "first_page": "/v1/clients?limit=25",
        "search_name_employer": "/v1/clients?limit=25&search=okafor%20acme",
        "search_email_exact": "/v1/clients?limit=25&search=amara.1%40example.org",
        "visa_type_min_score": "/v1/clients?limit=25&visa_type=O-1A&min_score=70",
        "dashboard": "/v1/dashboard",
    }
    figures = {name: _time(lambda u=url: client.get(u, headers=headers), samples)
               for name, url in queries.items()}
    figures["page_20_deep_by_cursor"] = _time(lambda: _walk(client, headers, 20),
                                              max(samples // 10, 3))
    return figures


def _walk(client, headers: dict, pages: int):
    """Follow next_cursor for up to `pages` pages (fewer when the firm runs out)."""
    url = "/v1/clients?limit=25"
    for _ in range(pages):
        response = client.get(url, headers=headers)
        next_cursor = response.get_json()["pagination"]["next_cursor"]
        if response.status_code != 200 or not next_cursor:
            return response
        url = f"/v1/clients?limit=25&cursor={quote(next_cursor)}"
    return response


def _time(call, samples: int) -> dict:
    durations = []
    for _ in range(samples):
        started = time.perf_counter()
        response = call()
        durations.append((time.perf_counter() - started) * 1000)
        if response is not None and response.status_code != 200:
            raise RuntimeError(f"benchmark query failed: {response.status_code} {response.data!r}")
    durations.sort()
    return {"p50": round(statistics.median(durations), 2),
            "p95": round(durations[int(len(durations) * 0.95) - 1], 2),
            "max": round(durations[-1], 2)}
