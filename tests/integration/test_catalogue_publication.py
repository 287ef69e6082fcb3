"""Catalogue publication, stale-check listing and the operator's re-check."""

import json

import pytest

from cli import bootstrap
from cli.main import main
from catalogue.loader import load_catalogue
from tests.engine_support.product import sign_in, start_product
from tests.engine_support.profiles import RESEARCHER
from tests.fakes.fake_messages_api import FakeMessagesAPI
from tests.support.processes import wait_until


@pytest.fixture
def product(tmp_path, monkeypatch):
    monkeypatch.setenv("VISA_DATA_DIR", str(tmp_path))
    product = start_product(tmp_path)
    yield product
    product.close()


def publish_newer_catalogue(product, version: str = "2099.01.01-1") -> None:
    bootstrap.catalogue_publications(product.settings).publish(version, "f" * 64, "test")


def test_publishing_records_catalogue_version_published_once(product, capsys):
    assert main(["catalogue", "publish", "--by", "lead"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["catalogue", "publish"]) == 0
    again = json.loads(capsys.readouterr().out)

    assert first["event_type"] == "CatalogueVersionPublished"
    assert first["version"] == load_catalogue().version
    assert again == first


def test_republishing_a_version_with_different_content_is_refused(product, capsys):
    bootstrap.catalogue_publications(product.settings).publish(load_catalogue().version,
                                                               "0" * 64, "someone")

    assert main(["catalogue", "publish"]) == 1
    assert "bump `version`" in capsys.readouterr().err


def test_clients_checked_against_an_older_catalogue_are_listed_as_stale(product):
    attorney = sign_in(product)
    client_id = attorney.create_client(RESEARCHER)
    attorney.checked(client_id)
    assert attorney.get("/v1/clients?stale_check=true").json["data"] == []

    publish_newer_catalogue(product)

    stale = attorney.get("/v1/clients?stale_check=true").json
    assert stale["current_catalogue_version"] == "2099.01.01-1"
    assert [c["id"] for c in stale["data"]] == [client_id]
    assert stale["data"][0]["latest_check"]["catalogue_version"] == load_catalogue().version


def test_stale_check_must_be_true_or_false(product):
    response = sign_in(product).get("/v1/clients?stale_check=maybe")

    assert response.status_code == 400
    assert response.json["details"] == {"stale_check": "true or false"}


@pytest.mark.parametrize("query", [
    "stale_check=true&include_archived=-6.1e307",
    "stale_check=true&status=archived&include_archived=2",
    "stale_check=true&limit=0",
    "stale_check=true&min_score=51",
])
def test_the_stale_check_listing_refuses_the_parameters_the_listing_refuses(product, query):
    response = sign_in(product).get(f"/v1/clients?{query}")

    assert response.status_code == 400
    assert response.json["error"] == "validation_error"


def test_recheck_requests_a_new_check_for_each_stale_client_of_the_firm(product, capsys):
    attorney = sign_in(product)
    other = sign_in(product)
    client_id = attorney.create_client(RESEARCHER)
    first = attorney.checked(client_id)
    other.checked(other.create_client(RESEARCHER))
    publish_newer_catalogue(product)

    assert main(["recheck", "--firm", attorney.firm_id, "--per-minute", "600"]) == 0

    summary = json.loads(capsys.readouterr().out)
    assert summary["requested"] == 1
    assert summary["checks"][0]["client_id"] == client_id
    rerun = attorney.wait_for_check(summary["checks"][0]["check_id"])
    assert rerun["changes_since_previous_check"]["previous_check_id"] == first["check_id"]


def test_recheck_by_batch_sends_the_analyses_in_one_batch_and_records_them(tmp_path,
                                                                           monkeypatch, capsys):
    fake = FakeMessagesAPI(batch_seconds=0.3).start()
    llm = {"ANTHROPIC_API_KEY": "batch-key", "ANTHROPIC_BASE_URL": fake.base_url}
    for name, value in {**llm, "VISA_DATA_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    product = start_product(tmp_path, llm_env=llm)
    try:
        attorney = sign_in(product)
        client_ids = [attorney.create_client({**RESEARCHER, "h_index": n}) for n in (3, 4)]
        for client_id in client_ids:
            attorney.checked(client_id)
        wait_until(lambda: fake.request_count() == 2, 30, what="the interactive analyses")
        for client_id in client_ids:  # a new profile version: a stored analysis cannot serve
            assert attorney.client.patch(f"/v1/clients/{client_id}", json={"judging_count": 40},
                                         headers=attorney.headers).status_code == 200
        publish_newer_catalogue(product)

        status = main(["recheck", "--firm", attorney.firm_id, "--per-minute", "600", "--batch",
                       "--batch-poll-seconds", "0.1"])
        summary = json.loads(capsys.readouterr().out)
        reruns = [wait_until(lambda: (lambda c: c if c["analysis"]["status"] != "pending"
                                      else None)(attorney.get(f"/v1/eligibility-checks/{i}").json),
                             20, what="the recorded analysis")
                  for i in (c["check_id"] for c in summary["checks"])]
    finally:
        product.close()
        fake.stop()

    assert status == 0 and summary["requested"] == 2
    assert len(fake.batches) == 1 and fake.request_count() == 4
    assert summary["analysis_batch"]["outcomes"] == {"produced": 2}
    assert {r["analysis"]["status"] for r in reruns} == {"ready"}
    usage = reruns[0]["analysis"]["usage"]
    assert usage["attempts"][0]["outcome"] == "end_turn" and usage["cost_usd"] > 0
