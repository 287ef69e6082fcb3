"""What makes a password acceptable: long enough, not a common password, hard to guess.

Strength is zxcvbn's estimate (score 0-4, from the guesses an attacker with its common
password, word and name lists and keyboard patterns would need); the attorney's own
email and firm name count as guessable words.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 1024
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching is quadratic): the rest only adds strength.
_ESTIMATED_PREFIX = 72


class WeakPasswordError(ValueError):
    """The password breaks the policy; the message says how, for the person choosing it."""


def check_password(password: str, personal: tuple[str, ...] = ()) -> None:
    """Raise WeakPasswordError when the password is too short, common or easy to guess."""
    if not password.strip():
        raise WeakPasswordError("A password cannot be only spaces.")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"Use at most {MAX_LENGTH} characters.")
    estimate = zxcvbn(password[:_ESTIMATED_PREFIX], user_inputs=_words(personal))
    if _is_common(estimate):
        raise WeakPasswordError("This is one of the most common passwords; choose another.")
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"Use at least {MIN_LENGTH} characters.")
    if estimate["score"] < MIN_SCORE:
        hint = estimate["feedback"]["warning"] or "It would be easy to guess."
        raise WeakPasswordError(f"Too easy to guess: {hint.rstrip('.')}. Add more words or "
                                "characters that are not a pattern.")


def _is_common(estimate: dict) -> bool:
    sequence = estimate["sequence"]
    return (len(sequence) == 1 and sequence[0]["pattern"] == "dictionary"
            and sequence[0].get("dictionary_name") == "passwords")


def _words(personal: tuple[str, ...]) -> list[str]:
    words = []
    for value in personal:
        words.append(value)
        words.extend(part for part in value.replace("@", " ").replace(".", " ").split() if part)
    return words
