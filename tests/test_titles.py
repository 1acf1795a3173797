"""Titles that hold together: the day held to its month, the date said at most twice at the top of
an issue, and `typography: true` on every text an editor writes, in the email, its plain text, its
subject and the web archive."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path
from xml.etree import ElementTree

import lxml.html
import pytest
from playwright.sync_api import Browser

from composer.commands.archive import archive
from composer.commands.send import message
from composer.core import markdown
from composer.core.pipeline import Composed, compose

from .conftest import MakeIssue
from .test_browser import PHONE, open_email

NBSP = "\u00a0"


def visible_text(html: str) -> str:
    """What a reader sees of the email: no <head>, no styles, not the hidden preheader."""
    document = lxml.html.document_fromstring(html)
    for hidden in document.xpath("//head | //style | //script | //*[contains(@style, 'display:none')]"):
        hidden.drop_tree()
    return str(document.text_content())


# --- typeset, the one function for plain texts -------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "typeset"),
    [
        ("en", "“Peace” talks – day 2… it’s ‘over’ — or not"),
        ("fr", f"«{NBSP}Peace{NBSP}» talks – day 2… it’s ‹{NBSP}over{NBSP}› — or not"),
        ("de", "„Peace“ talks – day 2… it’s ‚over‘ — or not"),
        ("ru", "«Peace» talks – day 2… it’s „over“ — or not"),
        ("xx", "\"Peace\" talks – day 2… it’s 'over' — or not"),  # a language without quotes of its own
        (None, "\"Peace\" talks -- day 2... it's 'over' --- or not"),  # typography off: as typed
    ],
)
def test_typeset_sets_each_languages_quotes_dashes_and_ellipsis(lang: str | None, typeset: str) -> None:
    assert markdown.typeset("\"Peace\" talks -- day 2... it's 'over' --- or not", lang) == typeset


def test_typeset_sets_a_plain_text_as_the_markdown_typographer_sets_a_paragraph() -> None:
    text = "\"Peace\" talks -- day 2... it's 'over' --- or not (1990--2000)"
    for lang in ("en", "fr", "de"):
        assert markdown.to_html(text, lang) == f"<p>{markdown.typeset(text, lang)}</p>\n"


def test_typeset_leaves_what_is_not_quotes_dashes_or_ellipsis() -> None:
    # (c) stays (c), as in the Markdown (test_markdown's replacements): only quotes, dashes and ellipses change.
    assert markdown.typeset("Fees (c) 2026 +- 3 %, sure?!", "en") == "Fees (c) 2026 +- 3 %, sure?!"
    once = markdown.typeset('"A" -- b...', "de")
    assert markdown.typeset(once, "de") == once  # setting twice changes nothing


# --- typography: true in the email, its text, its subject ----------------------------------------

TYPESET_PUBLICATION = """\
name: The Daily Test
url: https://news.example.com
typography: true
unsubscribe_url: https://news.example.com/unsubscribe
sender:
  name: The Daily Test
  email: desk@example.com
calls_to_action:
  - heading: Got a "tip"?
    text: Write to us -- we read everything...
    label: Send it
    url: mailto:desk@example.com
"""
TYPESET_ISSUE = """\
date: 2020-02-03
title: '"Peace" talks -- day 2...'
summary: The "talks" go on -- slowly...
stories:
  - headline: '"Peace" talks -- day 2...'
    body: They said "yes".
    source: The "Times"
    url: https://example.com/story
    image:
      src: https://example.com/photo.jpg
      alt: Delegates at the "table"
      caption: The "table" -- round, at last...
      credit: Jo "Lens" Doe
recommended_reads:
  - title: Why "peace" -- now...
    url: https://example.com/read
    source: The "Review"
    note: A "long" read -- worth it...
