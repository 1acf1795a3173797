"""Many issues at once: in parallel across the cores, skipping those whose inputs have not changed.

Each issue is built on its own (one bad issue never stops the others) by build_one(), which runs in
a worker process and returns an Outcome: plain data, so it crosses the process boundary. Whether an
issue is unchanged is decided in the parent by a fingerprint of everything its email depends on:
the issue file, its publication.yaml, every template file, the options, and the toolchain: composer's
own code, the Python running it and the version of every package it runs on. An issue is skipped
only when that fingerprint matches the one stamped at its last build *and* every output file still
has the digest it was written with, so a hand-edited or damaged build/X.html is rebuilt.

The stamps are a cache: any trouble with them (an unusable cache folder, a damaged file) means
building without them, and a warning in the Batch result; never a failure.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..core.folders import find_publication
from ..core.output import cache_dir, write_atomically
from ..core.source import read_input
from ..core.templates import take_cache_warnings, template_dirs, template_files
from ..errors import (
    CacheProblem,
    ComposerError,
    InvalidInput,
    OutputClash,
    OutputProblem,
    Problem,
    TemplateProblem,
    internal_error_message,
)
from ..i18n.counting import plural
from ..limits import ORPHAN_CHECK_SECONDS
from ..package import DISTRIBUTION, PACKAGE_FOLDER

if TYPE_CHECKING:
    from ..core.pipeline import Composed
    from ..core.render import RenderOptions


T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    path: Path
    output: Path
    options: RenderOptions
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
    outputs: tuple[tuple[str, str], ...] = ()  # (file name, sha256) of each file written, for the stamps
    warnings: tuple[str, ...] = ()  # troubles with a cache met while building (it was built without it)
    input_warnings: tuple[Problem, ...] = ()  # legal YAML that may not say what was meant (load.Loaded.warnings)


@dataclass(frozen=True)
class Batch:
    """What build_all did: an Outcome per issue, and the troubles with the caches, each once."""

    outcomes: list[Outcome]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Stamp:
    """An issue's last build: the fingerprint of its inputs and the digest of each file written."""

    fingerprint: str
    outputs: dict[str, str]  # file name -> sha256


def refuse_clashes(jobs: list[Job]) -> None:
    """Raise OutputClash, before anything is built, when two issues would write the same files
    (a/2020-01-01.yaml and b/2020-01-01.yaml both into build/): the second would overwrite the first."""
    first: dict[tuple[Path, str], Path] = {}
    problems: list[Problem] = []
    for job in jobs:
        # casefold: on macOS and Windows, A.html and a.html are one file.
        key = (job.output.resolve(), job.path.stem.casefold())
        if key in first:
            message = (
                f"would write {job.output / job.path.stem}.html over that of {first[key]}; "
                "rename one of the two files, or build them into different -o folders"
            )
            problems.append(Problem.whole_file(str(job.path), message))
        else:
            first[key] = job.path
    if problems:
        raise OutputClash(problems)


def build_one(job: Job, debug: bool = False) -> Outcome:
    """Compose and write one issue; every failure comes back as data (with its traceback, for ``debug``),
    and so do the troubles with the cache of compiled templates."""
    outcome = _build_one(job, debug)
    return dataclasses.replace(outcome, warnings=tuple(take_cache_warnings()))


def _build_one(job: Job, debug: bool) -> Outcome:
    from ..core.pipeline import compose, write

    try:
        composed = compose(job.path, job.options)
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
        message_ = internal_error_message(error, then="run it alone with --debug")
        problem = Problem.whole_file(str(job.path), message_)
        return Outcome(job.path, "crashed", (problem,), traceback=_traceback(debug))
    # Each file's digest from the text written into it (write_atomically writes it as UTF-8, as is),
    # rather than from the file read back.
    eml_text = eml.decode("ascii") if eml is not None else ""
    texts: list[tuple[Path | None, str]] = [
        (written.html, composed.html),
        (written.text, composed.text),
        (written.mjml, composed.mjml),
        (written.eml, eml_text),
    ]
    files = tuple(path for path, _ in texts if path)
    return Outcome(
        job.path,
        "built",
        written=files,
        html_bytes=composed.html_bytes,
        text_bytes=len(composed.text.encode()),
        read_minutes=composed.read_minutes,
        clipped_by_gmail=composed.clipped_by_gmail,
        outputs=tuple((path.name, hashlib.sha256(text.encode("utf-8")).hexdigest()) for path, text in texts if path),
        input_warnings=composed.loaded.warnings,
    )


