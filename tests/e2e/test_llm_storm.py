"""A small LLM storm (`make chaos` runs a larger one): the fake Messages API answers 429s,
529s, timeouts, 500s, malformed output, max_tokens and refusals while checks arrive, on a
real distributed deployment. Checks conclude from the rules; each analysis follows once."""

from __future__ import annotations

import pytest

from chaos import scenarios
from tests.support.databases import fresh_database

pytestmark = pytest.mark.distributed


@pytest.fixture(scope="module")
def storm(tmp_path_factory):
    with fresh_database() as database_url:
        # One worker per service: the machine's PostgreSQL connections are shared.
        yield scenarios.llm_storm_on_own_deployment(tmp_path_factory.mktemp("llm-storm"),
                                                    database_url, scenarios.SMALL,
                                                    service_workers=1)


def test_every_check_concludes_once_within_the_bound_during_an_llm_storm(storm):
    print(storm.summary())

    assert storm.accepted == storm.sent > 0
    assert (storm.delivered, storm.duplicated, storm.lost) == (storm.accepted, 0, 0), \
        storm.summary()
    assert storm.details["stuck_checks"] == 0
    assert storm.details["late_checks"] == 0
    assert storm.details["unanalysed_checks"] == 0


def test_the_storm_opens_the_breaker_and_checks_conclude_rules_only_meanwhile(storm):
    assert storm.details["rules_only_because_breaker_open"] > 0
    assert storm.details["rules_only"] >= storm.details["rules_only_because_breaker_open"]
    answers = storm.details["answers"]
    assert {"rate_limited", "overloaded", "timeout", "server_error", "malformed_json",
            "max_tokens", "refusal"} <= set(answers)


def test_the_breaker_lets_the_llm_back_in_once_the_storm_is_over(storm):
    assert storm.details["llm_and_rules_after_storm"] > 0


def test_no_analysis_is_paid_for_twice(storm):
    assert storm.details["calls_after_conclusion"] == 0
    assert storm.details["analyses_recorded_twice"] == 0
    assert 0 < storm.details["max_calls_for_one_check"] <= 6
