"""`compose preview`, its state: the issues being previewed, rebuilt on every save.

A watchfiles thread watches the issues, publication.yaml and the templates; a burst of saves
rebuilds once, in-process, and wakes whoever waits on ``Preview.changed`` (the page's event
streams, in server.py). A save that breaks an issue keeps its last good build, with the
problems of the new one beside it. Each good build is checked (`compose check`'s findings), and
the terminal lists the findings whenever they differ from the last good build's.

Nothing a rebuild raises ends the watching: an editor's mistake (ComposerError) and a bug in
composer alike become problem lines on the page and in the terminal, and the next save rebuilds;
a bug in check becomes an error finding instead, so the email itself still follows the saves.
If watching itself fails, every page says so and it is tried again until it works.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.folders import PUBLICATION_FILE, find_publication, shown_name, shown_path
from ...core.load import issue_files
from ...core.pipeline import GMAIL_CLIP_BYTES, Composed, compose
from ...core.render import RenderOptions
from ...core.templates import is_backup_file, template_dirs
from ...errors import ComposerError, InvalidInput, Problem, internal_error_message
from ...i18n import languages
from .. import check
from ..check import Finding

# A save on its own is rebuilt as soon as the files have been quiet STEP_MS: what an editor sees
# after saving. A save that comes within BURST_MS of the one before is part of a burst (an
# autosave, a "save all"): what follows its first save is rebuilt once, when the files have been
# quiet QUIET_MS, or after DEBOUNCE_MS whatever happens. A single quiet time for both would make
# every save wait for the longest (30 ms: a burst's saves can come 10-20 ms apart).
STEP_MS = 5
BURST_MS = 60
QUIET_MS = 30
DEBOUNCE_MS = 400
WATCHING_TIMEOUT_MS = QUIET_MS  # how soon the watcher reports it is in place, then how often it wakes when idle
WATCH_RETRY_SECONDS = 2.0  # after watching failed (a folder gone, the system's watch limit), try again this often


@dataclass
class IssueState:
    """One issue as the preview knows it: the last good build and the problems of the latest save."""

    path: Path
    good: Composed | None = None
    findings: list[Finding] = field(default_factory=list)  # check's, of `good`
    problems: list[str] = field(default_factory=list)
    version: int = 0  # bumped on every rebuild, good or not
    good_version: int = 0  # the version that produced `good`
    built_in_ms: float = 0.0

    @property
    def stem(self) -> str:
        """The issue's name in the page's addresses: a name that is not UTF-8 with escapes (JSON and a
        URL carry only text)."""
        return shown_name(self.path.stem)


class Preview:
    """The issues being previewed, rebuilt on demand; threads wait on `changed` for news."""

    def __init__(
        self,
        paths: list[Path],
        options: RenderOptions,
        log: Callable[[str, bool], None],
        folder: Path | None = None,
        debug: bool = False,
    ) -> None:
        self.options = options
        self.log = log
        self.debug = debug  # add the traceback of a bug in composer to the terminal
        self.watch_problem = ""  # why saves are not followed at the moment; "" while watching works
        self.folder = folder  # in folder mode, issues added or removed later are followed too
        self.issues = {state.stem: state for state in map(IssueState, paths)}
        self.changed = threading.Condition()
        self.version = 0

    def rebuild(self, states: Iterable[IssueState]) -> None:
        for state in states:
            started = time.perf_counter()
            try:
                refuse_links_out(state.path)
                composed = compose(state.path, self.options)
            except ComposerError as error:
                state.problems = [str(problem) for problem in error.problems]
                for line in state.problems:
                    self.log(line, True)
            except Exception as error:  # a bug in composer: shown like any problem, and watching goes on
                state.problems = [f"{shown_path(state.path)}: {self._bug(error)}"]
                self.log(state.problems[0], True)
            else:
                findings = self._check(state, composed)
                state.built_in_ms = (time.perf_counter() - started) * 1000
                if findings != state.findings:  # a save that changes none of them does not repeat them
                    for finding in findings:  # on stdout, as `compose check` prints them: no failure of the preview
                        self.log(str(finding), False)
                size, summary = composed.html_bytes / 1024, check.summary(findings)
                self.log(f"rebuilt {state.path} ({size:.1f} KB, {state.built_in_ms:.0f} ms; {summary})", False)
                state.good, state.findings, state.problems = composed, findings, []
            with self.changed:
                self.version += 1
                state.version = self.version
                if not state.problems:
                    state.good_version = self.version
                self.changed.notify_all()

    def _check(self, state: IssueState, composed: Composed) -> list[Finding]:
        """check()'s findings; a bug in it becomes an error finding, so the email itself still updates."""
        try:
            return check.check(composed)
        except Exception as error:
            message = self._bug(error, " while checking the email")
            return [Finding(shown_path(state.path), check.ERROR, "internal-error", message)]

    def _bug(self, error: Exception, during: str = "") -> str:
        """How a bug in composer is told; with --debug, its traceback goes to the terminal first."""
        if self.debug:
            self.log(traceback.format_exc().rstrip(), True)
        return internal_error_message(error, during, "run the preview with --debug for the traceback, and report it")

    def watched(self) -> list[Path]:
        """The folders whose files can change an email: the issues', publication.yaml's, the templates'."""
        folders = set()
        for state in self.issues.values():
            folders.add(state.path.parent.resolve())
            publication = find_publication(state.path)
            if publication:
                folders.add(publication.parent.resolve())
            folders.update(folder.resolve() for folder in template_dirs(state.path, self.options.templates))
        return sorted(folders)

    def follow_folder(self) -> list[IssueState]:
        """Take in issues added to the folder and drop removed ones; return the added ones."""
        if self.folder is None:
            return []
        present = {shown_name(path.stem): path for path in issue_files((self.folder,))}
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
        """Rebuild on every burst of saves until ``stop``; set ``watching`` once saves are seen.

        Whatever goes wrong in watching, it is reported on every page and in the terminal, and
        watching starts again; once it works, every issue is rebuilt for the saves it missed.
        """
        while not stop.is_set():
            try:
                self._watch(stop, watching)
            except Exception as error:
                reason = f"{type(error).__name__}: {error}"
                if reason != self.watch_problem:  # once, not every retry
                    self.log(f"saves are not followed ({reason}); trying again", True)
                    if self.debug:
                        self.log(traceback.format_exc().rstrip(), True)
                self._set_watch_problem(reason)
                watching.set()  # nobody waits for a watcher that cannot start
                stop.wait(WATCH_RETRY_SECONDS)

    def _watch(self, stop: threading.Event, watching: threading.Event) -> None:
        import watchfiles

        template_folders = {
            folder.resolve()
            for state in self.issues.values()
            for folder in template_dirs(state.path, self.options.templates)
        }

        def relevant(change: Any, path: str) -> bool:
            """Issue and publication files, and anything in a templates folder; not editors' swap files."""
            name = Path(path).name
            if name.startswith(".") or name.endswith(".tmp") or is_backup_file(name):
                return False
            # --templates names a folder of any name: it counts as a templates folder too
            in_templates = "templates" in Path(path).parts or any(map(Path(path).is_relative_to, template_folders))
            return name.endswith((".yaml", ".yml")) or in_templates

        pending: set[Path] = set()  # the changed files of a burst not yet rebuilt
        last_change = burst_start = 0.0
        for changes in watchfiles.watch(
            *self.watched(),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            watch_filter=relevant,
            raise_interrupt=False,
            rust_timeout=WATCHING_TIMEOUT_MS,
            yield_on_timeout=True,
        ):
            watching.set()  # the first (empty) yield comes once the watches are in place
            if self.watch_problem:  # watching again after a failure: catch up on what was missed
                self.log("saves are followed again", False)
                self._set_watch_problem("")
                self.follow_folder()
                self.rebuild(self.issues.values())
                continue
            now = time.monotonic()
            if changes:
                if not pending:
                    burst_start = now
                pending.update(Path(name).resolve() for _, name in changes)
                in_burst = now - last_change < BURST_MS / 1000
                last_change = now
                if in_burst and now - burst_start < DEBOUNCE_MS / 1000:
                    continue  # wait until the burst is over (an empty yield: QUIET_MS without a change)
            if pending:
                added = self.follow_folder()
                touched = self.affected(pending)
                pending = set()
                self.rebuild([*added, *(state for state in touched if state not in added)])
                if changes:  # a save made while it rebuilt comes that much later than this one: no pause
                    last_change = time.monotonic()

    def _set_watch_problem(self, reason: str) -> None:
        with self.changed:
            if reason != self.watch_problem:
                self.watch_problem = reason
                self.version += 1
                self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout)
            return self.version

    def _watch_problems(self, state: IssueState) -> list[str]:
        if not self.watch_problem:
            return []
        return [
            f"{shown_path(state.path)}: saves are not followed at the moment ({self.watch_problem}); "
            f"the preview tries again every {WATCH_RETRY_SECONDS:.0f} s and rebuilds once it can"
        ]

    def state_json(self, state: IssueState) -> dict[str, Any]:
        """What the page shows of an issue; the envelope, sizes and findings are those of the last good build."""
        good = state.good
        errors, warnings = check.counts(state.findings)
        return {
            "stem": state.stem,
            "path": shown_name(str(state.path)),
            "version": state.version,
            "good_version": state.good_version,
            "problems": self._watch_problems(state) + state.problems,
            "sender": good.sender if good else None,
            "subject": good.subject if good else None,
            "preheader": good.preheader if good else None,
            # The subject and preheader are the issue's own words: the page marks their language.
            "lang": good.loaded.lang if good else None,
            "dir": languages.direction(good.loaded.lang) if good else None,
            "title": good.title if good else None,
            "date": good.loaded.issue.date.isoformat() if good else None,
            "html_bytes": good.html_bytes if good else 0,
            "gmail_limit": GMAIL_CLIP_BYTES,
            "read_minutes": good.read_minutes if good else 0,
            "findings": [finding.as_dict() for finding in state.findings],  # errors first, as check sorts them
            "errors": errors,
            "warnings": warnings,
            "findings_summary": check.summary(state.findings),
        }


def refuse_links_out(path: Path) -> None:
    """Refuse an issue, or its publication.yaml, that is a link to a file outside its own folder.

    The page shows problem lines to whoever reaches it, and they quote what they find: a link
    to ~/.ssh/config or a password file must not be read out there.
    """
    for file in (path, find_publication(path)):
        if file is not None and file.is_symlink() and not file.resolve().is_relative_to(file.parent.resolve()):
            shown = shown_path(file)
            raise InvalidInput(
                [
                    Problem.whole_file(
                        shown,
                        f"is a link to a file outside {shown_path(file.parent)}/; the preview reads only "
                        "files in the folder they are in: put the file itself there instead of a link",
                    )
                ]
            )
