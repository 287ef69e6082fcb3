"""A small HTTP client for the product's API, as a firm's tools would use it."""

from __future__ import annotations

import requests

from tests.support.processes import wait_until


# Reads served by the command service (it owns the attorney directory).
COMMAND_SIDE_READS = ("/v1/attorneys",)


class Api:
    def __init__(self, command_url: str, query_url: str | None = None, token: str | None = None):
        self.command_url = command_url.rstrip("/")
        self.query_url = (query_url or command_url).rstrip("/")
        self.token = token

    def login(self, email: str, password: str) -> "Api":
        response = requests.post(f"{self.command_url}/v1/auth/login",
                                 json={"email": email, "password": password}, timeout=10)
        assert response.status_code == 200, response.text
        return Api(self.command_url, self.query_url, response.json()["access_token"])

    def invite(self, body: dict, password: str = "correct-horse-42") -> dict:
        """Invite an attorney as an admin, then set their password from the invite link."""
        response = self.post("/v1/attorneys", json=body)
        assert response.status_code == 201, response.text
        token = response.json()["invite_url"].split("#token=", 1)[1]
        chosen = requests.post(f"{self.command_url}/v1/auth/password",
                               json={"token": token, "password": password}, timeout=10)
        assert chosen.status_code == 200, chosen.text
        return response.json()

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def post(self, path: str, json=None, headers: dict | None = None, **kwargs):
        return requests.post(self.command_url + path, json=json,
                             headers={**self.headers, **(headers or {})}, timeout=10, **kwargs)

    def patch(self, path: str, json=None, headers: dict | None = None):
        return requests.patch(self.command_url + path, json=json,
                              headers={**self.headers, **(headers or {})}, timeout=10)

    def delete(self, path: str, headers: dict | None = None):
        return requests.delete(self.command_url + path, headers={**self.headers, **(headers or {})},
                               timeout=10)

    def get(self, path: str, **params):
        base = self.command_url if path.startswith(COMMAND_SIDE_READS) else self.query_url
        return requests.get(base + path, params=params, headers=self.headers, timeout=10)

    def download(self, path: str, timeout: float = 60, **params):
        """GET something rendered on request (a PDF): slower than a read, so a longer timeout."""
        return requests.get(self.query_url + path, params=params, headers=self.headers,
                            timeout=timeout)

    def wait_for_check(self, status_url: str, timeout: float = 20) -> dict:
        """Poll a check until it completes or fails; return its final body."""
        def concluded():
            response = self.get(status_url)
            if response.status_code == 200 and response.json()["status"] in ("completed", "failed"):
                return response.json()
            return None
        return wait_until(concluded, timeout, interval=0.05, what=f"check {status_url}")

    def wait_for_client(self, client_id: str, version: int = 1, timeout: float = 20) -> dict:
        def projected():
            response = self.get(f"/v1/clients/{client_id}")
            if response.status_code == 200 and response.json()["version"] >= version:
                return response.json()
            return None
        return wait_until(projected, timeout, what=f"client {client_id} v{version}")

    def checked_client(self, profile: dict, timeout: float = 60) -> tuple[dict, dict]:
        """Create a client, run one check and return both once the check has concluded."""
        client = self.post("/v1/clients", json=profile).json()
        started = self.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
        return client, self.wait_for_check(started["status_url"], timeout=timeout)
