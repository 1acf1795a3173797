"""A publication's own texts in several languages, and an issue in another language than its
publication's: which text is shown, in which direction, and what the .eml says of its language."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import lxml.html
import pytest

from composer.commands.send import message
from composer.core.load import load
from composer.core.pipeline import compose
from composer.errors import InvalidInput
from composer.i18n import languages

from .conftest import PUBLICATION, ROOT, MakeIssue

ARABIC_ISSUE = """\
date: 2017-11-10
lang: ar
title: ملخص تنفيذي
summary: |
  سيطرت القوات الموالية للحكومة على آخر معقل لتنظيم الدولة في سوريا.
stories:
  - headline: القوات الحكومية تسيطر على البوكمال
    body: |
      قالت وسائل إعلام رسمية إن القوات الحكومية سيطرت على المدينة يوم الخميس.
"""
ENGLISH_ISSUE = """\
date: 2017-11-09
summary: The forces took the town.
stories:
  - headline: A headline
    body: A paragraph.
"""
NOTICE_PER_LANGUAGE = """\
notice:
  en: Dear readers, welcome.
  ar: أعزاءنا القراء، أهلاً بكم.
footer:
  en: You subscribed at our site.
"""
SENDER = "sender:\n  name: The Daily Test\n  email: desk@news.example.com\n"


# --- choosing -----------------------------------------------------------------------------------


def test_a_single_text_is_in_the_publications_language() -> None:
    assert languages.pick("Hello", "ar", "en") == ("Hello", "en")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ar", ("مرحبا", "ar")),
        ("ar-EG", ("مرحبا", "ar")),  # the same language, another country
        ("en", ("Hello", "en")),
        ("fr", ("Hello", "en")),  # none in French: the publication's own
    ],
)
def test_a_text_per_language_is_the_issues_or_else_the_publications(lang: str, expected: tuple[str, str]) -> None:
    assert languages.pick({"en": "Hello", "ar": "مرحبا"}, lang, "en") == expected


def test_without_the_publications_language_the_first_given_is_shown() -> None:
    assert languages.pick({"de": "Hallo", "ar": "مرحبا"}, "fr", "en") == ("Hallo", "de")


def test_a_text_in_another_language_knows_its_direction() -> None:
    chosen = languages.chosen("Hello", "ar", "en")
    assert (chosen.foreign, chosen.lang, chosen.dir, chosen.start) == (True, "en", "ltr", "left")
    assert languages.chosen("Hello", "en-GB", "en").foreign is False


# --- the email ----------------------------------------------------------------------------------


def notice_and_footer(html: str) -> tuple[str, str]:
    page = lxml.html.fromstring(html)
    (notice,) = page.xpath("//*[contains(@class, 'notice')]//p")
    footer = page.xpath("//*[contains(concat(' ', @class, ' '), ' footer ')]//p")[0]
    return notice.text_content(), footer.text_content()


def test_the_arabic_issue_shows_the_arabic_notice_and_the_english_one_the_english(make_issue: MakeIssue) -> None:
    publication = PUBLICATION + NOTICE_PER_LANGUAGE
    arabic = compose(make_issue(ARABIC_ISSUE, publication, name="ar.yaml"))
    english = compose(make_issue(ENGLISH_ISSUE, publication, name="en.yaml"))

    assert notice_and_footer(arabic.html) == ("أعزاءنا القراء، أهلاً بكم.", "You subscribed at our site.")
    assert notice_and_footer(english.html) == ("Dear readers, welcome.", "You subscribed at our site.")
    assert "أعزاءنا القراء، أهلاً بكم." in arabic.text and "Dear readers" not in arabic.text
    # The Arabic notice is the email's own language: no marks; the English footer has its own.
    page = lxml.html.fromstring(arabic.html)
    assert page.xpath("//*[contains(@class, 'notice')]//*[@lang]") == []
    (marked,) = page.xpath("//*[contains(concat(' ', @class, ' '), ' footer ')]//div[@lang]")
    assert (marked.get("lang"), marked.get("dir")) == ("en", "ltr")


def test_an_english_issue_of_an_english_publication_has_no_marks_of_its_own(make_issue: MakeIssue) -> None:
    html = compose(make_issue(ENGLISH_ISSUE, PUBLICATION + NOTICE_PER_LANGUAGE)).html
    # Only the page itself, as MJML writes it, says its language.
    assert [element.get("class") for element in lxml.html.fromstring(html).xpath("//body//*[@lang]")] == ["page"]


def test_calls_to_action_per_language_and_in_their_own(make_issue: MakeIssue) -> None:
    publication = PUBLICATION.replace("label: Send", "label: {en: Send, ar: أرسل}")
    page = lxml.html.fromstring(compose(make_issue(ARABIC_ISSUE, publication)).html)

    buttons = [" ".join(button.text_content().split()) for button in page.xpath("//a[@target='_blank']")]
    assert buttons[-2:] == ["أرسل", "Learn more"]
    headings = page.xpath("//h2[contains(@class, 'label')]")
    assert [(h.text_content(), h.get("lang"), h.get("dir")) for h in headings] == [
        ("Tip us off.", "en", "ltr"),
        ("Write for us.", "en", "ltr"),
    ]
    (learn_more,) = page.xpath("//span[@lang]")
    assert (learn_more.text, learn_more.get("dir")) == ("Learn more", "ltr")


def test_a_title_pattern_per_language(make_issue: MakeIssue) -> None:
    publication = PUBLICATION.replace(
        "title_pattern: Briefing for {month} {day_ordinal}",
        "title_pattern:\n  en: Briefing for {month} {day_ordinal}\n  ar: 'موجز {day}'",
    )
    arabic = ARABIC_ISSUE.replace("title: ملخص تنفيذي\n", "")
    assert compose(make_issue(arabic, publication, name="ar.yaml")).title == "موجز 10"
    assert compose(make_issue(ENGLISH_ISSUE, publication, name="en.yaml")).title == "Briefing for November\u00a09th"


# --- mistakes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice", "line", "column", "field", "message"),
    [
        (
            "notice:\n  en: Hello.\n  arr: مرحبا\n",
            15,
            3,
            "notice.arr",
            "'arr' is not a language composer knows; write its tag, such as en, ar or fr-CA",
        ),
        (
            "notice:\n  en: Hello.\n  Arabic: مرحبا\n",
            15,
            3,
            "notice.Arabic",
            "'Arabic' is not a language tag such as en, en-GB, ar or fr-CA",
        ),
        (
            "notice: {}\n",
            13,
            9,
            "notice",
            "give the text in at least one language, e.g. 'en: ...', or write the text itself",
        ),
        ("notice:\n  en: ''\n", 14, 7, "notice.en", "must not be empty"),
    ],
)
def test_a_bad_text_per_language_is_a_located_error(
    make_issue: MakeIssue, notice: str, line: int, column: int, field: str, message: str
) -> None:
    issue = make_issue(ENGLISH_ISSUE, PUBLICATION + notice)
    with pytest.raises(InvalidInput) as raised:
        load(issue)
    problems = [(p.path.rsplit("/", 1)[-1], p.line, p.column, p.field, p.message) for p in raised.value.problems]
    assert problems == [("publication.yaml", line, column, field, message)]


def test_a_title_pattern_per_language_is_checked_in_each_language(make_issue: MakeIssue) -> None:
    publication = PUBLICATION.replace(
        "title_pattern: Briefing for {month} {day_ordinal}",
        "title_pattern:\n  en: Briefing for {month}\n  ar: '{mnth}'",
    )
    with pytest.raises(InvalidInput) as raised:
        load(make_issue(ENGLISH_ISSUE, publication))
    [problem] = raised.value.problems
    assert (problem.line, problem.field) == (5, "title_pattern.ar")
    assert "{mnth}" in problem.message


# --- the .eml -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("issue", "lang"), [(ARABIC_ISSUE, "ar"), (ENGLISH_ISSUE, "en")])
def test_each_part_of_the_eml_says_the_issues_language(make_issue: MakeIssue, issue: str, lang: str) -> None:
    data = message.as_bytes(message.message(compose(make_issue(issue, PUBLICATION + SENDER))))
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    parts = list(parsed.iter_parts())
    assert [(part.get_content_type(), part["Content-Language"]) for part in parts] == [
        ("text/plain", lang),
        ("text/html", lang),
    ]


def test_an_arabic_issue_in_the_english_sample_publication_has_an_arabic_date_line(make_issue: MakeIssue) -> None:
    # The sample's date_format, "{month_ap} {day}, {year}", holds no English word: an Arabic issue
    # writes its own date. Its title_pattern has English words, and stays English (marked so).
    sample_publication = (ROOT / "issues" / "publication.yaml").read_text(encoding="utf-8")
    composed = compose(make_issue(ARABIC_ISSUE, sample_publication))
    assert "نُشر في 10\u00a0نوفمبر 2017" in composed.text
    assert "\n10\u00a0نوفمبر 2017\n" in composed.text  # the masthead's date
    page = lxml.html.document_fromstring(composed.html)
    assert "نُشر في 10 نوفمبر 2017" in " ".join(page.text_content().split())
    assert "Nov. 10" not in composed.text and "Nov. 10" not in page.text_content()


def test_a_text_in_two_scripts_of_a_language_is_picked_by_script() -> None:
    # zh-TW and zh-HK read traditional characters (CLDR's likely script): zh-Hant's text, though zh: comes first.
    texts = {"zh": "简体", "zh-Hant": "繁體", "en": "English"}
    assert [languages.pick(texts, lang, "en")[1] for lang in ("zh-TW", "zh-HK", "zh", "zh-CN")] == [
        "zh-Hant",
        "zh-Hant",
        "zh",
        "zh",
    ]
