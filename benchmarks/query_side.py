"""Query side: listing, search and detail over HTTP beside the same SQL run directly."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from types import SimpleNamespace

import psycopg
import requests

from benchmarks.stats import percentiles, ratio, timed_ms
from query_service.adapters.client_views import CLIENT_COLUMNS, ClientFilters, FirmReadView


def query_operations(query_url: str, token: str, database_url: str, firm_id: str,
                     client_ids: list[str], samples: int) -> list[dict]:
    """Time each read through the query API and as raw SQL, alternating, `samples` times.

    The raw SQL is the statement the query service runs for that read (built by the same
    code), run directly with psycopg: no role switch, no position, no HTTP.
    """
    chance = random.Random(17)
    with psycopg.connect(database_url, autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT DISTINCT split_part(search_text, ' ', 2) FROM clients WHERE firm_id = %s"
            " LIMIT 50", (firm_id,))]
        digests = dict(conn.execute(
            "SELECT email, email_digest FROM clients WHERE firm_id = %s"
            " AND email_digest IS NOT NULL LIMIT 500", (firm_id,)).fetchall())
        # Only the statement is built through the view: on PostgreSQL's dialect, no database.
        view = FirmReadView(SimpleNamespace(dialect="postgresql"), firm_id, _KnownDigests(digests))
        cases = {
            "listing (first page of 25)": lambda: _listing(view, {}),
            "search by last name (many matches)": lambda: _listing(
                view, {"search": chance.choice(names)}),
            "search by email (one match, blind index)": lambda: _listing(
                view, {"search": chance.choice(list(digests))}),
            "detail": lambda: _detail(chance.choice(client_ids), firm_id),
        }
        return [_compare(name, make, query_url, token, conn, samples)
                for name, make in cases.items()]


def _listing(view: FirmReadView, params: dict):
    filters = ClientFilters(status="active", search=params.get("search", ""))
    first, fallback = view.clients_queries(limit=25, cursor=None, filters=filters)
    return params, *_psycopg(first), fallback and [_psycopg(s) for s in fallback]


def _psycopg(statement: tuple[str, list]) -> tuple[str, tuple]:
    return statement[0].replace("?", "%s"), tuple(statement[1])


def _detail(client_id: str, firm_id: str):
    return {"client_id": client_id}, DETAIL, (firm_id, client_id), None


DETAIL = f"SELECT {CLIENT_COLUMNS} FROM clients WHERE firm_id = %s AND client_id = %s"


class _KnownDigests:
    """The blind index's digests of the sampled addresses, read from the table (no key here)."""

    def __init__(self, digests: dict[str, str]):
        self._digests = digests

    def digest(self, firm_id: str, address: str) -> str | None:
        return self._digests.get(address)


def _compare(name: str, make, query_url: str, token: str, conn, samples: int) -> dict:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    http_ms, sql_ms = [], []
    for _ in range(samples):
        params, sql, args, fallback = make()
        url = f"{query_url}/v1/clients"
        if "client_id" in params:
            url, params = f"{url}/{params['client_id']}", {}
        http_ms.append(timed_ms(lambda: _ok(session.get(url, params=params, timeout=60))))
        sql_ms.append(timed_ms(lambda: _run(conn, sql, args, fallback)))
    http, raw = percentiles(http_ms), percentiles(sql_ms)
    return {"operation": name, "http": http, "raw_sql": raw,
            "ratio_p50": ratio(http["p50_ms"], raw["p50_ms"]),
            "ratio_p99": ratio(http["p99_ms"], raw["p99_ms"])}


def _run(conn, sql: str, args: tuple, fallback: list | None) -> None:
    """Run a read's statement, and its fallback when the first found no whole page, as the
    view does (the fallback's two statements in one transaction)."""
    rows = conn.execute(sql, args).fetchall()
    if fallback is not None and len(rows) < 26:
        with conn.transaction():
            for statement in fallback:
                conn.execute(*statement).fetchall()


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
