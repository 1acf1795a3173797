"""Hostile issue and publication files: each ends in one clean, located error, or a whole email.

Run as an editor runs compose: a real process (a crash shows as a signal, a hang as a time-out),
in a folder of its own, its error lines compared exactly. The limits crossed are composer.limits'.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from composer import limits
from composer.core.mjml_to_html import inline_css
from composer.core.templates import default_templates
from composer.errors import IncompleteEmail

from ..conftest import ROOT

PUBLICATION = ROOT / "tests" / "fixtures" / "bad" / "publication.yaml"
HEAD = "date: 2020-02-03\nsummary: A summary.\nstories:\n  - headline: A headline\n    body: "
TIME_LIMIT = 60  # seconds: far above any case's real time, only there to turn a hang into a failure


def compose(folder: Path, *names: str) -> subprocess.CompletedProcess[str]:
    """`compose issues/NAME.yaml ...` in ``folder``, as a process of its own."""
    command = [sys.executable, "-m", "composer", *(f"issues/{name}.yaml" for name in names), "-o", "out"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIME_LIMIT, check=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "issues").mkdir()
    shutil.copy(PUBLICATION, tmp_path / "issues")
    return tmp_path


def refused(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The error lines of a run that must have failed cleanly: exit 1, no traceback, nothing written."""
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result.stderr.splitlines()


# --- YAML built to exhaust the parser -----------------------------------------------------------

_DEEP_MESSAGE = (
    f"the file nests lists and groups of keys more than {limits.MAX_YAML_DEPTH} levels deep; an issue file is a "
    "few levels deep at most"
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("summary: " + "[" * 300_000 + "]" * 300_000 + "\n", f"issues/yaml.yaml:1:59: {_DEEP_MESSAGE}"),
        (
            "summary:\r\n" + "".join(" " * depth + "a:\r\n" for depth in range(1, 1_100)),
            f"issues/yaml.yaml:51:51: {_DEEP_MESSAGE}",
        ),
        ("summary:\n" + "- " * 5_000 + "x\n", f"issues/yaml.yaml:2:99: {_DEEP_MESSAGE}"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + level)}: &{chr(98 + level)} [{', '.join(['*' + chr(97 + level)] * 10)}]\n"
                for level in range(8)
            ),
            "issues/yaml.yaml:5:1: the file expands to more than 100,000 values, because its '*' references "
            "repeat '&' anchors over and over; an issue file is far smaller: write the values out instead",
        ),
    ],
    ids=["brackets", "indentation-crlf", "dashes", "alias-bomb"],
)
def test_yaml_built_to_exhaust_the_parser_is_refused(text: str, line: str, folder: Path) -> None:
    (folder / "issues" / "yaml.yaml").write_text(text, encoding="utf-8", newline="")
    assert refused(compose(folder, "yaml")) == [line]


# --- Markdown that nests without end -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        ('"' + "*a " * 10_000 + "x" + " a*" * 10_000 + '"', 10_002),  # crashed MRML: a segmentation fault
        ('"' + "[a " * 40 + "x" + "](https://example.com)" * 40 + '"', 0),  # links inside links are text
        ('"' + "*a **b " * 20 + "x" + " b** a*" * 20 + '"', 42),
    ],
    ids=["emphasis", "links", "bold-in-italic"],
)
def test_nesting_in_markdown_is_refused_at_its_line(body: str, depth: int, folder: Path) -> None:
    (folder / "issues" / "deep.yaml").write_text(HEAD + body + "\n", encoding="utf-8")
    result = compose(folder, "deep")
    if depth == 0:
        assert result.returncode == 0, result.stderr
        return
    assert refused(result) == [
        f"issues/deep.yaml:5:12: stories[1].body: the text nests emphasis, links, quotes and lists {depth} levels "
        f"deep, more than the {limits.MAX_MARKDOWN_NESTING} composer allows; remove the extra '*', '_', '>' or "
        "list signs"
    ]
    assert not (folder / "out" / "deep.html").exists()