"""
HEADLINE = "“Peace” talks – day 2…"


def test_typography_sets_every_plain_text_of_the_email(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(TYPESET_ISSUE, TYPESET_PUBLICATION))
    shown = visible_text(composed.html)
    for typeset in (
        HEADLINE,
        "The “talks” go on – slowly…",  # the summary: Markdown, as before
        "The “Times”",
        "The “table” – round, at last…",
        "Jo “Lens” Doe",
        "Why “peace” – now…",
        "The “Review”",
        "A “long” read – worth it…",
        "Got a “tip”?",
        "Write to us – we read everything…",
    ):
        assert typeset in shown, typeset
        assert typeset in composed.text, typeset
    assert '"' not in shown and "..." not in shown and " -- " not in shown
    page = lxml.html.document_fromstring(composed.html)
    assert page.xpath("//h1")[0].text_content() == HEADLINE
    assert page.xpath("//title")[0].text_content() == HEADLINE  # the subject, as the inbox shows it
    assert page.xpath("//img[@alt='Delegates at the “table”']")
    assert composed.subject == composed.title == HEADLINE
    assert composed.preheader == "The “talks” go on – slowly…"


def test_the_subject_header_carries_the_typeset_title(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(TYPESET_ISSUE, TYPESET_PUBLICATION))
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes(message.message(composed)))
    assert parsed["Subject"] == HEADLINE


def test_typography_off_leaves_plain_texts_as_typed(make_issue: MakeIssue) -> None:
    publication = TYPESET_PUBLICATION.replace("typography: true\n", "")
    composed = compose(make_issue(TYPESET_ISSUE, publication))
    assert '"Peace" talks -- day 2...' in composed.text and composed.subject == '"Peace" talks -- day 2...'


def test_the_default_title_and_the_publications_name_are_typeset_in_the_issues_language(
    make_issue: MakeIssue,
) -> None:
    publication = 'name: Der "Tag"\nurl: https://news.example.com\nlang: de\ntypography: true\n'
    issue = TYPESET_ISSUE.replace("title: '\"Peace\" talks -- day 2...'\n", "")
    composed = compose(make_issue(issue, publication))
    assert composed.title == f"Der „Tag“: 3.{NBSP}Februar 2020"
    assert "„Peace“ talks – day 2…" in composed.text
    masthead = lxml.html.document_fromstring(composed.html).xpath("//*[contains(@class, 'name')]//a")[0]
    assert masthead.text_content() == "Der „Tag“"


def test_the_archive_typesets_titles_and_summaries(make_issue: MakeIssue, tmp_path: Path) -> None:
    make_issue(TYPESET_ISSUE, TYPESET_PUBLICATION, name="2020-02-03.yaml")
    result = archive([tmp_path / "issues"], tmp_path / "site")
    assert result.ok, result.problems
    index = lxml.html.fromstring((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    [entry] = index.cssselect("li.issue")
    assert entry.cssselect("h3")[0].text_content() == HEADLINE
    assert entry.cssselect(".summary")[0].text_content().strip() == "The “talks” go on – slowly…"
    issue_page = lxml.html.fromstring((tmp_path / "site/2020/02/03/index.html").read_text(encoding="utf-8"))
    assert issue_page.cssselect("h1")[0].text_content() == HEADLINE
    assert issue_page.cssselect("title")[0].text_content().startswith(HEADLINE)
    assert "The “table” – round, at last…" in issue_page.text_content()
    feed = ElementTree.parse(tmp_path / "site" / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    [item] = feed.iter(f"{atom}entry")
    assert item.findtext(f"{atom}title") == HEADLINE
    assert "The “talks” go on – slowly…" in (item.findtext(f"{atom}summary") or "")


# --- the date, at most twice at the top ---------------------------------------------------------

DATED_ISSUE = """\
date: 2026-12-05
{lang}summary: A summary of the news.
stories:
  - headline: A headline
    body: A paragraph without numbers.
