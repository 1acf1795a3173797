"""Bad input: the exact lines an editor sees, exit status 1, no traceback, nothing written.

Each case is a file in tests/fixtures/bad/ (a folder there when the case needs its own
publication.yaml), or, for bytes no editor could review as text, an entry of GENERATED below.
The case's golden lines are in tests/fixtures/bad/<case>.expected. After a deliberate change of
wording, rewrite them with `pytest tests/test_errors.py --regenerate-golden`, then read every
line of the diff: each must name the file, line, column and field, and say in plain words what
to change.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from composer.core.models import EVERY_ITEM, Issue, Publication, markdown_fields
from composer.errors import ComposerError, Place, Problem

from .conftest import ISSUE, ROOT
from .conftest import cli as compose  # `compose ARGS`, in this process

BAD = ROOT / "tests" / "fixtures" / "bad"
PUBLICATION = BAD / "publication.yaml"  # valid, so that only the issue's own faults are reported

_VALID_ISSUE_HEAD = "date: 2020-02-03\nsummary: "
_PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"

# Inputs that are not reviewable text, built here instead of checked in.
GENERATED: dict[str, bytes] = {
    # Saved as Latin-1 by an old editor: "é" is the single byte 0xE9.
    "not_utf8": (_VALID_ISSUE_HEAD + "Un résumé.\nstories:\n  - headline: Café\n    body: Texte.\n").encode("latin-1"),
    # A picture saved under the issue's name.
    "binary": _PNG_HEADER,
    # Addresses pasted from a web page or Word with invisible characters in them (a zero-width space,
    # a soft hyphen, a word joiner); the zero-width spaces of Thai words are fine.
    "invisible_in_addresses": (
        "date: 2020-02-03\n"
        "summary: Read the [report](https://example.com/re\u200bport) or <https://example.com/a\u00adb>.\n"
        "stories:\n"
        "  - headline: \u0e02\u0e48\u0e32\u0e27\u200b\u0e14\u0e48\u0e27\u0e19\n"
        "    body: Write to [us](mailto:desk@exam\u2060ple.com).\n"
        "    url: https://example.com/story\u200b\n"
    ).encode(),
    # A valid issue, but over 1 MB: one summary of 250,000 words.
    "oversized": (_VALID_ISSUE_HEAD + "word " * 250_000 + "\nstories:\n  - headline: H\n    body: B\n").encode(),
}

CASES = sorted(
    [path.stem for path in BAD.glob("*.yaml") if path != PUBLICATION]
    + [path.name for path in BAD.iterdir() if path.is_dir()]
    + list(GENERATED)
)

# path:line:column: field: message, or path:line:column: message for the file as a whole,
# or path: message when no line is concerned (a missing publication.yaml).
ERROR_LINE = re.compile(r"^issues/[\w.-]+\.yaml(:\d+:\d+)?: (?:[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*: )?\S.*$")


def stage(case: str, folder: Path) -> Path:
    """Lay the case out as an editor's folder, folder/issues/; return the issue's path relative to folder."""
    issues = folder / "issues"
    if (BAD / case).is_dir():  # the case brings its own publication.yaml, or deliberately none
        shutil.copytree(BAD / case, issues)
        (issue,) = (path for path in issues.iterdir() if path.name != PUBLICATION.name)
        return issue.relative_to(folder)
    issues.mkdir()
    shutil.copy(PUBLICATION, issues)
    issue = issues / f"{case}.yaml"
    if case in GENERATED:
        issue.write_bytes(GENERATED[case])
    else:
        shutil.copy(BAD / f"{case}.yaml", issue)
    return issue.relative_to(folder)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gets_exactly_the_expected_error_lines(case: str, in_tmp: Path, regenerate: bool) -> None:
    issue = stage(case, in_tmp)
    result = compose(issue, "-o", "out")

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""  # no "written" line
    assert not (in_tmp / "out").exists(), "nothing may be written for a bad issue"
    lines = result.stderr.splitlines()
    for line in lines:
        assert ERROR_LINE.match(line), f"not in the form path:line:column: field: message: {line!r}"
    expected = BAD / f"{case}.expected"
    if regenerate:
        expected.write_text(result.stderr, encoding="utf-8")
    assert expected.exists(), f"{expected} is missing: run with --regenerate-golden and read what it wrote"
    assert lines == expected.read_text(encoding="utf-8").splitlines()


def test_every_case_has_expected_lines_and_every_expected_file_a_case() -> None:
    # An .expected file without its case would never be checked again.
    assert sorted(path.stem for path in BAD.glob("*.expected")) == CASES


def test_every_problem_of_a_file_is_reported_at_once(in_tmp: Path) -> None:
    # The reader's problems (a duplicate key, a forbidden tag), the models' and the Markdown
    # links' all come in one run, in the order of the lines: no fix-one-run-again loop.
    result = compose(stage("many_problems", in_tmp), "-o", "out")
    lines = result.stderr.splitlines()
    assert len(lines) >= 3
    reported_at = [tuple(int(part) for part in line.split(":")[1:3]) for line in lines]
    assert reported_at == sorted(reported_at) and len(set(reported_at)) == len(lines)
    for kind in (
        "given twice",
        "'!!python/object/apply:os.system' is not allowed",
        "did you mean 'headline'",
        "'javascript:' is not allowed",
        "not a date in the calendar",
        "Field required",
    ):
        assert sum(kind in line for line in lines) == 1, kind


def test_a_misspelt_key_is_one_problem_not_two(in_tmp: Path) -> None:
    result = compose(stage("unknown_key_close", in_tmp), "-o", "out")
    assert result.stderr.splitlines() == [
        "issues/unknown_key_close.yaml:4:5: stories[1].hedline: unknown key 'hedline'; did you mean 'headline'?"
    ]


@pytest.mark.parametrize(
    ("case", "bad_link"),
    [
        ("markdown_link_javascript", "javascript:alert(1)"),
        ("markdown_link_data", "data:text/html;base64,"),
        ("markdown_link_relative", "/news/second-story"),
    ],
)
def test_a_bad_markdown_link_is_reported_where_it_is_typed(case: str, bad_link: str, in_tmp: Path) -> None:
    issue = stage(case, in_tmp)
    source_lines = (in_tmp / issue).read_text(encoding="utf-8").splitlines()
    result = compose(issue, "-o", "out")
    places = [tuple(int(part) for part in line.split(":")[1:3]) for line in result.stderr.splitlines()]
    assert places, result.stderr
    for line, column in places:  # the editor's cursor lands on the link itself
        assert source_lines[line - 1][column - 1 :].startswith(bad_link), (line, column)
    # Two identical bad links are two problems, each at its own place.
    assert len(set(places)) == len(places) == sum(text.count(f"]({bad_link}") for text in source_lines)


def test_the_alias_bomb_is_refused_with_a_message(in_tmp: Path) -> None:
    # 9 levels of 9 aliases would be 387 million strings; the reader stops at 100,000.
    result = compose(stage("alias_bomb", in_tmp), "-o", "out")
    assert result.exit_code == 1
    assert "more than 100,000 values" in result.stderr
    assert "MemoryError" not in result.output


@pytest.mark.parametrize(
    ("nesting", "place"),  # where the 51st level opens: the file's own keys are the first level
    [
        ("summary: " + "[" * 300_000 + "]" * 300_000, "1:59"),
        ("summary: " + "{a: " * 100_000 + "1" + "}" * 100_000, "1:206"),
        # Block style nests cheaply too: two characters a level, within a few KB.
        ("summary:\n" + "- " * 2_000 + "x", "2:99"),
        ("summary:\n" + "".join(" " * depth + "a:\n" for depth in range(1, 1_200)), "51:51"),
    ],
    ids=["lists", "groups", "dashes", "indentation"],
)
@pytest.mark.trap("PyYAML", "6.0.4")
def test_deep_nesting_is_an_error_not_a_crash(nesting: str, place: str, in_tmp: Path) -> None:
    # PyYAML's C composer recurses (without a limit that kills the process), and libyaml 0.2.5 as
    # built into PyYAML 6.0.4 stops at 1,000 levels with its own words: ours must come first.
    issues = in_tmp / "issues"
    issues.mkdir()
    shutil.copy(PUBLICATION, issues)
    (issues / "deep.yaml").write_text(f"{nesting}\n", encoding="utf-8")
    result = compose("issues/deep.yaml", "-o", "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"issues/deep.yaml:{place}: the file nests lists and groups of keys more than 50 levels deep; "
        "an issue file is a few levels deep at most"
    ]


def test_a_control_character_is_refused_at_its_place(in_tmp: Path) -> None:
    issues = in_tmp / "issues"
    issues.mkdir()
    shutil.copy(PUBLICATION, issues)
    (issues / "pasted.yaml").write_text("date: 2020-02-03\nsummary: Pasted\x0bfrom Word\n", encoding="utf-8")
    result = compose("issues/pasted.yaml", "-o", "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "issues/pasted.yaml:2:16: the text holds an invisible control character (U+000B) that YAML does not "
        "allow; delete it (text pasted from Word or a web page can bring it)"
    ]


def test_a_yaml_error_worded_in_a_way_we_do_not_know_is_still_plain_words(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A later libyaml may word its errors anew: the editor gets the place and plain advice, not its text.
    import yaml

    def compose_like_a_future_libyaml(text: str, Loader: object) -> None:
        mark = yaml.Mark("<unicode string>", 0, 2, 4, text, 0)
        raise yaml.MarkedYAMLError("while doing something new", mark, "found a thing never seen before", mark)

    monkeypatch.setattr(yaml, "compose", compose_like_a_future_libyaml)
    issue = stage("missing_required", in_tmp)
    result = compose(issue, "-o", "out")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()  # publication.yaml's, read by the same parser, and the issue's
    assert any(line.startswith(f"{issue}:3:5: YAML syntax error: this line cannot be read; check") for line in lines)
    assert "never seen" not in result.stderr and "while doing" not in result.stderr


def test_many_brackets_inside_quotes_are_just_text(in_tmp: Path) -> None:
    # The bracket count that guards the composer must not refuse brackets that are only text.
    issues = in_tmp / "issues"
    issues.mkdir()
    shutil.copy(PUBLICATION, issues)
    brackets = "[" * 60 + "{" * 60
    (issues / "brackets.yaml").write_text(
        f'date: 2020-02-03\nsummary: "{brackets}"\nstories:\n  - headline: "{brackets}"\n    body: Text.\n',
        encoding="utf-8",
    )
    result = compose("issues/brackets.yaml", "-o", "out")
    assert result.exit_code == 0, result.stderr
    assert brackets in (in_tmp / "out" / "brackets.txt").read_text(encoding="utf-8")


def test_debug_shows_the_traceback(in_tmp: Path) -> None:
    issue = stage("missing_required", in_tmp)
    result = compose(issue, "-o", "out", "--debug")
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "InvalidInput" in result.stderr
    # The editor's lines are still there, after the traceback.
    expected = (BAD / "missing_required.expected").read_text(encoding="utf-8").splitlines()
    assert result.stderr.splitlines()[-len(expected) :] == expected
    assert not (in_tmp / "out").exists()


def test_a_broken_issue_leaves_the_last_good_output_untouched(in_tmp: Path) -> None:
    issues = in_tmp / "issues"
    issues.mkdir()
    shutil.copy(PUBLICATION, issues)
    issue = issues / "x.yaml"
    issue.write_text(textwrap.dedent(ISSUE), encoding="utf-8")
    assert compose(issue, "-o", "build").exit_code == 0
    build = in_tmp / "build"
    before = {path.name: path.read_bytes() for path in build.iterdir()}
    assert sorted(before) == ["x.html", "x.txt"]

    issue.write_text(textwrap.dedent(ISSUE).replace("First headline", '"First headline'), encoding="utf-8")
    result = compose(issue, "-o", "build")

    assert result.exit_code == 1
    assert result.stderr.startswith("issues/x.yaml:")
    after = {path.name: path.read_bytes() for path in build.iterdir()}  # also: no temporary file left
    assert after == before


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Put ``value`` at ``path`` in ``data``, taking the first item of a list for EVERY_ITEM; a path
    ending in EVERY_ITEM is a text per language, given here in Arabic."""
    if path[-1] == EVERY_ITEM:
        _set(data, path[:-1], {"ar": value})
        return
    target: Any = data
    for step in path[:-1]:
        target = target[0] if step == EVERY_ITEM else target[step]
    target[path[-1]] = value


