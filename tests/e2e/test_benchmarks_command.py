"""`python -m benchmarks --size tiny` runs end to end and writes a complete report.

Only the report's structure is checked: benchmarks are never timed tests.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.processes import REPO, VISA, visa_env

pytestmark = pytest.mark.distributed


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = subprocess.run(
        [VISA[0], "-m", "benchmarks", "--size", "tiny", "--json", str(out / "bench.json"),
         "--markdown", str(out / "BENCHMARKS.md")],
        env=visa_env(), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads((out / "bench.json").read_text()), (out / "BENCHMARKS.md").read_text()


def test_the_report_names_the_machine_and_the_configuration(tiny_run):
    report, _ = tiny_run

    assert report["machine"]["cores"] >= 1 and report["machine"]["memory_gib"] > 0
    assert report["machine"]["postgresql"]
    assert "gunicorn" in report["configuration"]["command_service"]
    assert report["dataset"]["events"] > report["dataset"]["clients"] > 0


def test_command_figures_cover_post_and_patch_at_each_concurrency_with_a_raw_insert_ratio(tiny_run):
    report, _ = tiny_run
    http = report["command_side"]["http"]

    assert {(r["operation"], r["concurrency"]) for r in http} == {
        (op, c) for op in ("POST /v1/clients", "PATCH /v1/clients/{id}") for c in (1, 4)}
    assert all(r["errors"] == 0 and r["latency"]["count"] == 6 for r in http)
    assert all(set(r["latency"]) >= {"p50_ms", "p95_ms", "p99_ms"} for r in http)
    assert report["command_side"]["append"]["event_store_vs_raw_insert"] > 0


def test_query_figures_compare_listing_search_and_detail_with_raw_sql(tiny_run):
    report, _ = tiny_run
    operations = report["query_side"]["operations"]

    assert [o["operation"].split(" ")[0] for o in operations] == [
        "listing", "search", "search", "detail"]
    assert all(o["ratio_p50"] > 0 and o["raw_sql"]["count"] == o["http"]["count"]
               for o in operations)


def test_pipeline_and_replay_figures_are_reported_and_every_event_was_projected(tiny_run):
    report, markdown = tiny_run
    pipeline, replay = report["pipeline"], report["replay"]

    assert pipeline["projection_lag"]["unprojected"] == 0
    assert pipeline["projection_lag"]["lag"]["count"] == pipeline["projection_lag"]["events"]
    assert pipeline["relay"]["events"] > 0 and pipeline["engine"]["checks"] == 8
    assert not pipeline["engine"]["timed_out"]
    assert not any(e["timed_out"] for e in pipeline["engine_with_fake_llm"])
    with_llm = pipeline["engine_with_fake_llm"]
    assert [e["llm_latency_ms"] for e in with_llm] == [0, 2000]
    assert all(e["checks"] == 8 and e["checks_per_second"] > 0 for e in with_llm)
    assert all(e["llm_calls"] >= 8 and e["analysis_modes"] == {"llm_and_rules": 8}
               for e in with_llm)
    assert replay["rebuild"]["events"] == report["dataset"]["events"]
    assert replay["rebuild"]["quarantined"] == 0 and replay["rebuild"]["ratio_to_raw_read"] > 0
    assert replay["rebuild_sqlite"]["events"] == replay["rebuild_sqlite"]["copied"] == \
        report["dataset"]["events"]
    assert replay["rebuild_sqlite"]["quarantined"] == 0
    assert replay["as_of"]["events"] == 200 and replay["as_of"]["ratio_p50"] > 0
    assert replay["as_of"]["http"]["count"] == report["parameters"]["as_of_samples"]
    assert replay["as_of"]["query_side"]["count"] == report["parameters"]["as_of_samples"]
    assert replay["audit_export"]["events"] >= report["parameters"]["big_firm_clients"]
    assert replay["audit_export"]["raw_select_events_per_second"] > 0
    for heading in ("## Machine and configuration", "## Command side", "## Query side",
                    "## Pipeline", "## Replay", "Engine with the fake LLM at 2000 ms",
                    "visa audit export", "raw autocommitted psycopg INSERT",
                    "on the embedded default (SQLite"):
        assert heading in markdown