"""


def times_the_day_is_shown(text: str, day: int) -> int:
    return len(re.findall(rf"(?<!\d){day}(?!\d)", text))


@pytest.mark.parametrize("lang", ["en", "fr", "de", "ru", "ja"])
def test_an_issue_with_the_default_title_says_its_date_at_most_twice(make_issue: MakeIssue, lang: str) -> None:
    publication = f"name: The Meridian Brief\nurl: https://news.example.com\nlang: {lang}\n"
    composed = compose(make_issue(DATED_ISSUE.format(lang=""), publication))
    assert times_the_day_is_shown(composed.title, 5) == 1  # the default title says the date...
    for text in (visible_text(composed.html), composed.text):
        assert times_the_day_is_shown(text, 5) == 2, text  # ...and "Published on" again; no masthead date


def test_a_title_without_the_date_keeps_the_mastheads_date_line(make_issue: MakeIssue) -> None:
    composed = compose(make_issue("title: Special edition\n" + DATED_ISSUE.format(lang="")))
    masthead_date = f"Dec.{NBSP}5, 2026"
    assert composed.text.split("\n\n")[1] == f"The Daily Test\n{masthead_date}"
    assert visible_text(composed.html).count(masthead_date) == 2  # the masthead and "Published on"


def test_the_sample_shows_its_date_as_the_seed_did(sample: Composed) -> None:
    # The seed: "Executive Summary for November 9th", then "Published on Nov. 9, 2017 …" under the summary.
    for text in (visible_text(sample.html), sample.text):
        assert times_the_day_is_shown(text, 9) == 2
        assert text.index(f"Executive Summary for November{NBSP}9th") < text.index(f"Published on Nov.{NBSP}9, 2017")


# --- the day held to its month on a phone --------------------------------------------------------

# A long publication name makes the title wrap on a phone; then the title's line narrows, two pixels at
# a time (a padding at its end), so that its line breaks fall at every place in the date in turn.
SWEEP_JS = """([day, month]) => {
  const title = document.querySelector('h1');
  const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
  let date = null;
  while (walker.nextNode()) if (walker.currentNode.data.includes(month)) date = walker.currentNode;
  const original = date.data;
  const tops = (data) => {
    date.data = data;
    const monthAt = data.lastIndexOf(month), dayAt = monthAt - 1 - day.length;
    const top = (start, end) => {
      const range = document.createRange();
      range.setStart(date, start);
      range.setEnd(date, end);
      return range.getClientRects()[0].top;
    };
    return [top(dayAt, dayAt + day.length), top(monthAt, monthAt + month.length)];
  };
  const found = [];
  for (let narrower = 0; narrower <= 160; narrower += 2) {
    title.style.paddingInlineEnd = `${narrower}px`;
    const [dayTop, monthTop] = tops(original);
    const [spacedDay, spacedMonth] = tops(original.replaceAll('\\u00a0', ' '));
    found.push({narrower, held: dayTop === monthTop, height: title.getBoundingClientRect().height,
                breaksWithASpace: spacedDay !== spacedMonth});
  }
  date.data = original;
  title.style.paddingInlineEnd = '';
  return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "name", "day", "month"),
    [
        ("fr", "La Lettre quotidienne de la rédaction parisienne", "2", "décembre"),
        ("de", "Der tägliche Überblick der Hauptstadtredaktion", "3.", "Dezember"),
        ("ru", "Ежедневная сводка новостей нашей редакции", "2", "декабря"),
    ],
)
def test_a_default_title_keeps_its_day_and_month_on_one_line_on_a_phone(
    browser: Browser,
    make_issue: MakeIssue,
    tmp_path: Path,
    lang: str,
    name: str,
    day: str,
    month: str,
) -> None:
    publication = f"name: {name}\nurl: https://news.example.com\nlang: {lang}\n"
    issue = DATED_ISSUE.format(lang="").replace("2026-12-05", f"2026-12-0{day.rstrip('.')}")
    composed = compose(make_issue(issue, publication))
    assert f"{day}{NBSP}{month}" in composed.title
    path = tmp_path / f"{lang}.html"
    path.write_text(composed.html, encoding="utf-8")
    with open_email(browser, path, PHONE) as opened:
        found = opened.page.evaluate(SWEEP_JS, [day, month])
    assert all(each["height"] > 40 for each in found), "the title should wrap on a phone"
    assert [each["narrower"] for each in found if not each["held"]] == [], found
    # The sweep reached the place that matters: with a plain space, some line would end after the day.
    assert any(each["breaksWithASpace"] for each in found), found


# A Chinese or Japanese date has no space to keep: the sweep looks at the whole date, from the year's first
# digit to 日, with the word joiners composer puts in it and without them.
CJK_SWEEP_JS = """(date) => {
  const title = document.querySelector('h1');
  const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
  let node = null;
  const joined = (text) => text.replaceAll('\\u2060', '');
  while (walker.nextNode()) if (joined(walker.currentNode.data).includes(date)) node = walker.currentNode;
  const original = node.data;
  const oneLine = (data) => {
    node.data = data;
    const start = data.indexOf(date[0]), end = data.lastIndexOf(date[date.length - 1]) + 1;
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => rect.top)).size === 1;
  };
  const found = [];
  // Down to a line of about 200 px: narrower, the date (30 px a character) fits no line at all.
  for (let narrower = 0; narrower <= 120; narrower += 2) {
    title.style.paddingInlineEnd = `${narrower}px`;
    found.push({narrower, held: oneLine(original), heldWithoutJoiners: oneLine(joined(original))});
  }
  node.data = original;
  title.style.paddingInlineEnd = '';
  return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_a_chinese_or_japanese_default_title_keeps_its_date_whole_on_a_phone(
    browser: Browser,
    make_issue: MakeIssue,
    tmp_path: Path,
    lang: str,
) -> None:
    publication = f"name: The Meridian Brief\nurl: https://news.example.com\nlang: {lang}\n"
    composed = compose(make_issue(DATED_ISSUE.format(lang=""), publication))
    assert "2026年12月5日" in composed.title.replace("\u2060", "")
    path = tmp_path / f"{lang}.html"
    path.write_text(composed.html, encoding="utf-8")
    with open_email(browser, path, PHONE) as opened:
        found = opened.page.evaluate(CJK_SWEEP_JS, "2026年12月5日")
    assert [each["narrower"] for each in found if not each["held"]] == [], found
    # The sweep reached the places that matter: without the joiners, some line would split the date.
    assert any(not each["heldWithoutJoiners"] for each in found), found