MARKDOWN_FIELDS = [("issue", path) for path in markdown_fields(Issue)] + [
    ("publication", path) for path in markdown_fields(Publication)
]


@pytest.mark.parametrize(("file", "path"), MARKDOWN_FIELDS, ids=[".".join(path) for _, path in MARKDOWN_FIELDS])
def test_every_markdown_field_has_its_links_checked(file: str, path: tuple[str, ...], in_tmp: Path) -> None:
    # The fields come from the models themselves: a Markdown field added later is checked too.
    issues = in_tmp / "issues"
    issues.mkdir()
    documents = {
        "issue": yaml.safe_load(textwrap.dedent(ISSUE)),
        "publication": yaml.safe_load(PUBLICATION.read_text(encoding="utf-8")),
    }
    _set(documents[file], path, "Read [this](javascript:alert(1)).")
    (issues / "publication.yaml").write_text(yaml.safe_dump(documents["publication"]), encoding="utf-8")
    (issues / "issue.yaml").write_text(yaml.safe_dump(documents["issue"]), encoding="utf-8")
    result = compose("issues/issue.yaml", "-o", "out")
    assert result.exit_code == 1
    field = ".".join(path).replace(f".{EVERY_ITEM}", "[1]")
    field = field.removesuffix("[1]") + ".ar" if path[-1] == EVERY_ITEM else field
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"issues/{file}.yaml:") and f": {field}: links must start with http:" in line, line
    assert "template" not in line


