"""Writing a file atomically (composer/core/output.py): the whole new text or the old one, a new
file's permissions as the user's umask gives any new file, and no temporary file left behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.core.output import write_atomically
from composer.errors import OutputProblem


@pytest.fixture
def umask() -> Iterator[None]:
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An output folder of its own (tmp_path holds the tests' .git)."""
    made = tmp_path / "build"
    made.mkdir()
    return made


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_output_has_the_mode_the_umask_gives_a_new_file(
    tmp_path: Path, umask: None, mask: int, mode: int
) -> None:
    os.umask(mask)
    target = tmp_path / "out" / "issue.html"  # its folder is made too
    write_atomically(target, "<p>café – ١٢٣</p>\r\n")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == "<p>café – ١٢٣</p>\r\n".encode()  # UTF-8, line ends as given
    write_atomically(target, b"\x00binary")
    assert target.read_bytes() == b"\x00binary"
    assert [path.name for path in target.parent.iterdir()] == ["issue.html"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_one(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = folder / "issue.txt"
    target.write_text("the last good build\n")

    def disk_full(handle: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("composer.core.output.os.write", disk_full)
    with pytest.raises(OutputProblem, match="No space left on device"):
        write_atomically(target, "x" * 100_000)
    assert target.read_text() == "the last good build\n"
    assert [path.name for path in folder.iterdir()] == ["issue.txt"]


def test_a_temporary_name_taken_is_passed_over_and_a_link_in_its_place_never_followed(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = folder / "elsewhere.txt"
    elsewhere.write_text("not composer's")
    names = iter([b"\x00\x00\x00\x01", b"\x00\x00\x00\x01", b"\x00\x00\x00\x02"])
    monkeypatch.setattr("composer.core.output.os.urandom", lambda size: next(names))
    taken = folder / ".issue.html.00000001.tmp"
    taken.symlink_to(elsewhere)

    write_atomically(folder / "issue.html", "<p>new</p>")
    assert (folder / "issue.html").read_text() == "<p>new</p>"
    assert elsewhere.read_text() == "not composer's"
    assert sorted(path.name for path in folder.iterdir()) == [
        ".issue.html.00000001.tmp",
        "elsewhere.txt",
        "issue.html",
    ]
