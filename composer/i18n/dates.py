"""Dates as a newsroom writes them, in the issue's language: "Nov. 9, 2017" (AP style), "November
9th", "1 décembre 2026", "2026年12月1日".

A pattern (title_pattern, date_format) is one of two kinds, told apart by its text alone:
- with a '{': composer's {placeholders}, filled by str.format (month and weekday names in the
  issue's language);
- without one: a CLDR date form, ``short``, ``medium``, ``long`` or ``full``, or a CLDR pattern such
  as ``EEEE d MMMM y``, formatted by Babel in the issue's language.
English names come from the tables below, so an English issue with placeholders never loads Babel
(its locale data costs start-up time in every build); Babel is imported inside the functions.
"""

from __future__ import annotations

import calendar
import re
import string
import unicodedata
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from ..limits import MAX_FORMAT_WIDTH, MAX_PATTERN_CHARACTERS

if TYPE_CHECKING:
    from babel import Locale

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# The Associated Press abbreviates these months before a day and spells out the rest.
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# The date forms of CLDR, each language's own: "12/1/26", "Dec 1, 2026", "December 1, 2026", "Tuesday…".
FORMS = ("short", "medium", "long", "full")
AP_FORMAT = "{month_ap} {day}, {year}"  # "Nov. 9, 2017": the English default date line
ENGLISH_TITLE_DATE = "{month} {day}, {year}"  # the date in the English default title; elsewhere the long {date}
# CLDR's date fields (era, year, quarter, month, week, day, weekday): a date line has no time.
_DATE_FIELDS = set("GyYuUQqMLlwWdDFgEec")
_LONGEST_FIELD = 6  # for the fields Babel leaves open ("yyyy…"): longer ones only pad with zeros


def ordinal(day: int, lang: str = "en") -> str:
    """The day as an ordinal where the language writes one in dates: English "9th", French "1er"
    (only the first of the month: "2 décembre"), German "9."; elsewhere the plain number."""
    language = base_language(lang)
    if language == "en":
        suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return f"{day}{suffix}"
    if language == "fr":
        return "1er" if day == 1 else str(day)
    if language == "de":
        return f"{day}."
    return str(day)


def base_language(lang: str) -> str:
    """'fr-CA' -> 'fr'."""
    return lang.replace("_", "-").split("-")[0].lower()


def is_cldr(pattern: str) -> bool:
    """A CLDR form or pattern, rather than {placeholders}: any title_pattern or date_format without a '{'."""
    return "{" not in pattern


def has_words(pattern: str) -> bool:
    """Whether ``pattern`` holds words of its own: letters outside its {placeholders}, or quoted text
    in a CLDR pattern (whose bare letters are fields)."""
    if is_cldr(pattern):
        return bool(re.search(r"'[^']+'", pattern))
    return bool(re.search(r"[^\W\d_]", re.sub(r"\{[^{}]*\}", "", pattern)))


def default_date_format(lang: str) -> str:
    """The date line when the publication sets none: AP style in English, the language's long date elsewhere."""
    return AP_FORMAT if base_language(lang) == "en" else "long"


def default_title_pattern(lang: str, colon: str | None = None) -> str:
    """The publication's name, then the date, joined by the language's ``colon`` (labels): "{name}:
    {month} {day}, {year}" in English, "{name}\u00a0: {date}" in French (the language's long date)."""
    day = ENGLISH_TITLE_DATE if base_language(lang) == "en" else "{date}"
    # Replaced, not formatted: braces the label escapes ("{{") stay escaped for the title's own filling.
    return (colon or "{before}: {after}").replace("{before}", "{name}").replace("{after}", day)


@lru_cache(maxsize=64)
def locale(lang: str) -> Locale:
    """Babel's locale for a language tag: the tag itself, else its language, else English (a tag
    CLDR does not know still gets a date, in English, rather than an error)."""
    from babel import Locale, UnknownLocaleError

    for tag in (lang.replace("_", "-"), base_language(lang), "en"):
        try:
            return Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            continue
    raise AssertionError("Babel knows no English")  # pragma: no cover


# A format spec composer accepts after a placeholder's ':' (Python's mini-language without nested
# fields): fill and alignment, sign, '#', '0', width, grouping, precision, type (not 'c', which
# writes the character of that number: {minutes:c} put a control character into the email).
_SPEC = re.compile(
    r"(?:(?P<fill>[^{}])?(?P<align>[<>=^]))?[-+ ]?z?#?0?(?P<width>\d+)?[_,]?(?:\.(?P<precision>\d+))?[bdeEfFgGnosxX%]?"
)
SAMPLE_DAY = date(2017, 11, 9)
# Days whose values are the shortest and longest (day 1 and 31, May and December, years of 1 and 4
# digits): a filled pattern takes its fill characters, and its longest form, on one of them.
EDGE_DAYS = (SAMPLE_DAY, date(1, 5, 1), date(9999, 12, 31))


