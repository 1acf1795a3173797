"""`compose new`, the library side: the skeleton of an issue fails until filled in, and is never
written over an existing issue."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from composer.commands import new as skeleton
from composer.commands import schema
from composer.commands.check import ERROR, check
from composer.commands.new import new_issue, parse_day
from composer.core.models import Image, Issue, Read, Story
from composer.core.output import write_atomically
from composer.core.pipeline import compose
from composer.core.source import read_yaml
from composer.errors import InvalidInput, IssueExists, NotADay

from .conftest import PUBLICATION, MakeIssue

DAY = date(2024, 5, 1)
# check() reports an email without an unsubscribe link as an error; a real publication has one.
CLEAN_PUBLICATION = PUBLICATION + "unsubscribe_url: https://news.example.com/unsubscribe\n"

# What an editor writes in place of each placeholder, by key.
WRITTEN = {
    "title": "The river rises",
    "subject": "The river rose two metres overnight",
    "preheader": "What the council decided at dawn, and what it means for the flood defences of the town.",
    "lang": "en",
    "summary": "The river rose by two metres overnight; the [council](https://example.com/council) met at dawn.",
    "headline": "The river rose overnight",
    "body": "The water reached the market square by six, and the bridge was closed at seven.",
    "url": "https://example.com/story",
    "src": "https://example.com/river.jpg",
    "alt": "The market square under water",
    "width": "600",
    "height": "400",
    "caption": "The market square at seven.",
    "credit": "A. Photographer",
    "source": "The Example",
    "note": "How the town's defences were planned.",
}
# A line "key: <TODO …>" (or "- key: <TODO …>"): the key names what the editor writes.
PLACEHOLDER_LINE = re.compile(r"(?m)^(?P<before>\s*(?:- )?(?P<key>[a-z_]+): )<TODO [^>]*>")
# A commented-out key ("# title:", "    #   src:", "#   - title:"): deleting "# " puts it to use.
COMMENTED_KEY = re.compile(r"(?m)^(\s*)# (?=\s*(?:- )?[a-z_]+:)")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """issues/ with its publication.yaml, the current folder being its parent (paths show as typed)."""
    monkeypatch.chdir(tmp_path)
    issues = tmp_path / "issues"
    issues.mkdir()
    (issues / "publication.yaml").write_text(CLEAN_PUBLICATION, encoding="utf-8")
    return issues


def listed(folder: Path) -> list[str]:
    return sorted(child.name for child in folder.iterdir())


def uncommented(text: str) -> str:
    """The skeleton with every optional key put to use, as an editor does by deleting "# "."""
    return COMMENTED_KEY.sub(r"\1", text)


def filled(text: str) -> str:
    return PLACEHOLDER_LINE.sub(lambda match: match.group("before") + WRITTEN[match.group("key")], text)


def problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as raised:
        compose(path)
    return [str(problem) for problem in raised.value.problems]


@pytest.mark.parametrize(
    ("day", "named"), [(DAY, "Wednesday, May 1, 2024"), (date(2024, 2, 29), "Thursday, February 29, 2024")]
)
def test_the_skeleton_is_dated_with_its_day_and_named_after_it(tmp_path: Path, day: date, named: str) -> None:
    (tmp_path / "publication.yaml").write_text(PUBLICATION, encoding="utf-8")  # found in the folder above
    path = new_issue(tmp_path / "issues", day).path  # the folder is made if need be
    assert path == tmp_path / "issues" / f"{day.isoformat()}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith(f"# {named}: ")  # under the modeline
    assert read_yaml(path).data["date"] == day.isoformat()


def schema_named_by(path: Path) -> Path:
    """The file the modeline on the first line of ``path`` names, resolved as the YAML language server does."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    return path.parent / first.removeprefix(prefix)


def shipped(kind: schema.Kind) -> Any:
    return json.loads(schema.path(kind).read_text(encoding="utf-8"))


