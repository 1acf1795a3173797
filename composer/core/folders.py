"""Where an issue's shared files are, and how paths are shown: what `compose new` and `compose init`
need without loading the models (pydantic) that load.py validates with."""

from __future__ import annotations

import codecs
import os
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

PUBLICATION_FILE = "publication.yaml"
BUILD_FOLDER = "build"  # compose's output, beside publication.yaml unless -o names another


def find_publication(issue_path: Path) -> Path | None:
    return remembered("publication", issue_path, lambda: _find_publication(issue_path))


def _find_publication(issue_path: Path) -> Path | None:
    for folder in folders_above(issue_path):
        candidate = folder / PUBLICATION_FILE
        if candidate.is_file():
            return candidate
    return None


# While a build command runs (lookups_remembered), what is found above each issue folder, by kind.
_remembered: dict[tuple[str, Path], Any] | None = None


@contextmanager
def lookups_remembered() -> Iterator[None]:
    """Within it, the files shared above an issue folder (publication.yaml, templates/) are looked for
    once per folder, not once an issue: a year of issues sits in one folder, and each look walks up
    the folders (~0.3 ms). For a build, which takes its inputs as they are when it starts (as their
    fingerprints do); not for the preview, which must notice a templates/ folder made meanwhile. A
    batch's workers are forked within it, and start with what the parent found."""
    global _remembered
    _remembered = {}
    try:
        yield
    finally:
        _remembered = None


def remembered(kind: str, issue_path: Path, look_up: Callable[[], T]) -> T:
    """``look_up()``'s answer for the folder of ``issue_path``: once per folder within lookups_remembered()."""
    if _remembered is None:
        return look_up()
    key = (kind, issue_path.parent)
    if key not in _remembered:
        _remembered[key] = look_up()
    found: T = _remembered[key]
    return found


def publication_folder(issue_path: Path, name: str) -> Path:
    """The folder ``name`` beside the issue's publication.yaml (as mkdocs puts site/ beside mkdocs.yml),
    shown relative to the current folder when inside it: where output goes without -o, whatever
    folder the command runs in. Beside the issue when it has no publication.yaml (it will not
    compose, and nothing is written)."""
    publication = find_publication(issue_path)
    folder = publication.parent if publication else issue_path.parent
    return Path(_as_typed(folder / name))


def folders_above(issue_path: Path) -> list[Path]:
    """The issue's folder and those above it, where shared files are looked for.

    The search stops at the top of a git repository and at the home folder, so that a stray
    file higher up (a /tmp/publication.yaml) never quietly changes an email.
    """
    folders = []
    home = Path.home().resolve()
    for folder in [issue_path.parent.resolve(), *issue_path.parent.resolve().parents]:
        folders.append(folder)
        if folder == home or (folder / ".git").exists():
            break
    return folders


def shown_path(path: Path) -> str:
    """The path as the editor would type it, for messages: relative to the current folder when inside it."""
    return shown_name(_as_typed(path))


def _as_typed(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _escape_name_bytes(error: UnicodeError) -> tuple[str, int]:
    """An encoding error handler: a name's undecodable byte (a surrogate U+DC80-U+DCFF, os.fsdecode's
    stand-in) shown as its escape, '\\xff'; any other surrogate as its code point, '\\ud800'."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    stand_ins = error.object[error.start : error.end]
    shown = "".join(
        f"\\x{ord(char) - 0xDC00:02x}" if 0xDC80 <= ord(char) <= 0xDCFF else f"\\u{ord(char):04x}" for char in stand_ins
    )
    return shown, error.end


NAME_ESCAPES = "composer.name-escapes"  # the error handler above, for streams that print file names
codecs.register_error(NAME_ESCAPES, _escape_name_bytes)


def shown_name(name: str) -> str:
    """A file name as text that can be printed and written anywhere: the bytes of a name that is not
    UTF-8 (held as surrogates by os.fsdecode) shown as escapes, 'issue-\\xff.yaml'; other names as they are."""
    return name.encode("utf-8", NAME_ESCAPES).decode("utf-8")


def in_a_command(path: Path | str) -> str:
    """A path as a word of a command the editor is told to run: quoted for the shell when it must be
    ('my pub/issues' would be split in two), so that pasting it runs what was meant, and only that."""
    return shlex.quote(shown_path(Path(path)) if isinstance(path, Path) else path)
