"""Hostile input for compose check's merge-tag-typed rule: text that looks like a tag and is not,
tags written in ways YAML or Markdown change, and text that makes a pattern work hard."""

from __future__ import annotations

import json

import pytest

from composer.commands.check import check
from composer.core.pipeline import compose

from ..conftest import MakeIssue, cli
from ..test_check import CLEAN_ISSUE, CLEAN_PUBLICATION, issue_with, typed_tags


@pytest.mark.parametrize(
    "body",
    [
        "A 50% discount, then 20% more: 100% of readers agree.",
        "Prices from $5, or {curly} words and {two} {words}.",
        "Write to desk@example.com or name+tag@example.com.",
        "A lone *| and a lone |* and *|* and **|bold|** text.",
        "Emphasis *|* like this* and a table | *a* | *b* |.",
        "An [encoded link](https://example.com/caf%C3%A9?q=%E2%80%99s%20news) and 5%-10% growth.",
        "A source in brackets: [[Reuters]](https://example.com/reuters) and a footnote [[1]].",
        "Set {{ }} and {$5} and [[ ]] and %% and 10%/20%.",
        "{ {not} } and {%} and %}",
    ],
)
def test_ordinary_text_is_no_merge_tag(make_issue: MakeIssue, body: str) -> None:
    path = make_issue(issue_with(body=body), CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == []


def test_a_tag_written_with_markdown_escapes_is_still_one(make_issue: MakeIssue) -> None:
    path = make_issue(issue_with(body=r"Dear \*|FNAME|\*."), CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == [f'{path}:6:17: stories[1].body: "\\*|FNAME|\\*"']


def test_a_tag_yaml_spells_differently_is_shown_at_its_value(make_issue: MakeIssue) -> None:
    # \x2A is '*' inside double quotes: the tag is in the text, not as typed in the file.
    issue = CLEAN_ISSUE.replace("headline: First headline", 'headline: "Hi \\x2A|FNAME|*"')
    path = make_issue(issue, CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == [f'{path}:5:15: stories[1].headline: "*|FNAME|*"']


def test_a_tag_folded_over_two_lines_is_shown_at_its_value(make_issue: MakeIssue) -> None:
    issue = CLEAN_ISSUE.replace(
        "headline: First headline", "headline: >\n      First {{\n      subscriber.first_name }}"
    )
    path = make_issue(issue, CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == [f'{path}:5:15: stories[1].headline: "{{{{ subscriber.first_name }}}}"']


def test_a_tag_in_a_comment_is_no_text_of_the_email(make_issue: MakeIssue) -> None:
    issue = CLEAN_ISSUE.replace("headline: First headline", "headline: First headline  # not *|FNAME|*")
    assert typed_tags(compose(make_issue(issue, CLEAN_PUBLICATION))) == []


def test_columns_count_characters_after_accents_and_on_crlf_lines(make_issue: MakeIssue) -> None:
    issue = CLEAN_ISSUE.replace("headline: First headline", "headline: Café – ☕ *|FNAME|*").replace("\n", "\r\n")
    path = make_issue(issue, CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == [f'{path}:5:24: stories[1].headline: "*|FNAME|*"']


def test_text_that_almost_makes_tags_stays_quick_and_silent(make_issue: MakeIssue) -> None:
    # Every opening without its close: each pattern gives up within its own bounded length.
    almost = "*|A{{B{%C%D{$E[[F" * 2000
    path = make_issue(issue_with(body=almost), CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == []


def test_a_very_long_tag_is_not_one(make_issue: MakeIssue) -> None:
    path = make_issue(issue_with(body="*|" + "A" * 500 + "|*"), CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == []


def test_compose_check_prints_each_tag_at_its_place_and_json_keeps_the_path(make_issue: MakeIssue) -> None:
    path = make_issue(issue_with(body="Dear *|FNAME|*, %recipient%."), CLEAN_PUBLICATION)
    result = cli("check", str(path))
    assert result.exit_code == 0  # warnings only
    assert [line.split(": ", 3)[:3] for line in result.stdout.splitlines()] == [
        [f"{path}:6:17", "warning", "merge-tag-typed"],
        [f"{path}:6:28", "warning", "merge-tag-typed"],
    ]
    assert result.stderr == "no errors, 2 warnings\n"
    strict = cli("check", "--strict", "--esp", "mailchimp", str(path))
    assert strict.exit_code == 1 and strict.stdout.startswith(f"{path}:6:28: warning: merge-tag-typed: ")
    assert len(strict.stdout.splitlines()) == 1  # Mailchimp's own tag is meant
    as_json = cli("check", "--format", "json", str(path))
    [first, second] = json.loads(as_json.stdout)
    assert set(first) == {"path", "file", "line", "column", "level", "rule", "message"}
    assert (first["path"], second["path"]) == (f"{path}:6:17", f"{path}:6:28")


def test_a_sample_with_every_tag_its_service_fills_in_passes_for_that_service(make_issue: MakeIssue) -> None:
    body = "Dear *|FNAME|*, *|IF:PREMIUM|*thanks*|END:IF|*; see *|ARCHIVE|*."
    path = make_issue(issue_with(body=body), CLEAN_PUBLICATION + "esp: mailchimp\nmailchimp:\n  audience_id: a1b2c3\n")
    assert check(compose(path)) == []
