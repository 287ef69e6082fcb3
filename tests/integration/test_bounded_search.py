"""A search by words pages its matches newest first, whether it walks or reads the index."""

from __future__ import annotations

import pytest

from query_service.adapters import client_listing
from query_service.adapters.client_views import ClientFilters, FirmReadView
from tests.support.case_files import attorney_meta
from tests.support.profiles import researcher_profile


def pages(deployment, firm_id: str, search: str) -> list[list[str]]:
    view, cursor, found = FirmReadView(deployment.read_db, firm_id), None, []
    while True:
        page, cursor = view.clients(limit=2, cursor=cursor, filters=ClientFilters(
            status="active", search=search))
        found.append([c["id"] for c in page])
        if cursor is None:
            return found


@pytest.mark.parametrize("walk", [2, 2000], ids=["index-after-a-short-walk", "walk"])
def test_a_search_pages_its_matches_newest_first_however_it_finds_them(deployment, monkeypatch,
                                                                       walk):
    monkeypatch.setattr(client_listing, "WALK", walk)
    firm = deployment.new_firm()
    cases = deployment.stores.for_firm(firm)
    ids = [str(cases.create_client(researcher_profile(
        first_name="Ines", last_name="Quint" if number % 2 == 0 else "Roth"),
        attorney_meta()).id) for number in range(7)]
    deployment.project_all(firm)

    quints, nobody = pages(deployment, firm, "quin"), pages(deployment, firm, "zzyzx")

    assert quints == [[ids[6], ids[4]], [ids[2], ids[0]]]
    assert nobody == [[]]