def _eml(composed: Composed) -> bytes:
    from .send.message import as_bytes, message  # only for --eml

    return as_bytes(message(composed))


def _traceback(debug: bool) -> str:
    return traceback.format_exc() if debug else ""


def build_all(
    jobs: list[Job],
    workers: int | None = None,
    force: bool = False,
    on_done: Callable[[Outcome], None] = lambda outcome: None,
) -> Batch:
    """Build every job, unchanged ones skipped unless ``force``; call ``on_done`` as each finishes."""
    warnings: list[str] = []
    stamps = {folder: _read_stamps(folder, warnings) for folder in {job.output for job in jobs}}
    outcomes: list[Outcome] = []
    todo: list[tuple[Job, str | None]] = []
    seen = _Seen()
    for job in jobs:
        fingerprint = _fingerprint(job, seen)
        stamp = stamps[job.output].get(job.path.stem)
        unchanged = fingerprint is not None and stamp is not None and stamp.fingerprint == fingerprint
        if not force and unchanged and stamp is not None and _outputs_intact(job, stamp):
            outcome = Outcome(job.path, "skipped", fingerprint=fingerprint or "")
            outcomes.append(outcome)
            on_done(outcome)
        else:
            todo.append((job, fingerprint))
    for job, fingerprint, outcome in _run(todo, workers or os.cpu_count() or 1):
        warnings.extend(outcome.warnings)
        if outcome.status == "built" and fingerprint is not None:
            stamps[job.output][job.path.stem] = Stamp(fingerprint, dict(outcome.outputs))
        else:
            stamps[job.output].pop(job.path.stem, None)
        outcomes.append(outcome)
        on_done(outcome)
    for folder, folder_stamps in stamps.items():
        _write_stamps(folder, folder_stamps, warnings)
    return Batch(outcomes, list(dict.fromkeys(warnings)))


def _run(todo: list[tuple[Job, str | None]], workers: int) -> Iterator[tuple[Job, str | None, Outcome]]:
    """The outcomes as they finish: in this process for one issue, else in a pool of processes."""
    if len(todo) <= 1 or workers <= 1:
        for job, fingerprint in todo:
            yield job, fingerprint, build_one(job)
        return
    # Only for a pool: one issue is built in this process, without loading these.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from ..core import pipeline  # noqa: F401  - imported before the fork, so no worker imports the stack again

    # fork: the workers start with the libraries already imported (a spawn would import them anew).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers = min(workers, len(todo))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        futures = {pool.submit(build_several, [job for job, _ in part]): part for part in _parts(todo, workers)}
        for future in as_completed(futures):
            for (job, fingerprint), outcome in zip(futures[future], future.result(), strict=True):
                yield job, fingerprint, outcome


def build_several(jobs: list[Job]) -> list[Outcome]:
    """build_one for each job in turn, in a pool worker: one round trip between the processes for a
    few issues rather than one an issue."""
    return [build_one(job) for job in jobs]


ISSUES_A_TRIP = 6  # at most, in one task of the pool: ~30 ms of work, a short wait at the end of a batch


