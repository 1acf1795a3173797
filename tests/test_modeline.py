"""`compose check` on the schema a file's first line names for the editor: a warning when it is missing
or another composer's, at that line, with the command that writes it anew; nothing without a modeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.commands import schema
from composer.commands.check import Finding, check
from composer.core.pipeline import compose

from .conftest import MakeIssue, cli
from .test_check import CLEAN_ISSUE, CLEAN_PUBLICATION

MODELINE = "# yaml-language-server: $schema={}\n"


# The current folder is above issues/, so that the commands show issues/… as typed.
pytestmark = pytest.mark.usefixtures("in_tmp")


def schema_findings(path: Path) -> list[Finding]:
    return [finding for finding in check(compose(path)) if finding.rule.startswith("schema-")]


def test_a_schema_file_named_but_missing_is_a_warning_with_the_command_that_writes_it(make_issue: MakeIssue) -> None:
    path = make_issue(MODELINE.format("issue.schema.json") + CLEAN_ISSUE, CLEAN_PUBLICATION)
    assert [str(finding) for finding in schema_findings(path)] == [
        "issues/issue.yaml:1:1: warning: schema-missing: the first line names issue.schema.json as the schema your "
        "editor completes this file from, but there is no such file: write it with "
        "`compose schema issue > issues/issue.schema.json`"
    ]


def test_a_schema_file_from_another_composer_is_a_warning_until_refreshed(make_issue: MakeIssue) -> None:
    path = make_issue(MODELINE.format("issue.schema.json") + CLEAN_ISSUE, CLEAN_PUBLICATION)
    copy = path.parent / "issue.schema.json"
    copy.write_text(schema.text("issue").replace("the publication's title_pattern", "the title pattern"))
    assert [str(finding) for finding in schema_findings(path)] == [
        "issues/issue.yaml:1:1: warning: schema-outdated: issue.schema.json, the schema your editor completes this "
        "file from, was written by another version of composer, so the editor may miss keys or mark good ones: "
        "refresh it with `compose schema issue > issues/issue.schema.json`"
    ]
    refreshed = cli("schema", "issue").stdout  # the command
    copy.write_bytes(refreshed.replace("\n", "\r\n").encode("utf-8"))  # as a shell on Windows may save it
    assert schema_findings(path) == []


def test_publication_yaml_s_schema_is_checked_too(make_issue: MakeIssue) -> None:
    path = make_issue(CLEAN_ISSUE, MODELINE.format("publication.schema.json") + CLEAN_PUBLICATION)
    (path.parent / "publication.schema.json").write_text("not JSON at all", encoding="utf-8")
    assert [(finding.path, finding.rule) for finding in schema_findings(path)] == [
        ("issues/publication.yaml:1:1", "schema-outdated")
    ]
    assert schema_findings(path)[0].message.endswith("`compose schema publication > issues/publication.schema.json`")
    (path.parent / "publication.schema.json").write_bytes(schema.path("publication").read_bytes())
    assert schema_findings(path) == []


def test_the_command_names_the_file_from_the_current_folder(make_issue: MakeIssue, in_tmp: Path) -> None:
    path = make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION)
    below = path.parent / "2020" / "2020-02-03.yaml"
    below.parent.mkdir()
    below.write_text(MODELINE.format("../issue.schema.json") + CLEAN_ISSUE, encoding="utf-8")
    (finding,) = schema_findings(below)
    assert (finding.path, finding.rule) == ("issues/2020/2020-02-03.yaml:1:1", "schema-missing")
    assert finding.message.endswith("`compose schema issue > issues/issue.schema.json`")
    spaced = in_tmp / "My Brief"
    spaced.mkdir()
    moved = spaced / below.name
    moved.write_text(MODELINE.format("issue.schema.json") + CLEAN_ISSUE, encoding="utf-8")
    (spaced / "publication.yaml").write_text(CLEAN_PUBLICATION, encoding="utf-8")
    (finding,) = schema_findings(moved)
    assert finding.message.endswith("`compose schema issue > 'My Brief/issue.schema.json'`")  # quoted for the shell


@pytest.mark.parametrize(
    "first_line",
    [
        "# an issue without a modeline\n",
        MODELINE.format("https://example.org/issue.schema.json"),
        MODELINE.format("/nowhere/issue.schema.json"),
    ],
)
def test_no_modeline_a_web_address_or_an_absolute_path_is_not_checked(make_issue: MakeIssue, first_line: str) -> None:
    path = make_issue(first_line + CLEAN_ISSUE, CLEAN_PUBLICATION)
    assert check(compose(path)) == []


def test_compose_check_prints_the_warning_at_the_first_line(make_issue: MakeIssue) -> None:
    path = make_issue(MODELINE.format("issue.schema.json") + CLEAN_ISSUE, CLEAN_PUBLICATION)
    result = cli("check", "issues/issue.yaml")
    assert result.exit_code == 0
    assert result.stdout.startswith("issues/issue.yaml:1:1: warning: schema-missing: the first line names ")
    assert cli("check", "--strict", str(path)).exit_code == 1
