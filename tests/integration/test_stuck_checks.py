"""A check left `processing` by a dead worker is requeued once, then failed with a message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from contracts import CHECK_STARTED

from cli import bootstrap
from eligibility_engine.adapters.check_leases import CheckLeases
from command_service.adapters.case_files import firm_case_files
from event_store import FirmStores
from shared.config import load_settings
from shared.sql import Database
from tests.support.case_files import record_as_engine
from tests.support.profiles import researcher_profile

META = {"actor_id": "a-1", "actor_kind": "attorney", "correlation_id": "corr-stuck"}


@dataclass
class Scene:
    stores: FirmStores
    engine: bootstrap.Engine
    firm_id: str

    def started_check(self):
        """Request a check and start it as a worker that then died would have."""
        cases = self.stores.for_firm(self.firm_id)
        client = cases.create_client(researcher_profile(), META)
        check = cases.request_check(client.id, META)
        record_as_engine(cases, check.id, CHECK_STARTED, {}, META)
        self.engine.leases.take(self.firm_id, str(check.id), "corr-stuck")
        return check.id

    def age_leases(self, attempts: int = 1) -> None:
        with self.engine.db.transaction() as tx:
            tx.execute("UPDATE check_leases SET started_at = '2020-01-01T00:00:00+00:00',"
                       " attempts = ?", (attempts,))

    def lapse_renewals(self) -> None:
        """Make every lease look like its engine died a minute ago, moments after starting."""
        with self.engine.db.transaction() as tx:
            tx.execute("UPDATE check_leases SET renewed_at = ?",
                       ((datetime.now(UTC) - timedelta(seconds=60)).isoformat(),))

    def status(self, check_id):
        return self.stores.for_firm(self.firm_id).eligibility_check(check_id)


@pytest.fixture
def scene(tmp_path):
    settings = load_settings({"VISA_DATA_DIR": str(tmp_path), "VISA_STUCK_CHECK_SECONDS": "600",
                              "VISA_CHECK_LEASE_SECONDS": "30"})
    bootstrap.migrate(settings)
    firm_id = bootstrap.directory(settings).create_firm("Stuck & Co")["id"]
    stores = firm_case_files(settings)
    yield Scene(stores, bootstrap.engine(settings, stores), firm_id)
    stores.close()


def test_a_check_started_moments_ago_is_left_alone(scene):
    check_id = scene.started_check()

    found = scene.engine.sweeper.sweep_once()

    assert found == 0 and scene.status(check_id).status == "processing"


@pytest.mark.parametrize("overdue", ["stuck past the limit", "engine stopped renewing"])
def test_an_overdue_check_after_its_first_attempt_is_requeued_and_completes(scene, overdue):
    check_id = scene.started_check()
    if overdue == "stuck past the limit":
        scene.age_leases(attempts=1)
    else:
        scene.lapse_renewals()  # long before the 600 s stuck-check limit

    found = scene.engine.sweeper.sweep_once()

    assert found == 1
    assert scene.status(check_id).status == "completed"
    assert scene.engine.leases.held() == 0


def test_a_check_stuck_again_is_failed_with_a_message_the_attorney_can_act_on(scene):
    check_id = scene.started_check()
    scene.age_leases(attempts=2)

    scene.engine.sweeper.sweep_once()

    check = scene.status(check_id)
    assert check.status == "failed"
    assert "stopped or stalled 2 times" in check.error_message
    assert "Request the check again" in check.error_message
    assert scene.engine.leases.held() == 0


def test_only_one_of_two_sweeping_engines_claims_an_overdue_check(scene):
    scene.started_check()
    scene.age_leases()
    leases = scene.engine.leases
    overdue = leases.overdue(60, 30)[0]

    first, second = leases.claim(overdue), leases.claim(overdue)

    assert (first, second) == (True, False)


def test_a_renewed_lease_is_not_taken_over(scene):
    check_id = scene.started_check()
    scene.lapse_renewals()
    scene.engine.leases.renew([(scene.firm_id, str(check_id))])

    found = scene.engine.sweeper.sweep_once()

    assert found == 0 and scene.status(check_id).status == "processing"


def test_leases_written_before_renewals_existed_count_as_renewed_at_their_start(tmp_path):
    db = Database(sqlite_path=tmp_path / "engine.sqlite")
    with db.transaction() as tx:
        tx.execute("CREATE TABLE check_leases (firm_id TEXT NOT NULL, check_id TEXT NOT NULL,"
                   " correlation_id TEXT, attempts INTEGER NOT NULL, started_at TEXT NOT NULL,"
                   " PRIMARY KEY (firm_id, check_id))")
        tx.execute("INSERT INTO check_leases VALUES ('f', 'c', NULL, 1, ?)",
                   (datetime.now(UTC).isoformat(),))
    leases = CheckLeases(db)

    leases.migrate()
    leases.migrate()

    assert leases.overdue(600, 30) == []
    with db.transaction() as tx:
        row = tx.fetch_one("SELECT started_at, renewed_at FROM check_leases")
    assert row["renewed_at"] == row["started_at"]
    db.close()
