"""Bearer tokens: signed, expiring, ours only."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from shared.auth import (
    InvalidTokenError,
    Principal,
    TokenIssuer,
    VerifiedTokens,
    hash_password,
    verify_password,
)

SECRET = "s" * 48
ISSUER = TokenIssuer(SECRET, "visa-eligibility", "visa-eligibility-api", 3600)
PRINCIPAL = Principal("attorney-1", "firm-1", "attorney")


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {"sub": "attorney-1", "firm": "firm-1", "role": "attorney", "iss": "visa-eligibility",
            "aud": "visa-eligibility-api", "iat": now, "nbf": now, "exp": now + 60,
            "jti": "token-1"}
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def unsigned(payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def test_an_issued_token_verifies_with_its_id_and_expiry():
    verified = ISSUER.verify(ISSUER.issue(PRINCIPAL))

    assert (verified.attorney_id, verified.firm_id, verified.role) == ("attorney-1", "firm-1",
                                                                       "attorney")
    assert verified.token_id and verified.expires_at > time.time()


def test_two_tokens_for_the_same_attorney_have_different_ids():
    first, second = ISSUER.verify(ISSUER.issue(PRINCIPAL)), ISSUER.verify(ISSUER.issue(PRINCIPAL))

    assert first.token_id != second.token_id


@pytest.mark.parametrize("token", [
    unsigned(claims()),
    jwt.encode(claims(), "another-secret-of-enough-length-1234567890", algorithm="HS256"),
    jwt.encode(claims(iss="someone-else"), SECRET, algorithm="HS256"),
    jwt.encode(claims(aud="another-api"), SECRET, algorithm="HS256"),
    jwt.encode(claims(exp=int(time.time()) - 10), SECRET, algorithm="HS256"),
    jwt.encode(claims(nbf=int(time.time()) + 600), SECRET, algorithm="HS256"),
    jwt.encode(claims(jti=None), SECRET, algorithm="HS256"),
    jwt.encode(claims(nbf=None), SECRET, algorithm="HS256"),
    jwt.encode(claims(role="owner"), SECRET, algorithm="HS256"),
    jwt.encode(claims(), SECRET, algorithm="HS512"),
    "not-a-token",
], ids=["alg-none", "wrong-signature", "wrong-issuer", "wrong-audience", "expired",
        "not-yet-valid", "no-token-id", "no-not-before", "unknown-role", "other-algorithm", "garbage"])
def test_tokens_that_are_not_ours_or_not_valid_now_are_rejected(token):
    with pytest.raises(InvalidTokenError):
        ISSUER.verify(token)


def test_a_remembered_token_is_forgotten_when_it_expires():
    now = [1000.0]
    remembered = VerifiedTokens(clock=lambda: now[0])
    principal = remembered.keep("token", Principal("attorney-1", "firm-1", "viewer",
                                                   "token-1", expires_at=1060))

    before, now[0] = remembered.get("token"), 1060.0

    assert before == principal and remembered.get("token") is None


def test_passwords_are_hashed_with_scrypt_and_a_random_salt():
    first, second = hash_password("correct-horse"), hash_password("correct-horse")

    assert first.startswith("scrypt$") and first != second
    assert verify_password("correct-horse", first) and not verify_password("wrong", first)
