"""On the distributed deployment, a CheckRequested published twice to Kafka yields one result."""

from __future__ import annotations

import uuid

from command_service.adapters.case_files import firm_case_files
from event_store import close_shared_pools
from event_store import read_envelopes
from shared.config import load_settings
from contracts import CHECK_REQUESTED, RECOMMENDATIONS_PRODUCED
from shared.kafka import KafkaEventPublisher
from tests.support.processes import wait_until
from tests.support.profiles import researcher_profile


def test_duplicate_check_requested_on_kafka_yields_one_result(distributed):
    api = distributed.as_attorney(distributed.firm_a)
    client = api.post("/v1/clients", json=researcher_profile()).json()
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    first = api.wait_for_check(check["status_url"], timeout=60)
    settings = load_settings(distributed.env)
    stores = firm_case_files(settings)
    cases = stores.for_firm(distributed.firm_a.id)
    requested = next(e for e in read_envelopes(cases, 0, limit=10_000)
                     if e.event_type == CHECK_REQUESTED and e.aggregate_id == check["check_id"])
    publisher = KafkaEventPublisher(settings.kafka_bootstrap_servers, settings.kafka_topic)

    publisher.publish([requested, requested])
    publisher.close()
    # A marker check requested after the duplicates completes only once the engine has
    # consumed past them, since a firm's events stay in order on one partition.
    marker = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    api.wait_for_check(marker["status_url"], timeout=60)

    produced = [e for e in read_envelopes(cases, 0, limit=10_000)
                if e.event_type == RECOMMENDATIONS_PRODUCED and e.aggregate_id == check["check_id"]]
    assert len(produced) == 1
    assert api.get(check["status_url"]).json()["completed_at"] == first["completed_at"]
    stores.close()
    close_shared_pools()
