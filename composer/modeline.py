"""The first line of the files `compose new` and `compose init` write: the modeline an editor's YAML
language server reads, naming the JSON Schema it completes keys and marks mistakes from.

It names a copy of the shipped schema (schema.py) kept beside the YAML files, by a path relative
to them: yaml-language-server resolves it from the file's own folder, and drops ``..`` parts in some
VS Code workspaces (vscode-yaml #1222), so the copy is beside the files where it can be. A copy is
the schema of the composer that wrote it: `compose check` says when it no longer is this one's,
with the command that writes it anew.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import NamedTuple

from . import schema
from .errors import InvalidInput
from .folders import folders_above, shown_path
from .schema import Kind
from .source import Document, read_input

# What yaml-language-server takes for its modeline: a comment line, and the first $schema in it.
_MODELINE = re.compile(r"#\s+(?:yaml-language-server\s*:|\$schema[=:])")
_SCHEMA = re.compile(r"\$schema(?:=|:\s*)(\S+)")
_SAFE_IN_A_COMMAND = re.compile(r"[\w./\\:+@-]+")  # a path any shell takes as it is


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
    where: str  # file:line:column of the modeline
    message: str


def stale_schema(path: Path, document: Document, kind: Kind) -> StaleSchema | None:
    """The schema file named by the modeline of ``document`` (read from ``path``) when it is missing or
    is not the shipped schema of ``kind``; None without a modeline, or with a web address or an
    absolute path in it (not composer's copy)."""
    found = _modeline(document.lines)
    if found is None:
        return None
    line, column, target = found
    where = f"{document.path}:{line}:{column}"
    target = target.split("#", 1)[0]  # a fragment names a part of the file
    if target.startswith(("file:", "http")) or Path(target).is_absolute():
        return None
    copy = path.parent / target
    refresh = f"compose schema {kind} > {_in_a_command(shown_path(Path(os.path.abspath(copy))))}"
    if not copy.is_file():
        message = (
            f"the first line names {target} as the schema your editor completes this file from, but there is "
            f"no such file: write it with `{refresh}`"
        )
        return StaleSchema("schema-missing", where, message)
    if _same_schema(copy, kind):
        return None
    message = (
        f"{target}, the schema your editor completes this file from, was written by another version of "
        f"composer, so the editor may miss keys or mark good ones: refresh it with `{refresh}`"
    )
    return StaleSchema("schema-outdated", where, message)


def _modeline(lines: list[str]) -> tuple[int, int, str] | None:
    """The line, column and $schema target of the modeline, if a comment line of the file is one."""
    for number, line in enumerate(lines, 1):
        comment = line.lstrip()
        if _MODELINE.match(comment):
            target = _SCHEMA.search(comment)
            return (number, len(line) - len(comment) + 1, target.group(1)) if target else None
    return None


def _same_schema(copy: Path, kind: Kind) -> bool:
    """The copy holds the shipped schema, whatever its line ends or encoding (a shell's ``>`` may change both)."""
    try:
        return bool(json.loads(read_input(copy)) == json.loads(schema.path(kind).read_bytes()))
    except (InvalidInput, ValueError):  # unreadable, or not JSON: not the shipped schema either
        return False


def _in_a_command(path: str) -> str:
    return path if _SAFE_IN_A_COMMAND.fullmatch(path) else f'"{path}"'
