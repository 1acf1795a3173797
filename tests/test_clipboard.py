"""`compose --copy`: the HTML on the system clipboard, or a clear word that there is none."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from .conftest import SAMPLE, MakeIssue, run


def test_no_clipboard_is_said_clearly_and_the_files_are_still_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = run(SAMPLE, "--copy", "-o", tmp_path / "out")
    assert code == 1
    assert err.startswith(f"{tmp_path / 'out' / '2017-11-09.html'}: written, but not copied: no clipboard")
    assert "DISPLAY and WAYLAND_DISPLAY are unset" in err and "Traceback" not in err
    assert (tmp_path / "out" / "2017-11-09.html").exists()


def test_the_html_goes_to_the_x_clipboard_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for xclip (no X server here): a real program on PATH that keeps what it is given.
    tools, received = tmp_path / "bin", tmp_path / "clipboard"
    tools.mkdir()
    xclip = tools / "xclip"
    xclip.write_text(f'#!/bin/sh\n[ "$*" = "-selection clipboard" ] && cat > {received}\n', encoding="utf-8")
    xclip.chmod(xclip.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}/bin{os.pathsep}/usr/bin")
    code, out, err = run(SAMPLE, "--copy", "-o", tmp_path / "out")
    assert code == 0, err
    assert out.splitlines()[-1] == "copied the HTML to the clipboard (xclip)"
    assert received.read_bytes() == (tmp_path / "out" / "2017-11-09.html").read_bytes()


def test_copy_takes_one_issue(make_issue: MakeIssue, tmp_path: Path) -> None:
    first = make_issue(name="a.yaml")
    second = make_issue(name="b.yaml")
    code, out, err = run(first, second, "--copy", "-o", tmp_path / "out")
    assert code == 2 and "--copy takes one issue, not 2" in out + err
