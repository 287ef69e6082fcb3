"""Every endpoint of both APIs, with the least role that may call it, for the matrix tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.profiles import researcher_profile


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    minimum_role: str
    body: Callable[[], dict] | None = None
    fresh_client: bool = False

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    def call(self, api, resources: dict):
        path = self.path.format(**resources)
        if self.method == "GET":
            return api.get(path)
        if self.method == "DELETE":
            return api.delete(path)
        if self.method == "PATCH":
            return api.patch(path, json=self.body())
        return api.post(path, json=self.body() if self.body else None)


def invite_body() -> dict:
    return {"email": f"invitee-{uuid.uuid4().hex[:10]}@firm.test", "role": "viewer"}


ENDPOINTS = [
    Endpoint("GET", "/v1/clients", "viewer"),
    Endpoint("GET", "/v1/clients/{client_id}", "viewer"),
    Endpoint("GET", "/v1/clients/{client_id}/eligibility-checks", "viewer"),
    Endpoint("GET", "/v1/eligibility-checks/{check_id}", "viewer"),
    Endpoint("POST", "/v1/clients", "attorney", lambda: researcher_profile(last_name="Matrix")),
    Endpoint("PATCH", "/v1/clients/{client_id}", "attorney", lambda: {"h_index": 18},
             fresh_client=True),
    Endpoint("DELETE", "/v1/clients/{client_id}", "attorney", fresh_client=True),
    Endpoint("POST", "/v1/clients/{client_id}/eligibility-checks", "attorney", dict,
             fresh_client=True),
    Endpoint("POST", "/v1/clients/{client_id}/erasure", "admin", dict, fresh_client=True),
    Endpoint("GET", "/v1/attorneys", "admin"),
    Endpoint("POST", "/v1/attorneys", "admin", invite_body),
    Endpoint("PATCH", "/v1/attorneys/{attorney_id}", "admin", lambda: {"role": "viewer"}),
    Endpoint("POST", "/v1/attorneys/{attorney_id}/password-reset", "admin"),
]
