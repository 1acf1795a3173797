"""Templates and what they are fed: dates, titles, read time, the Jinja cache."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from composer.core.pipeline import compose
from composer.core.templates import environment
from composer.errors import InvalidInput
from composer.i18n import dates

from .conftest import ISSUE, PUBLICATION, ROOT, SAMPLE, MakeIssue


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (9, "9th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (31, "31st"),
    ],
)
def test_ordinals(day: int, expected: str) -> None:
    assert dates.ordinal(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2017, 11, 9), "Nov.\u00a09, 2017"),  # the month and day held together
        (date(2018, 9, 1), "Sept.\u00a01, 2018"),
        (date(2018, 3, 15), "March\u00a015, 2018"),
        (date(2018, 7, 4), "July\u00a04, 2018"),
        (date(2019, 2, 28), "Feb.\u00a028, 2019"),
    ],
)
def test_ap_style_date_line(day: date, expected: str) -> None:
    assert dates.fill("{month_ap} {day}, {year}", day) == expected


def test_unknown_placeholder_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown placeholder \{monht\}; use \{name\}, \{year\}, \{month\}"):
        dates.check_pattern("Summary for {monht}")


def test_sample_title_date_and_read_time_come_from_the_publication() -> None:
    composed = compose(SAMPLE)
    assert "<title>Executive Summary for November\u00a09th</title>" in composed.html
    assert "Published on Nov.\u00a09, 2017" in composed.html
    assert "Read time: about 3 minutes" in composed.html
    assert composed.read_minutes == 3


def test_read_time_grows_with_the_words(make_issue: MakeIssue) -> None:
    words = " ".join(["word"] * 238 * 5)  # five minutes at 238 words a minute, plus the rest
    issue = make_issue(ISSUE.replace("First paragraph.", words))
    assert compose(issue).read_minutes == 6
    assert "Read time: about 1 minute<" in compose(make_issue()).html  # singular for one


def test_issue_title_subject_and_preheader_win_over_defaults(make_issue: MakeIssue) -> None:
    issue = make_issue("title: Special edition\nsubject: Read this first\npreheader: Inside today\n" + ISSUE)
    html = compose(issue).html
    page = lxml.html.document_fromstring(html)
    assert page.findtext(".//title") == "Read this first"
    assert [h1.text_content() for h1 in page.iter("h1")] == ["Special edition"]
    assert ">Inside today" in html


def test_default_preheader_is_the_summary_as_plain_text(make_issue: MakeIssue) -> None:
    html = compose(make_issue()).html
    assert 'overflow:hidden;">A short summary with a link.' in html


def test_a_partial_shared_by_both_templates_is_escaped_only_in_the_html(
    make_issue: MakeIssue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Jinja's bytecode cache is keyed by file, not by settings: the escaping and the verbatim
    # environments must not share compiled code, cold cache or warm.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "partials" / "signature.j2").write_text("{{ title }}", encoding="utf-8")
    for name, before in (("email.mjml.j2", "  </mj-body>"), ("email.txt.j2", None)):
        path = templates / name
        source = path.read_text(encoding="utf-8")
        signature = '{% include "partials/signature.j2" %}'
        if before:
            section = f"<mj-section><mj-column><mj-text>{signature}</mj-text></mj-column></mj-section>"
            source = source.replace(before, f"{section}\n{before}")
        else:
            source += signature + "\n"
        path.write_text(source, encoding="utf-8")
    issue = make_issue("title: Syria & Iraq <update>\n" + ISSUE)
    for _ in range(2):
        environment.cache_clear()
        composed = compose(issue)
        assert composed.text.endswith("Syria & Iraq <update>\n")
        assert "Syria &amp; Iraq &lt;update&gt;</div>" in composed.html


def test_the_emails_own_words_can_be_translated(make_issue: MakeIssue) -> None:
    publication = PUBLICATION + (
        "lang: fr\n"
        "labels:\n"
        "  published: Publié le {date}\n"
        "  read_time: Lecture en {minutes} minutes environ\n"
        "  read_time_one: Lecture en une minute\n"
        "  read_more: Lire la suite\n"
        "  recommended_reads: À lire aussi\n"
    )
    issue = make_issue(ISSUE.replace("    body: |", "    url: https://example.com/story\n    body: |"), publication)
    composed = compose(issue)
    # The date is French too (it was "Feb. 3, 2020" before dates followed the language).
    for words in ("Publié le 3\u00a0février 2020", "Lecture en une minute", "Lire la suite", "À lire aussi"):
        assert words in composed.html and words in composed.text
    assert "Published on" not in composed.html + composed.text
    assert "Recommended Reads" not in composed.html + composed.text


def test_a_label_with_an_unknown_placeholder_is_an_error_at_its_line(make_issue: MakeIssue) -> None:
    issue = make_issue(publication=PUBLICATION + "labels:\n  published: Published {day}\n")
    with pytest.raises(InvalidInput) as caught:
        compose(issue)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (PUBLICATION.count("\n") + 2, "labels.published")
    assert problem.message == "unknown placeholder {day}; use {date}"


def test_quotes_and_lists_sit_on_the_starting_side_in_right_to_left_issues(make_issue: MakeIssue) -> None:
    issue = make_issue(ISSUE.replace("date:", "lang: he\ndate:").replace("First paragraph.", "> ציטוט\n\n      - פריט"))
    page = lxml.html.document_fromstring(compose(issue).html)
    quote = page.find(".//td[@class='quote']").get("style").replace(" ", "")
    assert "padding-right:16px" in quote and "border-right:3pxsolid" in quote
    assert "margin-right:24px" in page.find(".//ul").get("style").replace(" ", "")  # Outlook ignores a list's padding
    assert page.get("dir") == "rtl"


def test_a_quote_has_its_bar_and_indent_inline_on_a_table_cell(make_issue: MakeIssue) -> None:
    # Outlook for Windows drops a blockquote's padding, Gmail often every <style>: the bar and the
    # indent are written on the cell, the space below is a row of its own.
    issue = make_issue(ISSUE.replace("First paragraph.", "> Quoted words.\n      >\n      > - a list in it"))
    page = lxml.html.document_fromstring(compose(issue).html)
    (table,) = page.xpath("//blockquote/ancestor::table[1]")
    quote, gap = table.xpath("./tr/td")
    assert table.get("role") == "presentation" and table.get("cellpadding") == table.get("cellspacing") == "0"
    assert quote.get("class") == "quote" and gap.get("class") == "quote-gap"
    styles = {cell.get("class"): cell.get("style").replace(" ", "") for cell in (quote, gap)}
    assert "padding-left:16px" in styles["quote"] and "border-left:3pxsolid" in styles["quote"]
    assert "height:16px" in styles["quote-gap"] and gap.get("height") == "16"
    (blockquote,) = quote.getchildren()
    assert blockquote.tag == "blockquote" and "font-style:italic" in blockquote.get("style")
    # The bar ends with the quote's last line: its last paragraph and list item keep no margin below.
    assert [child.get("style").replace(" ", "").endswith("margin-bottom:0") for child in blockquote] == [False, True]
    assert blockquote.find("ul/li").get("style").replace(" ", "").endswith("margin-bottom:0")


def test_one_line_fields_typed_over_several_lines_are_one_line(make_issue: MakeIssue) -> None:
    headline = "|\n      First\n      headline"
    issue = make_issue("subject: |\n  Two lines\n  of subject\n" + ISSUE.replace("First headline", headline))
    composed = compose(issue)
    assert composed.subject == "Two lines of subject"
    assert "<title>Two lines of subject</title>" in composed.html
    assert "First headline\n--------------" in composed.text


SKIMMABLE = """\
date: 2020-02-03
summary: Two stories.
stories:
  - headline: Rains flood the old town
    body: The river rose overnight.
    url: https://example.com/flood
    source: The Example Post
  - headline: Council votes on the budget
    body: The vote is on Monday.
    url: https://example.com/budget
  - headline: No link here
    body: Text.
