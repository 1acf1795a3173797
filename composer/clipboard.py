"""Put text on the system clipboard with the system's own tool, where there is one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import NoClipboard


def _tools() -> list[list[str]]:
    """The clipboard commands worth trying here, most specific first."""
    tools = []
    if sys.platform == "darwin":
        tools.append(["pbcopy"])
    if os.environ.get("WAYLAND_DISPLAY"):
        tools.append(["wl-copy"])
    if os.environ.get("DISPLAY"):
        tools += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
    tools.append(["clip.exe"])  # Windows, and WSL's bridge to it
    return tools


def copy(text: str, written_to: Path | None = None) -> str:
    """Copy ``text`` (the contents of ``written_to``); return the tool used. Raise NoClipboard, saying
    what was tried, when none works."""
    tried = []
    for command in _tools():
        if shutil.which(command[0]) is None:
            tried.append(command[0])
            continue
        data = text.encode("utf-16-le" if command[0] == "clip.exe" else "utf-8")
        try:
            subprocess.run(command, input=data, check=True, timeout=5, capture_output=True)
        except (OSError, subprocess.SubprocessError):
            tried.append(command[0])
            continue
        return command[0]
    graphical = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    why = "" if graphical else "no graphical session (DISPLAY and WAYLAND_DISPLAY are unset), and "
    written = f"{written_to}: written, but not copied: " if written_to else ""
    raise NoClipboard(
        f"{written}no clipboard on this system: {why}no working {' or '.join(tried)}; "
        "open the .html file and copy its contents instead"
    )
