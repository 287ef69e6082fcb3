"""How `make test` shares the suite among pytest-xdist workers (`-n N --dist loadscope`).

Each module's tests stay together on one worker, so a module-scoped fixture (a deployment, a
browser) starts once; the modules in SPREAD hold independent, long tests that only use the
session's products, and each of their tests may go to any worker. Work is handed out in
collection order, so the slowest modules come first and the run does not end on one of them.
Session fixtures (`embedded`, `distributed`, `broker`, `pg_url`...) start once per worker.
"""

from __future__ import annotations

import pytest
from xdist.scheduler import LoadScopeScheduling

# The slowest modules, slowest first (measured under load; see the issue11-speed report).
SLOWEST_FIRST = (
    "tests/e2e/test_fuzz.py",
    "tests/e2e/test_benchmarks_command.py",
    "tests/e2e/test_fault_injection.py",
    "tests/e2e/test_operator_commands.py",
    "tests/e2e/test_llm_storm.py",
    "tests/e2e/test_client_privacy.py",
    "tests/e2e/test_projector_crash.py",
    "tests/e2e/test_operator_smoke.py",
    "tests/e2e/test_engine_llm_distributed.py",
    "tests/e2e/test_web_app.py",
    "tests/e2e/test_rate_limits.py",
    "tests/e2e/test_access_control.py",
    "tests/e2e/test_cli_and_embedded_lifecycle.py",
    "tests/e2e/test_poison_delivery.py",
    "tests/e2e/test_demo_seed.py",
    "tests/integration/test_large_appends.py",
    "tests/integration/test_migrate.py",
    "tests/e2e/test_web_app_analysis.py",
    "tests/e2e/test_query_api.py",
    "tests/e2e/test_api_contract.py",
    "tests/e2e/test_operations.py",
    "tests/e2e/test_startup_configuration.py",
    "tests/unit/test_service_images.py",
)
# Modules whose tests may run on different workers (no module fixture worth sharing).
SPREAD = frozenset({"tests/e2e/test_fuzz.py", "tests/e2e/test_client_privacy.py",
                    "tests/e2e/test_operator_commands.py"})


def slowest_first(items: list[pytest.Item]) -> None:
    """Put the slowest modules first, keeping every other order as collected."""
    rank = {module: index for index, module in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


class ModuleScheduling(LoadScopeScheduling):
    """One work unit per module (per test in a SPREAD module), handed out in collection order."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        config.option.loadscopereorder = False

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return nodeid if module in SPREAD else module
