"""Password hashing and the bearer tokens that carry attorney, firm and role."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
import uuid
from dataclasses import dataclass, replace

import jwt

ROLES = ("admin", "attorney", "viewer")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class InvalidTokenError(Exception):
    """The bearer token is missing, malformed, expired or not ours."""


@dataclass(frozen=True)
class Principal:
    attorney_id: str
    firm_id: str
    role: str
    token_id: str = ""
    expires_at: int = 0
    epoch: int = 0  # the attorney's token epoch when the token was issued

    @property
    def can_write(self) -> bool:
        return self.role in ("admin", "attorney")

    def has_role(self, minimum: str) -> bool:
        """Say whether this role includes minimum (viewer < attorney < admin)."""
        return ROLE_RANK[self.role] >= ROLE_RANK[minimum]

    def with_role(self, role: str) -> Principal:
        return replace(self, role=role)


ROLE_RANK = {"viewer": 0, "attorney": 1, "admin": 2}


def hash_password(password: str) -> str:
    """Hash a password with scrypt and a random salt."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    """Check a password against its stored scrypt hash in constant time."""
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


class TokenIssuer:
    """Sign and verify HS256 access tokens."""

    def __init__(self, secret: str, issuer: str, audience: str, ttl_seconds: int):
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self.ttl_seconds = ttl_seconds
        self._verified = VerifiedTokens()

    def issue(self, principal: Principal) -> str:
        now = int(time.time())
        claims = {
            "sub": principal.attorney_id,
            "firm": principal.firm_id,
            "role": principal.role,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl_seconds,
            "jti": str(uuid.uuid4()),
            "epoch": principal.epoch,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify(self, token: str) -> Principal:
        """Return the principal a valid token carries, or raise InvalidTokenError."""
        principal = self._verified.get(token)
        if principal is None:
            principal = self._verified.keep(token, self._decoded(token))
        return principal

    def _decoded(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp", "iat", "nbf", "iss", "aud", "jti", "sub", "firm",
                                     "role", "epoch"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(str(exc)) from None
        if claims["role"] not in ROLES:
            raise InvalidTokenError("unknown role")
        if not isinstance(claims["epoch"], int) or isinstance(claims["epoch"], bool):
            raise InvalidTokenError("the epoch is not a whole number")
        return Principal(str(claims["sub"]), str(claims["firm"]), claims["role"],
                         str(claims["jti"]), int(claims["exp"]), claims["epoch"])


class VerifiedTokens:
    """Tokens whose signature and claims already verified, until they expire.

    A token's verification depends only on its bytes, the secret and the clock, so a
    request carrying the same token again skips the signature and claim checks; only its
    expiry is checked again. (Whether its attorney may still act is the gatekeeper's
    question, asked on every request.)
    """

    def __init__(self, capacity: int = 4096, clock=time.time):
        self._principals: dict[str, Principal] = {}
        self._capacity = capacity
        self._clock = clock

    def get(self, token: str) -> Principal | None:
        principal = self._principals.get(token)
        if principal is not None and self._clock() >= principal.expires_at:
            self._principals.pop(token, None)
            return None
        return principal

    def keep(self, token: str, principal: Principal) -> Principal:
        if len(self._principals) >= self._capacity:
            self._principals.clear()  # rare: a worker sees few live tokens at once
        self._principals[token] = principal
        return principal


def token_issuer(settings) -> TokenIssuer:
    """The token issuer every service verifies with (and the command service signs with)."""
    return TokenIssuer(settings.jwt_secret, settings.jwt_issuer, settings.jwt_audience,
                       settings.jwt_ttl_seconds)
