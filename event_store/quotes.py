"""Find where a text quotes any of a client's words, fast enough for a whole check result.

A check's result has over a thousand strings, and a client has dozens of texts to look
for: one alternation of every literal made the regex engine try each literal at each
character (a third of the engine's time per check). The literals are merged into a trie,
so at each character only the branches that share its first letters are tried; the set of
strings matched is the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable


def quote_finder(texts: Iterable[str], words: Iterable[str] = ()) -> Callable[[str], bool] | None:
    """A test of whether a string contains a text, or a word as a whole word, ignoring case.

    None when there is nothing to look for.
    """
    parts = []
    if texts := [t for t in texts if t]:
        parts.append(_trie_pattern(texts))
    if words := [w for w in words if w]:
        parts.append(rf"\b(?:{_trie_pattern(words)})\b")
    if not parts:
        return None
    search = re.compile("|".join(parts), re.IGNORECASE).search
    seen: dict[str, bool] = {}

    def quotes(text: str) -> bool:
        # A result repeats many strings (citations, standards): each is searched once.
        found = seen.get(text)
        if found is None:
            found = seen[text] = search(text) is not None
        return found

    return quotes


def _trie_pattern(literals: list[str]) -> str:
    trie: dict = {}
    for literal in literals:
        node = trie
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = {}
    return _pattern(trie)


def _pattern(node: dict) -> str:
    ends = "" in node
    branches = [re.escape(char) + _pattern(child) for char, child in node.items() if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    # A literal ending here is matched by the empty branch: the others are tried first, which
    # does not change whether the string matches.
    return f"(?:{body})?" if ends else body
