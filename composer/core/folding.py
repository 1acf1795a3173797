"""YAML's line folding, without the space between Chinese or Japanese characters.

YAML joins the lines of a folded block (``summary: >-``) into one line, turning each line break
into a space, before Markdown ever sees the text. A Japanese editor who breaks a line between two
sentences then gets "延長、 海運運賃": the space a soft break inside Markdown would not have left (CSS Text 3's
segment break rule, joins_across_line_break below). So the folding is done again here from the
lines as typed, noting where each such space came from, and the spaces between two CJK characters
are left out. The redone folding is trusted only when, with every space put back, it equals the
value PyYAML gave; otherwise PyYAML's value stands, so that no text is ever changed by a mistake
here. Every step is linear in the text, which read_input keeps below MAX_FILE_BYTES.

Only folded blocks: YAML folds a plain or quoted text over several lines too, but a tool writing
YAML (yaml.safe_dump with allow_unicode) breaks such texts' long lines at their spaces, so there a
line break between two CJK characters may be a space the text holds; a '>' block is typed by hand.
"""

from __future__ import annotations

import re
import unicodedata

import yaml

_FOLDED_HEADER = re.compile(r">(?P<chomping>[+-]?)[ \t]*(?:#.*)?")  # no indentation digit: see _fold_block
_BLANK = " \t"  # YAML's white space inside a line
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")  # breaks YAML treats differently from "\n": not redone
_PROPERTIES = re.compile(r"(?:[!&][^ \t\n]*[ \t]+)*")  # an anchor (&summary) or a tag (!!str) before the text


# A line break inside a paragraph (a soft break) is a space between words, but none between two
# Chinese or Japanese characters, which have no spaces: "決めた。\n賃上げ" must not read "決めた。 賃上げ".
# The rule is CSS Text 3's segment break transformation: the break goes when the characters on both
# sides are East Asian Wide, Fullwidth or Halfwidth and neither is Hangul (Korean puts spaces between
# words); or when one is such a character and the other a punctuation mark or symbol of ambiguous
# width, as Chinese “quotes” are (CSS asks this of Chinese and Japanese text only; composer does not
# know a text's language here, and only they put such marks against such characters); or when either
# side is a zero-width space. Browsers other than Firefox do not apply it themselves, so markdown.py
# applies it to the HTML, the plain text and the inbox preview alike, and unfold to the lines YAML folds.
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff\uffa0-\uffdc]")


def _wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("F", "W", "H") and not _HANGUL.match(character)


def _ambiguous_mark(character: str) -> bool:
    return unicodedata.east_asian_width(character) == "A" and unicodedata.category(character)[0] in "PS"


def joins_across_line_break(before: str, after: str) -> bool:
    """Whether a line break between the characters ``before`` and ``after`` goes without a space: a
    soft break in Markdown (markdown.py) or a line break YAML folds (unfold)."""
    if not (before and after):
        return False
    if "\u200b" in (before, after):
        return True
    wide_before, wide_after = _wide(before), _wide(after)
    return (wide_before and (wide_after or _ambiguous_mark(after))) or (wide_after and _ambiguous_mark(before))


def unfold(source: str, node: yaml.ScalarNode) -> str:
    """``node.value`` without the spaces YAML put at line breaks between CJK characters."""
    value: str = node.value
    if node.style != ">" or not _may_join(value):  # English text: nothing to do
        return value
    folded = fold(source[node.start_mark.index : node.end_mark.index], node.style)
    if folded is None:
        return value
    text, spaces = folded
    if text != value:  # not folded as YAML folds it: keep YAML's value
        return value
    pieces, start = [], 0
    for at in spaces:
        if joins_across_line_break(text[at - 1 : at], text[at + 1 : at + 2]):
            pieces.append(text[start:at])
            start = at + 1
    pieces.append(text[start:])
    return "".join(pieces)


def _may_join(value: str) -> bool:
    """Whether any space in ``value`` stands between characters that a line break would join."""
    at = value.find(" ")
    while at >= 0:
        if at and joins_across_line_break(value[at - 1], value[at + 1 : at + 2]):
            return True
        at = value.find(" ", at + 1)
    return False


def fold(raw: str, style: str | None) -> tuple[str, list[int]] | None:
    """The value of the scalar written as ``raw`` (its source text, from its first character to its
    end as the parser marks them) in ``style``, and where in it the spaces that stand for a line
    break are; None for what is not redone here (any style but a folded block, an indentation
    digit, a line break other than "\\n")."""
    if _OTHER_BREAKS.search(raw):
        return None
    properties = _PROPERTIES.match(raw)
    raw = raw[properties.end() :] if properties else raw
    return _fold_block(raw) if style == ">" else None


class _Folded:
    """A value being built, with the places of the spaces that stand for a line break."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spaces: list[int] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def fold(self) -> None:
        self.spaces.append(self.length)
        self.add(" ")

    def result(self) -> tuple[str, list[int]]:
        return "".join(self.parts), self.spaces


def _fold_block(raw: str) -> tuple[str, list[int]] | None:
    """A folded block (``>``, ``>-``, ``>+``) as libyaml folds it: its indentation is that of its
    first line of text (or of a deeper blank line before it); a line break between two lines of
    text that do not start with white space becomes a space, unless blank lines stand between them,
    which stay line breaks; lines indented deeper keep their breaks; the end is chomped."""
    header, _, body = raw.partition("\n")
    match = _FOLDED_HEADER.fullmatch(header)
    if match is None:  # an indentation digit counts from the parent's indentation, not known here
        return None
    chomping = match.group("chomping")
    lines = body.split("\n")  # every one but the last ended with a line break
    ended = len(lines) - 1
    number, indent, breaks = 0, 1, 0
    while number < len(lines):  # blank lines before the text
        line = lines[number]
        spaces = len(line) - len(line.lstrip(" "))
        indent = max(indent, spaces)
        if line[spaces:] or number == ended:
            break
        breaks += 1
        number += 1
    folded = _Folded()
    leading_break = False  # the previous line of text ended with a line break, not yet written
    leading_blank = False  # the previous line of text started with white space
    while number < len(lines):
        line = lines[number]
        if line[:indent].strip(" "):  # less indented than the text: the parser would have ended the block before it
            return None
        text = line[indent:]
        if not text:  # a blank line, or the end
            if number < ended:
                breaks += 1
            number += 1
            continue
        starts_blank = text[0] in _BLANK
        if leading_break and not leading_blank and not starts_blank:
            if not breaks:
                folded.fold()
        elif leading_break:
            folded.add("\n")
        folded.add("\n" * breaks)
        breaks = 0
        leading_blank = starts_blank
        folded.add(text)
        leading_break = number < ended
        number += 1
    if chomping != "-" and leading_break:
        folded.add("\n")
    if chomping == "+":
        folded.add("\n" * breaks)
    return folded.result()
