"""A small run of the fault scenarios (`make chaos` runs them larger, with a PostgreSQL restart).

Each scenario injects its fault into a real distributed deployment and counts what
became of every accepted command: all must be delivered, none lost or duplicated.
"""

from __future__ import annotations

import pytest

from chaos import scenarios
from chaos.deployment import Deployment
from tests.support.databases import fresh_database

pytestmark = pytest.mark.distributed


@pytest.fixture(scope="module")
def replay_url():
    with fresh_database("visa_replay") as url:
        yield url


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    with fresh_database() as database_url:
        # One worker per service: the machine's PostgreSQL connections are shared.
        deployment = Deployment(tmp_path_factory.mktemp("chaos"), database_url,
                                service_workers=1).start()
        try:
            yield deployment
        finally:
            deployment.stop()


def assert_nothing_lost_or_duplicated(tally) -> None:
    print(tally.summary())
    assert tally.accepted > 0
    counts = (tally.delivered, tally.duplicated, tally.lost)
    assert counts == (tally.accepted, 0, 0), tally.summary()


def test_every_check_concludes_exactly_once_when_the_engine_is_killed_repeatedly(deployment):
    tally = scenarios.engine_killed_mid_check(deployment, scenarios.SMALL)

    assert_nothing_lost_or_duplicated(tally)
    assert tally.details["checks"] > 0


def test_read_tables_equal_a_fresh_replay_after_the_projector_is_killed_repeatedly(
        deployment, replay_url):
    tally = scenarios.projector_killed_mid_batch(deployment, scenarios.SMALL, replay_url)

    assert_nothing_lost_or_duplicated(tally)
    assert tally.details["read_tables_vs_fresh_replay"]["clients"]["rows"] > 0


def test_commands_are_accepted_while_the_broker_is_down_and_delivered_when_it_returns(deployment):
    tally = scenarios.broker_down_while_commands_arrive(deployment, scenarios.SMALL)

    assert_nothing_lost_or_duplicated(tally)
    assert tally.details["accepted_while_broker_killed"] == f"{scenarios.SMALL.commands}/" \
                                                           f"{scenarios.SMALL.commands}"
