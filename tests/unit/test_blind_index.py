"""The email blind index: one digest per normalised address, unrelated across firms."""

from __future__ import annotations

from event_store import EmailIndex, looks_like_email

KEY = bytes(range(32))


def test_the_same_address_in_any_case_or_spacing_has_one_digest():
    index = EmailIndex(KEY)

    digests = {index.digest("firm-a", a) for a in ("ana@lab.example", " ANA@Lab.Example ")}

    assert len(digests) == 1 and "ana" not in digests.pop()


def test_firms_and_master_keys_give_unrelated_digests():
    address = "ana@lab.example"

    digests = {EmailIndex(KEY).digest("firm-a", address), EmailIndex(KEY).digest("firm-b", address),
               EmailIndex(bytes(32)).digest("firm-a", address)}

    assert len(digests) == 3


def test_no_address_has_no_digest_and_only_addresses_look_like_one():
    assert EmailIndex(KEY).digest("firm-a", None) is None
    assert EmailIndex(KEY).digest("firm-a", "  ") is None
    assert [looks_like_email(t) for t in ("a@b.c", "@b.c", "a@", "okafor")] == [
        True, False, False, False]
