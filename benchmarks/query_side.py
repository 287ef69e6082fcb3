"""Query side: listing, search and detail over HTTP beside the same SQL run directly."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import psycopg
import requests

from benchmarks.stats import percentiles, ratio, timed_ms

COLUMNS = ("client_id, version, status, profile, created_by, created_at, updated_at,"
           " latest_check_id")
# The same statements, parameters included, as query_service/adapters/client_views.py runs.
LISTING = (f"SELECT {COLUMNS} FROM clients WHERE firm_id = %s AND status = %s"
           " ORDER BY created_at DESC, client_id DESC LIMIT %s")
SEARCH = (f"SELECT {COLUMNS} FROM clients WHERE firm_id = %s AND status = %s"
          " AND search_text LIKE %s ESCAPE '\\' ORDER BY created_at DESC, client_id DESC"
          " LIMIT %s")
DETAIL = f"SELECT {COLUMNS} FROM clients WHERE firm_id = %s AND client_id = %s"


def query_operations(query_url: str, token: str, database_url: str, firm_id: str,
                     client_ids: list[str], samples: int) -> list[dict]:
    """Time each read through the query API and as raw SQL, alternating, `samples` times."""
    chance = random.Random(17)
    with psycopg.connect(database_url, autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT DISTINCT split_part(search_text, ' ', 2) FROM clients WHERE firm_id = %s"
            " LIMIT 50", (firm_id,))]
        emails = [r[0] for r in conn.execute(
            "SELECT email FROM clients WHERE firm_id = %s AND email IS NOT NULL LIMIT 500",
            (firm_id,))]
        cases = {
            "listing (first page of 25)": lambda: ({}, LISTING, (firm_id, "active", 26)),
            "search by last name (many matches)": lambda: _search(chance.choice(names), firm_id),
            "search by email (one match, scans the firm)": lambda: _search(
                chance.choice(emails), firm_id),
            "detail": lambda: _detail(chance.choice(client_ids), firm_id),
        }
        return [_compare(name, make, query_url, token, conn, samples)
                for name, make in cases.items()]


def _search(term: str, firm_id: str):
    return {"search": term}, SEARCH, (firm_id, "active", f"%{term.lower()}%", 26)


def _detail(client_id: str, firm_id: str):
    return {"client_id": client_id}, DETAIL, (firm_id, client_id)


def _compare(name: str, make, query_url: str, token: str, conn, samples: int) -> dict:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    http_ms, sql_ms = [], []
    for _ in range(samples):
        params, sql, args = make()
        url = f"{query_url}/v1/clients"
        if "client_id" in params:
            url, params = f"{url}/{params['client_id']}", {}
        http_ms.append(timed_ms(lambda: _ok(session.get(url, params=params, timeout=60))))
        sql_ms.append(timed_ms(lambda: conn.execute(sql, args).fetchall()))
    http, raw = percentiles(http_ms), percentiles(sql_ms)
    return {"operation": name, "http": http, "raw_sql": raw,
            "ratio_p50": ratio(http["p50_ms"], raw["p50_ms"]),
            "ratio_p99": ratio(http["p99_ms"], raw["p99_ms"])}


def _ok(response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url} answered {response.status_code}")


def as_of_over_http(query_url: str, token: str, client_id: str, samples: int) -> dict:
    """GET /v1/clients/{id}?as_of=now for the client with the long history."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    url = f"{query_url}/v1/clients/{client_id}"
    as_of = datetime.now(timezone.utc).isoformat()
    _ok(session.get(url, params={"as_of": as_of}, timeout=60))  # warm: the firm's store opened
    return percentiles([timed_ms(lambda: _ok(session.get(url, params={"as_of": as_of},
                                                          timeout=60)))
                        for _ in range(samples)])
