"""A projector killed mid-stream (SIGKILL) resumes where it stopped and applies each event once."""

from __future__ import annotations

import base64
import secrets
import uuid

import pytest

from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import FirmStores, close_shared_pools
from event_store import read_envelopes
from command_service.domain.client_profile import ClientProfile
from query_service.adapters.client_views import AuditFilters, FirmReadView
from query_service.projections import Projector
from query_service.verification import verify_firm
from shared.config import load_settings
from shared.kafka import KafkaEventPublisher, ensure_topic
from tests.support.processes import (
    VISA,
    Process,
    free_port,
    kafka_broker,
    run_visa,
    visa_env,
    wait_until,
)
from tests.support.profiles import researcher_profile

# Enough that the kill lands mid-stream: a batch of 100 events takes a few ms to apply.
CLIENTS = 3000


def _seed(stores: FirmStores, firm_id: str) -> int:
    app, meta = stores.for_firm(firm_id), {"actor_id": str(uuid.uuid4())}
    for _ in range(CLIENTS // 500):
        app.save(*[ClientProfile(fields=researcher_profile(), meta=meta) for _ in range(500)])
    return app.recorder.max_notification_id()


def _publish_everything(settings, stores: FirmStores, firm_id: str) -> None:
    ensure_topic(settings.kafka_bootstrap_servers, settings.kafka_topic)
    publisher = KafkaEventPublisher(settings.kafka_bootstrap_servers, settings.kafka_topic)
    app, position = stores.for_firm(firm_id), 0
    while batch := read_envelopes(app, position, 500):
        publisher.publish(batch)
        position = batch[-1].position
    publisher.close()


@pytest.fixture(params=["embedded", "distributed"])
def deployment_env(request, tmp_path):
    if request.param == "embedded":
        yield visa_env(VISA_DATA_DIR=tmp_path / "data"), [*VISA, "serve", "--port", "0"]
        return
    with kafka_broker(tmp_path) as bootstrap_servers:
        yield visa_env(VISA_DATA_DIR=tmp_path / "data",
                       VISA_DATABASE_URL=request.getfixturevalue("fresh_pg_url"),
                       VISA_KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers,
                       VISA_KAFKA_TOPIC=f"visa.events.{uuid.uuid4().hex[:8]}",
                       VISA_KAFKA_MAX_POLL_INTERVAL_MS=5000,
                       VISA_JWT_SECRET=secrets.token_urlsafe(32),
                       VISA_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode()), \
            [*VISA, "projector"]


def _with_free_health_port(command: list[str]) -> list[str]:
    return [*command, "--health-port", str(free_port())] if "projector" in command else command


def test_a_projector_killed_mid_stream_resumes_and_applies_every_event_exactly_once(
        deployment_env, tmp_path):
    env, command = deployment_env
    assert run_visa(env, "migrate").returncode == 0
    settings = load_settings(env)
    firm_id = bootstrap.directory(settings).create_firm("Crash Test Firm")["id"]
    stores = firm_case_files(settings, keyring=bootstrap.keyring(settings))
    head = _seed(stores, firm_id)
    if settings.uses_kafka:
        _publish_everything(settings, stores, firm_id)
    read_db = bootstrap.read_database(settings)
    projector = Projector(read_db)

    first = Process("projector-1", _with_free_health_port(command), env, tmp_path)
    killed_at = wait_until(lambda: projector.position(firm_id), timeout=60, interval=0.01,
                           what="the projector to start applying events")
    first.kill()
    stopped_at = projector.position(firm_id)
    second = Process("projector-2", _with_free_health_port(command), env, tmp_path)
    try:
        wait_until(lambda: projector.position(firm_id) == head, timeout=90,
                   what="the restarted projector to catch up")
    finally:
        second.stop()

    view = FirmReadView(read_db, firm_id)
    assert 0 < killed_at <= stopped_at < head
    assert view.dashboard()["clients_by_status"]["active"] == CLIENTS
    # One audit row per client created, after the firm's own FirmCreated.
    audit = list(view.audit_all(AuditFilters()))
    assert len([row for row in audit if row["entity_type"] == "client"]) == CLIENTS
    assert len(audit) == head
    assert verify_firm(read_db, stores, firm_id).ok
    stores.close()
    read_db.close()
    close_shared_pools()
