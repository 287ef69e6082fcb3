import pytest

from tests.engine_support.product import sign_in, start_product


@pytest.fixture
def attorney(tmp_path):
    product = start_product(tmp_path)
    yield sign_in(product)
    product.close()


def test_lists_every_visa_type_with_its_catalogue_version(attorney):
    response = attorney.get("/v1/visa-types")

    assert response.status_code == 200
    codes = [t["code"] for t in response.json["data"]]
    assert len(codes) == 18 and "EB-2 NIW" in codes and "EB-3 other workers" in codes
    assert response.json["catalogue_version"]


def test_shows_one_type_with_criteria_citations_base_rates_and_sources(attorney):
    response = attorney.get("/v1/visa-types/EB-1A")

    body = response.json
    assert response.status_code == 200
    assert body["criteria"]["threshold"] == 3
    assert body["criteria"]["items"][3]["citation"] == "8 CFR 204.5(h)(3)(iv)"
    assert body["base_rates"]["series"][-1]["decided"] == 16934
    assert "S74" in body["sources"]
    assert "j1_home_residence" in [d["id"] for d in body["disqualifiers"]]


def test_a_type_code_with_spaces_can_be_written_with_hyphens(attorney):
    assert attorney.get("/v1/visa-types/eb-2-niw").json["code"] == "EB-2 NIW"


def test_unknown_visa_type_is_a_404_in_the_error_format(attorney):
    response = attorney.get("/v1/visa-types/EB-9")

    assert response.status_code == 404
    assert response.json["error"] == "not_found"
    assert "EB-1A" in response.json["details"]["known"]


def test_countries_for_pickers_are_iso_codes_with_names(attorney):
    response = attorney.get("/v1/countries")

    countries = {c["code"]: c["name"] for c in response.json["data"]}
    assert response.status_code == 200
    assert countries["CA"] == "Canada" and countries["XK"] == "Kosovo"
    assert len(countries) >= 249


def test_the_catalogue_needs_a_token(attorney):
    response = attorney.client.get("/v1/visa-types")

    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
