"""A bounded schemathesis run against every OpenAPI document of both deployments."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.conftest import create_firm
from tests.support.fuzz import run_schemathesis

MAX_EXAMPLES = int(os.environ.get("VISA_FUZZ_MAX_EXAMPLES", "4"))
# The coverage phase (every boundary of every field, thousands of cases) runs once per API: the
# distributed command service serves the embedded one's code and schema, so it gets the example,
# fuzzing and stateful phases only (`make fuzz` runs every phase everywhere).
PHASES = {("distributed", "command"): os.environ.get("VISA_FUZZ_PHASES",
                                                      "examples,fuzzing,stateful")}


@pytest.mark.parametrize("deployment, side", [
    ("embedded", "command"), ("distributed", "command"), ("distributed", "query")])
def test_the_fuzzer_finds_no_server_error_and_no_schema_violation(
        request, deployment, side, artifacts_dir):
    product = request.getfixturevalue(deployment)
    firm = create_firm(product.env, f"Fuzz {uuid.uuid4().hex[:6]}")
    admin = product.as_attorney(firm, "admin")
    base = admin.command_url if side == "command" else admin.query_url
    report = artifacts_dir / f"schemathesis-{deployment}-{side}-{uuid.uuid4().hex[:6]}.json"

    run = run_schemathesis(f"{base}/v1/openapi.json", admin.token, MAX_EXAMPLES, report,
                           phases=PHASES.get((deployment, side)))

    print(f"schemathesis {deployment}/{side}: {run.cases} cases, {run.failures} failures, "
          f"{run.operations} operations")
    assert run.operations >= 5 and run.cases > 50
    if side == "command":  # the query side takes no bodies
        assert len(run.hostile_statuses) >= 3
        assert all(400 <= status < 500 for status in run.hostile_statuses)
    assert run.failures == 0 and run.exit_code == 0, run.output
