"""Hostile modelines: the first line of an issue or publication.yaml naming, as the editor's schema, a
file `compose check`'s advice must not overwrite (the issue itself, publication.yaml, a path out of the
folder or through a link), a path a shell would run something in, a name past the system's limit, or a
line of a text that only looks like a modeline.

Run as an editor runs `compose check`: a real process in a folder of its own, its lines compared
exactly; every file is left as it was. A command given is pasted into a real shell.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from composer.commands import schema

from ..test_check import CLEAN_ISSUE, CLEAN_PUBLICATION

TIME_LIMIT = 60  # seconds: far above any case's real time, only there to turn a hang into a failure
NAMED = "the first line names {} as the schema your editor completes this file from"


def modeline(target: str) -> str:
    return f"# yaml-language-server: $schema={target}\n"


def check(folder: Path, name: str = "2020-02-03") -> list[str]:
    """`compose check issues/NAME.yaml` in ``folder``, as a process of its own: its lines, once it has
    ended cleanly (warnings only: exit 0) and left every file as it was."""
    before = _files(folder)
    command = [sys.executable, "-m", "composer", "check", f"issues/{name}.yaml"]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIME_LIMIT, check=False)
    assert result.returncode == 0, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert _files(folder) == before
    return result.stdout.splitlines()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A publication in folder/issues, the issue 2020-02-03.yaml in it without a modeline yet."""
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "publication.yaml").write_text(CLEAN_PUBLICATION, encoding="utf-8")
    (tmp_path / "issues" / "2020-02-03.yaml").write_text(CLEAN_ISSUE, encoding="utf-8")
    return tmp_path


def write(folder: Path, name: str, text: str) -> None:
    (folder / "issues" / name).write_text(text, encoding="utf-8")


# --- Advice that would overwrite the editor's own files ---------------------------------------------


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("2020-02-03.yaml", "that is not a schema file composer writes"),
        ("publication.yaml", "that is not a schema file composer writes"),
        ("../README.md", "that is not a schema file composer writes"),
        ("publication.schema.json", "that is not a schema file composer writes"),
        ("#/definitions", "that names no file"),
        (
            "../../issue.schema.json",
            "that file is outside the publication's folder (issues), or leads out of it by a link",
        ),
    ],
    ids=["the-issue-itself", "publication-yaml", "a-file-above", "the-other-schema", "no-file", "out-of-the-folder"],
)
def test_advice_never_names_a_file_composer_does_not_write(folder: Path, target: str, problem: str) -> None:
    write(folder, "2020-02-03.yaml", modeline(target) + CLEAN_ISSUE)
    (folder / "README.md").write_text("The desk's notes.\n", encoding="utf-8")
    assert check(folder) == [
        f"issues/2020-02-03.yaml:1:1: warning: schema-missing: {NAMED.format(target)}, but {problem}: "
        "name issue.schema.json instead"
    ]


def test_publication_yaml_naming_itself_gets_no_command(folder: Path) -> None:
    write(folder, "publication.yaml", modeline("publication.yaml") + CLEAN_PUBLICATION)
    assert check(folder) == [
        f"issues/publication.yaml:1:1: warning: schema-missing: {NAMED.format('publication.yaml')}, but that is "
        "not a schema file composer writes: name publication.schema.json instead"
    ]


def test_the_name_suggested_is_the_nearest_schema_above(folder: Path) -> None:
    (folder / "issues" / "issue.schema.json").write_bytes(schema.path("issue").read_bytes())
    (folder / "issues" / "2020").mkdir()
    write(folder, "2020/2020-02-03.yaml", modeline("2020-02-03.yaml") + CLEAN_ISSUE)
    (line,) = check(folder, "2020/2020-02-03")
    assert line.endswith(": name ../issue.schema.json instead")


