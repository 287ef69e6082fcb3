"""Every operator and benchmark command runs to completion at a tiny size, on both deployments.

Smoke tests: each command is run as an operator would, on a deployment seeded by
`visa demo seed`, and must exit 0 with the output it documents. The commands' own
behaviour is tested in detail elsewhere; here a crash or a hang fails.
"""

from __future__ import annotations

import base64
import json
import secrets

import pytest

from tests.support.databases import fresh_database
from tests.support.processes import run_visa, visa_env


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request, tmp_path_factory):
    """A deployment seeded with two small demo firms, its read tables rebuilt."""
    data_dir = tmp_path_factory.mktemp(f"smoke-{request.param}")
    if request.param == "sqlite":
        yield _seed(visa_env(VISA_DATA_DIR=data_dir))
        return
    with fresh_database("visa_smoke") as url:
        yield _seed(visa_env(VISA_DATA_DIR=data_dir, VISA_DATABASE_URL=url,
                             VISA_JWT_SECRET=secrets.token_urlsafe(32),
                             VISA_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode()))


def _seed(env: dict) -> tuple[dict, dict]:
    assert run_visa(env, "migrate").returncode == 0
    seeded = run_visa(env, "demo", "seed", "--firms", "2", "--clients", "6", "--seed", "7")
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    rebuilt = run_visa(env, "projections", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    return env, json.loads(seeded.stdout)


def ok(env: dict, *args: str) -> str:
    result = run_visa(env, *args)
    assert result.returncode == 0, f"visa {' '.join(args)}: {result.stderr[-3000:]}"
    return result.stdout


def test_demo_seed_reports_the_firms_and_events_it_stored(seeded):
    _, summary = seeded

    assert summary["clients"] == 12 and len(summary["firms"]) == 2
    assert summary["events"] > summary["clients"]


def test_projections_status_shows_no_lag_after_the_rebuild(seeded):
    env, summary = seeded

    rows = json.loads(ok(env, "projections", "status", "--json"))

    projector = {r["firm_id"]: r for r in rows if r["consumer"] == "projector"}
    assert {f["id"] for f in summary["firms"]} <= projector.keys()
    assert all(r["lag"] == 0 for r in projector.values())


def test_audit_verify_finds_every_seeded_firm_sound(seeded):
    env, summary = seeded

    lines = [json.loads(line) for line in ok(env, "audit", "verify").splitlines()]

    assert {f["id"] for f in summary["firms"]} <= {r["firm_id"] for r in lines}
    assert all(r["ok"] for r in lines)


def test_audit_export_prints_every_event_of_a_firm_as_json_lines(seeded, tmp_path):
    env, summary = seeded
    firm = summary["firms"][0]

    ok(env, "audit", "export", "--firm", firm["id"], "--output", str(tmp_path / "audit.jsonl"))
    lines = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]

    assert len(lines) == firm["events"] and lines[0]["event_type"] == "FirmCreated"


def test_bench_query_seeds_rebuilds_and_times_the_listings(seeded):
    env, _ = seeded

    figures = json.loads(ok(env, "bench", "query", "--clients", "20", "--samples", "2"))

    assert figures["clients"] == 20 and figures["rebuild"]["events"] >= figures["events_seeded"]
    assert figures["listing_latency_ms"]["first_page"]["p50"] > 0


def test_retention_catalogue_and_recheck_commands_complete(seeded):
    env, summary = seeded
    firm_id = summary["firms"][0]["id"]

    retention = json.loads(ok(env, "retention", "run", "--firm", firm_id))
    ok(env, "catalogue", "publish", "--by", "smoke")
    ok(env, "recheck", "--firm", firm_id, "--per-minute", "600")

    assert retention == {"archived": [], "erased": []} or set(retention) == {"archived", "erased"}