def test_an_e_mail_address_with_an_invisible_character_is_refused(in_tmp: Path) -> None:
    issues = in_tmp / "issues"
    issues.mkdir()
    (issues / "issue.yaml").write_text(ISSUE, encoding="utf-8")
    publication = PUBLICATION.read_text(encoding="utf-8").replace("desk@example.com", "desk@exam\u200bple.com")
    (issues / "publication.yaml").write_text(publication, encoding="utf-8")
    result = compose("issues/issue.yaml", "-o", "out")
    assert result.exit_code == 1
    line = publication.count("\n")  # the last
    assert result.stderr.splitlines() == [
        f"issues/publication.yaml:{line}:10: contact: the e-mail address 'desk@exam\\u200bple.com' holds an "
        "invisible character, ZERO WIDTH SPACE (U+200B), after 'desk@exam', as text copied from a web page or Word "
        "often does: delete it, or type the e-mail address again"
    ]


# Places and problems as data ------------------------------------------------------------------


def test_a_place_is_written_file_line_column_or_the_file_alone() -> None:
    assert str(Place("issues/2020-02-03.yaml", 4, 15)) == "issues/2020-02-03.yaml:4:15"
    assert str(Place("issues/2020-02-03.yaml")) == "issues/2020-02-03.yaml"  # the whole file
    assert str(Place("C:/briefs/a.yaml", 2, 1)) == "C:/briefs/a.yaml:2:1"  # a colon in the name stays
    problem = Problem("issues/a.yaml", 4, 15, "stories[1].headline", "must not be empty")
    assert problem.place == Place("issues/a.yaml", 4, 15)
    assert str(problem) == "issues/a.yaml:4:15: stories[1].headline: must not be empty"
    assert problem.as_warning() == "issues/a.yaml:4:15: stories[1].headline: warning: must not be empty"


def test_a_whole_file_problem_has_no_line_column_or_field() -> None:
    problem = Problem.whole_file("issues/a.yaml", "no such file")
    assert problem == Problem("issues/a.yaml", 0, 0, "", "no such file")
    assert problem.place == Place("issues/a.yaml")
    assert str(problem) == "issues/a.yaml: no such file"
    assert problem.as_warning() == "issues/a.yaml: warning: no such file"
    assert str(ComposerError("the clipboard is unreachable")) == "the clipboard is unreachable"  # of no file