def check_pattern(pattern: str, samples: Mapping[str, object] | None = None, *, cldr: bool = False) -> str:
    """Raise ValueError, in an editor's words, unless ``pattern`` fills cleanly from ``samples`` (by
    default the date placeholders): known names only, no '!' conversions, no '{name.attribute}' or
    '{name[0]}', and specs whose width and precision stay small (limits.MAX_FORMAT_WIDTH), so that
    no pattern can take minutes or gigabytes to fill. With ``cldr`` (title_pattern, date_format), a
    pattern without a '{' is a CLDR form or pattern instead, checked by _check_cldr."""
    if len(pattern) > MAX_PATTERN_CHARACTERS:
        raise ValueError(
            f"this pattern is {len(pattern):,} characters long, more than {MAX_PATTERN_CHARACTERS}; a pattern is a "
            "line such as {month} {day}, {year}: write a short one"
        )
    if cldr and is_cldr(pattern):
        return _check_cldr(pattern)
    values = samples if samples is not None else _date_values(SAMPLE_DAY, "The Daily")
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(pattern)]
    except ValueError as error:
        raise ValueError(f"{error} (write {{{{ and }}}} for a literal brace)") from None
    for name, spec, conversion in fields:
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if name not in values:
            listed = ", ".join("{" + each + "}" for each in values)
            raise ValueError(f"unknown placeholder {shown}; use {listed}")
        if conversion:
            raise ValueError(f"{shown}: a '!' conversion is not allowed; write {{{name}}}")
        if spec:
            checked = _SPEC.fullmatch(spec)
            if checked is None:
                raise ValueError(f"{shown}: '{spec}' is not a format composer accepts; write {{{name}}}")
            for part in ("width", "precision"):
                if int(checked.group(part) or 0) > MAX_FORMAT_WIDTH:
                    raise ValueError(
                        f"{shown}: a {part} of {checked.group(part)} is more than {MAX_FORMAT_WIDTH}; "
                        f"write a small number, e.g. {{{name}:02}}"
                    )
            try:
                ("{" + name + ":" + spec + "}").format(**values)
            except (ValueError, TypeError):
                kind = "a number" if isinstance(values[name], int) else "text"
                raise ValueError(
                    f"{shown}: ':{spec}' does not suit {{{name}}}, which is {kind}; write {{{name}}}"
                ) from None
    return pattern


def check_colon(pattern: str) -> str:
    """Raise ValueError, in an editor's words, unless ``pattern`` (labels' ``colon``) holds {before} and
    {after} once each, bare: it is filled with str.format in the plain text, and its two placeholders
    are replaced by {name} and the date in the default title, where a spec or a conversion would not
    carry over."""
    check_pattern(pattern, {"before": "Unsubscribe", "after": "https://example.com/"})
    fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(pattern)]
    for name, spec, conversion in fields:
        if name is not None and (spec or conversion):
            raise ValueError(f"{{{name}}} in a colon takes no ':' format; write {{{name}}}")
    for name in ("before", "after"):
        count = sum(field == name for field, _, _ in fields)
        if count != 1:
            times = "does not hold" if count == 0 else f"holds {count} times"
            raise ValueError(
                f"a colon joins a label and what follows it: it {times} {{{name}}}; write it once, "
                "as in '{before}: {after}'"
            )
    return pattern


def _check_cldr(pattern: str) -> str:
    """Raise ValueError, in an editor's words, unless ``pattern`` is a CLDR form or a CLDR date pattern
    whose letters are all date fields (literal words go in 'single quotes')."""
    if pattern in FORMS:
        return pattern
    from babel.dates import PATTERN_CHARS, parse_pattern, tokenize_pattern

    hint = (
        " (a pattern without {placeholders} is a CLDR date pattern: put words in 'single quotes', "
        "e.g. EEEE d MMMM y or 'Week' w; or use short, medium, long or full)"
    )
    if pattern.replace("''", "").count("'") % 2:  # '' is a quote mark
        raise ValueError(f"{pattern!r} opens a quote (') that it does not close{hint}")
    # Babel takes an unquoted letter that is no field for itself; CLDR reserves every letter.
    unquoted = re.sub(r"'[^']*'", "", pattern.replace("''", ""))
    for character in unquoted:
        if character.isascii() and character.isalpha() and character not in PATTERN_CHARS:
            raise ValueError(f"'{character}' in {pattern!r} is not a CLDR date field{hint}")
    for kind, value in tokenize_pattern(pattern):
        if kind != "field" or isinstance(value, str):
            continue
        field, count = value
        if field not in _DATE_FIELDS:
            raise ValueError(f"'{field * count}' in {pattern!r} is a time or time-zone field: a date line has no time")
        lengths = PATTERN_CHARS[field] or range(1, _LONGEST_FIELD + 1)
        if count not in lengths:
            written = ", ".join(field * length for length in lengths)
            raise ValueError(f"'{field * count}' in {pattern!r} is not a CLDR field; write {written}")
    try:
        parse_pattern(pattern)
    except ValueError as error:  # every case Babel refuses is caught above: this is a safety net
        raise ValueError(f"{pattern!r} is not a CLDR pattern Babel can read ({error}){hint}") from None
    return pattern


