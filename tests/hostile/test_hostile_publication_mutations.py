"""A random mutation run over the publication keys added in round 2 (labels and their per-language
texts, title_pattern, date_format, web_version_url, typography, contents, the modeline): whatever an
editor types there, composing an issue ends in an email or in a ComposerError, never another
exception (an internal error, exit 2, for the editor).

In process, for speed: the cases it found are in test_hostile_patterns.py as real processes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from composer.commands.send.message import as_bytes, message
from composer.core.models import Labels, ReadTime
from composer.core.pipeline import compose
from composer.errors import ComposerError

# Pieces an editor (or an attacker) puts in a pattern: placeholders of every kind of pattern, with
# and without specs and conversions, broken braces, CLDR fields and quotes, and characters that
# headers, bidi and escaping care about.
PIECES = [
    "Read more at ",
    " ",
    ": ",
    "\u00a0: ",
    "：",
    "?",
    "=?",
    "?=",
    "'",
    "''",
    "<b>",
    "&amp;",
    "{{",
    "}}",
    "{",
    "}",
    "{}",
    "{0}",
    "{name}",
    "{year}",
    "{month}",
    "{month_ap}",
    "{month_number:02}",
    "{day}",
    "{day_ordinal}",
    "{weekday}",
    "{iso}",
    "{date}",
    "{minutes}",
    "{source}",
    "{credit}",
    "{alt}",
    "{before}",
    "{after}",
    "{before:>5}",
    "{after:^9}",
    "{before!r}",
    "{after!s}",
    "{minutes:,}",
    "{minutes:c}",
    "{minutes:%}",
    "{minutes:z}",
    "{minutes:=+9}",
    "{day:?>40}",
    "{day:99999999}",
    "{day:.40}",
    "{name:.1}",
    "{year:x}",
    "{year:d}",
    "{iso:%Y}",
    "{date.year}",
    "{day[0]}",
    "{day:{width}}",
    "{weekday!a}",
    "{name:\u202e<30}",
    "EEEE",
    "d",
    "MMMM",
    "y",
    "yyyyyyy",
    "'de'",
    "HH:mm",
    "zzzz",
    "short",
    "full",
    "\u202e",
    "\u2066",
    "\u200b",
    "\n",
    "\t",
    "\x00",
    "\x1b",
    "\ufeff",
    "ß",
    "日",
    "١٢",
    "٪",
    "\U0001f600",
    "\\",
    "%s",
    "$(id)",
    "`id`",
]
LANGUAGES = ["en", "en-GB", "fr", "ar", "he", "ru", "ja", "zh-TW", "sv", "xx", "EN", "ar-EG", ""]
LABEL_KEYS = list(Labels.model_fields)
CATEGORIES = list(ReadTime.model_fields)

# Each key's own placeholders, with the specs and characters Python's format allows: most patterns
# made of them pass validation, and must then fill for every issue.
# Specs Python accepts for a text and for a number, and a few it does not.
TEXT_SPECS = ["", "", ":>5", ":^9", ":<3", ":.2", ":?>40", ":\u202e<30", ":s", ":=>2"]
NUMBER_SPECS = ["", "", ":02", ":,", ":c", ":%", ":x", ":=+9", ":n", ":?>40", ":.1f", ":e"]
NUMBERS = {"year", "month_number", "day", "minutes"}
OWN = {
    "date": ["name", "year", "month", "month_ap", "month_number", "day", "day_ordinal", "weekday", "iso", "date"],
    "published": ["date"],
    "read_time": ["minutes"],
    "read_time_one": ["minutes"],
    "read_more_at": ["source"],
    "photo_credit": ["credit"],
    "image": ["alt"],
    "colon": ["before", "after"],
}


def own_patterns(key: str) -> st.SearchStrategy[str]:
    """Patterns of ``key``'s own placeholders, words and a hostile piece now and then."""
    placeholders = st.sampled_from(OWN[key]).flatmap(
        lambda name: st.sampled_from(NUMBER_SPECS if name in NUMBERS else TEXT_SPECS).map(
            lambda spec: "{" + name + spec + "}"
        )
    )
    words = st.sampled_from([" ", ": ", "Read ", "?", "=?", "?=", "日", "النشرة ", "'", "(c) "])
    pieces = st.one_of(placeholders, placeholders, words, words, st.sampled_from(PIECES))
    return st.lists(pieces, min_size=1, max_size=6).map("".join)


patterns = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=8).map("".join)
wrong_types = st.sampled_from([None, 0, 3.5, True, [], ["{day}"], {}, {"a": {"b": "c"}}, "", " "])


def texts(key: str) -> st.SearchStrategy[Any]:
    """A value for ``key``: mostly its own kind of pattern, once or per language (some tags unknown,
    empty or nested too deep), sometimes anything."""
    own = own_patterns(key) if key in OWN else st.sampled_from(["Read more", "Ünsubscribe ", "{{x}}", "退订"])
    one = own | own | patterns
    per_language = st.dictionaries(st.sampled_from(LANGUAGES), one | wrong_types, max_size=3)
    return st.one_of(one, one, one, per_language, wrong_types)


