"""An embedded product in a temporary directory, with a firm and a signed-in attorney."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from werkzeug.test import Client

from cli.bootstrap import EmbeddedProduct
from shared.config import load_settings
from tests.conftest import GENEROUS_LIMITS


@dataclass
class SignedIn:
    product: EmbeddedProduct
    client: Client
    firm_id: str
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str):
        return self.client.get(url, headers=self.headers)

    def post(self, url: str, body: dict | None = None):
        return self.client.post(url, json=body if body is not None else {}, headers=self.headers)

    def request_check(self, client_id: str, force_refresh: bool = False) -> str:
        response = self.post(f"/v1/clients/{client_id}/eligibility-checks",
                             {"force_refresh": force_refresh})
        assert response.status_code == 202, response.json
        return response.json["check_id"]

    def checked(self, client_id: str, force_refresh: bool = False) -> dict:
        return self.wait_for_check(self.request_check(client_id, force_refresh))

    def create_client(self, profile: dict) -> str:
        response = self.post("/v1/clients", profile)
        assert response.status_code == 201, response.json
        return response.json["id"]

    def wait_for_check(self, check_id: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check = self.get(f"/v1/eligibility-checks/{check_id}")
            if check.status_code == 200 and check.json["status"] in ("completed", "failed"):
                return check.json
            time.sleep(0.05)
        raise AssertionError(f"check {check_id} did not conclude within {timeout}s")


def start_product(tmp_path, env: dict | None = None, llm_env: dict | None = None
                  ) -> EmbeddedProduct:
    """Start an embedded product; the LLM is off unless `llm_env` configures it."""
    settings = load_settings({"VISA_DATA_DIR": str(tmp_path), **GENEROUS_LIMITS, **(env or {})})
    product = EmbeddedProduct(settings, llm_env=llm_env or {})
    product.start()
    return product


def sign_in(product: EmbeddedProduct, firm_name: str | None = None) -> SignedIn:
    firm = product.directory.create_firm(firm_name or f"Firm {uuid.uuid4().hex[:8]}")
    email = f"{uuid.uuid4().hex[:8]}@example.test"
    product.directory.create_attorney(firm["id"], email, "correct horse battery", "attorney")
    client = Client(product.wsgi)
    login = client.post("/v1/auth/login",
                        json={"email": email, "password": "correct horse battery"})
    assert login.status_code == 200, login.json
    return SignedIn(product, client, firm["id"], login.json["access_token"])