@pytest.mark.parametrize(
    "link",
    ["../publication.yaml", "../2020-02-03.yaml", "../../../outside/issue.schema.json", "../../outside"],
    ids=["to-publication-yaml", "to-the-issue", "to-a-schema-outside", "a-folder-outside"],
)
def test_a_schema_file_that_is_a_link_out_or_to_another_file_gets_no_command(folder: Path, link: str) -> None:
    (folder / "outside").mkdir()
    (folder / "outside" / "issue.schema.json").write_text("{}", encoding="utf-8")  # another composer's
    (folder / "issues" / "schemas").mkdir()
    if link == "../../outside":  # the folder is the link: schemas/linked/issue.schema.json leaves through it
        (folder / "issues" / "schemas" / "linked").symlink_to(link)
        target = "schemas/linked/issue.schema.json"
    else:
        (folder / "issues" / "schemas" / "issue.schema.json").symlink_to(link)
        target = "schemas/issue.schema.json"
    write(folder, "2020-02-03.yaml", modeline(target) + CLEAN_ISSUE)
    (line,) = check(folder)
    problem = (
        f"that is a link to issues/{link.removeprefix('../')}, not a schema file composer writes"
        if link.endswith(".yaml")
        else "that file is outside the publication's folder (issues), or leads out of it by a link"
    )
    assert line == (
        f"issues/2020-02-03.yaml:1:1: warning: schema-missing: {NAMED.format(target)}, but {problem}: "
        "name issue.schema.json instead"
    )


def test_a_link_inside_the_folder_to_composer_s_file_gets_the_command_for_the_real_file(folder: Path) -> None:
    (folder / "issues" / "2020").mkdir()
    (folder / "issues" / "2020" / "issue.schema.json").symlink_to("../issue.schema.json")  # dangling for now
    write(folder, "2020/2020-02-03.yaml", modeline("issue.schema.json") + CLEAN_ISSUE)
    assert check(folder, "2020/2020-02-03") == [
        f"issues/2020/2020-02-03.yaml:1:1: warning: schema-missing: {NAMED.format('issue.schema.json')}, but "
        "there is no such file: write it with `compose schema issue > issues/issue.schema.json`"
    ]


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_schema_file_that_is_a_folder_or_a_pipe_gets_no_command(folder: Path, kind: str) -> None:
    place = folder / "issues" / "issue.schema.json"
    place.mkdir() if kind == "folder" else os.mkfifo(place)  # `>` into a pipe would wait for a reader forever
    write(folder, "2020-02-03.yaml", modeline("issue.schema.json") + CLEAN_ISSUE)
    assert check(folder) == [
        f"issues/2020-02-03.yaml:1:1: warning: schema-missing: {NAMED.format('issue.schema.json')}, but that is "
        "a folder, a pipe or a device, not a file: name issue.schema.json instead"
    ]


# --- Advice pasted into a shell -----------------------------------------------------------------------


