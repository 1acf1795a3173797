"""The plain-text part of a composed issue, read as a person reading it in a text-only mail client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wcwidth

from composer.core.pipeline import compose

from .conftest import SAMPLE, SEED, MakeIssue, cli

WIDTH = 78
LONG_STORY_URL = "https://example.com/2020/02/03/" + "the-full-story-with-a-slug-long-enough-to-pass-the-edge-" * 2
LONG_REPORT_URL = "https://example.com/reports/" + "annual-report-on-everything-that-happened-" * 2 + "final.pdf"
LONG_READ_URL = "https://reads.example.com/longform/" + "a-read-whose-address-does-not-fit-" * 3 + "on-one-line"
LONG_ACTION_URL = "https://news.example.com/write/for/us/" + "and-get-paid-for-your-stories-" * 3

PUBLICATION = f"""\
name: The Daily Test
url: https://news.example.com
contact: desk@example.com
notice: Read this [on the web](https://news.example.com/web).
footer: You subscribed at [news.example.com](https://news.example.com/subscribe).
calls_to_action:
  - heading: Tip us off.
    label: Send
    url: mailto:desk@example.com
  - heading: Write for us.
    text: We pay for stories.
    label: Learn more
    url: {LONG_ACTION_URL}
"""

LONG_HEADLINE = "A second headline that is long enough to need two lines in the plain text part of the email"

ISSUE = f"""\
date: 2020-02-03
summary: >-
  A summary with a [first link](https://example.com/summary), *emphasis* and **strong** words,
  Tom &amp; Jerry, `code` and &copy; 2020.
stories:
  - headline: First headline
    url: {LONG_STORY_URL}
    image:
      src: https://example.com/photo.jpg
      alt: Smoke over the town
      caption: The town on Thursday.
      credit: A. Photographer
    body: |
      A first paragraph quoting [a source](https://example.com/source?a=1&b=2) in words enough to
      wrap past the seventy-eighth column of a plain-text mail client at least once or twice.

      > A quotation from [someone](https://example.com/quote) that goes on long enough to wrap
      > inside its own quote marker.

      - A bullet with a [link](https://example.com/bullet)
      - A bullet long enough to wrap and show its hanging indentation under the first words

      1. First step
      2. Second step

      The whole report is at <{LONG_REPORT_URL}>.
  - headline: {LONG_HEADLINE}
    body: Text with a [second story link](https://example.com/second).
recommended_reads:
  - title: A long read with a title long enough to wrap past the seventy-eighth column of the text
    url: {LONG_READ_URL}
    source: The Example
    note: Worth your time.
  - title: A short read
    url: https://example.com/short
"""

# Every Markdown link of ISSUE and PUBLICATION, in reading order: (its text, its address).
LINKS = [
    ("on the web", "https://news.example.com/web"),
    ("first link", "https://example.com/summary"),
    ("a source", "https://example.com/source?a=1&b=2"),
    ("someone", "https://example.com/quote"),
    ("link", "https://example.com/bullet"),
    ("second story link", "https://example.com/second"),
    ("news.example.com", "https://news.example.com/subscribe"),
]

URL_LINE = re.compile(r"(\[\d+\] )?(https?|mailto):\S+")  # a URL alone, or a reference note
HTML_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
HTML_TAG = re.compile(r"</?[A-Za-z!?][^>]*>")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def normalised(text: str) -> str:
    """Whitespace (including the seed's non-breaking spaces) collapsed to single spaces."""
    return " ".join(text.split())


def overlong_lines(text: str) -> list[str]:
    """Lines wider than 78 screen columns that are not a single URL (which must never be broken)."""
    return [line for line in text.split("\n") if wcwidth.width(line) > WIDTH and not URL_LINE.fullmatch(line.strip())]


def markup_left(text: str) -> list[str]:
    """Markdown or HTML an editor wrote that should have been turned into plain text."""
    found = re.findall(r"\[[^\]\n]*\]\([^)\n]*\)", text)  # [text](url)
    found += re.findall(r"\*\*|__", text)
    found += HTML_TAG.findall(text) + [match.group(0) for match in HTML_ENTITY.finditer(text)]
    return found


@pytest.fixture
def rich_text(make_issue: MakeIssue) -> str:
    return compose(make_issue(ISSUE, PUBLICATION)).text


@pytest.fixture(scope="module")
def sample_text() -> str:
    return compose(SAMPLE).text


def test_the_cli_writes_the_same_text(make_issue: MakeIssue, tmp_path: Path) -> None:
    path = make_issue(ISSUE, PUBLICATION)
    result = cli(str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "issue.txt").read_text(encoding="utf-8") == compose(path).text


def test_lines_fit_in_78_columns(rich_text: str, sample_text: str) -> None:
    assert overlong_lines(rich_text) == []
    assert overlong_lines(sample_text) == []
    assert not any(line != line.rstrip() for line in rich_text.split("\n")), "trailing spaces"


@pytest.mark.parametrize("url", [LONG_STORY_URL, LONG_REPORT_URL, LONG_READ_URL, LONG_ACTION_URL])
def test_long_urls_are_never_broken(rich_text: str, url: str) -> None:
    assert len(url) > WIDTH
    assert url in rich_text.split("\n") or any(line.strip().startswith(url) for line in rich_text.split("\n"))


def test_no_markup_or_entities_remain(rich_text: str, sample_text: str) -> None:
    assert markup_left(rich_text) == []
    assert markup_left(sample_text) == []
    assert "Tom & Jerry, code and © 2020." in normalised(rich_text)
    assert "emphasis and strong words" in normalised(rich_text)


def test_each_link_is_a_numbered_reference(rich_text: str) -> None:
    flowing = normalised(rich_text)
    for number, (text, url) in enumerate(LINKS, 1):
        assert f"{text} [{number}]" in flowing
        assert f"[{number}] {url}" in rich_text.split("\n")
    assert f"[{len(LINKS) + 1}]" not in rich_text


def test_reference_notes_follow_their_story(rich_text: str) -> None:
    lines = rich_text.split("\n")
    # The first story's notes come before the second story's headline, the second's after it.
    second_headline = lines.index(LONG_HEADLINE.rsplit(" ", 3)[0])
    assert lines.index("[5] https://example.com/bullet") < second_headline
    assert lines.index("[6] https://example.com/second") > second_headline


def test_mailto_and_autolinks_are_written_out_not_numbered(rich_text: str) -> None:
    lines = rich_text.split("\n")
    assert "Send: desk@example.com" in lines
    assert LONG_REPORT_URL + "." in lines
    assert "mailto:" not in rich_text


def test_block_quote_and_lists_keep_their_shape(rich_text: str) -> None:
    assert (
        "> A quotation from someone [4] that goes on long enough to wrap inside its own\n> quote marker." in rich_text
    )
    assert (
        "- A bullet with a link [5]\n"
        "- A bullet long enough to wrap and show its hanging indentation under the\n"
        "  first words\n"
        "\n"
        "1. First step\n"
        "2. Second step"
    ) in rich_text


def test_title_and_headlines_are_underlined(rich_text: str) -> None:
    lines = rich_text.split("\n")
    title = "The Daily Test: February\u00a03, 2020"
    assert lines[lines.index(title) + 1] == "=" * len(title)
    assert lines[lines.index("First headline") + 1] == "-" * len("First headline")
    # A headline too long for one line wraps; its rule is as long as its longest line.
    first_part, second_part = (
        "A second headline that is long enough to need two lines in the plain text part",
        "of the email",
    )
    start = lines.index(first_part)
    assert lines[start + 1 : start + 3] == [second_part, "-" * len(first_part)]


def test_date_and_read_time_line(rich_text: str) -> None:
    lines = rich_text.split("\n")
    assert "Published on Feb.\u00a03, 2020 · Read time: about 1 minute" in lines  # one line, after the summary


def test_image_caption_then_credit_on_a_line_of_its_own(rich_text: str) -> None:
    lines = rich_text.split("\n")
    caption = lines.index("[Image: Smoke over the town] The town on Thursday.")
    assert lines[caption + 1] == "Photo: A. Photographer"


def test_read_more_link_of_a_story(rich_text: str) -> None:
    lines = rich_text.split("\n")
    # Too long to share a line with its label: the address gets a line of its own, whole.
    assert lines[lines.index(LONG_STORY_URL) - 1] == "Read more:"


def test_recommended_reads(rich_text: str) -> None:
    section = rich_text.split("Recommended Reads\n-----------------\n", 1)[1]
    assert section.startswith(
        "\n- A long read with a title long enough to wrap past the seventy-eighth column\n"
        "  of the text — The Example\n"
        "  Worth your time.\n"
        f"  {LONG_READ_URL}\n"
        "\n"
        "- A short read\n"
        "  https://example.com/short\n"
    )


def test_calls_to_action_and_footer(rich_text: str) -> None:
    tail = rich_text.split("\n--\n", 1)
    assert len(tail) == 2, "the footer is set apart by a '--' line"
    before, footer = tail
    assert "Tip us off.\nSend: desk@example.com" in before
    assert f"Write for us.\nWe pay for stories.\nLearn more:\n{LONG_ACTION_URL}" in before
    assert footer == (
        "You subscribed at news.example.com [7].\n"
        "[7] https://news.example.com/subscribe\n"
        "\n"
        "The Daily Test: https://news.example.com\n"
        "desk@example.com\n"
    )


def test_the_masthead_then_the_notice_come_first(rich_text: str) -> None:
    # After the line every email opens with: its web version (by default, its page in the web archive).
    web_version, masthead, rest = rich_text.split("\n\n", 2)
    assert web_version == "View this email in your browser: https://news.example.com/2020/02/03-issue/"
    # The default title says the date ("The Daily Test: February 3, 2020"): the masthead leaves it to the title.
    assert masthead == "The Daily Test"
    assert rest.startswith("Read this on the web [1].\n[1] https://news.example.com/web\n\n---")


ARABIC_HEADLINE = "القوات الحكومية تسيطر على آخر معاقل التنظيم في سوريا"
ARABIC_BODY = (
    "قالت مصادر محلية يوم الخميس إن القوات الحكومية دخلت المدينة بعد انسحاب المسلحين منها، "
    "وذلك وفقاً لما ذكره [المرصد السوري](https://example.com/ar/source) لحقوق الإنسان في تقريره اليومي."
)
HEBREW_READ = "כוחות הממשלה נכנסו לעיר ביום חמישי"


def test_right_to_left_text_is_kept_as_written(make_issue: MakeIssue) -> None:
    path = make_issue(
        f"""\
        date: 2017-11-09
        lang: ar
        title: الملخص التنفيذي
        summary: ملخص قصير عن أحداث اليوم.
        stories:
          - headline: {ARABIC_HEADLINE}
            body: {ARABIC_BODY}
        recommended_reads:
          - title: {HEBREW_READ}
            url: https://example.com/he/read
            source: הארץ
        """
    )
    text = compose(path).text
    flowing = normalised(text)
    lines = text.split("\n")
    assert lines[lines.index(ARABIC_HEADLINE) + 1] == "-" * len(ARABIC_HEADLINE)
    # Same code points in the same order: the link becomes a note, nothing else changes.
    assert normalised(ARABIC_BODY.replace("[المرصد السوري](https://example.com/ar/source)", "المرصد السوري [1]")) in (
        flowing
    )
    assert "[1] https://example.com/ar/source" in lines
    assert f"- {HEBREW_READ} — הארץ" in lines
    assert "الملخص التنفيذي" in lines and "ملخص قصير عن أحداث اليوم." in lines
    # No direction marks or embeddings were added: the reader's client lays the text out.
    assert BIDI_CONTROLS.findall(text) == []
    assert overlong_lines(text) == []


JAPANESE_ISSUE = """\
date: 2020-02-03
lang: ja
title: 東京の朝のニュース：今日知っておきたい出来事と、その背景にある長い物語のすべて
summary: >-
  今日のニュースレターでは、東京と大阪で起きた出来事を、背景とともに短くまとめてお届けします。詳しくは[こちら](https://example.com/summary)をご覧ください。
stories:
  - headline: 東京都は来年度の予算案を発表し、子育て支援と防災対策に重点を置くと説明しました。財源には課題も
    body: |
      東京都は三日、来年度の予算案を発表しました。総額は過去最大となり、「子育て支援」と「防災対策」に重点を置いています。知事は記者会見で、「都民の暮らしを守るための予算だ」と述べました。

      専門家からは、財源の確保について慎重な議論が必要だという声も上がっています（詳細は後日）。
"""


def test_japanese_wraps_in_screen_columns_with_matching_underlines(make_issue: MakeIssue) -> None:
    # Japanese has no spaces between words and each character takes two columns: the text breaks
    # between characters, never before 。、」） nor after 「（, and each rule is as wide as its heading.
    text = compose(make_issue(JAPANESE_ISSUE)).text
    assert (
        "東京の朝のニュース：今日知っておきたい出来事と、その背景にある長い物語のすべて\n" + "=" * 78 + "\n\n"
        "今日のニュースレターでは、東京と大阪で起きた出来事を、背景とともに短くまとめて\n"
        "お届けします。詳しくはこちら [1]をご覧ください。\n"
    ) in text
    assert (
        "東京都は来年度の予算案を発表し、子育て支援と防災対策に重点を置くと説明しまし\n"
        "た。財源には課題も\n" + "-" * 76 + "\n\n"
        "東京都は三日、来年度の予算案を発表しました。総額は過去最大となり、「子育て支\n"
        "援」と「防災対策」に重点を置いています。知事は記者会見で、「都民の暮らしを守る\n"
        "ための予算だ」と述べました。\n"
        "\n"
        "専門家からは、財源の確保について慎重な議論が必要だという声も上がっています（詳\n"
        "細は後日）。\n"
    ) in text
    assert overlong_lines(text) == []


def seed_paragraphs() -> list[str]:
    """The seed's title, summary and stories, paragraph by paragraph (the email's main text)."""
    seed = SEED.read_text(encoding="utf-8")
    start = seed.index("Executive Summary for November 9th")
    reads = re.search(r"Recommended\s+Reads:", seed)
    assert reads is not None
    end = reads.start()
    paragraphs = [normalised(part) for part in seed[start:end].split("\n\n") if part.strip()]
    return [part for part in paragraphs if not part.startswith("Published on")]


def test_sample_text_has_every_sentence_of_the_seed_in_order(sample_text: str) -> None:
    flowing = normalised(sample_text)
    paragraphs = seed_paragraphs()
    assert len(paragraphs) == 26  # the title, the summary, three headlines and 21 paragraphs
    position = 0
    for paragraph in paragraphs:
        found = flowing.find(paragraph, position)
        assert found >= 0, f"missing or out of order: {paragraph!r}"
        position = found + len(paragraph)


def test_sample_text_has_the_seeds_date_and_read_time(sample_text: str) -> None:
    lines = sample_text.split("\n")
    assert "Published on Nov.\u00a09, 2017 · Read time: about 3 minutes" in lines


def test_sample_text_has_the_calls_to_action_and_footer(sample_text: str) -> None:
    assert "Suggest your story or issue.\nSend: syria@example.com" in sample_text
    assert (
        "Share Your Story.\n"
        "Have a story idea? Interested in adding your voice to our growing community?\n"
        "Learn more: https://example.com/share-your-story"
    ) in sample_text
    assert sample_text.endswith(
        "\nSyria Deeply: https://www.newsdeeply.com/syria\nsyria@example.com\n"
        "Unsubscribe: https://www.newsdeeply.com/syria/unsubscribe\n"
        "Syria Deeply, 1 Example Street, New York, NY 10001\n"
    )
