"""Where a link or a picture of a composed email was typed: its line and column in the issue
or in publication.yaml, for `compose check` to point at.

The email only knows an href or a src; the files are read again and that text is looked for in
their values. What no file holds (a template's own link) has no place, and keeps the plain path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from .errors import ComposerError
from .load import Loaded, shown_path
from .source import Document, Key, read_yaml

_SHORTEST = 3  # a shorter text ("#", "x") would be found in any value, far from the link


class Places:
    """The places of texts in the files of one loaded issue, the issue first."""

    def __init__(self, loaded: Loaded, shown_issue: str) -> None:
        self.path = shown_issue  # where a finding with no place of its own is shown
        self.documents: list[Document] = []
        for path, shown in ((loaded.path, shown_issue), (loaded.publication_path, shown_path(loaded.publication_path))):
            try:
                self.documents.append(read_yaml(path, shown, []))
            except ComposerError:  # gone or broken since it was composed: no places in it
                continue

    def of(self, *texts: str) -> str | None:
        """``file:line:column`` of the first of ``texts`` found in a value (tried in order, each as
        typed and percent-decoded, as markdown-it encodes hrefs), or None."""
        for text in texts:
            for wanted in dict.fromkeys((text, unquote(text))):
                if len(wanted) < _SHORTEST:
                    continue
                for document in self.documents:
                    for key, value in _strings(document.data):
                        if wanted not in value:
                            continue
                        place = document.find_in_value(key, wanted)
                        if place:
                            return f"{document.path}:{place[0]}:{place[1]}"
        return None


def _strings(data: Any, key: Key = ()) -> Iterator[tuple[Key, str]]:
    """Every text in ``data`` with its key, in the file's order."""
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from _strings(value, (*key, name))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*key, index))
