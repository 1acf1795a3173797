"""How deep a YAML text nests, found without a YAML parser.

libyaml (and so PyYAML) has limits of its own on nesting, whose wording and threshold change
between releases, and older releases have none: their composer recurses until the process
crashes. So composer measures the depth itself, before any parser sees the text, and refuses
a file deeper than its own limit with its own message.

The scan knows just enough YAML to count collections: block mappings and sequences by their
indentation (``- - a: b`` opens three on one line), flow collections by their brackets, and
it skips what cannot open a collection (quoted text, comments, ``|`` and ``>`` text blocks,
plain text). tests/test_nesting.py checks it against PyYAML on generated files of every style.
Layouts it misreads are ones a parser refuses anyway; the builder in source.py counts the depth
of what the parser returns, as a second guard.
"""

from __future__ import annotations

import re

# A quoted scalar: to its closing quote, across lines; an unclosed one runs to the end.
_DOUBLE_QUOTED = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.S)
_SINGLE_QUOTED = re.compile(r"'[^']*(?:''[^']*)*'?", re.S)
# Inside brackets: what opens or closes a level, and what to skip over (quoted text, comments).
_FLOW_TOKEN = re.compile(
    r"""[\]}]|(?:[\[{,:])(?:[ \t\r\n]*(?:"[^"\\]*(?:\\.[^"\\]*)*"?|'[^']*(?:''[^']*)*'?))?|(?<=\s)\#[^\n]*""",
    re.S,
)
# "key:" where a line's content starts: a "double" or 'single' quoted key, or a plain one (which
# holds no ": "; matched lazily up to its colon, so that a long line is read once, not over and over).
_KEY = re.compile(
    r"""(?:"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*(?:''[^'\n]*)*')[ \t]*:(?=[ \t]|$)"""
    r"""|(?:[^\s\#'"\[\]{}&*!|>%@`,?-]|[-?][^\s])[^\n]*?:(?=[ \t]|$)""",
    re.M,
)
_ENTRY = re.compile(r"[-?](?:[ \t]+|$)", re.M)  # "- " before a list's item, "? " before a long key
_AFTER_KEY = re.compile(r"[ \t]*:(?:[ \t]+|$)", re.M)  # what follows a bracketed key
_BLANKS = re.compile(r"[ \t]*")
_DOCUMENT_MARKER = re.compile(r"(?:---|\.\.\.)(?:[ \t]+|$)")
_PROPERTIES = re.compile(r"(?:[&!][^\s]*[ \t]+)+")  # an &anchor or !tag before a value


def too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """The 1-based line and column of the first collection that nests deeper than ``limit``
    (the file's own keys are the first level), or None when the text stays within it."""
    if "\r" in text:  # YAML breaks lines at CR LF and CR too; lines and columns stay the same
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Scanner(text, limit).scan()


class _TooDeep(Exception):  # control flow inside the scanner: it never leaves this module
    def __init__(self, position: int) -> None:
        self.position = position


class _Scanner:
    def __init__(self, text: str, limit: int) -> None:
        self.text = text
        self.limit = limit
        self.blocks: list[tuple[int, str]] = []  # open block collections: (column, "map" or "seq")

    def scan(self) -> tuple[int, int] | None:
        try:
            self._scan_lines()
        except _TooDeep as deep:
            line = self.text.count("\n", 0, deep.position) + 1
            column = deep.position - (self.text.rfind("\n", 0, deep.position) + 1) + 1
            return line, column
        return None

    def _scan_lines(self) -> None:
        text, position = self.text, 0
        text_above: int | None = None  # a '|' or '>' text, or plain text, goes on past this column
        while position < len(text):
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            line = text[position:end]
            content = line.lstrip(" ")
            indent = len(line) - len(content)
            if text_above is not None:
                if not content.strip() or indent > text_above:
                    position = end + 1
                    continue
                text_above = None
            if not content.strip() or content.startswith(("#", "%")):
                position = end + 1
                continue
            marker = _DOCUMENT_MARKER.match(content)
            if marker:  # a document's start or end: nothing is open any more
                self.blocks.clear()
                indent += marker.end()
                if indent >= len(line):
                    position = end + 1
                    continue
            position, text_above = self._scan_line(position + indent, end)

    def _scan_line(self, start: int, end: int) -> tuple[int, int | None]:
        """Read one line's collections from ``start``; return where the next line starts, and the
        indentation a text block begun on this line needs."""
        text = self.text
        line_start = text.rfind("\n", 0, start) + 1
        column = start - line_start
        kind = "seq" if _ENTRY.match(text, start, end) else "map"
        # A line closes the collections indented deeper, and a list written at its key's
        # indentation ("key:" then "- item" below it) where keys go on.
        while self.blocks and (
            self.blocks[-1][0] > column or (self.blocks[-1][0] == column and self.blocks[-1][1] != kind == "map")
        ):
            self.blocks.pop()
        position = start
        while position < end:
            column = position - line_start
            opened = _ENTRY.match(text, position, end) or _KEY.match(text, position, end)
            if opened:
                self._open(column, "seq" if opened.re is _ENTRY else "map", position)
                position = _skip(_BLANKS, text, opened.end(), end)
                continue
            properties = _PROPERTIES.match(text, position, end)
            if properties:
                position = properties.end()
                continue
            first = text[position]
            if first in "[{":
                position = self._scan_flow(position)
                after = _AFTER_KEY.match(text, position, end) if position < end else None
                if after:  # a bracketed key: its value follows on this line
                    position = after.end()
                    continue
                break
            if first in "|>":
                return end + 1, self._innermost_column()
            if first in "\"'":
                position = _skip(_DOUBLE_QUOTED if first == '"' else _SINGLE_QUOTED, text, position)
                if position > end:  # the text went on over lines: the next line starts after it
                    following = text.find("\n", position)
                    return (len(text) if following < 0 else following) + 1, None
                break
            if first == "#":
                break
            # Plain text: it may go on over the lines below, indented past its collection.
            return end + 1, self._innermost_column()
        return max(end, position) + 1, None

    def _innermost_column(self) -> int:
        return self.blocks[-1][0] if self.blocks else -1

    def _open(self, column: int, kind: str, position: int) -> None:
        if self.blocks and self.blocks[-1] == (column, kind):
            return  # one more key of the mapping, or item of the list, already open
        self.blocks.append((column, kind))
        if len(self.blocks) > self.limit:
            raise _TooDeep(position)

    def _scan_flow(self, position: int) -> int:
        """Read a bracketed collection from its opening bracket to its closing one; return where it ends."""
        depth = 0
        for token in _FLOW_TOKEN.finditer(self.text, position):
            character = token.group()[0]
            if character in "[{":
                depth += 1
                if len(self.blocks) + depth > self.limit:
                    raise _TooDeep(token.start())
            elif character in "]}":
                depth -= 1
                if depth == 0:
                    return token.end()
        return len(self.text)


def _skip(pattern: re.Pattern[str], text: str, position: int, end: int | None = None) -> int:
    """Where ``pattern``, which matches at any position (perhaps nothing), ends from ``position``."""
    found = pattern.match(text, position, len(text) if end is None else end)
    assert found is not None
    return found.end()
