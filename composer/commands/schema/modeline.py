"""The first line of the files `compose new` and `compose init` write: the modeline an editor's YAML
language server reads, naming the JSON Schema it completes keys and marks mistakes from.

It names a copy of the shipped schema (composer/commands/schema/) kept beside the YAML files, by a
path relative to them: yaml-language-server resolves it from the file's own folder, and drops ``..``
parts in some VS Code workspaces (vscode-yaml #1222), so the copy is beside the files where it can
be. A copy is the schema of the composer that wrote it: `compose check` says when it no longer is
this one's, with the command that writes it anew.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
from pathlib import Path
from typing import NamedTuple

import yaml

from ...core.folders import folders_above, shown_path
from ...core.source import Document, read_input
from ...errors import InvalidInput, Place
from .. import schema
from . import Kind

# What yaml-language-server takes for its modeline: a comment starting so, and the first $schema in it.
_MODELINE = re.compile(r"(?<!\S)#\s+(?:yaml-language-server\s*:|\$schema[=:])")
_SCHEMA = re.compile(r"\$schema(?:=|:\s*)(\S+)")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # https:, file:…: an address, not composer's copy
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*\s+")  # what precedes a comment on a block text's first line
_SHOWN_LENGTH = 80


def modeline(target: str) -> str:
    """The first line of a file whose schema is at ``target``, relative to it, with forward slashes."""
    return f"# yaml-language-server: $schema={target}\n"


def file_name(kind: Kind) -> str:
    """issue.schema.json or publication.schema.json, as composer ships it and writes it."""
    return schema.path(kind).name


def nearest_issue_schema(issue: Path, top: Path) -> str | None:
    """The modeline's target for the issue at ``issue``: the issue.schema.json in its folder, else in
    the nearest folder above it up to ``top`` (its publication.yaml's), or None when there is none."""
    for depth, folder in enumerate(folders_above(issue)):
        if (folder / file_name("issue")).is_file():
            return "../" * depth + file_name("issue")
        if folder == top.resolve():
            break
    return None


class StaleSchema(NamedTuple):
    """A schema file a modeline names that is not this composer's: missing, or from another version."""

    rule: str  # schema-missing or schema-outdated
    where: Place  # of the modeline
    message: str


def stale_schema(path: Path, document: Document, kind: Kind, top: Path) -> StaleSchema | None:
    """The schema file named by the modeline of ``document`` (read from ``path``) when it is missing or
    is not the shipped schema of ``kind``; None without a modeline, or with a web address or an
    absolute path in it (not composer's copy).

    The warning's command overwrites the file it names, and is pasted into a shell: it is given only
    for a file composer itself writes (named issue.schema.json or publication.schema.json, inside
    ``top``, the publication's folder, links resolved), quoted for the shell. For any other file
    (the issue itself, publication.yaml, a path out of the folder) the warning says what to name."""
    found = _modeline(document)
    if found is None:
        return None
    line, column, typed = found
    where = Place(document.path, line, column)
    target = typed.split("#", 1)[0]  # a fragment names a part of the file
    if _URL.match(target) or Path(target).is_absolute():
        return None
    copy = path.parent / target
    if target and _same_schema(copy, kind):
        return None
    on = "the first line" if line == 1 else f"the comment on line {line}"
    named = f"{on} names {_shown(target or typed)} as the schema your editor completes this file from"
    unsafe = _not_composers(copy, target, kind, top)
    if unsafe:
        instead = nearest_issue_schema(path, top) if kind == "issue" else None
        message = f"{named}, but {unsafe}: name {instead or file_name(kind)} instead"
        return StaleSchema("schema-missing", where, message)
    real = Path(os.path.realpath(copy))
    refresh = f"compose schema {kind} > {shlex.quote(shown_path(real))}"
    if not _exists(real):
        return StaleSchema("schema-missing", where, f"{named}, but there is no such file: write it with `{refresh}`")
    message = (
        f"{_shown(target)}, the schema your editor completes this file from, was written by another version of "
        f"composer, so the editor may miss keys or mark good ones: refresh it with `{refresh}`"
    )
    return StaleSchema("schema-outdated", where, message)


def _not_composers(copy: Path, target: str, kind: Kind, top: Path) -> str | None:
    """Why ``copy`` is no file composer writes, so that no command may overwrite it; None when it is one."""
    if not target:
        return "that names no file"
    if Path(target).name != file_name(kind):
        return "that is not a schema file composer writes"
    try:
        real = Path(os.path.realpath(copy))
        folder = Path(os.path.realpath(top))
        status = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        status = None
    except OSError as error:  # a name longer than the system allows, a loop of links, no permission
        return f"that file cannot be read ({error.strerror or error})"
    except ValueError:  # pragma: no cover - YAML refuses the NUL character os refuses
        return "that is no file name"
    if folder not in real.parents:
        return f"that file is outside the publication's folder ({shown_path(folder)}), or leads out of it by a link"
    if real.name != file_name(kind):
        return f"that is a link to {shown_path(real)}, not a schema file composer writes"
    if status is not None and not stat.S_ISREG(status.st_mode):
        return "that is a folder, a pipe or a device, not a file"
    return None


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


def _shown(target: str) -> str:
    """The target as typed, cut short when long (a name past the system's limit is hundreds of characters)."""
    return target if len(target) <= _SHOWN_LENGTH else target[: _SHOWN_LENGTH - 10] + "…"


def _modeline(document: Document) -> tuple[int, int, str] | None:
    """The line, column and $schema target of the modeline: the first comment of the file that is one,
    as yaml-language-server takes it (a comment anywhere, even after a value on its line, but never a
    line of a text: a block text's line starting with '#' is text, and so is one inside quotes)."""
    comments = _Comments(document.lines)
    try:
        for number, line in enumerate(document.lines, 1):
            for candidate in _MODELINE.finditer(line):
                if comments.starts_at(number - 1, candidate.start()):
                    target = _SCHEMA.search(line, candidate.start())
                    return (number, candidate.start() + 1, target.group(1)) if target else None
    finally:
        comments.close()
    return None


class _Comments:
    """Where the file's comments start: outside YAML's tokens (keys, values, indicators), or after a block
    text's '|' or '>'. The tokens are scanned only as far as the places asked about, in the file's order."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._scanner = yaml.CSafeLoader("\n".join(lines))
        self._done = False
        self._next: yaml.Token | None = None  # scanned, and not yet known to start before the place asked
        self._last: yaml.Token | None = None  # of the tokens before that place, the one ending furthest

    def starts_at(self, line: int, column: int) -> bool:
        """Whether a comment starts at the '#' at ``line``, ``column`` (0-based, in characters)."""
        place = (line, column)
        while True:
            if self._next is None:
                if self._done:
                    break
                try:
                    self._next = self._scanner.get_token() if self._scanner.check_token() else None
                except yaml.YAMLError:  # pragma: no cover - the file was read by the same parser already
                    self._next = None
                self._done = self._next is None
                continue
            if _start(self._next) > place:
                break
            if self._last is None or _end(self._next) > _end(self._last):
                self._last = self._next
            self._next = None
        text = self._lines[line]
        if self._last is None or _end(self._last) <= place:
            # Between tokens there are only spaces, line ends and comments: a '#' after one on its line
            # is inside that comment.
            start = _end(self._last)[1] if self._last is not None and _end(self._last)[0] == line else 0
            return not text[start:column].strip()
        token, (first_line, first_column) = self._last, _start(self._last)
        return (
            isinstance(token, yaml.ScalarToken)
            and token.style in ("|", ">")
            and first_line == line
            and _BLOCK_HEADER.fullmatch(text[first_column:column]) is not None
        )

    def close(self) -> None:
        self._scanner.dispose()


def _same_schema(copy: Path, kind: Kind) -> bool:
    """The copy holds the shipped schema, whatever its line ends or encoding (a shell's ``>`` may change both)."""
    try:
        return bool(json.loads(read_input(copy)) == json.loads(schema.path(kind).read_bytes()))
    except (InvalidInput, ValueError, RecursionError):  # unreadable, not JSON, nested past reason: not the shipped one
        return False
    except IsADirectoryError:  # read_input's open of a folder fails before it can say so
        return False


def _start(token: yaml.Token) -> tuple[int, int]:
    return token.start_mark.line, token.start_mark.column


def _end(token: yaml.Token) -> tuple[int, int]:
    return token.end_mark.line, token.end_mark.column
