"""The password policy: length, common passwords, and zxcvbn's estimate of guessability."""

from __future__ import annotations

import pytest

from shared.password_policy import WeakPasswordError, check_password


@pytest.mark.parametrize("password, says", [
    ("12345678", "most common passwords"),
    ("password", "most common passwords"),
    (" " * 8, "only spaces"),
    ("qwertyuiop", "most common passwords"),
    ("Tr0ub4d!", "at least 10 characters"),
    ("passwordpassword", "easy to guess"),
    ("Password123!", "easy to guess"),
    ("x" * 1025, "at most 1024"),
])
def test_weak_passwords_are_refused_with_the_reason(password, says):
    with pytest.raises(WeakPasswordError, match=says):
        check_password(password)


def test_the_attorneys_own_email_and_firm_count_as_guessable():
    check_password("okaforadebayo")

    with pytest.raises(WeakPasswordError):
        check_password("okaforadebayo", ("okafor.adebayo@firm.test", "Adebayo Okafor LLP"))


@pytest.mark.parametrize("password", ["correct-horse-42", "a-long-passphrase-77",
                                      "mauve lantern orbit quietly", "ĉiuĵaŭde-ŝveba-ŭo-7" * 10])
def test_long_unpredictable_passwords_pass(password):
    check_password(password)
