"""Dates in the issue's language: placeholders, CLDR forms and patterns, ordinals, and their checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.dates import PATTERN_CHARS

from composer import dates
from composer.errors import InvalidInput
from composer.pipeline import compose

from .conftest import MakeIssue

DAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("lang", "pattern", "line"),
    [
        ("fr", "short", "01/12/2026"),
        ("fr", "medium", "1 déc. 2026"),
        ("fr", "long", "1 décembre 2026"),
        ("fr", "full", "mardi 1 décembre 2026"),
        ("fr", "EEEE d MMMM y", "mardi 1 décembre 2026"),
        ("fr", "{weekday} {day_ordinal} {month} {year}", "mardi 1er décembre 2026"),
        ("de", "short", "01.12.26"),
        ("de", "medium", "01.12.2026"),
        ("de", "long", "1. Dezember 2026"),
        ("de", "full", "Dienstag, 1. Dezember 2026"),
        ("de", "EEEE, d. MMMM y", "Dienstag, 1. Dezember 2026"),
        ("de", "{weekday}, {day_ordinal} {month} {year}", "Dienstag, 1. Dezember 2026"),
        ("ja", "long", "2026年12月1日"),
        ("ja", "full", "2026年12月1日火曜日"),
        ("ru", "{day} {month} {year}", "1 декабря 2026"),  # the form beside a day number
        ("es", "d 'de' MMMM", "1 de diciembre"),  # literal words in quotes
        ("en", "{month_ap} {day}, {year}", "Dec. 1, 2026"),
        ("en", "long", "December 1, 2026"),
        ("en-GB", "long", "1 December 2026"),  # the tag's own country
        ("fr-CA", "{date}", "1 décembre 2026"),
        ("xx", "{date}", "December 1, 2026"),  # a language CLDR does not know: English
    ],
)
def test_a_date_in_each_form_and_language(lang: str, pattern: str, line: str) -> None:
    assert dates.check_pattern(pattern, cldr=True) == pattern
    assert dates.fill(pattern, DAY, "The Daily", lang, cldr=True) == line


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