def fill(pattern: str, day: date, name: str = "", lang: str = "en", *, cldr: bool = False) -> str:
    """``pattern`` (checked by check_pattern, with the same ``cldr``) for ``day`` in ``lang``, with the
    publication's ``name``."""
    if cldr and is_cldr(pattern):
        return _format_cldr(day, pattern, lang)
    return hold_day_and_month(pattern).format(**_date_values(day, name, lang))


# A no-break space: what typographers put between a day and its month ("5 décembre", "3. Dezember",
# "Nov. 9"), so that no line, of a title on a phone or of the plain text, ends between the two.
NO_BREAK = "\u00a0"
# The placeholders of a day and of a month; between one of each, the spaces of a short text (". ",
# " de ": _ONE_DATE) become no-break spaces. The month may still break from the year: a long title needs a place to.
_DAY_PLACEHOLDERS = frozenset({"day", "day_ordinal"})
_MONTH_PLACEHOLDERS = frozenset({"month", "month_ap", "month_number"})
_DATE_PLACEHOLDERS = _DAY_PLACEHOLDERS | _MONTH_PLACEHOLDERS | {"year"}
_DAY_FIELDS, _MONTH_FIELDS = frozenset("d"), frozenset("ML")
_DATE_FIELD_LETTERS = frozenset("yMLd")  # the year, month and day of CLDR's patterns (not the weekday)
# What may stand between a day and its month in one date: spaces, a full stop ("3. Dezember") and a
# short word ("1 de diciembre", Hebrew's "5 בדצמבר"); not a comma, not a phrase.
_ONE_DATE = re.compile(r"\.?[ ]+(?:[^\W\d_]{1,3}[ ]*)?|\.?[ ]*[^\W\d_]{1,3}[ ]+")


# A word joiner (U+2060, Unicode's "no break here" of zero width) on each side of a date's words where the
# language writes them without spaces ("2026年12月5日"): browsers may break a line before any ideograph,
# and a title set "2026 / 年12月5日" on a phone splits the year from its character.
WORD_JOINER = "\u2060"


def _glued(literal: str, before: bool, after: bool) -> str:
    """``literal`` between a date's fields, joined to the field ``before`` and ``after`` it where it is
    written in wide characters without a space (年, 月, 日; 년 has a space and breaks as a word)."""
    if not literal or any(character.isspace() for character in literal):
        return literal
    if not any(_wide(character) for character in literal):
        return literal
    return (WORD_JOINER if before else "") + literal + (WORD_JOINER if after else "")


def _ties(before: str | None, after: str | None, days: frozenset[str], months: frozenset[str]) -> bool:
    """Whether a day and a month are on either side: they hold together, in either order."""
    return (before in days and after in months) or (before in months and after in days)


def _no_break(text: str) -> str:
    return text.replace(" ", NO_BREAK) if _ONE_DATE.fullmatch(text) else text


