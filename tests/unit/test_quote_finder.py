"""The quote finder matches exactly what one alternation of every literal matches."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from event_store.quotes import quote_finder

# Few letters, so literals share prefixes and occur in the strings; metacharacters and
# letters whose case folding is unusual (İ, ß, ſ, K as the Kelvin sign).
LETTERS = st.sampled_from(list("abcAB .-*()[]?+\\|^$éÉİßſkK"))
LITERALS = st.lists(st.text(LETTERS, min_size=1, max_size=6), max_size=6)


def _alternation(texts, words):
    patterns = [re.escape(t) for t in texts] + [rf"\b{re.escape(w)}\b" for w in words]
    if not patterns:
        return None
    pattern = re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE)
    return lambda text: pattern.search(text) is not None


@settings(max_examples=400, deadline=None)
@given(LITERALS, LITERALS, st.lists(st.text(LETTERS, max_size=20), min_size=1, max_size=8))
def test_it_agrees_with_the_alternation_of_every_literal(texts, words, strings):
    expected, found = _alternation(texts, words), quote_finder(texts, words)

    assert (found is None) == (expected is None)
    if found is not None:
        assert [found(s) for s in strings] == [expected(s) for s in strings]


def test_texts_match_anywhere_and_words_only_whole_ignoring_case():
    found = quote_finder(["Acme AI", "Acme"], ["Okafor"])

    assert found("worked at ACME ai labs") and found("acmeville")
    assert found("Dr. okafor's paper") and not found("Okaforson")
    assert not found("nothing here") and quote_finder([], []) is None
