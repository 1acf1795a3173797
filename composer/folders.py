"""Where an issue's shared files are, and how paths are shown: what `compose new` and `compose init`
need without loading the models (pydantic) that load.py validates with."""

from __future__ import annotations

import os
from pathlib import Path

PUBLICATION_FILE = "publication.yaml"
BUILD_FOLDER = "build"  # compose's output, beside publication.yaml unless -o names another


def find_publication(issue_path: Path) -> Path | None:
    for folder in folders_above(issue_path):
        candidate = folder / PUBLICATION_FILE
        if candidate.is_file():
            return candidate
    return None


def publication_folder(issue_path: Path, name: str) -> Path:
    """The folder ``name`` beside the issue's publication.yaml (as mkdocs puts site/ beside mkdocs.yml),
    shown relative to the current folder when inside it: where output goes without -o, whatever
    folder the command runs in. Beside the issue when it has no publication.yaml (it will not
    compose, and nothing is written)."""
    publication = find_publication(issue_path)
    folder = publication.parent if publication else issue_path.parent
    return Path(shown_path(folder / name))


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
    """The path as the editor would type it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