def test_markdown_nested_as_deep_as_allowed_makes_a_whole_email(folder: Path) -> None:
    # Eight lists inside each other, each item bold and italic: deep for a briefing, within the limit.
    body = "|\n" + "".join("      " + "  " * level + "- ***item***\n" for level in range(8))
    (folder / "issues" / "lists.yaml").write_text(HEAD + body, encoding="utf-8")
    result = compose(folder, "lists")
    assert result.returncode == 0, result.stderr
    html = (folder / "out" / "lists.html").read_text(encoding="utf-8")
    assert html.count("<li") == 8 and html.rstrip().endswith("</html>")


@pytest.mark.parametrize("where", ["title", "source"])
def test_thousands_of_direction_isolates_typed_in_a_text_make_a_whole_email(folder: Path, where: str) -> None:
    # Each isolate becomes a <span dir> in the HTML; 60,000 nested ones crashed MRML (signal 11).
    isolates = "\u2066" * 60_000 + "Words"
    text = f"title: {isolates}\n" + HEAD + "A body.\n"
    if where == "source":
        text = HEAD + f"A body.\n    url: https://example.com/story\n    source: {isolates}\n"
    (folder / "issues" / "isolates.yaml").write_text(text, encoding="utf-8")
    result = compose(folder, "isolates")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (folder / "out" / "isolates.html").read_text(encoding="utf-8")
    assert html.count('<span dir="ltr">') <= limits.MAX_ISOLATE_NESTING + 2 and html.rstrip().endswith("</html>")
    assert "Words" in html


def test_a_huge_plain_text_under_typography_is_left_as_typed_not_worked_on_for_minutes(folder: Path) -> None:
    # markdown-it's quotes are quadratic: 900,000 characters of them in a headline would take over a minute.
    publication = folder / "issues" / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "typography: true\n", encoding="utf-8")
    quotes = "\"a\" 'b' " * 90_000
    headline = '"' + quotes.replace('"', '\\"') + '"'
    text = f"date: 2020-02-03\nsummary: A summary.\nstories:\n  - headline: {headline}\n    body: A body.\n"
    (folder / "issues" / "quotes.yaml").write_text(text, encoding="utf-8")
    result = compose(folder, "quotes")
    assert result.returncode == 0, result.stderr[-2000:]
    plain = (folder / "out" / "quotes.txt").read_text(encoding="utf-8")
    assert '"a" \'b\' "a"' in plain and "“" not in plain  # as typed: straight quotes


def test_quotes_nested_as_deep_as_markdown_reads_them_make_a_whole_email(folder: Path) -> None:
    # markdown-it reads blocks 20 deep (further '>' stay text): 19 quotes, each a table in the email,
    # around a paragraph with bold, italic and a link.
    body = '"' + "> " * 19 + '***quoted*** [words](https://example.com)"\n'
    (folder / "issues" / "quotes.yaml").write_text(HEAD + body, encoding="utf-8")
    result = compose(folder, "quotes")
    assert result.returncode == 0, result.stderr
    html = (folder / "out" / "quotes.html").read_text(encoding="utf-8")
    assert (
        html.count("<blockquote") == 19 and 'href="https://example.com"' in html and html.rstrip().endswith("</html>")
    )


# --- format patterns in publication.yaml ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "pattern", "message"),
    [
        ("title_pattern", "{name:d}", "{name:d}: ':d' does not suit {name}, which is text; write {name}"),
        ("date_format", "{day!z}", "{day!z}: a '!' conversion is not allowed; write {day}"),
        (
            "date_format",
            "{year:>200000000}",  # took 40 s and 5 GB
            "{year:>200000000}: a width of 200000000 is more than 40; write a small number, e.g. {year:02}",
        ),
        (
            "title_pattern",
            "{name.__class__}",
            "unknown placeholder {name.__class__}; use {name}, {year}, {month}, {month_ap}, {month_number}, "
            "{day}, {day_ordinal}, {weekday}, {iso}, {date}",
        ),
        ("title_pattern", "{day:{year}}", "{day:{year}}: '{year}' is not a format composer accepts; write {day}"),
        (
            "labels:\n  read_time",
            "Read {minutes:0300000000}",  # wrote a 300 MB file
            "{minutes:0300000000}: a width of 300000000 is more than 40; write a small number, e.g. {minutes:02}",
        ),
        ("web_version_url", "https://example.com/{iso!r}", "{iso!r}: a '!' conversion is not allowed; write {iso}"),
    ],
    ids=["spec-for-numbers", "conversion", "huge-width", "attribute", "nested-field", "label-width", "url"],
)
def test_format_patterns_are_checked_when_the_publication_loads(
    key: str, pattern: str, message: str, folder: Path
) -> None:
    publication = folder / "issues" / "publication.yaml"
    publication.write_text(f"name: The Daily Test\nurl: https://news.example.com\n{key}: '{pattern}'\n", "utf-8")
    (folder / "issues" / "issue.yaml").write_text(HEAD + "Text.\n", encoding="utf-8")
    (line,) = refused(compose(folder, "issue"))
    field = key.replace(":\n  ", ".")
    assert line.startswith("issues/publication.yaml:") and line.endswith(f": {field}: {message}"), line


