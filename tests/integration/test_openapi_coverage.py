"""Every route the services serve is in their OpenAPI documents, and nothing else is."""

from __future__ import annotations

import pytest

from cli.bootstrap import EmbeddedProduct
from command_service.entrypoints import contract as command_contract
from query_service.entrypoints import contract as query_contract
from shared.config import load_settings

# The contract's own documents, and the operations endpoints (probes and metrics).
UNDOCUMENTED = {"/v1/openapi.json", "/docs", "/static/<path:filename>", "/readyz", "/metrics"}


@pytest.fixture
def product(tmp_path):
    product = EmbeddedProduct(load_settings({"VISA_DATA_DIR": str(tmp_path)}))
    product.start()
    yield product
    product.close()


def routes(app) -> set[tuple[str, str]]:
    # The API is /v1 and the health probe; the web app's pages and assets are not API.
    return {(method.lower(), rule.rule.replace("<", "{").replace(">", "}"))
            for rule in app.url_map.iter_rules()
            if rule.rule not in UNDOCUMENTED and (rule.rule.startswith("/v1/")
                                                  or rule.rule == "/healthz")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def documented(document: dict) -> set[tuple[str, str]]:
    return {(method, path) for path, ops in document["paths"].items() for method in ops}


@pytest.mark.parametrize("side, contract", [("command_app", command_contract),
                                            ("query_app", query_contract)])
def test_each_service_documents_exactly_the_routes_it_serves(product, side, contract):
    assert routes(getattr(product, side)) == documented(contract.document())


def test_every_documented_error_response_uses_the_error_schema():
    for document in (command_contract.document(), query_contract.document()):
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                for status, response in operation["responses"].items():
                    if int(status) >= 400:
                        schema = response["content"]["application/json"]["schema"]
                        assert schema == {"$ref": "#/components/schemas/Error"}, (method, path)
