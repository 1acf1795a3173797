"""The email's own words in each language: the label files, plural forms, and publication overrides."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from babel import Locale

from composer import labels
from composer.models import Labels, Publication
from composer.pipeline import compose

from .conftest import MakeIssue

LANGUAGES = ["ar", "de", "en", "es", "fr", "it", "ja", "pt", "ru", "zh", "zh-Hant"]
MINUTES = [0, 1, 2, 3, 5, 11, 21, 101]
# Every key a label file gives; read_time_one is only for publication.yaml files written before
# read_time had its plural forms.
KEYS = set(Labels.model_fields) - {"read_time_one"}


def file_of(language: str) -> dict[str, object]:
    loaded = yaml.safe_load((Path(labels.__file__).parent / f"{language}.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_ten_languages_have_their_own_words_and_chinese_both_its_scripts() -> None:
    assert labels.languages() == LANGUAGES


@pytest.mark.parametrize(
    ("lang", "read_more_at"),
    [
        ("zh", "前往Agence阅读全文"),
        ("zh-CN", "前往Agence阅读全文"),
        ("zh-Hans-HK", "前往Agence阅读全文"),
        ("zh-Hant", "前往Agence閱讀全文"),
        ("zh-TW", "前往Agence閱讀全文"),
        ("zh-HK", "前往Agence閱讀全文"),
    ],
)
def test_chinese_in_traditional_characters_where_it_is_read_so(
    make_issue: MakeIssue, lang: str, read_more_at: str
) -> None:
    # CLDR gives the script a region reads (Taiwan, Hong Kong: traditional), unless the tag names one.
    issue = FRENCH_ISSUE.replace("date: 2026-12-01\n", f"date: 2026-12-01\nlang: {lang}\n")
    composed = compose(make_issue(issue, FRENCH_PUBLICATION))
    for text in (visible_text(composed.html), composed.text):
        assert read_more_at in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_label_file_has_every_key_and_valid_placeholders(language: str) -> None:
    assert set(file_of(language)) == KEYS
    built_in = labels.built_in(language)  # validated as publication.yaml's labels are: placeholders checked
    assert built_in is not None and built_in.model_fields_set == KEYS


@pytest.mark.parametrize("language", LANGUAGES)
def test_read_time_has_each_plural_category_of_its_language(language: str) -> None:
    read_time = file_of(language)["read_time"]
    assert isinstance(read_time, dict)
    assert set(read_time) == {*Locale.parse(language, sep="-").plural_form.tags, "other"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_read_time_follows_the_plural_rules(language: str) -> None:
    words = labels.for_language(Labels(), language)
    texts = file_of(language)["read_time"]
    assert isinstance(texts, dict)
    for minutes in MINUTES:
        category = Locale.parse(language, sep="-").plural_form(minutes)
        assert labels.plural_category(language, minutes) == category
        assert labels.read_time_line(words, language, minutes) == texts[category].format(minutes=minutes)


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("en", ["Read time Approx. 1 minute", "Read time Approx. 2 minutes", "Read time Approx. 21 minutes"]),
        (
            "ar",
            [
                "مدة القراءة: دقيقة واحدة",
                "مدة القراءة: دقيقتان",
                "مدة القراءة: 3 دقائق",
                "مدة القراءة: 11 دقيقة",
                "مدة القراءة: 101 دقيقة",
            ],
        ),
        (
            "ru",
            ["Время чтения: 1 минута", "Время чтения: 3 минуты", "Время чтения: 5 минут", "Время чтения: 21 минута"],
        ),
        ("de", ["Lesezeit: ca. 1 Minute", "Lesezeit: ca. 3 Minuten"]),
        ("ja", ["読了時間：約1分", "読了時間：約3分"]),
    ],
)
def test_known_words_for_known_numbers(language: str, lines: list[str]) -> None:
    words = labels.for_language(Labels(), language)
    numbers = {"en": [1, 2, 21], "ar": [1, 2, 3, 11, 101], "ru": [1, 3, 5, 21], "de": [1, 3], "ja": [1, 3]}
    assert [labels.read_time_line(words, language, n) for n in numbers[language]] == lines


def test_a_language_without_a_file_gets_english_words_and_its_own_plural_rules() -> None:
    words = labels.for_language(Labels(), "nl")
    assert (words.read_more, labels.read_time_line(words, "nl", 1)) == ("Read more", "Read time Approx. 1 minute")


def test_a_publication_overrides_key_by_key_and_category_by_category() -> None:
    given = Labels.model_validate(
        {"read_more": "Lire l’article", "read_time": {"other": "{minutes} minutes de lecture"}}
    )
    words = labels.for_language(given, "fr")
    assert (words.read_more, words.unsubscribe) == ("Lire l’article", "Se désinscrire")
    assert labels.read_time_line(words, "fr", 3) == "3 minutes de lecture"
    assert labels.read_time_line(words, "fr", 1) == "Lecture\u00a0: 1\u00a0min"  # "one": the file's


def test_the_labels_of_an_older_publication_file_still_work() -> None:
    # Before plural forms: read_time one text, read_time_one the words for exactly one minute.
    publication = Publication.model_validate(
        {
            "name": "The Daily",
            "url": "https://example.com",
            "labels": {"read_time": "About {minutes} minutes", "read_time_one": "About a minute"},
        }
    )
    words = labels.for_language(publication.labels, "en")
    assert [labels.read_time_line(words, "en", n) for n in (1, 2, 21)] == [
        "About a minute",
        "About 2 minutes",
        "About 21 minutes",
    ]


FRENCH_PUBLICATION = "name: Le Quotidien\nurl: https://quotidien.example.fr\nlang: fr\n"
FRENCH_ISSUE = """\
date: 2026-12-01
summary: Un résumé de la journée, avec un [lien](https://quotidien.example.fr/resume).
stories:
  - headline: Premier titre
    body: Premier paragraphe de l’article.
    url: https://quotidien.example.fr/article
    source: Agence
    image:
      src: https://quotidien.example.fr/photo.jpg
      alt: Une place de Paris
      credit: Agence
  - headline: Second titre
    body: Second paragraphe.
    url: https://quotidien.example.fr/second
recommended_reads:
  - title: Une lecture
    url: https://quotidien.example.fr/lecture
"""


def visible_text(html: str) -> str:
    document = lxml.html.document_fromstring(html)
    for hidden in document.xpath("//style | //script"):
        hidden.drop_tree()
    return str(document.text_content())


def test_a_french_publication_writes_no_english_word_of_composers_own(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(FRENCH_ISSUE, FRENCH_PUBLICATION + "contents: true\n", "2026-12-01.yaml"))
    french_words = _words(" ".join(_texts(file_of("fr"))))
    # "Photo" is French too ("Photo : Agence"); every other word of the English file is English only.
    english_words = _words(" ".join(_texts(file_of("en")))) - french_words
    assert english_words > {"Read", "more", "Unsubscribe", "browser", "Published", "minutes", "issue"}
    for text in (visible_text(composed.html), composed.text):
        text = text.replace("Le Quotidien", "").replace("https://quotidien.example.fr", "")
        assert "1\u00a0décembre 2026" in text
        assert "Le Quotidien" not in text and not english_words & _words(text), english_words & _words(text)
        for line in ("Publié le 1\u00a0décembre 2026", "Lecture\u00a0: 1\u00a0min", "Lire la suite sur Agence"):
            assert line in text
    # French typography: a no-break space before a colon, in the title (and so the subject) and the text.
    assert composed.title == "Le Quotidien\u00a0: 1\u00a0décembre 2026"
    assert "Lire la suite sur Agence\u00a0: https://quotidien.example.fr/article" in composed.text.splitlines()


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "Le Quotidien: December\u00a01, 2026"),
        ("de", "Le Quotidien: 1.\u00a0Dezember 2026"),
        ("zh", "Le Quotidien：2026年12月1日"),
        ("ja", "Le Quotidien：2026年12月1日"),
    ],
)
def test_a_label_and_what_follows_it_are_joined_as_the_language_does(
    make_issue: MakeIssue, lang: str, title: str
) -> None:
    issue = FRENCH_ISSUE.replace("date: 2026-12-01\n", f"date: 2026-12-01\nlang: {lang}\n")
    composed = compose(make_issue(issue, FRENCH_PUBLICATION))
    assert composed.title == title
    words = labels.for_language(Labels(), lang)
    read_more = str(words.read_more_at).format(source="Agence")
    assert str(words.colon).format(before=read_more, after="https://quotidien.example.fr/article") in composed.text


def test_a_publication_chooses_its_own_colon(make_issue: MakeIssue) -> None:
    publication = FRENCH_PUBLICATION + "labels:\n  colon: '{before} — {after}'\n"
    composed = compose(make_issue(FRENCH_ISSUE, publication))
    assert composed.title == "Le Quotidien — 1\u00a0décembre 2026"
    assert "Lire la suite sur Agence — https://quotidien.example.fr/article" in composed.text.splitlines()


@pytest.mark.parametrize(
    ("lang", "date_line", "published"),
    [
        ("de", "1.\u00a0Dezember 2026", "Veröffentlicht am 1.\u00a0Dezember 2026"),
        ("ja", "2026年12月1日", "発行日：2026年12月1日"),
    ],
)
def test_the_date_line_in_the_issues_language(make_issue: MakeIssue, lang: str, date_line: str, published: str) -> None:
    issue = FRENCH_ISSUE.replace("date: 2026-12-01\n", f"date: 2026-12-01\nlang: {lang}\n")
    composed = compose(make_issue(issue, FRENCH_PUBLICATION))
    for text in (visible_text(composed.html), composed.text):
        assert date_line in text and published in text


def _texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    return [re.sub(r"\{\w+\}", " ", str(value))]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))