def test_the_first_line_names_a_copy_of_the_shipped_schema_written_beside_the_issue(folder: Path) -> None:
    new = new_issue(folder, DAY)
    assert new.path.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=issue.schema.json"
    assert new.schema == folder / "issue.schema.json"
    assert schema_named_by(new.path) == new.schema
    assert new.schema.read_bytes() == schema.path("issue").read_bytes()
    assert read_yaml(new.path).data["date"] == "2024-05-01"  # a comment to YAML
    later = new_issue(folder, date(2024, 5, 2))  # the next issue names the same file, and writes none
    assert later.schema is None and schema_named_by(later.path) == new.schema


def test_an_issue_in_a_folder_below_names_the_schema_above_it(folder: Path) -> None:
    new_issue(folder, DAY)
    new = new_issue(folder / "2024" / "05", date(2024, 5, 2))
    assert new.path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../issue.schema.json\n")
    assert new.schema is None
    assert json.loads(schema_named_by(new.path).read_text(encoding="utf-8")) == shipped("issue")
    assert listed(folder / "2024" / "05") == ["2024-05-02.yaml"]


def test_a_schema_above_publication_yaml_is_not_the_issues_own(tmp_path: Path) -> None:
    (tmp_path / "issue.schema.json").write_text("{}", encoding="utf-8")  # another project's, higher up
    publication = tmp_path / "brief"
    publication.mkdir()
    (publication / "publication.yaml").write_text(PUBLICATION, encoding="utf-8")
    new = new_issue(publication / "issues", DAY)
    assert new.schema == publication / "issues" / "issue.schema.json"
    assert schema_named_by(new.path) == new.schema
    (publication / "issues" / "issue.schema.json").unlink()
    (publication / "issue.schema.json").write_bytes(schema.path("issue").read_bytes())  # publication.yaml's folder
    new = new_issue(publication / "issues", date(2024, 5, 2))
    assert new.schema is None
    assert schema_named_by(new.path).resolve() == (publication / "issue.schema.json").resolve()


def test_an_old_schema_file_is_named_and_never_overwritten(folder: Path) -> None:
    (folder / "issue.schema.json").write_text('{"title": "from an older composer"}', encoding="utf-8")
    new = new_issue(folder, DAY)
    assert new.schema is None
    assert schema_named_by(new.path) == folder / "issue.schema.json"
    assert (folder / "issue.schema.json").read_text(encoding="utf-8") == '{"title": "from an older composer"}'


def test_the_untouched_skeleton_fails_once_per_placeholder_at_its_line(folder: Path) -> None:
    path = new_issue(folder, DAY).path
    assert problems(path) == [
        "issues/2024-05-01.yaml:15:10: summary: still the skeleton's placeholder; "
        "write the summary that opens the issue",
        "issues/2024-05-01.yaml:18:15: stories[1].headline: still the skeleton's placeholder; write the headline",
        "issues/2024-05-01.yaml:19:11: stories[1].body: still the skeleton's placeholder; write the story",
        "issues/2024-05-01.yaml:21:10: stories[1].url: still the skeleton's placeholder; "
        "paste the full story's address, https://…, or delete this line",
    ]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[14].startswith("summary: <TODO ") and lines[20].startswith("    url: <TODO ")


