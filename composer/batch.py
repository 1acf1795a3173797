"""Many issues at once: in parallel across the cores, skipping those whose inputs have not changed.

Each issue is built on its own (one bad issue never stops the others) by build_one(), which runs in
a worker process and returns an Outcome: plain data, so it crosses the process boundary. Whether an
issue is unchanged is decided in the parent by a fingerprint of everything its email depends on:
the issue file, its publication.yaml, every template file, the options, and composer's own code.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ComposerError, Problem, TemplateProblem
from .load import find_publication
from .output import cache_dir, write_atomically
from .render import template_dirs


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


def build_one(job: Job, reraise: bool = False) -> Outcome:
    """Compose and write one issue; every failure comes back as data (raised, with ``reraise``)."""
    from .mail import as_bytes, message
    from .pipeline import compose, write

    try:
        composed = compose(job.path, job.templates, job.service)
        eml = as_bytes(message(composed)) if job.with_eml else None  # before writing: all or nothing
        written = write(composed, job.output, job.with_mjml, eml)
    except ComposerError as error:
        if reraise:
            raise
        notes: tuple[str, ...] = ()
        if job.with_mjml and isinstance(error, TemplateProblem) and error.mjml is not None:
            kept = job.output / f"{job.path.stem}.mjml"
            write_atomically(kept, error.mjml)
            notes = (f"{kept}: the MJML that failed, for inspection",)
        return Outcome(job.path, "failed", tuple(error.problems), notes=notes)
    except Exception as error:  # a bug in composer: reported, and the other issues go on
        if reraise:
            raise
        message_ = f"internal error in composer ({type(error).__name__}: {error}); run it alone with --debug"
        return Outcome(job.path, "crashed", (Problem(str(job.path), 0, 0, "", message_),))
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


def build_all(
    jobs: list[Job],
    workers: int | None = None,
    force: bool = False,
    on_done: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Build every job, unchanged ones skipped unless ``force``; call ``on_done`` as each finishes."""
    stamps = {folder: _read_stamps(folder) for folder in {job.output for job in jobs}}
    outcomes: list[Outcome] = []
    todo: list[tuple[Job, str]] = []
    templates_digests: dict[tuple[Path, ...], str] = {}  # read each template set once per run, not per issue
    for job in jobs:
        fingerprint = _fingerprint(job, templates_digests)
        if not force and stamps[job.output].get(job.path.stem) == fingerprint and _outputs_exist(job):
            outcome = Outcome(job.path, "skipped", fingerprint=fingerprint)
            outcomes.append(outcome)
            on_done(outcome)
        else:
            todo.append((job, fingerprint))
    for job, fingerprint, outcome in _run(todo, workers or os.cpu_count() or 1):
        if outcome.status == "built":
            stamps[job.output][job.path.stem] = fingerprint
        else:
            stamps[job.output].pop(job.path.stem, None)
        outcomes.append(outcome)
        on_done(outcome)
    for folder, folder_stamps in stamps.items():
        stamps_file = _stamps_file(folder)
        if stamps_file:
            write_atomically(stamps_file, json.dumps(folder_stamps, indent=1, sort_keys=True) + "\n")
    return outcomes


def _run(todo: list[tuple[Job, str]], workers: int) -> Iterator[tuple[Job, str, Outcome]]:
    """The outcomes as they finish: in this process for one issue, else in a pool of processes."""
    if len(todo) <= 1 or workers <= 1:
        for job, fingerprint in todo:
            yield job, fingerprint, build_one(job)
        return
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


def _fingerprint(job: Job, templates_digests: dict[tuple[Path, ...], str]) -> str:
    """A digest of everything the email of ``job`` depends on."""
    digest = hashlib.sha256(_code_digest().encode())
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
    try:
        return path.read_bytes()
    except OSError:
        return b"(unreadable)"  # compose will say why; the fingerprint just must not match a good one


def _templates_digest(folders: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.relative_to(folder).parts[0] != "archive":  # the web archive's own
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """composer's own code: a new version, or an edit in development, rebuilds everything."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


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
