"""Run schemathesis against a running service's OpenAPI document and summarise the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# What the contract promises: no 5xx, and every status, header, content type and body
# as documented; invalid input rejected; auth not ignored. Business rules stricter than
# a schema can say (If-Match, Idempotency-Key reuse) are out of scope for the fuzzer.
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance,negative_data_rejection,"
          "ignored_auth,missing_required_header,unsupported_method,unstorable_text_is_refused")
HOOKS = Path(__file__).with_name("fuzz_hooks.py")


@dataclass(frozen=True)
class FuzzRun:
    document: str
    cases: int
    failures: int
    operations: int
    exit_code: int
    output: str
    hostile_statuses: list[int]


def run_schemathesis(document_url: str, token: str, max_examples: int, report: Path,
                     seed: int | None = None, timeout: float = 600,
                     phases: str | None = None) -> FuzzRun:
    """Fuzz every operation but logout (which would end the run's own session).

    One worker: hypothesis describes strategies by parsing source, which races under threads.
    """
    command = [str(Path(sys.executable).with_name("st")), "run", document_url,
               "-H", f"Authorization: Bearer {token}", "--checks", CHECKS,
               "-n", str(max_examples), "--exclude-path", "/v1/auth/logout",
               "--no-color", "-w", "1", "--report", "json", "--report-json-path", str(report)]
    if seed is not None:
        command += ["--seed", str(seed)]
    if phases is not None:
        command += ["--phases", phases]
    tally = report.with_suffix(".hostile.txt")
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS), "VISA_FUZZ_HOSTILE_LOG": str(tally)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                          env=env)
    report.with_suffix(".txt").write_text(done.stdout + done.stderr)
    summary = json.loads(report.read_text())
    return FuzzRun(document_url, summary["test_cases"]["generated"],
                   summary["test_cases"]["unique_failures"] + len(summary["errors"]),
                   summary["operations"]["tested"], done.returncode, done.stdout[-6000:],
                   _statuses(tally))


def _statuses(tally: Path) -> list[int]:
    """The statuses answered to bodies the hooks poisoned with unstorable text."""
    if not tally.exists():
        return []
    return [int(line.rsplit(" ", 1)[1]) for line in tally.read_text().splitlines() if line]
