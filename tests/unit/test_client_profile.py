"""The client profile aggregate: creation, edits as diffs, archiving."""

from __future__ import annotations

import pytest

from command_service.domain.client_profile import ClientProfile
from command_service.domain.errors import ClientArchivedError

META = {"actor_id": "attorney-1", "correlation_id": "c-1"}


def test_edit_records_only_changed_fields_with_old_and_new_values():
    profile = ClientProfile(fields={"first_name": "Ana", "last_name": "Diaz", "h_index": 3},
                            meta=META)

    changes = profile.edit({"first_name": "Ana", "h_index": 5, "email": "ana@x.org"}, META)

    assert changes == {"h_index": {"old": 3, "new": 5}, "email": {"old": None, "new": "ana@x.org"}}
    edited = profile.collect_events()[-1]
    assert type(edited).__name__ == "Edited" and edited.changes == changes
    assert profile.version == 2


def test_edit_without_changes_records_no_event():
    profile = ClientProfile(fields={"first_name": "Ana", "last_name": "Diaz"}, meta=META)
    profile.collect_events()

    changes = profile.edit({"first_name": "Ana"}, META)

    assert changes == {} and profile.collect_events() == []


def test_setting_a_field_to_null_removes_it():
    profile = ClientProfile(fields={"first_name": "Ana", "last_name": "Diaz", "phone": "1"},
                            meta=META)

    profile.edit({"phone": None}, META)

    assert "phone" not in profile.fields


def test_archived_client_cannot_be_edited_or_archived_again():
    profile = ClientProfile(fields={"first_name": "Ana", "last_name": "Diaz"}, meta=META)
    profile.archive(META)

    with pytest.raises(ClientArchivedError):
        profile.edit({"first_name": "Eva"}, META)
    with pytest.raises(ClientArchivedError):
        profile.archive(META)
    assert profile.status == "archived"
