"""The client page shows the check at once and the LLM's analysis when it arrives, no reload."""

from __future__ import annotations

import threading

import pytest
import requests
from playwright.sync_api import expect

from tests.engine_support.profiles import RESEARCHER
from tests.fakes.fake_messages_api import FakeMessagesAPI
from tests.support.browser import chromium, web_session
from tests.support.processes import wait_until

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-42"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The embedded product with its LLM at a fake whose answers a test can hold."""
    from werkzeug.serving import make_server

    from cli.bootstrap import EmbeddedProduct
    from shared.config import load_settings

    fake = FakeMessagesAPI().start()
    product = EmbeddedProduct(load_settings({"VISA_DATA_DIR": str(tmp_path_factory.mktemp("ai"))}),
                              llm_env={"ANTHROPIC_API_KEY": "web-key",
                                       "ANTHROPIC_BASE_URL": fake.base_url})
    firm = product.directory.create_firm("Analysis Firm LLP")
    product.directory.create_attorney(firm["id"], "ada@analysis.test", PASSWORD, "attorney")
    server = make_server("127.0.0.1", 0, product.wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    product.start()
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", fake
    finally:
        fake.gate.set()
        server.shutdown()
        product.close()
        fake.stop()


def test_the_check_shows_at_once_and_the_analysis_replaces_in_progress_without_a_reload(site):
    base_url, fake = site
    token = requests.post(f"{base_url}/v1/auth/login", json={
        "email": "ada@analysis.test", "password": PASSWORD}, timeout=10).json()["access_token"]
    client = requests.post(f"{base_url}/v1/clients", json=RESEARCHER, timeout=10,
                           headers={"Authorization": f"Bearer {token}"}).json()
    fake.gate.clear()
    with chromium() as browser, web_session(browser, base_url) as web:
        web.sign_in("ada@analysis.test", PASSWORD)
        web.open(f"/clients/{client['id']}")
        web.page.evaluate("window.__samePage = true")
        web.page.get_by_role("button", name="Check eligibility").click()

        expect(web.page.get_by_text("Analysis in progress…")).to_be_visible()
        expect(web.page.locator(".result-card").first).to_be_visible()
        wait_until(lambda: fake.in_flight == 1, 15, what="the analysis call")
        fake.gate.set()

        expect(web.page.get_by_text("Analysis ready")).to_be_visible()
        expect(web.page.get_by_text("The model's opinion").first).to_be_visible()
        assert web.page.evaluate("window.__samePage") is True
        web.screenshot("client-analysis-ready")
        assert web.errors == []