def read_times() -> st.SearchStrategy[Any]:
    by_category = st.dictionaries(st.sampled_from(CATEGORIES), own_patterns("read_time"), max_size=4)
    return texts("read_time") | by_category | st.dictionaries(st.sampled_from(LANGUAGES), by_category, max_size=2)


# The labels that are patterns, more often than the plain words.
label = st.sampled_from([*LABEL_KEYS, *(key for key in LABEL_KEYS if key in OWN)]).flatmap(
    lambda key: (read_times() if key == "read_time" else texts(key)).map(lambda value: (key, value))
)
labels = st.one_of(
    st.lists(label, max_size=4).map(dict),
    st.lists(label, max_size=4).map(dict),
    st.fixed_dictionaries({"nonsense": patterns}),
    wrong_types,
)
web_versions = st.sampled_from(["https://news.example.com/", "mailto:a@example.com?s=", "javascript:"]).flatmap(
    lambda start: (own_patterns("date") | patterns).map(lambda rest: start + rest)
)
flags = st.one_of(
    st.booleans(), st.booleans(), st.booleans(), st.sampled_from(["yes", "maybe", 1, 2, None, "", [True]])
)
KNOWN = ["en", "fr", "ar", "he", "ru", "ja", "zh-TW", "de", "sv", "pt-BR"]
KEYS: dict[str, st.SearchStrategy[Any]] = {
    "lang": st.sampled_from(KNOWN + KNOWN + LANGUAGES),
    "labels": labels,
    "labels ": labels,  # twice as likely as the other keys
    "title_pattern": texts("date") | st.sampled_from(["EEEE d MMMM y", "'?'d'='", "long", "d 'de' MMMM"]),
    "date_format": texts("date") | st.sampled_from(["EEEE d MMMM y", "y 'Q'Q", "full", "GGGGG", "'"]),
    "web_version_url": web_versions | wrong_types,
    "typography": flags,
    "contents": flags,
}
names = st.sampled_from(["The Daily", "The Daily", "Q?=A", "=?x", "النشرة", "日報 {day}", "{{name}}"])
# A few keys mutated at a time, the rest left out: a mutation that passes validation must still compose.
publications = st.lists(st.sampled_from(list(KEYS)), min_size=1, max_size=3, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({"name": names} | {key.strip(): KEYS[key] for key in keys})
)
modelines = st.none() | (
    st.sampled_from(["", "../", "/dev/", "publication.yaml", "$(touch x)", "issue.schema.json#", "a" * 300]).flatmap(
        lambda start: st.text(max_size=10).map(lambda rest: f"# yaml-language-server: $schema={start}{rest}\n")
    )
)
issue_languages = st.none() | st.sampled_from(KNOWN)

ISSUE = """\
date: 2024-05-31
summary: A "summary" -- with quotes... and (c).
stories:
  - headline: A headline
    body: A body, 'quoted'.
    url: https://news.example.com/a
    source: AP
    image: {src: "https://news.example.com/a.jpg", alt: A street, credit: AP}
recommended_reads:
  - title: A read
    url: https://news.example.com/b
"""


@settings(
    max_examples=int(os.environ.get("MUTATIONS", 200)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The cases found so far, tried first every run.
@example(
    publication={"name": "The Daily", "labels": {"colon": "{before:>5}: {after}"}},
    modeline=None,
    lang=None,
    titled=False,
)
@example(
    publication={"name": "The Daily", "labels": {"colon": {"fr": "{before}\u00a0: {after!r}"}}, "lang": "fr"},
    modeline=None,
    lang="fr",
    titled=False,
)
@example(
    publication={"name": "The Daily", "labels": {"read_time_one": "{minutes:>3} minute"}},
    modeline=None,
    lang=None,
    titled=False,
)
@example(publication={"name": "x=?" * 3000, "title_pattern": "{name}? {day}"}, modeline=None, lang=None, titled=False)
@given(publication=publications, modeline=modelines, lang=issue_languages, titled=st.sampled_from([False] * 3 + [True]))
def test_any_publication_composes_or_fails_with_a_composer_error(
    tmp_path: Path, publication: dict[str, Any], modeline: str | None, lang: str | None, titled: bool
) -> None:
    publication = {"url": "https://news.example.com", "sender": {"name": "Desk", "email": "d@example.com"}} | (
        publication
    )
    text = (modeline or "") + yaml.safe_dump(publication, allow_unicode=True)
    (tmp_path / "publication.yaml").write_text(text, encoding="utf-8")
    issue = ISSUE + (f"lang: {lang!r}\n" if lang is not None else "") + ("title: Own title\n" if titled else "")
    path = tmp_path / "issue.yaml"
    path.write_text(issue, encoding="utf-8")
    try:
        composed = compose(path)
        as_bytes(message(composed, "reader@example.com"))
    except ComposerError:
        event("refused")
    else:
        event("composed")
