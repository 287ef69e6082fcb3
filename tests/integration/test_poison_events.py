"""A poison event is set aside with its error; its firm (and every other firm) keeps flowing."""

from __future__ import annotations

import uuid

import contracts
from command_service.adapters.case_files import firm_case_files
from event_store import read_envelopes
from query_service.adapters.client_views import ClientFilters, FirmReadView
from query_service.projections import Projector
from query_service.rebuild import ProjectionRebuild
from query_service.verification import verify_firm
from tests.support.case_files import attorney_meta
from tests.support.profiles import researcher_profile


def _edit_of_a_client_never_created(app) -> int:
    """Append an edit whose client does not exist: no projection can apply it."""
    return app.append(uuid.uuid4(), 2, contracts.CLIENT_PROFILE_EDITED,
                      {"changes": {"h_index": {"old": 1, "new": 2}}}, attorney_meta())


def _listed(deployment, firm_id: str) -> set[str]:
    rows, _ = FirmReadView(deployment.read_db, firm_id).clients(
        limit=100, cursor=None, filters=ClientFilters())
    return {r["last_name"] for r in rows}


def test_a_poison_event_is_set_aside_and_the_firms_later_events_still_apply(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    app.create_client(researcher_profile(last_name="Before"), attorney_meta())
    poison = _edit_of_a_client_never_created(app)
    app.create_client(researcher_profile(last_name="After"), attorney_meta())

    projector = deployment.project_all(firm)

    quarantined = projector.quarantine.events(firm)
    assert _listed(deployment, firm) == {"Before", "After"}
    assert [(e.position, e.event_type) for e in quarantined] == [
        (poison, contracts.CLIENT_PROFILE_EDITED)]
    assert quarantined[0].error.startswith("TypeError") and quarantined[0].attempts == 1
    assert projector.position(firm) == app.recorder.max_notification_id()


def test_a_batch_holding_a_poison_event_applies_the_others_one_by_one(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    app.create_client(researcher_profile(last_name="First"), attorney_meta())
    poison = _edit_of_a_client_never_created(app)
    app.create_client(researcher_profile(last_name="Third"), attorney_meta())
    projector = Projector(deployment.read_db)

    projector.handle_batch(read_envelopes(app, 0))

    assert _listed(deployment, firm) == {"First", "Third"}
    assert [e.position for e in projector.quarantine.events(firm)] == [poison]


def test_a_lone_surrogate_sealed_before_the_fix_is_quarantined_not_fatal(deployment):
    stores = firm_case_files(deployment.settings, keyring=deployment.keyring)
    firm = deployment.new_firm()
    app = stores.for_firm(firm)
    app.create_client({"first_name": "\ud800", "last_name": "Poisoned"}, attorney_meta())
    app.create_client(researcher_profile(last_name="Healthy"), attorney_meta())
    projector = Projector(deployment.read_db, keyring=deployment.keyring)

    for envelope in read_envelopes(app, 0):
        projector.handle(envelope)

    errors = [e.error for e in projector.quarantine.events(firm)]
    assert _listed(deployment, firm) == {"Healthy"}
    assert len(errors) == 1 and "Unicode" in errors[0] and "\ud800" not in errors[0]
    stores.close()


def test_later_events_of_the_same_client_wait_behind_its_quarantined_event(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    client = app.create_client(researcher_profile(last_name="Held", h_index=1), attorney_meta())
    poison = app.append(client.id, 2, contracts.CLIENT_PROFILE_EDITED,
                        {"changes": {"h_index": "not a change"}}, attorney_meta())
    later = app.append(client.id, 3, contracts.CLIENT_PROFILE_EDITED,
                       {"changes": {"h_index": {"old": 1, "new": 5}}}, attorney_meta())
    projector = deployment.project_all(firm)
    waiting = projector.quarantine.events(firm)

    still_poison = projector.retry(_envelope(app, poison))
    held_again = projector.retry(_envelope(app, later))
    projector.quarantine.skip(firm, poison)
    released = projector.retry(_envelope(app, later))

    assert [(e.position, "held behind" in e.error) for e in waiting] == [
        (poison, False), (later, True)]
    assert still_poison is not None and held_again.startswith("held behind")
    assert released is None and projector.quarantine.events(firm) == []
    row = FirmReadView(deployment.read_db, firm).client(str(client.id))
    assert (row["version"], row["h_index"]) == (3, 5)


def test_one_firms_poison_leaves_other_firms_untouched(deployment):
    poisoned, healthy = deployment.new_firm(), deployment.new_firm()
    _edit_of_a_client_never_created(deployment.stores.for_firm(poisoned))
    deployment.stores.for_firm(healthy).create_client(researcher_profile(last_name="Fine"),
                                                      attorney_meta())

    projector = deployment.project_all(poisoned)
    deployment.project_all(healthy, projector)

    assert _listed(deployment, healthy) == {"Fine"}
    assert projector.quarantine.events(healthy) == []


def test_rebuild_reports_quarantined_events_instead_of_crashing(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    app.create_client(researcher_profile(last_name="Rebuilt"), attorney_meta())
    poison = _edit_of_a_client_never_created(app)

    report = ProjectionRebuild(deployment.read_db, deployment.stores, lambda: [firm]).run()

    assert [(e.firm_id, e.position) for e in report.quarantined] == [(firm, poison)]
    assert _listed(deployment, firm) == {"Rebuilt"}
    assert [e.position for e in Projector(deployment.read_db).quarantine.events(firm)] == [poison]


def test_verify_fails_while_an_event_is_quarantined_or_the_projection_lags(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    app.create_client(researcher_profile(), attorney_meta())
    deployment.project_all(firm)
    clean = verify_firm(deployment.read_db, deployment.stores, firm)

    app.create_client(researcher_profile(), attorney_meta())
    lagging = verify_firm(deployment.read_db, deployment.stores, firm, wait_seconds=0.2)
    poison = _edit_of_a_client_never_created(app)
    deployment.project_all(firm)
    quarantined = verify_firm(deployment.read_db, deployment.stores, firm)

    assert clean.ok, clean.as_dict()
    assert not lagging.ok and lagging.lag == 1 and lagging.chain_problems == []
    assert not quarantined.ok and quarantined.lag == 0
    assert [e["position"] for e in quarantined.quarantined] == [poison]


def _envelope(app, position: int):
    return next(e for e in read_envelopes(app, 0) if e.position == position)
