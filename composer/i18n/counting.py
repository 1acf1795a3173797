"""Numbers in the command line's English words: count(2, "issue") is "2 issues".

The messages of the command line are English (the email's own words are in labels/, per language), so
one small pluraliser serves every command; it lives down here so that commands and the reporter share it.
"""

from __future__ import annotations


def plural(number: int, one: str, other: str = "") -> str:
    """``one`` for exactly one, else ``other`` (default: ``one`` and an s): "issue", "issues"; "it", "them"."""
    return one if number == 1 else other or f"{one}s"


def count(number: int, noun: str, nouns: str = "") -> str:
    """``number`` of ``noun`` in words: "no issues", "1 issue", "2 issues"; ``nouns`` when the plural
    is not ``noun`` and an s ("1 issue was", "2 issues were")."""
    return f"{number or 'no'} {plural(number, noun, nouns)}"
