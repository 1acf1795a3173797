"""`compose check --format json` prints one JSON document on stdout whatever happens: nothing to
check, a wrong command line, a bug in composer. Each is a finding in the shape of the others, and
the exit status is the one the same run has without --format json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from composer.commands.check import ERROR, Finding, as_json

from .test_hostile_content import PUBLICATION, TIME_LIMIT


def check_json(folder: Path, *arguments: str, code: str = "") -> tuple[int, list[dict[str, Any]], str]:
    """`compose check ... --format json` in ``folder``, a process of its own (``code`` run first in it):
    its exit status, its stdout read as JSON, and its stderr."""
    start = f"{code}\nfrom composer.cli import run\nrun()\n"
    command = [sys.executable, "-c", start, "check", *arguments, "--format", "json"]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIME_LIMIT, check=False)
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def whole_file_error(file: str, rule: str, message: str) -> dict[str, Any]:
    """An error finding as the JSON gives it, about ``file`` as a whole (no line, no column) or of no file."""
    return {"path": file, "file": file, "line": 0, "column": 0, "level": "error", "rule": rule, "message": message}


def test_an_empty_folder_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "issues").mkdir()
    status, findings, errors = check_json(tmp_path, "issues")
    message = "this folder holds no issue files (*.yaml); name an issue file, or a folder holding some"
    assert (status, findings) == (1, [whole_file_error("issues", "no-issues", message)])
    assert errors == f"issues: {message}\n"  # the same line as without --format json


def test_a_folder_with_only_its_publication_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "issues").mkdir()
    shutil.copy(PUBLICATION, tmp_path / "issues")
    status, findings, _ = check_json(tmp_path, "issues")
    message = "no issue in this folder, only its publication.yaml; `compose new --folder issues` starts one"
    assert (status, findings) == (1, [whole_file_error("issues", "no-issues", message)])
    status, findings, _ = check_json(tmp_path, "issues/publication.yaml")
    assert status == 1 and [finding["rule"] for finding in findings] == ["no-issues"]
    assert findings[0]["message"].startswith("this is the publication's file, not an issue; name an issue file")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "Missing argument 'FILES...'."),
        (("--bogus", "x.yaml"), click.NoSuchOption("--bogus").format_message()),  # click's words (8.4 changed them)
        (("--templates", "nowhere", "x.yaml"), "Invalid value for '--templates': Directory 'nowhere' does not exist."),
    ],
    ids=["no-file", "unknown-option", "no-templates-folder"],
)
def test_a_wrong_command_line_is_a_finding(tmp_path: Path, arguments: tuple[str, ...], message: str) -> None:
    status, findings, errors = check_json(tmp_path, *arguments)
    assert (status, findings) == (2, [whole_file_error("", "usage", message)])
    assert errors.endswith(f"Error: {message}\n")


def test_a_bug_in_composer_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "issues").mkdir()
    shutil.copy(PUBLICATION, tmp_path / "issues")
    (tmp_path / "issues" / "2020-02-03.yaml").write_text(
        "date: 2020-02-03\nsummary: A summary.\nstories:\n  - headline: A headline\n    body: A body.\n", "utf-8"
    )
    # A real run with a bug put in: the check of a composed email fails as no editor's file can make it.
    bug = (
        "import composer.commands.check\ndef broken(composed, link_settings=None):\n    raise KeyError('boom')\n"
        "composer.commands.check.check = broken"
    )
    status, findings, errors = check_json(tmp_path, "issues", code=bug)
    message = (
        "internal error in composer (KeyError: 'boom'); run the same command with --debug for the traceback, "
        "and report it"
    )
    assert (status, findings) == (2, [whole_file_error("", "internal-error", message)])
    assert errors == message + "\n"


def test_a_text_that_is_not_unicode_still_makes_a_json_document() -> None:
    # A file name of bytes that are not UTF-8 reaches Python as lone surrogates, which no encoder writes.
    document = as_json([Finding("issues/caf\udce9.yaml", ERROR, "invalid", "no such file \ud800")])
    assert json.loads(document) == [whole_file_error("issues/caf\ufffd.yaml", "invalid", "no such file \ufffd")]