@pytest.mark.parametrize("odd", ["$(touch pwned)", "`touch pwned`", "it's; touch pwned", 'a"b $HOME'])
def test_a_command_with_shell_signs_in_its_path_writes_that_file_and_runs_nothing(folder: Path, odd: str) -> None:
    place = folder / "issues" / odd
    place.mkdir()
    # The modeline holds no space (it ends the target): the issue is in the odd folder, naming its neighbour.
    write(folder, f"{odd}/2020-02-03.yaml", modeline("issue.schema.json") + CLEAN_ISSUE)
    (line,) = check(folder, f"{odd}/2020-02-03")
    quoted = "'issues/" + odd.replace("'", "'\"'\"'") + "/issue.schema.json'"
    advice = f"`compose schema issue > {quoted}`"
    assert line == (
        f"issues/{odd}/2020-02-03.yaml:1:1: warning: schema-missing: {NAMED.format('issue.schema.json')}, but "
        f"there is no such file: write it with {advice}"
    )
    compose = Path(sys.executable).parent  # the `compose` installed beside this Python
    shell = subprocess.run(
        ["sh", "-c", advice.strip("`")],
        cwd=folder,
        env={**os.environ, "PATH": f"{compose}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        timeout=TIME_LIMIT,
        check=False,
    )
    assert shell.returncode == 0, shell.stderr
    assert not list(folder.rglob("pwned"))
    assert (place / "issue.schema.json").read_bytes() == schema.path("issue").read_bytes()
    assert check(folder, f"{odd}/2020-02-03") == []


@pytest.mark.parametrize(
    "target",
    [
        "http://example.org/issue.schema.json",
        "HTTPS://example.org/$(touch pwned).yaml",
        "file:///etc/passwd",
        "//example.org/issue.yaml",
    ],
)
def test_an_address_is_not_composer_s_copy_and_gets_no_advice(folder: Path, target: str) -> None:
    write(folder, "2020-02-03.yaml", modeline(target) + CLEAN_ISSUE)
    assert check(folder) == []


# --- Names past the system's limit --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("x" * 300 + "/issue.schema.json", "that file cannot be read (File name too long)"),
        ("a/" * 3000 + "issue.schema.json", "that file cannot be read (File name too long)"),
        ("y" * 5000 + ".schema.json", "that is not a schema file composer writes"),
    ],
    ids=["a-folder-name", "a-path", "a-file-name"],
)
def test_a_target_past_the_file_name_limit_is_a_warning(folder: Path, target: str, problem: str) -> None:
    write(folder, "2020-02-03.yaml", modeline(target) + CLEAN_ISSUE)
    shown = target[:70] + "…"
    assert check(folder) == [
        f"issues/2020-02-03.yaml:1:1: warning: schema-missing: {NAMED.format(shown)}, but {problem}: "
        "name issue.schema.json instead"
    ]


# --- A line of a text is no modeline ------------------------------------------------------------------


@pytest.mark.parametrize(
    "story",
    [
        # A block text's line starting with '#' is a heading, refused, unless the Markdown is code.
        "    body: |\n      The config reads:\n\n      ```\n      # yaml-language-server: $schema=2020-02-03.yaml\n"
        "      ```\n",
        "    body: >-\n      Folded:\n\n          # yaml-language-server: $schema=2020-02-03.yaml\n",
        '    body: "Quoted over two lines\n      # yaml-language-server: $schema=2020-02-03.yaml"\n',
        "    body: Plain text # yaml-language-server in a comment that is not one: $schema=x.yaml\n",
    ],
    ids=["literal", "folded", "double-quoted", "after-another-comment-start"],
)
def test_a_text_s_line_that_looks_like_a_modeline_is_not_one(folder: Path, story: str) -> None:
    issue = CLEAN_ISSUE.replace("    body: The [council's minutes](https://example.com/minutes) are online.\n", story)
    write(folder, "2020-02-03.yaml", issue)
    assert check(folder) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("# @\n" + CLEAN_ISSUE, "1:1"),
        # As yaml-language-server takes it: a comment anywhere, after a value, or after a block text's '|'.
        (CLEAN_ISSUE.replace("date: 2020-02-03", "date: 2020-02-03  # @"), "1:19"),
        (
            CLEAN_ISSUE.replace(
                "    body: The [council's minutes](https://example.com/minutes) are online.",
                "    body: |  # @\n      Text.",
            ),
            "6:14",
        ),
        (CLEAN_ISSUE + "  # @\n", "7:3"),
    ],
    ids=["first-line", "after-a-value", "after-a-block-sign", "last-line"],
)
def test_a_comment_anywhere_is_the_modeline_as_the_editor_takes_it(folder: Path, text: str, where: str) -> None:
    line = modeline("missing.schema.json").rstrip("\n")
    write(folder, "2020-02-03.yaml", text.replace("# @", line))
    number = where.split(":")[0]
    named = NAMED.format("missing.schema.json")
    named = named if number == "1" else named.replace("the first line", f"the comment on line {number}")
    assert check(folder) == [
        f"issues/2020-02-03.yaml:{where}: warning: schema-missing: {named}, but "
        "that is not a schema file composer writes: name issue.schema.json instead"
    ]
