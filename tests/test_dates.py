"""Dates in the issue's language: placeholders, CLDR forms and patterns, ordinals, and their checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.dates import PATTERN_CHARS

from composer.core.pipeline import compose
from composer.errors import InvalidInput
from composer.i18n import dates

from .conftest import MakeIssue

DAY = date(2026, 12, 1)  # a Tuesday


# Each day holds to its month with a no-break space (U+00A0): no line, of a title on a phone or of
# the plain text, ends between "1" and "décembre". The month may still break from the year.
@pytest.mark.parametrize(
    ("lang", "pattern", "line"),
    [
        ("fr", "short", "01/12/2026"),
        ("fr", "medium", "1\u00a0déc. 2026"),
        ("fr", "long", "1\u00a0décembre 2026"),
        ("fr", "full", "mardi 1\u00a0décembre 2026"),
        ("fr", "EEEE d MMMM y", "mardi 1\u00a0décembre 2026"),
        ("fr", "{weekday} {day_ordinal} {month} {year}", "mardi 1er\u00a0décembre 2026"),
        ("de", "short", "01.12.26"),
        ("de", "medium", "01.12.2026"),
        ("de", "long", "1.\u00a0Dezember 2026"),
        ("de", "full", "Dienstag, 1.\u00a0Dezember 2026"),
        ("de", "EEEE, d. MMMM y", "Dienstag, 1.\u00a0Dezember 2026"),
        ("de", "{weekday}, {day_ordinal} {month} {year}", "Dienstag, 1.\u00a0Dezember 2026"),
        ("ja", "long", "2026\u2060年\u206012\u2060月\u20601\u2060日"),  # word joiners: no line breaks inside
        ("ja", "full", "2026\u2060年\u206012\u2060月\u20601\u2060日火曜日"),
        ("ru", "{day} {month} {year}", "1\u00a0декабря 2026"),  # the form beside a day number
        ("es", "d 'de' MMMM", "1\u00a0de\u00a0diciembre"),  # literal words in quotes
        ("en", "{month_ap} {day}, {year}", "Dec.\u00a01, 2026"),
        ("en", "long", "December\u00a01, 2026"),
        ("en-GB", "long", "1\u00a0December 2026"),  # the tag's own country
        ("fr-CA", "{date}", "1\u00a0décembre 2026"),
        ("xx", "{date}", "December\u00a01, 2026"),  # a language CLDR does not know: English
    ],
)
def test_a_date_in_each_form_and_language(lang: str, pattern: str, line: str) -> None:
    assert dates.check_pattern(pattern, cldr=True) == pattern
    assert dates.fill(pattern, DAY, "The Daily", lang, cldr=True) == line


@pytest.mark.parametrize(
    ("pattern", "line"),
    [
        ("{weekday} {day} {month} {year}", "Tuesday 1\u00a0December 2026"),  # only day and month
        ("{month} {day_ordinal}", "December\u00a01st"),
        ("{day}. {month_ap}", "1.\u00a0Dec."),
        ("{day}/{month_number}/{year}", "1/12/2026"),
        ("{day} and then, much later, {month}", "1 and then, much later, December"),  # not one date
        ("{{day}} {month}", "{day} December"),  # a literal brace is no day
        ("{month}, {day}", "December, 1"),  # a comma: not one date
        ("{day:>3} {month}", "  1\u00a0December"),
        ("{name} {day}", "The Daily 1"),
    ],
)
def test_the_no_break_space_holds_a_day_to_its_month_only(pattern: str, line: str) -> None:
    assert dates.fill(pattern, DAY, "The Daily") == line


@pytest.mark.parametrize(
    ("title", "lang", "mentioned"),
    [
        ("Executive Summary for December 1st", "en", True),
        ("Briefing for Dec. 1", "en", True),
        ("The Daily: 2026-12-01", "en", True),
        ("Executive Summary for December 11th", "en", False),  # another day
        ("1 Summary of the week", "en", False),  # no month ("Summary" holds no "Mar")
        ("Le Point du jour\u00a0: 1\u00a0décembre 2026", "fr", True),
        ("Der Tag: 1.\u00a0Dezember 2026", "de", True),
        ("Сводка: 1\u00a0декабря 2026", "ru", True),
        ("ブリーフ：2026年12月1日", "ja", True),
        ("תקציר: 1\u00a0בדצמבר 2026", "he", True),
        ("Der Tag: 1.\u00a0Januar 2026", "de", False),
    ],
)
def test_a_title_that_says_the_day(title: str, lang: str, mentioned: bool) -> None:
    assert dates.mentions(title, DAY, lang) is mentioned


@pytest.mark.parametrize(
    ("lang", "days", "ordinals"),
    [
        ("en", (1, 2, 3, 4, 11, 12, 13, 21, 22, 23), "1st 2nd 3rd 4th 11th 12th 13th 21st 22nd 23rd"),
        ("fr", (1, 2, 21, 31), "1er 2 21 31"),
        ("de", (1, 9), "1. 9."),
        ("ja", (1, 9), "1 9"),
    ],
)
def test_ordinals_where_the_language_writes_them(lang: str, days: tuple[int, ...], ordinals: str) -> None:
    assert " ".join(dates.ordinal(day, lang) for day in days) == ordinals


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (
            "Daily Briefing",
            "'i' in 'Daily Briefing' is not a CLDR date field (a pattern without {placeholders} is a CLDR "
            "date pattern: put words in 'single quotes', e.g. EEEE d MMMM y or 'Week' w; or use short, "
            "medium, long or full)",
        ),
        # The lengths allowed are Babel's (its CLDR data allows 'ddd' from 2.19 on).
        (
            "dddd MMMM",
            "'dddd' in 'dddd MMMM' is not a CLDR field; write " + ", ".join("d" * n for n in PATTERN_CHARS["d"] or ()),
        ),
        ("d MMMM HH:mm", "'HH' in 'd MMMM HH:mm' is a time or time-zone field: a date line has no time"),
        ("y" * 7, "'yyyyyyy' in 'yyyyyyy' is not a CLDR field; write y, yy, yyy, yyyy, yyyyy, yyyyyy"),
    ],
)
def test_a_bad_cldr_pattern_is_refused_in_plain_words(pattern: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        dates.check_pattern(pattern, cldr=True)
    assert str(raised.value) == message


def test_an_address_without_placeholders_is_no_cldr_pattern() -> None:
    url = "https://example.com/archive"  # web_version_url: its letters are not date fields
    assert dates.check_pattern(url) == url
    assert dates.fill(url, DAY) == url


def test_a_bad_cldr_pattern_is_refused_at_its_line(make_issue: MakeIssue) -> None:
    issue = make_issue(publication="name: Le Quotidien\nurl: https://example.com\nlang: fr\ndate_format: d MMMM hh\n")
    with pytest.raises(InvalidInput) as raised:
        compose(issue)
    assert str(raised.value) == (
        f"{Path(issue).parent / 'publication.yaml'}:4:14: date_format: "
        "'hh' in 'd MMMM hh' is a time or time-zone field: a date line has no time"
    )
