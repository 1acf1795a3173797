"""`compose init`: a publication.yaml that composes once named, says what is left to fill, and is
never written over an existing one; `compose new` asks for it first."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from composer.commands import schema
from composer.commands.init import publication_text
from composer.core.models import Publication
from composer.core.source import read_yaml

from .conftest import run

# A line "key: <TODO …>" (or "- key: <TODO …>"), and a commented-out key, as in test_new.
PLACEHOLDER_LINE = re.compile(r"(?m)^(?P<before>\s*(?:- )?(?P<key>[a-z_]+): )<TODO [^>]*>")
COMMENTED_KEY = re.compile(r"(?m)^(\s*)# (?=\s*(?:- )?[a-z_]+:)")
# What an editor writes in place of each placeholder of publication.yaml or an issue, by key.
WRITTEN = {
    "name": "Test Brief",
    "url": "https://example.org/brief/",
    "title_pattern": "Test Brief of {month} {day}",
    "date_format": "long",
    "notice": "Welcome to the *first* issue.",
    "contact": "editors@example.org",
    "footer": "You subscribed at [example.org](https://example.org/brief/).",
    "heading": "Tell us your story",
    "text": "We read every message.",
    "label": "Write",
    "src": "https://example.org/logo.png",
    "alt": "Test Brief",
    "width": "200",
    "height": "50",
    "read_more": "Read on",
    "summary": "The council met at dawn; the river rose two metres overnight, and the bridge is closed.",
    "email": "news@example.org",
    "esp": "mailchimp",
    "unsubscribe_url": "https://example.org/brief/unsubscribe",
    "web_version_url": "https://example.org/brief/{iso}/",
    "address": "Test Brief, 1 Main Street, Springfield",
    "host": "smtp.example.org",
    "port": "587",
    "user": "editor",
    "starttls": "yes",
    "audience_id": "a1b2c3d4e5",
    "sender_id": "1234",
    "suppression_group_id": "12",
    "list_ids": '["3"]',
}


def filled(text: str) -> str:
    """Every <TODO …> replaced: with the editor's words by key, else with a sentence."""
    return PLACEHOLDER_LINE.sub(
        lambda match: match.group("before") + WRITTEN.get(match.group("key"), "Text written by the editor."), text
    )