# --- characters no text holds --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("\\v", "the text holds a line break pasted from Word (U+000B); delete it, or press Enter for a new line"),
        ("\\b", "the text holds an invisible control character (U+0008); delete it, or retype the text around it"),
        ("\\x01", "the text holds an invisible control character (U+0001); delete it, or retype the text around it"),
        ("\\e", "the text holds an invisible control character (U+001B); delete it, or retype the text around it"),
        ("\\uFFFE", "the text holds an invisible control character (U+FFFE); delete it, or retype the text around it"),
        ("\\r", "the text holds an invisible control character (U+000D); delete it, or retype the text around it"),
    ],
    ids=["vertical-tab", "backspace", "start-of-heading", "escape", "non-character", "carriage-return"],
)
def test_control_characters_typed_as_escapes_are_refused_at_their_line(typed: str, message: str, folder: Path) -> None:
    (folder / "issues" / "pasted.yaml").write_text(HEAD + f'"Pasted{typed}text"\n', encoding="utf-8")
    assert refused(compose(folder, "pasted")) == [f"issues/pasted.yaml:5:11: stories[1].body: {message}"]


@pytest.mark.parametrize("character", ["\x0b", "\x01", "\x1b", "\x7f"], ids=["vt", "soh", "esc", "del"])
def test_raw_control_characters_are_refused_at_their_place(character: str, folder: Path) -> None:
    (folder / "issues" / "raw.yaml").write_text(HEAD + f"Raw{character}text\n", encoding="utf-8")
    (line,) = refused(compose(folder, "raw"))
    assert line.startswith("issues/raw.yaml:5:14: the text holds ") and f"U+{ord(character):04X}" in line


def test_feed_and_archive_never_carry_a_control_character(folder: Path) -> None:
    (folder / "issues" / "2020-02-03.yaml").write_text(HEAD + '"Bell\\a"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "composer", "archive", "issues", "-o", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        check=False,
    )
    assert result.returncode == 1 and "(U+0007)" in result.stderr and "Traceback" not in result.stderr
    assert not (folder / "site" / "feed.xml").exists()


# --- files that are not what they seem ------------------------------------------------------------


def test_a_named_pipe_is_refused_without_waiting(folder: Path) -> None:
    os.mkfifo(folder / "issues" / "pipe.yaml")  # reading it would wait for a writer forever
    assert refused(compose(folder, "pipe")) == [
        "issues/pipe.yaml: is not a file but a device, a pipe or a socket; name the .yaml file itself"
    ]


def test_a_link_to_an_endless_device_is_refused(folder: Path) -> None:
    (folder / "issues" / "zero.yaml").symlink_to("/dev/zero")  # reading it would never end
    assert refused(compose(folder, "zero")) == [
        "issues/zero.yaml: is not a file but a device, a pipe or a socket; name the .yaml file itself"
    ]


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(folder: Path) -> None:
    huge = folder / "issues" / "huge.yaml"
    with open(huge, "wb") as handle:  # 2 GB, sparse: it costs no disk, and would cost 2 GB of memory
        handle.truncate(2_000_000_000)
    assert refused(compose(folder, "huge")) == [
        "issues/huge.yaml: the file is larger than 1 MB, and an issue is a few KB of text; is this the right file?"
    ]


