"""Readiness names the dependency that does not answer, and does not hang on it."""

from __future__ import annotations

from shared.readiness import BrokerProbe, Readiness, database_probe
from shared.sql import Database
from tests.support.processes import free_port


def test_a_reachable_database_is_ready(pg_url):
    db = Database(postgres_url=pg_url, pool_size=1)

    ready, checks = Readiness({"database": database_probe(db)}).check()
    db.close()

    assert ready and checks == {"database": "ok"}


def test_an_unreachable_database_and_broker_are_reported_by_name():
    nothing_listens = free_port()
    db = Database(postgres_url=f"postgresql://postgres@127.0.0.1:{nothing_listens}/visa",
                  pool_size=1)
    broker = BrokerProbe(f"127.0.0.1:{nothing_listens}", "visa-engine")
    readiness = Readiness({"database": lambda: db.ping(timeout=1), "broker": broker.broker,
                           "consumer_group": broker.consumer_group})

    ready, checks = readiness.check()
    db.close()
    broker.close()

    assert not ready
    assert all(answer.startswith("unavailable: ") for answer in checks.values()), checks
