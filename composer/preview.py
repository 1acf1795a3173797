"""`compose preview`, its state: the issues being previewed, rebuilt on every save.

A watchfiles thread watches the issues, publication.yaml and the templates; a burst of saves
rebuilds once, in-process, and wakes whoever waits on ``Preview.changed`` (the page's event
streams, in preview_server.py). A save that breaks an issue keeps its last good build, with the
problems of the new one beside it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import render
from .errors import ComposerError
from .load import PUBLICATION_FILE, find_publication, issue_files
from .pipeline import GMAIL_CLIP_BYTES, Composed, compose

STEP_MS = 30  # a save is taken once the files have been quiet this long...
DEBOUNCE_MS = 400  # ...or after this long, whatever happens: a burst of saves rebuilds once
WATCHING_TIMEOUT_MS = 200  # how soon the watcher reports it is in place (and idles between saves)


@dataclass
class IssueState:
    """One issue as the preview knows it: the last good build and the problems of the latest save."""

    path: Path
    good: Composed | None = None
    problems: list[str] = field(default_factory=list)
    version: int = 0  # bumped on every rebuild, good or not
    good_version: int = 0  # the version that produced `good`
    built_in_ms: float = 0.0

    @property
    def stem(self) -> str:
        return self.path.stem


class Preview:
    """The issues being previewed, rebuilt on demand; threads wait on `changed` for news."""

    def __init__(
        self,
        paths: list[Path],
        templates: Path | None,
        log: Callable[[str, bool], None],
        folder: Path | None = None,
        service: str | None = None,
    ) -> None:
        self.templates = templates
        self.service = service
        self.log = log
        self.folder = folder  # in folder mode, issues added or removed later are followed too
        self.issues = {path.stem: IssueState(path) for path in paths}
        self.changed = threading.Condition()
        self.version = 0

    def rebuild(self, states: Iterable[IssueState]) -> None:
        for state in states:
            started = time.perf_counter()
            try:
                composed = compose(state.path, self.templates, self.service)
            except ComposerError as error:
                state.problems = [str(problem) for problem in error.problems]
                for line in state.problems:
                    self.log(line, True)
            else:
                state.good, state.problems = composed, []
                state.built_in_ms = (time.perf_counter() - started) * 1000
                size = composed.html_bytes / 1024
                self.log(f"rebuilt {state.path} ({size:.1f} KB, {state.built_in_ms:.0f} ms)", False)
            with self.changed:
                self.version += 1
                state.version = self.version
                if not state.problems:
                    state.good_version = self.version
                self.changed.notify_all()

    def watched(self) -> list[Path]:
        """The folders whose files can change an email: the issues', publication.yaml's, the templates'."""
        folders = set()
        for state in self.issues.values():
            folders.add(state.path.parent.resolve())
            publication = find_publication(state.path)
            if publication:
                folders.add(publication.parent.resolve())
            folders.update(folder.resolve() for folder in render.template_dirs(state.path, self.templates))
        return sorted(folders)

    def follow_folder(self) -> list[IssueState]:
        """Take in issues added to the folder and drop removed ones; return the added ones."""
        if self.folder is None:
            return []
        present = {path.stem: path for path in issue_files((self.folder,))}
        added = [IssueState(path) for stem, path in present.items() if stem not in self.issues]
        if added or set(self.issues) - set(present):
            # A new dict, not an edit: request threads may be iterating over the old one.
            self.issues = {stem: self.issues.get(stem) or IssueState(path) for stem, path in present.items()}
            added = [self.issues[state.stem] for state in added]
            with self.changed:
                self.version += 1
                self.changed.notify_all()
        return added

    def affected(self, changed: set[Path]) -> list[IssueState]:
        """The issues a set of changed files touches: its own file, or every issue for shared files."""
        shared = any(path.name == PUBLICATION_FILE or path.suffix != ".yaml" for path in changed)
        return [state for state in self.issues.values() if shared or state.path.resolve() in changed]

    def watch(self, stop: threading.Event, watching: threading.Event) -> None:
        """Rebuild on every burst of saves until ``stop``; set ``watching`` once saves are seen."""
        import watchfiles

        for changes in watchfiles.watch(
            *self.watched(),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            watch_filter=_relevant,
            raise_interrupt=False,
            rust_timeout=WATCHING_TIMEOUT_MS,
            yield_on_timeout=True,
        ):
            watching.set()  # the first (empty) yield comes once the watches are in place
            if not changes:
                continue
            added = self.follow_folder()
            touched = self.affected({Path(name).resolve() for _, name in changes})
            self.rebuild([*added, *(state for state in touched if state not in added)])

    def wait(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout)
            return self.version

    def state_json(self, state: IssueState) -> dict[str, Any]:
        """What the page shows of an issue; the envelope and sizes are those of the last good build."""
        good = state.good
        return {
            "stem": state.stem,
            "path": str(state.path),
            "version": state.version,
            "good_version": state.good_version,
            "problems": state.problems,
            "sender": good.sender if good else None,
            "subject": good.subject if good else None,
            "preheader": good.preheader if good else None,
            "title": good.title if good else None,
            "date": good.loaded.issue.date.isoformat() if good else None,
            "html_bytes": good.html_bytes if good else 0,
            "gmail_limit": GMAIL_CLIP_BYTES,
            "read_minutes": good.read_minutes if good else 0,
        }


def _relevant(change: Any, path: str) -> bool:
    """Issue and publication files, and anything in a templates folder; not editors' swap files."""
    name = Path(path).name
    if name.startswith(".") or name.endswith(".tmp") or render.is_backup_file(name):
        return False
    return name.endswith((".yaml", ".yml")) or "templates" in Path(path).parts