"""


def test_a_story_links_from_its_headline_and_says_where_it_goes(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(SKIMMABLE))
    page = lxml.html.document_fromstring(composed.html)
    headlines = [
        (h2.text_content(), [a.get("href") for a in h2.iter("a")])
        for story in page.find_class("story")
        for h2 in story.iter("h2")
    ]
    assert headlines == [
        ("Rains flood the old town", ["https://example.com/flood"]),
        ("Council votes on the budget", ["https://example.com/budget"]),
        ("No link here", []),
    ]
    more = [(a.text_content(), a.get("href")) for p in page.find_class("more") for a in p.iter("a")]
    # Where each link goes, in words: the source when the story names one.
    assert more == [
        ("Read more at The Example Post", "https://example.com/flood"),
        ("Read more", "https://example.com/budget"),
    ]
    assert "Read more at The Example Post: https://example.com/flood" in composed.text
    assert "Read more: https://example.com/budget" in composed.text


def test_in_this_issue_lists_the_headlines_when_the_publication_asks(make_issue: MakeIssue) -> None:
    assert "In this issue" not in compose(make_issue(SKIMMABLE)).text
    composed = compose(make_issue(SKIMMABLE, PUBLICATION + "contents: true\n"))
    page = lxml.html.document_fromstring(composed.html)
    (contents,) = page.find_class("contents")
    entries = [(a.text_content(), a.get("href")) for a in contents.iter("a")]
    assert entries == [
        ("Rains flood the old town", "#story-1"),
        ("Council votes on the budget", "#story-2"),
        ("No link here", "#story-3"),
    ]
    for _, target in entries:  # each leads to its story's headline, in clients that follow such links
        assert page.get_element_by_id(target[1:]).tag == "h2"
    assert (
        "In this issue\n-------------\n\n1. Rains flood the old town\n2. Council votes on the budget\n3. No link here\n"
        in composed.text
    )