# --- the email itself ------------------------------------------------------------------------------


def test_an_email_cut_short_by_the_html_parser_is_refused() -> None:
    # lxml's parser, under premailer, drops everything after an element nested ~255 deep: the issue's
    # own limits keep it away, and this net catches whatever else could lead there.
    deep = "<div>" * 300 + "x" + "</div>" * 300
    page = (
        '<!doctype html><html><head><style type="text/css">/* composer:inline */ a { color: red; }</style>'
        f'</head><body>{deep}<p><a href="https://example.com/unsubscribe">Unsubscribe</a></p></body></html>'
    )
    with pytest.raises(IncompleteEmail, match="the footer and the unsubscribe link, was lost"):
        inline_css(page)


def test_an_email_over_the_size_limit_is_refused_and_not_written(folder: Path) -> None:
    # Within the input limits, 900 long list items make a 0.3 MB email; a template that shows each story
    # twelve times (a loop left in by mistake) makes it 4 MB.
    items = "|\n" + ("      - " + "word " * 40 + "\n") * 900
    (folder / "issues" / "long.yaml").write_text(HEAD + items, encoding="utf-8")
    story = (default_templates() / "partials" / "story.mjml.j2").read_text()
    (folder / "templates" / "partials").mkdir(parents=True)
    repeated = "{% for _ in range(12) %}" + story + "{% endfor %}"
    (folder / "templates" / "partials" / "story.mjml.j2").write_text(repeated, encoding="utf-8")
    environment = {**os.environ, "COMPOSE_TEST_MAX_EMAIL_BYTES": "1000000"}
    command = [sys.executable, "-c", _WITH_SMALLER_EMAIL_LIMIT, "issues/long.yaml", "-o", "out"]
    result = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=TIME_LIMIT, env=environment, check=False
    )
    (line,) = refused(result)
    assert line.startswith("issues/long.yaml: the email would be ") and "MB, more than the 1 MB composer writes" in line
    assert not (folder / "out").exists()


# The limit lowered in the process itself (a real run, a smaller limit), not by mocking compose.
_WITH_SMALLER_EMAIL_LIMIT = (
    "import os, sys\nfrom composer.core import pipeline\n"
    "pipeline.MAX_EMAIL_BYTES = int(os.environ['COMPOSE_TEST_MAX_EMAIL_BYTES'])\n"
    "from composer.cli import main\nmain(sys.argv[1:], prog_name='compose')\n"
)


def test_too_many_elements_are_refused_before_they_reach_the_email(folder: Path) -> None:
    # 90,000 one-letter list items fit in 1 MB and took 6 s and 350 MB to inline; 40,000 fit in the
    # characters a file's Markdown may hold.
    items = "|\n" + "      - a\n" * 40_000
    (folder / "issues" / "long.yaml").write_text(HEAD + items, encoding="utf-8")
    assert refused(compose(folder, "long")) == [
        "issues/long.yaml: the text makes 80,002 paragraphs, list items, links and other elements, more than the "
        f"{limits.MAX_MARKDOWN_ELEMENTS:,} composer puts in one email (a long briefing makes about 1,500); shorten it"
    ]


@pytest.mark.parametrize("text", ["*a* ", "`a` ", "a\\\\ "])  # each took markdown-it 5 s and up to 460 MB
def test_too_much_markdown_is_refused_before_it_is_parsed(folder: Path, text: str) -> None:
    summary = "'" + text * (880_000 // len(text)) + "'"  # on one line, within the 1 MB file limit
    issue = HEAD.replace("summary: A summary.", f"summary: {summary}") + "A body.\n"
    (folder / "issues" / "long.yaml").write_text(issue, encoding="utf-8")
    (line,) = refused(compose(folder, "long"))
    held = len(summary) - 2 + len("A body.")  # the summary without its quotes, and the story's body
    assert line == (
        f"issues/long.yaml:2:10: summary: the Markdown texts hold {held:,} characters, more than the "
        f"{limits.MAX_MARKDOWN_CHARACTERS:,} composer puts in one email (a long briefing has about 15,000, and "
        "Gmail clips emails over 102 KB); shorten them, starting with this one, the longest"
    )