def _parts(todo: list[T], workers: int) -> list[list[T]]:
    """``todo`` in consecutive parts for the pool's tasks: a few issues each, so that handing out a task
    and sending its outcomes back (pickling, pipes, waking the parent) is not paid for every issue;
    smaller towards the end (a quarter of each worker's share of what is left), so that the workers
    finish together, one issue at a time, rather than one waiting for the other's last few."""
    parts, start = [], 0
    while start < len(todo):
        size = max(1, min(ISSUES_A_TRIP, (len(todo) - start) // (workers * 4)))
        parts.append(todo[start : start + size])
        start += size
    return parts


def _die_with_parent(parent: int) -> None:
    """Each pool worker's first act: exit as soon as the compose process that started it is gone.

    A worker waits for jobs on a pipe it holds both ends of (it was forked), so a compose killed
    with SIGKILL would leave it waiting for ever. A thread in the worker polls its parent's id
    instead: when the parent dies, the worker is handed to init (or a subreaper) and os.getppid()
    changes. That works on every POSIX system, whatever the worker is doing (building, or blocked
    writing a result nobody reads). Linux's PR_SET_PDEATHSIG was not chosen: Linux only, and it
    fires when the *thread* that forked the worker ends, which is not the process ending.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_SECONDS)
        os._exit(1)  # at once: outputs are written by rename, so none is left half-written

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _outputs_intact(job: Job, stamp: Stamp) -> bool:
    """Every output the job wants is there, byte for byte as its last build wrote it."""
    stem = job.path.stem
    wanted = [".html", ".txt", *([".mjml"] if job.with_mjml else []), *([".eml"] if job.with_eml else [])]
    names = {stem + suffix for suffix in wanted}
    return set(stamp.outputs) == names and all(
        _digest(job.output / name) == stamp.outputs[name] for name in sorted(names)
    )


def _digest(path: Path) -> str | None:
    """The sha256 of a file; None when it cannot be read (then it matches no stamp)."""
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def _stamps_file(output: Path) -> Path:
    """Where each issue's stamp at its last build is kept: in the user's cache, so that the output
    folder holds only what an editor pastes or publishes. CacheProblem when that cannot be used."""
    key = hashlib.sha256(os.fsencode(output.resolve())).hexdigest()[:20]
    return cache_dir("builds") / f"{key}.json"


STAMPS_VERSION = 2  # the layout of a stamps file; a file of another layout is ignored, not an error


def _read_stamps(output: Path, warnings: list[str]) -> dict[str, Stamp]:
    """The stamps of the issues last built into ``output``; none (everything is built) when there are
    none yet, and none with a warning when the cache cannot be used or the file is damaged."""
    try:
        stamps_file = _stamps_file(output)
    except CacheProblem as problem:
        warnings.append(str(problem))
        return {}
    try:
        text = stamps_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        warnings.append(f"{stamps_file}: cannot read this build cache ({_reason(error)}); building without it")
        return {}
    try:
        return _parse_stamps(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        warnings.append(f"{stamps_file}: a damaged build cache, ignored; every issue is built and the file rewritten")
        return {}


def _parse_stamps(data: object) -> dict[str, Stamp]:
    """The stamps in a stamps file's JSON; ValueError (or another) when it is not what composer writes."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    if data.get("version") != STAMPS_VERSION:
        return {}  # written by another version of composer: its fingerprints differ anyway
    stamps: dict[str, Stamp] = {}
    for stem, entry in data["issues"].items():
        outputs = entry["outputs"]
        if not isinstance(entry["fingerprint"], str) or not all(
            isinstance(name, str) and isinstance(digest, str) for name, digest in outputs.items()
        ):
            raise ValueError(f"a damaged stamp for {stem}")
        stamps[str(stem)] = Stamp(entry["fingerprint"], dict(outputs))
    return stamps


def _write_stamps(output: Path, stamps: dict[str, Stamp], warnings: list[str]) -> None:
    """Keep the stamps for the next run; when they cannot be kept, it builds everything again."""
    issues = {stem: {"fingerprint": stamp.fingerprint, "outputs": stamp.outputs} for stem, stamp in stamps.items()}
    try:
        write_atomically(
            _stamps_file(output), json.dumps({"version": STAMPS_VERSION, "issues": issues}, indent=1) + "\n"
        )
    except CacheProblem as problem:
        warnings.append(str(problem))
    except OutputProblem as problem:
        if not any(warning.startswith(f"{_stamps_file(output)}:") for warning in warnings):  # said when read
            warnings.append(f"{problem}; the next run builds every issue again")


def _reason(error: Exception) -> str:
    return error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__


@dataclass
class _Seen:
    """What the issues of one run share, looked up once for all of them rather than once an issue
    (a year of issues sits in one folder): the publication and templates of each issue folder, the
    bytes of each publication.yaml, the digest of each template set."""

    shared_files: dict[tuple[Path, Path | None], tuple[Path | None, tuple[Path, ...]]] = field(default_factory=dict)
    publications: dict[Path, bytes] = field(default_factory=dict)
    templates_digests: dict[tuple[Path, ...], str] = field(default_factory=dict)


def _fingerprint(job: Job, seen: _Seen) -> str | None:
    """A digest of everything the email of ``job`` depends on."""
    toolchain = _toolchain_digest()
    if toolchain is None:
        return None
    digest = hashlib.sha256(toolchain.encode())
    options = [job.options.service, job.with_mjml, job.with_eml, str(job.options.templates)]
    digest.update(json.dumps(options).encode())
    where = (job.path.parent, job.options.templates)
    if where not in seen.shared_files:
        seen.shared_files[where] = (find_publication(job.path), template_dirs(job.path, job.options.templates))
    publication, folders = seen.shared_files[where]
    digest.update(_file_bytes(job.path))
    if publication is None:
        digest.update(b"-")
    else:
        if publication not in seen.publications:
            seen.publications[publication] = _file_bytes(publication)
        digest.update(seen.publications[publication])
    if folders not in seen.templates_digests:
        seen.templates_digests[folders] = _templates_digest(folders)
    digest.update(seen.templates_digests[folders].encode())
    return digest.hexdigest()


def _file_bytes(path: Path) -> bytes:
    # Bounded and regular files only, as compose reads them: a pipe or /dev/zero must not hang this.
    try:
        return read_input(path)
    except InvalidInput:
        return b"(unreadable)"  # compose will say why; the fingerprint just must not match a good one


def _templates_digest(folders: tuple[Path, ...]) -> str:
    return _files_digest(template_files(folders))


def _files_digest(files: Iterable[tuple[Path, Path]]) -> str:
    """A digest of files, given as (folder, file), by each one's place in its folder and its bytes."""
    digest = hashlib.sha256()
    for folder, path in files:
        digest.update(os.fsencode(path.relative_to(folder)) + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _toolchain_digest() -> str | None:
    """composer's own code, the Python running it and every package it runs on: an upgrade of any of
    them, or an edit in development, rebuilds everything. None when the installed packages cannot be
    told (composer run from a folder without being installed): then nothing is skipped.

    Reading every package's metadata and every file of composer costs a few milliseconds, a tenth
    of a one-issue run's own work: the digest is kept in the cache folder with what the files looked
    like (_toolchain_state), and read again only when that changed."""
    state = _toolchain_state()
    kept = _kept_toolchain(state)
    if kept is not None:
        return kept
    digest = _read_toolchain_digest()
    if digest is not None:
        try:
            kept_file = cache_dir("builds") / TOOLCHAIN_FILE
            write_atomically(kept_file, json.dumps({"state": state, "digest": digest}) + "\n")
        except (CacheProblem, OutputProblem):
            pass  # read again next run; the stamps' own warning says the cache is unusable
    return digest


TOOLCHAIN_FILE = "toolchain.json"


def _toolchain_state() -> str:
    """A digest of what the toolchain's files look like, without reading them: each folder Python
    imports from (a package installed, upgraded or removed renames a folder in it, which changes
    the folder's time) and each file of composer, by its place, size and time of change."""
    stats = [f"{sys.implementation.name} {sys.version} {sys.executable}"]
    for entry in sys.path:
        try:
            found = os.stat(entry or ".")
        except OSError:
            continue
        stats.append(f"{entry}\0{found.st_mtime_ns}\0{found.st_size}")
    for folder, subfolders, files in os.walk(PACKAGE_FOLDER):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        stats.append(f"{folder}\0{os.stat(folder).st_mtime_ns}")
        for name in sorted(files):
            found = os.stat(os.path.join(folder, name))
            stats.append(f"{name}\0{found.st_mtime_ns}\0{found.st_size}")
    return hashlib.sha256("\n".join(stats).encode(errors="surrogateescape")).hexdigest()


def _kept_toolchain(state: str) -> str | None:
    """The digest kept for ``state`` by an earlier run; None when none is, or any trouble reading it."""
    try:
        kept = json.loads((cache_dir("builds") / TOOLCHAIN_FILE).read_text(encoding="utf-8"))
        if kept["state"] == state and isinstance(kept["digest"], str):
            return str(kept["digest"])
    except (CacheProblem, OSError, ValueError, TypeError, KeyError, RecursionError):
        pass
    return None


def _read_toolchain_digest() -> str | None:
    versions = dependency_versions()
    if versions is None:
        return None
    digest = hashlib.sha256(f"{sys.implementation.name} {sys.version}\n".encode())
    digest.update("".join(f"{name}=={version}\n" for name, version in versions).encode())
    digest.update(package_digest(PACKAGE_FOLDER).encode())
    return digest.hexdigest()


def package_digest(package: Path) -> str:
    """A digest of every file of the package, in every folder of it, by its place and its bytes: a
    module, a label file or a schema edited, added, moved into a subpackage or removed changes it.
    Compiled bytecode (__pycache__) is left out: Python rewrites it from the sources."""
    return _files_digest(
        (package, path)
        for path in sorted(package.rglob("*"))
        if path.is_file() and "__pycache__" not in path.relative_to(package).parts
    )


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
        parts.append(f"{skipped} unchanged (skipped; --force rebuilds {plural(skipped, 'it', 'them')})")
    if failed:
        parts.append(f"{failed} failed")
    return ", ".join(parts)
