"""Many issues at once: in parallel across the cores, skipping those whose inputs have not changed.

Each issue is built on its own (one bad issue never stops the others) by build_one(), which runs in
a worker process and returns an Outcome: plain data, so it crosses the process boundary. Whether an
issue is unchanged is decided in the parent by a fingerprint of everything its email depends on:
the issue file, its publication.yaml, every template file, the options, and the toolchain: composer's
own code, the Python running it and the version of every package it runs on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import DISTRIBUTION
from .errors import ComposerError, InvalidInput, OutputProblem, Problem, TemplateProblem
from .load import find_publication
from .output import cache_dir, write_atomically
from .render import template_dirs, template_files
from .source import read_input

if TYPE_CHECKING:
    from .pipeline import Composed


@dataclass(frozen=True)
class Job:
    path: Path
    output: Path
    templates: Path | None = None
    service: str | None = None
    with_mjml: bool = False
    with_eml: bool = False


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str  # "built", "skipped" (unchanged), "failed" (the editor's problem), "crashed" (composer's bug)
    problems: tuple[Problem, ...] = ()
    written: tuple[Path, ...] = ()
    html_bytes: int = 0
    text_bytes: int = 0
    read_minutes: int = 0
    clipped_by_gmail: bool = False
    notes: tuple[str, ...] = ()  # extra lines for the terminal, such as where a failed MJML was kept
    fingerprint: str = ""
    traceback: str = ""  # with --debug: where a failure was raised


def build_one(job: Job, debug: bool = False) -> Outcome:
    """Compose and write one issue; every failure comes back as data (with its traceback, for ``debug``)."""
    from .pipeline import compose, write

    try:
        composed = compose(job.path, job.templates, job.service)
        eml = _eml(composed) if job.with_eml else None  # before writing: all or nothing
        written = write(composed, job.output, job.with_mjml, eml)
    except ComposerError as error:
        notes: tuple[str, ...] = ()
        if job.with_mjml and isinstance(error, TemplateProblem) and error.mjml is not None:
            kept = job.output / f"{job.path.stem}.mjml"
            write_atomically(kept, error.mjml)
            notes = (f"{kept}: the MJML that failed, for inspection",)
        return Outcome(job.path, "failed", tuple(error.problems), notes=notes, traceback=_traceback(debug))
    except Exception as error:  # a bug in composer: reported, and the other issues go on
        message_ = f"internal error in composer ({type(error).__name__}: {error}); run it alone with --debug"
        problem = Problem(str(job.path), 0, 0, "", message_)
        return Outcome(job.path, "crashed", (problem,), traceback=_traceback(debug))
    files = tuple(path for path in (written.html, written.text, written.mjml, written.eml) if path)
    return Outcome(
        job.path,
        "built",
        written=files,
        html_bytes=composed.html_bytes,
        text_bytes=len(composed.text.encode()),
        read_minutes=composed.read_minutes,
        clipped_by_gmail=composed.clipped_by_gmail,
    )


def _eml(composed: Composed) -> bytes:
    from .message import as_bytes, message  # only for --eml

    return as_bytes(message(composed))


def _traceback(debug: bool) -> str:
    return traceback.format_exc() if debug else ""


def build_all(
    jobs: list[Job],
    workers: int | None = None,
    force: bool = False,
    on_done: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Build every job, unchanged ones skipped unless ``force``; call ``on_done`` as each finishes."""
    stamps = {folder: _read_stamps(folder) for folder in {job.output for job in jobs}}
    outcomes: list[Outcome] = []
    todo: list[tuple[Job, str | None]] = []
    templates_digests: dict[tuple[Path, ...], str] = {}  # read each template set once per run, not per issue
    for job in jobs:
        fingerprint = _fingerprint(job, templates_digests)
        unchanged = fingerprint is not None and stamps[job.output].get(job.path.stem) == fingerprint
        if not force and unchanged and _outputs_exist(job):
            outcome = Outcome(job.path, "skipped", fingerprint=fingerprint or "")
            outcomes.append(outcome)
            on_done(outcome)
        else:
            todo.append((job, fingerprint))
    for job, fingerprint, outcome in _run(todo, workers or os.cpu_count() or 1):
        if outcome.status == "built" and fingerprint is not None:
            stamps[job.output][job.path.stem] = fingerprint
        else:
            stamps[job.output].pop(job.path.stem, None)
        outcomes.append(outcome)
        on_done(outcome)
    for folder, folder_stamps in stamps.items():
        stamps_file = _stamps_file(folder)
        if stamps_file:
            # The stamps only spare work: when they cannot be kept, the next run builds everything again.
            with contextlib.suppress(OutputProblem):
                write_atomically(stamps_file, json.dumps(folder_stamps, indent=1, sort_keys=True) + "\n")
    return outcomes


