"""The eligibility check aggregate: started and concluded exactly once."""

from __future__ import annotations

import uuid

import pytest

from command_service.domain.eligibility_check import EligibilityCheck
from command_service.domain.errors import CheckAlreadyConcludedError

META = {"actor_id": "engine"}


def new_check() -> EligibilityCheck:
    return EligibilityCheck(uuid.uuid4(), 3, False, {"actor_id": "attorney-1"})


def test_check_requested_pins_the_profile_version():
    check = new_check()

    assert check.status == "pending" and check.profile_version == 3


def test_starting_twice_records_one_started_event():
    check = new_check()

    check.start(META)
    check.start(META)

    names = [type(e).__name__ for e in check.collect_events()]
    assert names == ["Requested", "Started"] and check.status == "processing"


@pytest.mark.parametrize("conclude", [
    lambda c: c.conclude({"recommendations": []}, META),
    lambda c: c.fail("boom", True, META),
])
def test_concluded_check_refuses_a_second_conclusion(conclude):
    check = new_check()
    check.start(META)
    conclude(check)

    with pytest.raises(CheckAlreadyConcludedError):
        check.conclude({"recommendations": []}, META)
    with pytest.raises(CheckAlreadyConcludedError):
        check.fail("again", True, META)