def test_every_optional_placeholder_put_to_use_fails_too_each_at_its_own_place(folder: Path) -> None:
    path = folder / "2024-05-01.yaml"
    path.write_text(uncommented(skeleton.skeleton(DAY)), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    placeholders = [
        (number, line.index("<TODO") + 1)
        for number, line in enumerate(lines, 1)
        if "<TODO" in line and not line.lstrip().startswith("#")  # the opening comment names the marker
    ]
    assert len(placeholders) == 20  # the four to write, and sixteen optional ones (source, image, reads, …)
    found = problems(path)
    places = [tuple(int(part) for part in line.split(":")[1:3]) for line in found]
    assert places == placeholders
    assert all(": still the skeleton's placeholder; " in line for line in found)
    assert (
        "issues/2024-05-01.yaml:26:14: stories[1].image.width: still the skeleton's placeholder; "
        "give its width in pixels, or delete this line" in found
    )  # not "should be a whole number", which hides what to do


@pytest.mark.parametrize("optional_keys", ["left commented out", "all put to use"])
def test_filled_in_it_composes_and_passes_check(folder: Path, optional_keys: str) -> None:
    text = skeleton.skeleton(DAY)
    if optional_keys == "all put to use":
        text = uncommented(text)
    path = folder / "2024-05-01.yaml"
    path.write_text(filled(text), encoding="utf-8")
    composed = compose(path)
    assert composed.loaded.issue.date == DAY
    assert composed.loaded.issue.stories[0].headline == "The river rose overnight"
    assert [str(finding) for finding in check(composed) if finding.level == ERROR] == []
    if optional_keys == "all put to use":
        issue = composed.loaded.issue
        assert issue.stories[0].image is not None and issue.stories[0].image.width == 600
        assert issue.recommended_reads[0].note == "How the town's defences were planned."
        assert issue.subject == "The river rose two metres overnight" and issue.lang == "en"


def keys(data: Any) -> dict[str, set[str]]:
    """The keys of the issue, its story, image and read, from the parsed skeleton."""
    story = data["stories"][0]
    return {
        "issue": set(data),
        "story": set(story),
        "image": set(story["image"]),
        "read": set(data["recommended_reads"][0]),
    }


def test_the_skeleton_shows_every_field_of_an_issue_and_no_other_key(tmp_path: Path) -> None:
    path = tmp_path / "2024-05-01.yaml"
    path.write_text(uncommented(skeleton.skeleton(DAY)), encoding="utf-8")
    assert keys(read_yaml(path).data) == {  # the issue reader: it refuses what YAML should not hold
        "issue": set(Issue.model_fields),
        "story": set(Story.model_fields),
        "image": set(Image.model_fields),
        "read": set(Read.model_fields),
    }
    # Filled in, the models take every one of them (they refuse unknown keys).
    path.write_text(filled(uncommented(skeleton.skeleton(DAY))), encoding="utf-8")
    Issue.model_validate(read_yaml(path).data)


def test_a_second_new_for_the_same_day_refuses_and_leaves_the_file_as_it_was(folder: Path) -> None:
    path = new_issue(Path("issues"), DAY).path  # as the command is given it, relative to the current folder
    edited = filled(path.read_text(encoding="utf-8")).encode("utf-8") + b"# the editor's own note\r\n"
    path.write_bytes(edited)
    with pytest.raises(IssueExists) as raised:
        new_issue(Path("issues"), DAY)
    assert str(raised.value) == (
        "issues/2024-05-01.yaml already exists; compose new never overwrites an issue: "
        "edit that file, or remove it first"
    )
    assert path.read_bytes() == edited
    assert listed(folder) == ["2024-05-01.yaml", "issue.schema.json", "publication.yaml"]  # no drafts


def test_an_issue_saved_while_the_skeleton_is_written_is_not_overwritten(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The editor's save lands between any "is it there?" and the write: no such check can be trusted.
    path = folder / "2024-05-01.yaml"

    def editor_saves_meanwhile(draft: Path, content: str) -> None:
        path.write_text("date: 2024-05-01\n# the editor's own issue\n", encoding="utf-8")
        write_atomically(draft, content)

    monkeypatch.setattr("composer.commands.new.write_atomically", editor_saves_meanwhile)
    with pytest.raises(IssueExists):
        new_issue(folder, DAY)
    assert path.read_text(encoding="utf-8") == "date: 2024-05-01\n# the editor's own issue\n"
    assert listed(folder) == ["2024-05-01.yaml", "publication.yaml"]  # nor the schema of an issue not written


def test_without_hard_links_it_still_writes_once_and_never_overwrites(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_hard_links(source: Path, target: Path) -> None:
        raise PermissionError(1, "Operation not permitted")  # what FAT and some network drives answer

    monkeypatch.setattr(os, "link", no_hard_links)
    path = new_issue(folder, DAY).path
    assert path.read_text(encoding="utf-8") == skeleton.skeleton(DAY)
    assert (folder / "issue.schema.json").read_bytes() == schema.path("issue").read_bytes()
    with pytest.raises(IssueExists):
        new_issue(folder, DAY)
    assert path.read_text(encoding="utf-8") == skeleton.skeleton(DAY)
    assert listed(folder) == ["2024-05-01.yaml", "issue.schema.json", "publication.yaml"]


@pytest.mark.parametrize(
    ("headline", "message"),
    [
        (
            "Floods in Hama <TODO write the headline>",
            "still holds the skeleton's placeholder '<TODO write the headline>'; write the headline in its place",
        ),
        ("<TODO write the", "still holds the skeleton's placeholder '<TODO'; write your own text in its place"),
    ],
)
def test_a_placeholder_partly_written_over_is_still_refused(make_issue: MakeIssue, headline: str, message: str) -> None:
    path = make_issue(f"date: 2024-05-01\nsummary: Floods.\nstories:\n  - headline: {headline}\n    body: Text.\n")
    with pytest.raises(InvalidInput) as raised:
        compose(path)
    assert [(problem.line, problem.field, problem.message) for problem in raised.value.problems] == [
        (4, "stories[1].headline", message)
    ]


def test_what_editors_write_is_never_taken_for_a_placeholder(make_issue: MakeIssue) -> None:
    path = make_issue(
        """\
        date: 2024-05-01
        summary: "TODO: the council's to-do list, <todo> items and 3 < 4 <b>bold</b>, see <https://example.com/TODO>."
        stories:
          - headline: TODO list <TO DO> for the town
            body: The app's *TODO* list, and <todo> in lower case.
        """
    )
    composed = compose(path)
    assert "TODO: the council's to-do list" in composed.text


def test_every_optional_placeholder_says_its_line_can_be_deleted_and_no_other_does() -> None:
    keys = [line.split(":")[0].strip(" -") for line in uncommented(skeleton.skeleton(DAY)).splitlines()[5:]]
    lines = dict(zip(range(len(keys)), uncommented(skeleton.skeleton(DAY)).splitlines()[5:], strict=True))
    deletable = [keys[at] for at, line in lines.items() if "<TODO" in line and "or delete this line>" in line]
    to_write = [keys[at] for at, line in lines.items() if "<TODO" in line and "or delete this line>" not in line]
    story = ["url", "source", "width", "height", "caption", "credit"]
    assert deletable == ["title", "subject", "preheader", "lang", *story, "source", "note", "lang"]
    assert to_write == ["summary", "headline", "body", "src", "alt", "title", "url"]


def test_today_and_tomorrow_are_days_too() -> None:
    assert parse_day("today", today=DAY) == DAY
    assert parse_day("tomorrow", today=date(2024, 12, 31)) == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-02-30", "'2024-02-30' is not a date in the calendar: February 2024 has 29 days"),
        ("1 May 2024", "'1 May 2024' is not a date written YYYY-MM-DD, e.g. 2017-11-09"),
    ],
)
def test_a_day_that_is_not_one_is_refused_in_the_date_fields_words(text: str, message: str) -> None:
    assert parse_day("2024-05-01") == DAY
    with pytest.raises(NotADay) as raised:
        parse_day(text)
    assert str(raised.value) == message


def test_a_file_named_after_another_day_than_its_date_is_a_warning(tmp_path: Path) -> None:
    issues = tmp_path / "issues"
    issues.mkdir()
    (issues / "publication.yaml").write_text(PUBLICATION, encoding="utf-8")
    path = issues / "2026-12-05.yaml"  # copied from the day before, its date left as it was
    path.write_text("date: 2026-12-04\nsummary: S.\nstories:\n  - headline: H\n    body: B.\n", encoding="utf-8")
    composed = compose(path)  # it builds: a warning, not an error
    (warning,) = composed.loaded.warnings
    assert warning.as_warning() == (
        f"{path}:1:7: date: warning: the file is named after 2026-12-05 but its date is 2026-12-04: "
        "change one of the two (the web archive's address follows both)"
    )
    assert [(finding.path, finding.rule) for finding in check(composed) if finding.rule.startswith("date")] == [
        (f"{path}:1:7", "date-unlike-file-name")
    ]
    path.write_text(path.read_text(encoding="utf-8").replace("2026-12-04", "2026-12-05"), encoding="utf-8")
    assert compose(path).loaded.warnings == ()
