"""Hostile patterns and dates of round 2 (issue 17): a colon label with a format, a title_pattern of
a few hundred KB, a name built to make the subject check slow, read_time_one's {minutes}, a date in
Arabic-Indic digits. Each as a real process, its exact message compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from composer import limits

from .test_hostile_content import HEAD, compose, folder, refused

__all__ = ["folder"]  # the fixture, used by name

NAME = "name: The Daily Test\nurl: https://news.example.com\n"


def publish(folder: Path, publication: str, issue: str = HEAD + "Text.\n") -> None:
    (folder / "issues" / "publication.yaml").write_text(publication, encoding="utf-8")
    (folder / "issues" / "issue.yaml").write_text(issue, encoding="utf-8")


@pytest.mark.parametrize(
    ("labels", "line"),
    [
        (  # passed, then every issue without a title of its own failed with an internal error
            'colon: "{before:>5}: {after}"',
            "issues/publication.yaml:4:10: labels.colon: {before} in a colon takes no ':' format; write {before}",
        ),
        (
            'colon:\n    fr: "{before}\u00a0: {after!r}"',
            "issues/publication.yaml:5:9: labels.colon.fr: {after!r}: a '!' conversion is not allowed; write {after}",
        ),
        (  # the plain text's links ("Unsubscribe: https://…") would have gone with it
            'colon: "{before} :"',
            "issues/publication.yaml:4:10: labels.colon: a colon joins a label and what follows it: it does not "
            "hold {after}; write it once, as in '{before}: {after}'",
        ),
        (
            'colon: "=?{before}?={after}"',
            "issues/publication.yaml:4:3: labels: colon: filled in with the name and a date, this pattern makes a "
            "title (the email's subject) that holds '=?The Daily Test?=': mail programs decode '=?...?=' as hidden "
            "text (RFC 2047) that can add headers nobody wrote; write the words themselves",
        ),
        (
            'read_time_one: "About {minute} minute"',
            "issues/publication.yaml:4:18: labels.read_time_one: unknown placeholder {minute}; use {minutes}",
        ),
        (  # chr(3): a control character in the email
            'read_time: "{minutes:c} min"',
            "issues/publication.yaml:4:14: labels.read_time: {minutes:c}: 'c' is not a format composer accepts; "
            "write {minutes}",
        ),
    ],
    ids=["colon-spec", "colon-conversion", "colon-without-after", "colon-encoded-word", "read-time-one", "char"],
)
def test_a_label_that_cannot_fill_every_issue_is_refused_when_the_publication_loads(
    labels: str, line: str, folder: Path
) -> None:
    publish(folder, NAME + "labels:\n  " + labels + "\n")
    assert refused(compose(folder, "issue")) == [line]


def test_read_time_one_is_filled_like_read_time(folder: Path) -> None:
    publish(folder, NAME + 'labels:\n  read_time_one: "Read in {minutes} minute flat"\n')
    result = compose(folder, "issue")
    assert result.returncode == 0, result.stderr
    text = (folder / "out" / "issue.txt").read_text(encoding="utf-8")
    assert "Read in 1 minute flat" in text and "{minutes}" not in text


def test_a_title_pattern_of_a_few_hundred_kb_is_refused_not_tried_for_a_year(folder: Path) -> None:
    # Tried against 374 sample days as a subject, it took over 30 s.
    pattern = "{day} ?" * 40_000
    publish(folder, NAME + f"title_pattern: '{pattern}'\n")
    assert refused(compose(folder, "issue")) == [
        f"issues/publication.yaml:3:16: title_pattern: this pattern is 280,000 characters long, more than "
        f"{limits.MAX_PATTERN_CHARACTERS}; a pattern is a line such as {{month}} {{day}}, {{year}}: write a short one"
    ]


def test_a_long_name_of_encoded_word_starts_composes(folder: Path) -> None:
    # "=?" 100,000 times and no "?=": the check for an encoded word backtracked from each (over 30 s),
    # then the title pattern was filled with the whole name for every sample day.
    publish(folder, "name: '" + "x=?" * 100_000 + "'\nurl: https://news.example.com\ntitle_pattern: '{name}? {day}'\n")
    result = compose(folder, "issue")
    assert result.returncode == 0, result.stderr[-2000:]
    assert (folder / "out" / "issue.html").is_file()


@pytest.mark.parametrize(
    ("date", "line"),
    [
        (
            "٢٠٢٤-٠٥-٣١",
            "issues/issue.yaml:1:7: date: '٢٠٢٤-٠٥-٣١' is written in other digits; write the date with the digits "
            "0-9: 2024-05-31",
        ),
        (
            "۱۴۰۳-۰۳-۱۱",  # Persian digits
            "issues/issue.yaml:1:7: date: '۱۴۰۳-۰۳-۱۱' is written in other digits; write the date with the digits "
            "0-9: 1403-03-11",
        ),
        (
            "２０２４-０５-３１",  # full-width, as a Japanese keyboard types them
            "issues/issue.yaml:1:7: date: '２０２４-０５-３１' is written in other digits; write the date with the "
            "digits 0-9: 2024-05-31",
        ),
    ],
    ids=["arabic-indic", "persian", "full-width"],
)
def test_a_date_in_other_digits_says_to_write_0_to_9(date: str, line: str, folder: Path) -> None:
    publish(folder, NAME, HEAD.replace("2020-02-03", date) + "Text.\n")
    assert refused(compose(folder, "issue")) == [line]


def test_a_web_version_url_must_stay_a_link_once_filled(folder: Path) -> None:
    # Valid as typed; filled in, every email's web-version link had a space in it.
    publish(folder, NAME + "web_version_url: 'https://news.example.com/{name}/{iso}'\n")
    assert refused(compose(folder, "issue")) == [
        "issues/publication.yaml:3:18: web_version_url: filled in for 2017-11-09, a link cannot contain spaces: "
        "'https://news.example.com/The Daily Test/2017-11-09'"
    ]