def line_of(key: str) -> int:
    """The line of publication.yaml (in the current folder) where ``key`` is commented out."""
    lines = Path("publication.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(f"# {key}:"))


def listed(folder: Path) -> list[str]:
    """What the folder holds, besides the .git conftest puts there to end the search for publication.yaml."""
    return sorted(child.name for child in folder.iterdir() if child.name != ".git")


def test_init_then_new_then_filled_in_composes_and_check_lists_what_is_left(in_tmp: Path) -> None:
    code, out, err = run("init", "--name", "Test Brief", "--url", "https://example.org/brief/")
    assert (code, err) == (0, "")
    assert out == (
        "wrote publication.yaml, issues/, publication.schema.json and issues/issue.schema.json; next:\n"
        "edit publication.yaml: replace every <TODO …>, and fill in what it marks TO FILL "
        "(an editor with a YAML extension, such as VS Code's, completes its keys)\n"
        "compose new\n"
        "compose issues/DATE.yaml\n"
    )
    assert listed(in_tmp) == ["issues", "publication.schema.json", "publication.yaml"]
    assert listed(in_tmp / "issues") == ["issue.schema.json"]
    code, out, _ = run("new", "2026-12-01")
    assert (code, out) == (  # the schema init wrote is named, and none written
        0,
        "issues/2026-12-01.yaml: write your text in place of every <TODO …>, then: compose issues/2026-12-01.yaml\n",
    )
    issue = Path("issues/2026-12-01.yaml")
    assert issue.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=issue.schema.json\n")
    issue.write_text(filled(issue.read_text(encoding="utf-8")), encoding="utf-8")
    assert all("<TODO" not in line for line in issue.read_text().splitlines() if not line.lstrip().startswith("#"))
    code, out, err = run(issue, "-o", "out")
    assert (code, err) == (0, "")
    assert out.startswith("out/2026-12-01.html (")
    code, out, _ = run("check", issue)
    assert code == 1
    # Each thing left to fill, at the commented-out key to fill in.
    place = {key: f"publication.yaml:{line_of(key)}:1" for key in ("sender", "unsubscribe_url", "address")}
    assert out.splitlines() == [
        f"{place['unsubscribe_url']}: error: unsubscribe-missing: the email has no unsubscribe link, which every email "
        "must have: add unsubscribe_url to publication.yaml, or choose the mailing service that fills it in "
        "(--esp, or esp: in publication.yaml)",
        f"{place['address']}: warning: postal-address-missing: the footer has no postal address, which the US "
        "CAN-SPAM Act and most mailing services require in every email: add address: to publication.yaml, or "
        "choose a mailing service that fills it in (--esp mailchimp, or esp: in publication.yaml)",
        f"{place['sender']}: warning: sender-missing: publication.yaml has no sender, the name and address the "
        "issue is sent from, which `compose send` and --eml need: add sender: with name: and email: (the address your "
        "mailing service sends from)",
    ]
    lines = (in_tmp / "publication.yaml").read_text(encoding="utf-8").splitlines()
    for key in ("sender", "unsubscribe_url", "address"):  # each under its "TO FILL" comment
        assert any(line.startswith("# TO FILL") for line in lines[line_of(key) - 3 : line_of(key) - 1]), key


def test_without_name_and_url_their_placeholders_are_refused_at_their_line(in_tmp: Path) -> None:
    assert run("init")[0] == 0
    assert run("new", "2026-12-01")[0] == 0
    issue = in_tmp / "issues" / "2026-12-01.yaml"
    issue.write_text(filled(issue.read_text(encoding="utf-8")), encoding="utf-8")
    code, _, err = run(issue, "-o", "out")
    assert code == 1
    assert err.splitlines() == [
        "publication.yaml:9:7: name: still the skeleton's placeholder; write the publication's name",
        "publication.yaml:10:6: url: still the skeleton's placeholder; paste the publication's web address, https://…",
    ]
    publication = in_tmp / "publication.yaml"
    publication.write_text(filled(publication.read_text(encoding="utf-8")), encoding="utf-8")
    assert run(issue, "-o", "out")[0] == 0


def test_publication_yaml_and_the_issues_name_the_schemas_written_beside_them(in_tmp: Path) -> None:
    assert run("init", "brief")[0] == 0
    assert run("new", "2026-12-01", "--folder", "brief/issues")[0] == 0
    for path, kind in (
        (in_tmp / "brief" / "publication.yaml", "publication"),
        (in_tmp / "brief" / "issues" / "2026-12-01.yaml", "issue"),
    ):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={kind}.schema.json"
        assert (path.parent / f"{kind}.schema.json").read_bytes() == schema.path(kind).read_bytes()
    assert read_yaml(in_tmp / "brief" / "publication.yaml").data["url"].startswith("<TODO")  # a comment to YAML


def test_schema_files_already_there_are_left_as_they_are(in_tmp: Path) -> None:
    # A second start in a folder whose publication.yaml was removed: its schemas, perhaps old, stay.
    (in_tmp / "publication.schema.json").write_text("{}", encoding="utf-8")
    (in_tmp / "issues").mkdir()
    (in_tmp / "issues" / "issue.schema.json").write_text("{}", encoding="utf-8")
    code, out, err = run("init", "--name", "Test Brief", "--url", "https://example.org/brief/")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "wrote publication.yaml and issues/; next:"
    assert (in_tmp / "publication.schema.json").read_text(encoding="utf-8") == "{}"
    assert (in_tmp / "issues" / "issue.schema.json").read_text(encoding="utf-8") == "{}"
    (in_tmp / "publication.schema.json").unlink()
    (in_tmp / "publication.yaml").unlink()
    code, out, _ = run("init", "--name", "Test Brief", "--url", "https://example.org/brief/")
    assert code == 0 and out.splitlines()[0] == "wrote publication.yaml, issues/ and publication.schema.json; next:"


def test_an_existing_publication_yaml_is_never_overwritten(in_tmp: Path) -> None:
    (in_tmp / "publication.yaml").write_bytes(b"name: Mine\r\nurl: https://example.org/\r\n")
    code, out, err = run("init", "--name", "Test Brief", "--url", "https://example.org/brief/")
    assert (code, out) == (1, "")
    assert err == (
        "publication.yaml already exists; compose init never overwrites it: edit that file, "
        "or start in another folder\n"
    )
    assert (in_tmp / "publication.yaml").read_bytes() == b"name: Mine\r\nurl: https://example.org/\r\n"
    assert listed(in_tmp) == ["publication.yaml"]  # no issues/, no draft


def test_a_value_that_would_not_validate_is_refused_and_nothing_written(in_tmp: Path) -> None:
    code, _, err = run("init", "--name", "", "--url", "example.org", "--lang", "English")
    assert code == 1
    assert err.splitlines() == [
        "--lang: 'English' is not a language tag such as en, en-GB, ar or fr-CA",
        "--name: String should have at least 1 character",
        "--url: 'example.org' is not a full link; write it out, starting with https://",
    ]
    assert listed(in_tmp) == []


def test_another_folder_is_made_and_named_in_the_next_steps(in_tmp: Path) -> None:
    code, out, _ = run("init", "brief", "--name", "Le Brief", "--url", "https://example.org/", "--lang", "fr")
    assert code == 0
    assert out.splitlines()[2:] == ["compose new --folder brief/issues", "compose brief/issues/DATE.yaml"]
    assert read_yaml(in_tmp / "brief" / "publication.yaml").data["lang"] == "fr"
    code, out, _ = run("new", "2026-12-01", "--folder", "brief/issues")
    assert code == 0 and out.startswith("brief/issues/2026-12-01.yaml: ")


def test_the_file_shows_every_key_of_a_publication_and_each_validates_filled_in(tmp_path: Path) -> None:
    path = tmp_path / "publication.yaml"
    path.write_text(filled(COMMENTED_KEY.sub(r"\1", publication_text())), encoding="utf-8")
    data = read_yaml(path).data
    assert set(data) == set(Publication.model_fields)
    Publication.model_validate(data)  # it refuses unknown keys, and every placeholder


@pytest.mark.parametrize("name", ["1984", 'The "Daily" Brief: #1'])
def test_a_name_is_kept_as_typed(tmp_path: Path, name: str) -> None:
    path = tmp_path / "publication.yaml"
    path.write_text(publication_text(name, "https://example.org/", "no"), encoding="utf-8")
    publication = Publication.model_validate(read_yaml(path).data)
    assert (publication.name, publication.lang) == (name, "no")


def test_new_without_a_publication_says_to_run_init_and_writes_nothing(in_tmp: Path) -> None:
    code, out, err = run("new", "2026-12-01")
    assert (code, out) == (1, "")
    assert (
        err == "no publication.yaml in issues or the folders above it; run `compose init` first, then `compose new`\n"
    )
    assert listed(in_tmp) == []


def test_new_today_and_tomorrow(in_tmp: Path) -> None:
    assert run("init", "--name", "Test Brief", "--url", "https://example.org/brief/")[0] == 0
    before = date.today()
    assert run("new", "tomorrow")[0] == 0
    assert run("new", "today")[0] == 0
    after = date.today()  # the same day but at midnight
    written = sorted(child.name for child in (in_tmp / "issues").glob("*.yaml"))
    assert written in (
        sorted(f"{day.isoformat()}.yaml" for day in (today, today + timedelta(days=1))) for today in (before, after)
    )