def hold_day_and_month(pattern: str) -> str:
    """``pattern`` of {placeholders} with no-break spaces between a day and a month:
    "{month_ap} {day}, {year}" -> "{month_ap}\u00a0{day}, {year}"."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return pattern  # check_pattern says what is wrong with it
    held, previous = [], None
    for literal, name, spec, conversion in parts:
        # The literal text before this field: escaped back, as str.format reads it.
        text = _no_break(literal) if _ties(previous, name, _DAY_PLACEHOLDERS, _MONTH_PLACEHOLDERS) else literal
        text = _glued(text, previous in _DATE_PLACEHOLDERS, name in _DATE_PLACEHOLDERS)
        held.append(text.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            held.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
        previous = name
    return "".join(held)


def _format_cldr(day: date, pattern: str, lang: str) -> str:
    """A CLDR form or pattern for ``day`` in ``lang``, its day and month held together."""
    from babel.dates import format_date, tokenize_pattern

    where = locale(lang)
    text = str(where.date_formats[pattern].pattern) if pattern in FORMS else pattern
    tokens = tokenize_pattern(text)
    held: list[str] = []
    previous: str | None = None  # the last field's letter
    between: list[str] = []  # the literal text since it
    for kind, value in [*tokens, ("field", ("", 0))]:  # a last empty field closes the last literal
        if kind == "chars":
            between.append(str(value))
            continue
        field, count = value if isinstance(value, tuple) else (str(value), 1)
        literal = "".join(between)
        if literal:
            literal = _no_break(literal) if _ties(previous, field, _DAY_FIELDS, _MONTH_FIELDS) else literal
            literal = _glued(literal, previous in _DATE_FIELD_LETTERS, field in _DATE_FIELD_LETTERS)
            held.append("'" + literal.replace("'", "''") + "'")  # quoted: no letter of it is a field
        held.append(field * count)
        previous, between = field, []
    return format_date(day, format="".join(held), locale=where)


def _date_values(day: date, name: str, lang: str = "en") -> dict[str, object]:
    values: dict[str, object] = {
        "name": name,
        "year": day.year,
        "month": MONTHS[day.month - 1],
        "month_ap": AP_MONTHS[day.month - 1],
        "month_number": day.month,
        "day": day.day,
        "day_ordinal": ordinal(day.day, lang),
        "weekday": WEEKDAYS[day.weekday()],
        "iso": day.isoformat(),
        "date": f"{MONTHS[day.month - 1]}{NO_BREAK}{day.day}, {day.year}",  # CLDR's long English date
    }
    if base_language(lang) != "en":
        where = locale(lang)
        # The forms used beside a day number ("1 декабря", not the stand-alone "декабрь").
        values["month"] = where.months["format"]["wide"][day.month]
        values["month_ap"] = where.months["format"]["abbreviated"][day.month]
        values["weekday"] = where.days["format"]["wide"][day.weekday()]
        values["date"] = _format_cldr(day, "long", lang)
    return values


def mentions(text: str, day: date, lang: str = "en") -> bool:
    """Whether ``text`` (a title) says which day ``day`` is: its day number and its month, by name or
    abbreviation in ``lang`` ("November 9th", "5\u00a0décembre", "12月5日"), or its ISO date."""
    text = text.replace(WORD_JOINER, "")
    if day.isoformat() in text:
        return True
    if not re.search(rf"(?<!\d)0?{day.day}(?!\d)", text):
        return False
    return any(re.search(_month_expression(name, lang), text, re.IGNORECASE) for name in _month_names(day.month, lang))


def _month_names(month: int, lang: str) -> set[str]:
    """The month's names and abbreviations in ``lang``, as dates are written and as titles say them."""
    if base_language(lang) == "en":  # without Babel, as the English dates
        return {MONTHS[month - 1], AP_MONTHS[month - 1], MONTHS[month - 1][:3]}
    names = locale(lang).months
    return {
        str(names[context][width][month]) for context in ("format", "stand-alone") for width in ("wide", "abbreviated")
    }


def _month_expression(name: str, lang: str) -> str:
    """A month's name as a word of its own: "Mar" is not in "Summary", "1月" not in "11月"; a
    Chinese or Japanese name stands among other characters; Hebrew joins "in" to it ("בדצמבר")."""
    name = name.rstrip(".")
    before = r"(?<!\d)" if name[:1].isdigit() else (r"(?<!\w)" if name[:1].isalpha() and not _wide(name[0]) else "")
    after = r"(?!\w)" if name[-1:].isalpha() and not _wide(name[-1]) else ""
    prefix = "ב?" if base_language(lang) == "he" else ""
    return before + prefix + re.escape(name) + after


def _wide(character: str) -> bool:
    # Chinese and Japanese characters: words run on without spaces.
    return unicodedata.east_asian_width(character) in ("W", "F")


def parse_iso(text: str) -> date:
    """``2017-11-09`` as a date, or ValueError in words an editor can act on (the issue's date: field
    and `compose new DATE` alike)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD, e.g. 2017-11-09")
    if not text.isascii():  # Arabic-Indic, Persian or full-width digits: \d matches them, the calendar does not
        in_ascii = "".join(str(unicodedata.digit(character, character)) for character in text.strip())
        raise ValueError(f"{text!r} is written in other digits; write the date with the digits 0-9: {in_ascii}")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date in the calendar: {_why_not_a_day(text)}") from None


def _why_not_a_day(text: str) -> str:
    """'2017-13-01' -> 'there is no month 13'; '2017-02-30' -> 'February 2017 has 28 days'."""
    year, month, _ = (int(part) for part in text.strip().split("-"))
    if year < 1:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    return f"{calendar.month_name[month]} {year} has {calendar.monthrange(year, month)[1]} days"