def _run(todo: list[tuple[Job, str | None]], workers: int) -> Iterator[tuple[Job, str | None, Outcome]]:
    """The outcomes as they finish: in this process for one issue, else in a pool of processes."""
    if len(todo) <= 1 or workers <= 1:
        for job, fingerprint in todo:
            yield job, fingerprint, build_one(job)
        return
    # Only for a pool: one issue is built in this process, without loading these.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from . import pipeline  # noqa: F401  - imported before the fork, so no worker imports the stack again

    # fork: the workers start with the libraries already imported (a spawn would import them anew).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context) as pool:
        futures = {pool.submit(build_one, job): (job, fingerprint) for job, fingerprint in todo}
        for future in as_completed(futures):
            job, fingerprint = futures[future]
            yield job, fingerprint, future.result()


def _outputs_exist(job: Job) -> bool:
    stem = job.output / job.path.stem
    wanted = [".html", ".txt", *([".mjml"] if job.with_mjml else []), *([".eml"] if job.with_eml else [])]
    return all(stem.with_name(stem.name + suffix).is_file() for suffix in wanted)


def _stamps_file(output: Path) -> Path | None:
    """Where each issue's fingerprint at its last build is kept: in the user's cache, so that the
    output folder holds only what an editor pastes or publishes."""
    folder = cache_dir("builds")
    key = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:20]
    return folder / f"{key}.json" if folder else None


def _read_stamps(output: Path) -> dict[str, str]:
    stamps_file = _stamps_file(output)
    try:
        stamps = json.loads(stamps_file.read_text(encoding="utf-8")) if stamps_file else {}
    except (OSError, ValueError):
        return {}  # no stamps yet, or a damaged file: everything is built
    return {str(key): str(value) for key, value in stamps.items()} if isinstance(stamps, dict) else {}


def _fingerprint(job: Job, templates_digests: dict[tuple[Path, ...], str]) -> str | None:
    """A digest of everything the email of ``job`` depends on."""
    toolchain = _toolchain_digest()
    if toolchain is None:
        return None
    digest = hashlib.sha256(toolchain.encode())
    options = [job.service, job.with_mjml, job.with_eml, str(job.templates)]
    digest.update(json.dumps(options).encode())
    publication = find_publication(job.path)
    for path in (job.path, publication):
        digest.update(_file_bytes(path) if path else b"-")
    folders = template_dirs(job.path, job.templates)
    if folders not in templates_digests:
        templates_digests[folders] = _templates_digest(folders)
    digest.update(templates_digests[folders].encode())
    return digest.hexdigest()


def _file_bytes(path: Path) -> bytes:
    # Bounded and regular files only, as compose reads them: a pipe or /dev/zero must not hang this.
    try:
        return read_input(path)
    except InvalidInput:
        return b"(unreadable)"  # compose will say why; the fingerprint just must not match a good one


def _templates_digest(folders: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for folder, path in template_files(folders):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _toolchain_digest() -> str | None:
    """composer's own code, the Python running it and every package it runs on: an upgrade of any of
    them, or an edit in development, rebuilds everything. None when the installed packages cannot be
    told (composer run from a folder without being installed): then nothing is skipped."""
    versions = dependency_versions()
    if versions is None:
        return None
    digest = hashlib.sha256(f"{sys.implementation.name} {sys.version}\n".encode())
    digest.update("".join(f"{name}=={version}\n" for name, version in versions).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def dependency_versions() -> list[tuple[str, str]] | None:
    """Every installed package composer runs on, with its version: its requirements, theirs, and so
    on, as the packages' own metadata lists them. None when composer itself is not installed."""
    from importlib import metadata

    found: dict[str, str] = {}
    todo = [DISTRIBUTION]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()  # the normalised name (PEP 503)
        if name in found:
            continue
        try:
            text = metadata.distribution(name).read_text("METADATA") or ""
        except metadata.PackageNotFoundError:
            if name == DISTRIBUTION:
                return None
            found[name] = "not installed"  # a requirement for another platform or Python
            continue
        # The headers only: parsing the whole file (a long description follows them) costs ten times more.
        headers = text.split("\n\n", 1)[0]
        version = _VERSION.search(headers)
        found[name] = version.group(1).strip() if version else "unknown"
        for requirement, conditions in _REQUIRES.findall(headers):
            if not re.search(r"\bextra\s*==", conditions):  # an optional feature composer does not ask for
                todo.append(requirement)
    return sorted(found.items())


_VERSION = re.compile(r"^Version:(.*)$", re.M)
_REQUIRES = re.compile(r"^Requires-Dist:\s*([A-Za-z0-9][A-Za-z0-9._-]*)(.*)$", re.M)  # the name, then the rest


def summary(outcomes: list[Outcome]) -> str:
    """The closing line of a batch: how many built, skipped and failed."""
    built = sum(outcome.status == "built" for outcome in outcomes)
    skipped = sum(outcome.status == "skipped" for outcome in outcomes)
    failed = len(outcomes) - built - skipped
    parts = [f"{built} built"]
    if skipped:
        parts.append(f"{skipped} unchanged (skipped; --force rebuilds them)")
    if failed:
        parts.append(f"{failed} failed")
    return ", ".join(parts)
