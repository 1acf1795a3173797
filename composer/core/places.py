"""Where a link or a picture of a composed email was typed: its line and column in the issue
or in publication.yaml, for `compose check` to point at.

The email only knows an href or a src; the files are read again and that text is looked for in
their values. What no file holds (a template's own link) has no place: it is about the issue as a whole.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import ComposerError, Place
from ..limits import MAX_PLACES_OF_AN_ADDRESS
from .folders import shown_path
from .load import Loaded
from .source import Document, Key, read_yaml

_SHORTEST = 3  # a shorter text ("#", "x") would be found in any value, far from the link


class Places:
    """The places of texts in the files of one loaded issue, the issue first."""

    def __init__(self, loaded: Loaded, shown_issue: str) -> None:
        self.whole = Place(shown_issue)  # where a finding with no place of its own is shown
        self.issue = _read(loaded.path, shown_issue)
        self.publication = _read(loaded.publication_path, shown_path(loaded.publication_path))
        self.documents = [document for document in (self.issue, self.publication) if document is not None]

    def of(self, *texts: str) -> Place | None:
        """The place of the first of ``texts`` found in a value (tried in order, each as
        typed and percent-decoded, as markdown-it encodes hrefs), or None."""
        for wanted in _variants(texts):
            for place in self._places_of(wanted):
                return place
        return None

    def every(self, *texts: str) -> list[Place]:
        """Every place of the first of ``texts`` found (as of() chooses it), in the files' order, up
        to MAX_PLACES_OF_AN_ADDRESS: a link typed in the summary and again in a story is mended at both."""
        for wanted in _variants(texts):
            found = list(itertools.islice(self._places_of(wanted), MAX_PLACES_OF_AN_ADDRESS))
            if found:
                return found
        return []

    def _places_of(self, wanted: str) -> Iterator[Place]:
        """Each place ``wanted`` is typed at, exactly so, value by value, in the files' order."""
        for document in self.documents:
            for key, value in strings(document.data):
                if wanted not in value:
                    continue
                occurrence = 1
                while location := document.find_in_value(key, wanted, occurrence):
                    yield Place(document.path, *location)
                    occurrence += 1

    def at(self, document: Document | None, *key: str) -> Place | None:
        """The place of the value of ``key`` in ``document``, or None when it has none."""
        if document is None or key not in document.values:
            return None
        return Place(document.path, *document.values[key])

    def to_add(self, document: Document | None, key: str) -> Place:
        """Where a top-level key that is missing goes: its commented-out line, as `compose init` and
        `compose new` write one (``# sender:``), else the file's first line."""
        if document is None:
            return self.whole
        commented = re.compile(rf"#\s*{re.escape(key)}\s*:")
        line = next((number for number, text in enumerate(document.lines, 1) if commented.match(text)), 1)
        return Place(document.path, line, 1)


def _variants(texts: tuple[str, ...]) -> Iterator[str]:
    """Each of ``texts`` as typed, then percent-decoded (markdown-it encodes hrefs), long enough to
    be looked for."""
    for text in texts:
        for wanted in dict.fromkeys((text, unquote(text))):
            if len(wanted) >= _SHORTEST:
                yield wanted


def _read(path: Path, shown: str) -> Document | None:
    try:
        return read_yaml(path, shown, [])
    except ComposerError:  # gone or broken since it was composed: no places in it
        return None


def strings(data: Any, key: Key = ()) -> Iterator[tuple[Key, str]]:
    """Every text in ``data`` (a file's, or a model's dump) with its key, in order; dates and
    numbers are no text."""
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from strings(value, (*key, name))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*key, index))
