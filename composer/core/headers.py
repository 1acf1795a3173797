"""What a mail header may hold: the rules for text that ends up in Subject, From or To.

Mail programs decode ``=?charset?q?...?=`` (RFC 2047) in a header, and some (Python's own email
package before 3.11.10, CVE-2024-6923) write what it decodes to, a line break included, back out
as it is: an encoded word typed in a subject became a real Bcc header. A control character
(a carriage return, a NUL) in a header is as dangerous. Both are refused here, in composer's own
words, whatever the interpreter does; models.py applies the rules to every header-bound field and
message.py to the headers it writes.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from ..i18n import dates

# A line break an editor typed (a subject over two YAML lines) and a tab are joined into spaces.
TYPED_WHITESPACE = "\n\t"


def header_problem(text: str, typed_whitespace: str = "") -> str | None:
    """Why ``text`` cannot go into a mail header, in plain words; None when it can.

    ``typed_whitespace``: the characters allowed because they are joined into spaces before
    the text reaches a header (TYPED_WHITESPACE for a field of an editor's file)."""
    for character in text:
        if character in typed_whitespace:
            continue
        if unicodedata.category(character) == "Cc" or character in "\u2028\u2029":
            return (
                f"holds an invisible control character, {_code_point(character)}, that would break the email's "
                "headers; retype the text without it"
            )
    encoded = _encoded_word(text)
    if encoded:
        return (
            f"holds {_shown(encoded)}: mail programs decode '=?...?=' as hidden text (RFC 2047) that can "
            "add headers nobody wrote; write the words themselves"
        )
    return None


def _encoded_word(text: str) -> str | None:
    """From the first "=?" to the last "?=" after it, the shape of an encoded word however a decoder
    reads what is between; None without one. Two searches: the regular expression this was
    (=\\?.*\\?=) backtracked over the rest of the text from every "=?", and 100,000 of them (a name
    of "x=?" repeated, 300 KB) took over 30 s."""
    start = text.find("=?")
    end = text.rfind("?=")
    return text[start : end + 2] if start >= 0 and end >= start + 2 else None


# A title_pattern filled in for every month, day and weekday, and years of each length: what the
# pattern writes around {name} can still join with it into an encoded word ("=?{name}" and "x?=").
_EVERY_KIND_OF_DAY = [date(2016, 1, 1) + timedelta(days) for days in range(366)] + [
    date(year, month, day) for year in (1, 10, 100, 9999) for month, day in ((1, 1), (12, 31))
]


def title_problem(pattern: str, name: str) -> str | None:
    """Why the titles ``pattern`` makes with the publication's ``name`` cannot be a subject; None
    when they all can (the title is the subject of an issue that gives none)."""
    if "?" not in pattern + name and not header_problem(pattern, TYPED_WHITESPACE):
        # No date word holds a '?' or a control character: without one in the pattern or the name,
        # no title can hold an encoded word; the common case costs nothing.
        return None
    name = _stand_in(name)
    for day in _EVERY_KIND_OF_DAY:
        try:
            title = dates.fill(pattern, day, name, cldr=True)
        except (ValueError, KeyError, IndexError):
            return None  # a pattern that does not fill is dates.check_pattern's to report
        problem = header_problem(title, TYPED_WHITESPACE)
        if problem:
            return (
                f"filled in with the name and a date, this pattern makes a title (the email's subject) that {problem}"
            )
    return None


_NAME_ENDS = 100  # characters kept at each end of a long name by _stand_in


def _stand_in(name: str) -> str:
    """A short name that makes a title with an encoded word just when ``name`` does: its ends, which
    can join with what the pattern writes around it, and between them the "?=" and "=?" of its middle,
    in the order a name without an encoded word of its own (models.HeaderLine) has them. The pattern is
    short (limits.MAX_PATTERN_CHARACTERS), but filling it with a name of a few hundred KB for every
    day of a year is not."""
    if len(name) <= 2 * _NAME_ENDS + 2:
        return name
    middle = name[_NAME_ENDS - 1 : 1 - _NAME_ENDS]  # one character into each end: marks across the joins
    marks = [mark for mark in ("?=", "=?") if mark in middle]
    return name[:_NAME_ENDS] + " " + " ".join(marks) + " " + name[-_NAME_ENDS:]


_CONTROL_NAMES = {"\0": "NUL", "\r": "carriage return", "\n": "line break", "\t": "tab", "\x0b": "vertical tab"}
_CONTROL_NAMES |= {"\x0c": "form feed", "\x1b": "escape", "\x7f": "delete", "\x85": "next line"}


def _code_point(character: str) -> str:
    name = _CONTROL_NAMES.get(character) or unicodedata.name(character, "").lower()
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def _shown(text: str) -> str:
    # The offending text, shown without its control characters and not at any length.
    shown = "".join(character if character.isprintable() else "?" for character in text)
    return repr(shown if len(shown) <= 60 else shown[:57] + "...")
