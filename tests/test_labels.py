"""The email's own words in each language: the label files, plural forms, and publication overrides."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from babel import Locale

from composer.commands.archive import archive
from composer.commands.check import check
from composer.core.models import Labels, Publication
from composer.core.pipeline import compose
from composer.errors import InvalidInput
from composer.i18n import labels, languages

from .conftest import MakeIssue

LANGUAGES = ["ar", "de", "en", "es", "fr", "he", "it", "ja", "pt", "ru", "zh", "zh-Hant"]
MINUTES = [0, 1, 2, 3, 5, 11, 21, 101]
# Every key a label file gives; read_time_one is only for publication.yaml files written before
# read_time had its plural forms.
KEYS = set(Labels.model_fields) - {"read_time_one"}


def file_of(language: str) -> dict[str, object]:
    loaded = yaml.safe_load((Path(labels.__file__).parent / f"{language}.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_eleven_languages_have_their_own_words_and_chinese_both_its_scripts() -> None:
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
        ("en", ["Read time: about 1 minute", "Read time: about 2 minutes", "Read time: about 21 minutes"]),
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
    assert (words.read_more, labels.read_time_line(words, "nl", 1)) == ("Read more", "Read time: about 1 minute")


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
        ("zh", "Le Quotidien：2026\u2060年\u206012\u2060月\u20601\u2060日"),
        ("ja", "Le Quotidien：2026\u2060年\u206012\u2060月\u20601\u2060日"),
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
        ("ja", "2026\u2060年\u206012\u2060月\u20601\u2060日", "発行日：2026\u2060年\u206012\u2060月\u20601\u2060日"),
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


# Hebrew ----------------------------------------------------------------------------------------

HEBREW_PUBLICATION = """\
name: היומון
url: https://yomon.example.co.il
lang: he
contents: true
unsubscribe_url: https://yomon.example.co.il/unsubscribe
web_version_url: https://yomon.example.co.il/{iso}
"""
HEBREW_ISSUE = """\
date: 2020-12-01
summary: סיכום היום, עם [קישור](https://yomon.example.co.il/summary).
stories:
  - headline: כותרת ראשונה
    body: פסקה ראשונה של הכתבה.
    url: https://yomon.example.co.il/a
    source: Reuters
    image:
      src: https://yomon.example.co.il/photo.jpg
      alt: כיכר בתל אביב
      caption: הכיכר בבוקר.
      credit: AP
  - headline: כותרת שנייה
    body: פסקה שנייה.
    url: https://yomon.example.co.il/b
recommended_reads:
  - title: כתבה ארוכה
    url: https://yomon.example.co.il/read
"""


def english_built_in_words() -> set[str]:
    """Every word of composer's English file: none of them may show in an issue of another language."""
    return _words(" ".join(_texts(file_of("en"))))


def test_a_hebrew_issue_shows_no_english_word_of_composers_own(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(HEBREW_ISSUE, HEBREW_PUBLICATION, "2020-12-01.yaml"))
    assert english_built_in_words() > {"Read", "more", "Unsubscribe", "browser", "Published", "minute", "issue"}
    for text in (visible_text(composed.html), composed.text):
        text = languages.without_controls(re.sub(r"https://\S+", "", text))  # as readers see it
        assert not english_built_in_words() & _words(text), english_built_in_words() & _words(text)
        for line in (
            "פורסם ב־1\u00a0בדצמבר 2020",
            "זמן קריאה: כדקה",
            "קראו עוד ב־Reuters",
            "קראו עוד",
            "צילום: AP",
            "בגיליון זה",
            "מומלץ לקריאה",
            "הסרה מרשימת התפוצה",
            "לצפייה בדפדפן",
        ):
            assert line in text
    assert "[תמונה: כיכר בתל אביב] הכיכר בבוקר." in composed.text
    # The Latin source reads as a run of its own inside the Hebrew words around it.
    assert 'קראו עוד ב־<span dir="ltr">Reuters</span>\u200f</a>' in composed.html
    assert "קראו עוד ב־\u2066Reuters\u2069\u200f: https://" in composed.text


@pytest.mark.parametrize(
    ("minutes", "line"),
    [
        (1, "זמן קריאה: כדקה"),
        (2, "זמן קריאה: כשתי דקות"),
        (3, "זמן קריאה: כ־3 דקות"),
        (11, "זמן קריאה: כ־11 דקות"),
        (20, "זמן קריאה: כ־20 דקות"),
    ],
)
def test_hebrew_read_time_takes_the_dual_for_two_minutes(minutes: int, line: str) -> None:
    assert labels.read_time_line(labels.for_language(Labels(), "he"), "he-IL", minutes) == line


def test_a_hebrew_archive_shows_no_english_word_of_composers_own(make_issue: MakeIssue, tmp_path: Path) -> None:
    for day in ("2020-12-01", "2020-12-02", "2020-12-03"):
        make_issue(HEBREW_ISSUE.replace("2020-12-01", day), HEBREW_PUBLICATION, f"{day}.yaml")
    result = archive([tmp_path / "issues"], tmp_path / "site")
    assert result.ok, result.problems
    middle = tmp_path / "site" / "2020" / "12" / "02" / "index.html"
    for page in (tmp_path / "site" / "index.html", middle):
        html = page.read_text(encoding="utf-8")
        text = re.sub(r"https://\S+|yomon\.example\.co\.il", "", visible_text(html))
        assert not english_built_in_words() & _words(text), (page, english_built_in_words() & _words(text))
        # Nor words a screen reader reads out: the navigation's label was English in every language.
        spoken = lxml.html.document_fromstring(html).xpath("//@aria-label | //@title | //@alt")
        assert not [words for words in spoken if _words(str(words)) - {"RSS"}], spoken
    # Back is to the right in a right-to-left page: the arrows point the way it reads, as in Arabic.
    middle_text = visible_text(middle.read_text(encoding="utf-8"))
    assert "→ הגיליון הקודם" in middle_text and "הגיליון הבא ←" in middle_text
    assert "כל הגיליונות" in middle_text and "פיד RSS" in middle_text


# Labels per language in publication.yaml --------------------------------------------------------

MANY_LANGUAGES = Publication.model_validate(
    {
        "name": "The Daily",
        "url": "https://example.com",
        "labels": {
            "unsubscribe": {"en": "Opt out", "he": "להסרה"},
            "read_more": "Continue",  # one text: every language
            "read_time": {
                "en": "About {minutes} min",
                "he": {"one": "דקה", "two": "שתי דקות", "other": "{minutes} דק׳"},
            },
        },
    }
)


@pytest.mark.parametrize(
    ("lang", "unsubscribe", "one_minute", "two_minutes"),
    [
        ("en", "Opt out", "Read time: about 1 minute", "About 2 min"),  # "one" from composer's English file
        ("he", "להסרה", "דקה", "שתי דקות"),
        ("he-IL", "להסרה", "דקה", "שתי דקות"),  # he's words: the language's, whatever its region
        ("fr", "Se désinscrire", "Lecture\u00a0: 1\u00a0min", "Lecture\u00a0: 2\u00a0min"),  # French's own file
        ("sv", "Opt out", "Read time: about 1 minute", "About 2 min"),  # no file: the publication's English
    ],
)
def test_a_label_given_per_language_is_picked_by_the_issues_language(
    lang: str, unsubscribe: str, one_minute: str, two_minutes: str
) -> None:
    words = labels.for_language(MANY_LANGUAGES.labels, lang)
    assert (words.unsubscribe, words.read_more) == (unsubscribe, "Continue")
    assert [labels.read_time_line(words, lang, minutes) for minutes in (1, 2)] == [one_minute, two_minutes]


def test_an_issue_shows_the_labels_of_its_language(make_issue: MakeIssue) -> None:
    publication = HEBREW_PUBLICATION.replace("lang: he", "lang: en") + (
        "labels:\n  unsubscribe:\n    en: Opt out\n    he: להסרה\n  in_this_issue: {he: בגיליון של היום}\n"
    )
    hebrew = compose(make_issue(HEBREW_ISSUE.replace("date: 2020-12-01", "date: 2020-12-01\nlang: he"), publication))
    english = compose(make_issue(HEBREW_ISSUE, publication))
    for text in (visible_text(hebrew.html), hebrew.text):
        assert "להסרה" in text and "בגיליון של היום" in text and "Opt out" not in text
    for text in (visible_text(english.html), english.text):
        assert "Opt out" in text and "In this issue" in text and "להסרה" not in text


def test_read_time_in_a_language_without_a_file_is_never_half_english() -> None:
    # One text for Swedish is every number's: not English's "Read time: about 1 minute" for one.
    given = Labels.model_validate({"read_time": {"sv": "Lästid: {minutes} min"}})
    words = labels.for_language(given, "sv")
    assert [labels.read_time_line(words, "sv", minutes) for minutes in (1, 3)] == ["Lästid: 1 min", "Lästid: 3 min"]


@pytest.mark.parametrize(
    ("labels_yaml", "line", "field", "message"),
    [
        (
            "  published:\n    en: Published on {date}\n    he: פורסם {day}\n",
            3,
            "labels.published.he",
            "unknown placeholder {day}; use {date}",
        ),
        (
            "  read_time:\n    he:\n      one: דקה\n      two: '{x} דקות'\n",
            4,
            "labels.read_time.he.two",
            "unknown placeholder {x}; use {minutes}",
        ),
        ("  read_time:\n    one: '{x}'\n", 2, "labels.read_time.one", "unknown placeholder {x}; use {minutes}"),
    ],
)
def test_each_language_of_a_label_is_checked_at_its_line(
    make_issue: MakeIssue, labels_yaml: str, line: int, field: str, message: str
) -> None:
    publication = FRENCH_PUBLICATION + "labels:\n" + labels_yaml
    with pytest.raises(InvalidInput) as caught:
        compose(make_issue(FRENCH_ISSUE, publication))
    [problem] = caught.value.problems
    assert (problem.line, problem.field, problem.message) == (FRENCH_PUBLICATION.count("\n") + 1 + line, field, message)


# compose check: a language without words of its own ---------------------------------------------

EVERY_KEY = (
    "published, read_time (one, other), read_more, read_more_at, source, photo_credit, image, in_this_issue, "
    "recommended_reads, unsubscribe, web_version, previous_issue, next_issue, all_issues, feed"
)
SWEDISH_WORDS = {
    "published": "Publicerad {date}",
    "read_time": {"one": "Lästid: {minutes} minut", "other": "Lästid: {minutes} minuter"},
    "read_more": "Läs mer",
    "read_more_at": "Läs mer: {source}",
    "source": "Källa: {source}",
    "photo_credit": "Foto: {credit}",
    "image": "Bild: {alt}",
    "in_this_issue": "I detta nummer",
    "recommended_reads": "Läsvärt",
    "unsubscribe": "Avregistrera",
    "web_version": "Visa i webbläsaren",
    "previous_issue": "← Föregående nummer",
    "next_issue": "Nästa nummer →",
    "all_issues": "Alla nummer",
    "feed": "RSS-flöde",
}


def labels_missing(make_issue: MakeIssue, lang: str, publication: str) -> list[tuple[str, str]]:
    issue = FRENCH_ISSUE.replace("date: 2026-12-01\n", f"date: 2026-12-01\nlang: {lang}\n")
    composed = compose(make_issue(issue, publication))
    return [(finding.path, finding.message) for finding in check(composed) if finding.rule == "labels-missing"]


def test_check_warns_of_a_language_without_words_naming_the_keys_to_give(make_issue: MakeIssue) -> None:
    assert "sv" not in labels.languages()
    [(where, message)] = labels_missing(make_issue, "sv", FRENCH_PUBLICATION)
    assert where == f"{make_issue(FRENCH_ISSUE, FRENCH_PUBLICATION).parent / 'publication.yaml'}:1:1"
    assert message == (
        'composer has no words of its own in Swedish (sv), so this issue shows English ones ("Read more", '
        '"Unsubscribe") among yours: give them in labels: in publication.yaml, for sv (e.g. `unsubscribe: '
        f"{{sv: ...}}`) or as one text for every language: {EVERY_KEY}"
    )


def test_check_names_only_the_keys_left_to_give_at_the_labels_line(make_issue: MakeIssue) -> None:
    publication = FRENCH_PUBLICATION + "labels:\n  read_more: {sv: Läs mer}\n  unsubscribe: Avregistrera\n"
    [(where, message)] = labels_missing(make_issue, "sv-FI", publication)
    assert where.endswith(f"publication.yaml:{FRENCH_PUBLICATION.count(chr(10)) + 1}:1")
    assert message.endswith(EVERY_KEY.replace("read_more, ", "").replace("unsubscribe, ", ""))


def test_check_is_silent_when_publication_yaml_gives_every_word(make_issue: MakeIssue) -> None:
    per_language = {
        key: {"fr": "x", "sv": value} if key != "read_time" else {"sv": value} for key, value in SWEDISH_WORDS.items()
    }
    publication = FRENCH_PUBLICATION + yaml.safe_dump({"labels": per_language}, allow_unicode=True)
    assert labels_missing(make_issue, "sv", publication) == []
    assert labels_missing(make_issue, "nl", publication) != []  # the Swedish words are no Dutch


@pytest.mark.parametrize("lang", ["he", "ar", "fr", "de", "ja", "zh-TW", "en-GB"])
def test_check_is_silent_for_a_language_composer_has_words_for(make_issue: MakeIssue, lang: str) -> None:
    assert labels_missing(make_issue, lang, FRENCH_PUBLICATION) == []


@pytest.mark.parametrize(
    ("lang", "read_more_at"),
    [("de", "Weiterlesen\u00a0– Der Spiegel"), ("ru", "Читать далее\u00a0— Der Spiegel")],
)
def test_read_more_at_takes_any_name_and_one_colon(make_issue: MakeIssue, lang: str, read_more_at: str) -> None:
    # German "bei", Russian "на" would need the name's case ("beim Spiegel"); a colon would meet the
    # plain text's own before the link.
    issue = FRENCH_ISSUE.replace("date: 2026-12-01\n", f"date: 2026-12-01\nlang: {lang}\n")
    composed = compose(make_issue(issue.replace("source: Agence", "source: Der Spiegel"), FRENCH_PUBLICATION))
    assert read_more_at in visible_text(composed.html)
    assert f"{read_more_at}: https://quotidien.example.fr/article" in composed.text.splitlines()


def test_each_label_says_the_language_it_is_in() -> None:
    given = Labels.model_validate(
        {"unsubscribe": "Unsubscribe", "read_more": {"en": "More", "ar": "المزيد"}, "read_time": "{minutes} min"}
    )
    arabic = labels.languages_of(given, "ar", "en")
    # Given once: the publication's lang; per language: its own tag; else the issue's file.
    assert (arabic["unsubscribe"], arabic["read_more"], arabic["feed"]) == ("en", "ar", "ar")
    # read_time by category: "other" is the publication's words, the rest Arabic's file.
    assert (arabic["read_time.other"], arabic["read_time.few"]) == ("en", "ar")
    swedish = labels.languages_of(given, "sv", "sv")  # no file: English words, and the publication's own
    assert (swedish["unsubscribe"], swedish["read_more"], swedish["feed"]) == ("sv", "en", "en")
