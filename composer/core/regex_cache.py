"""Compiled regular expressions kept between runs, as Python keeps compiled modules.

Python's `re` parses a pattern and generates its program for the `_sre` engine in pure Python, and
the stack compiles some 300 patterns as it loads and composes an issue: cssutils' tokenizer,
PyYAML's reader (a class of every printable character), cssselect, Markdown, Jinja2, composer's own
classes of scripts: the same work in every run, ~21 ms of a 225 ms one-issue run (measured, 2026-12-07).

remember_compiled_patterns() makes `re` take each program from a file in composer's cache folder
and hand it straight to `_sre.compile`, what `re` itself does with a program it has just made; a
pattern not in the file is compiled as `re` would, and keep_compiled_patterns() adds it at the end
of the command. The file is one per interpreter build (its version, `_sre`'s MAGIC and code size),
so an upgraded Python never reads another's programs; `_sre` validates every program it is given,
and anything odd about the file (damaged, another format, unreadable) is a miss, never an error.
A pattern compiled from the cache compares equal to one compiled by `re` (program included):
tests/test_regex_cache.py holds every pattern of a run to that.

Only CPython 3.11 to 3.13, whose `re._compiler.compile` ends as _programme() does, are served;
elsewhere nothing changes. The file is bounded (MAX_PATTERNS, MAX_PATTERN_LENGTH, MAX_KEPT_SIZE,
MAX_FILE_BYTES): patterns built from an issue's text (a run of another script, a date) are kept like
any other, what this run used first, and no issue can make the file, or the next run's reading of
it, large.
"""

from __future__ import annotations

import functools
import marshal
import re
import sys
import time
import zlib
from pathlib import Path
from typing import Any

from ..errors import CacheProblem, OutputProblem
from .output import cache_dir, write_atomically

MAX_PATTERNS = 2_000  # a run of the stack compiles ~300; a check, a preview and --links add some
MAX_PATTERN_LENGTH = 2_000  # characters; the stack's longest is ~700
MAX_KEPT_SIZE = 400_000  # characters of pattern and words of program, all kept together; the stack's ~50,000
MAX_FILE_BYTES = 4_000_000  # a larger file is not read (what MAX_KEPT_SIZE allows marshals to ~2 MB)
# The file is written again only when the patterns it lacked took this long to compile: rewriting it
# costs ~1 ms, and some patterns differ from run to run (markdown-it joins a set's characters into a
# class, in an order that changes with the hash seed), a miss of ~0.1 ms every run that no file helps.
WORTH_WRITING_SECONDS = 0.002
_FORMAT = "composer compiled patterns 1"
_CACHE_FOLDER = "regex"

# A pattern's key, as re keys its own cache (re._compile): the pattern (str or bytes) and its flags.
Key = tuple[str | bytes, int]
# What _sre.compile takes after the pattern: flags, program, groups, groupindex, indexgroup.
Programme = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


class _Kept:
    """The programs of this process: those read from the file, those compiled since."""

    def __init__(self, path: Path | None, programmes: dict[Key, Programme]) -> None:
        self.path = path
        self.programmes = programmes
        self.used: dict[Key, None] = {}  # in the order first used, for a file past its bound
        self.compiled = 0  # patterns this process compiled itself, kept or not
        self.new_seconds = 0.0  # the time compiling the new ones took


_kept: _Kept | None = None


def served() -> bool:
    """Whether this interpreter's `re` is one whose compile() _programme() reproduces."""
    return (
        sys.implementation.name == "cpython"
        and (3, 11) <= sys.version_info[:2] <= (3, 13)
        and hasattr(getattr(re, "_compiler", None), "compile")
    )


def remember_compiled_patterns() -> None:
    """From now on in this process, `re` takes compiled programs from the cache folder (once; a no-op
    where the interpreter is not served or the cache folder is unusable)."""
    global _kept
    if _kept is not None or not served():
        return
    try:
        build = _interpreter()
        name = f"{sys.implementation.cache_tag}-{zlib.crc32(build.encode()):08x}.marshal"
        path: Path | None = cache_dir(_CACHE_FOLDER) / name
    except CacheProblem:
        path = None  # compiled as usual; the other caches say the folder is unusable
    _kept = _Kept(path, _read(path) if path else {})
    re._compiler.compile = _compile  # type: ignore[attr-defined]


def compiled_here() -> int:
    """How many patterns this process compiled itself rather than took from the file."""
    return _kept.compiled if _kept else 0


def keep_compiled_patterns() -> None:
    """Write the file again if this process compiled a pattern it lacked. Any trouble writing it is
    left unsaid: the next run compiles those patterns again."""
    kept = _kept
    if kept is None or kept.path is None or kept.new_seconds < WORTH_WRITING_SECONDS:
        return
    programmes: dict[Key, Programme] = {}
    size = 0
    for key in [*kept.used, *kept.programmes]:  # what this run used first, then what earlier runs kept
        programme = kept.programmes.get(key)
        if programme is None or key in programmes:
            continue
        size += len(key[0]) + len(programme[1])
        if size > MAX_KEPT_SIZE or len(programmes) == MAX_PATTERNS:
            break
        programmes[key] = programme
    try:
        payload = marshal.dumps(programmes)
        write_atomically(kept.path, marshal.dumps((_FORMAT, _interpreter(), _digest(payload), payload)))
    except OutputProblem:
        return
    kept.new_seconds = 0.0


_original_compile = re._compiler.compile  # type: ignore[attr-defined]


def _compile(pattern: Any, flags: int = 0) -> Any:
    """re._compiler.compile, with the program taken from, or kept for, the cache file."""
    kept = _kept
    if kept is None or type(pattern) not in (str, bytes) or flags & re.DEBUG or len(pattern) > MAX_PATTERN_LENGTH:
        return _original_compile(pattern, flags)
    key = (pattern, int(flags))
    programme = kept.programmes.get(key)
    if programme is not None:
        try:
            compiled = re._compiler._sre.compile(pattern, *programme)  # type: ignore[attr-defined]
        except (TypeError, ValueError, OverflowError, RuntimeError):  # not a program _sre accepts
            kept.programmes.pop(key, None)
        else:
            kept.used[key] = None
            return compiled
    started = time.perf_counter()
    programme = _programme(pattern, int(flags))  # re.error for a wrong pattern, as re raises it
    compiled = re._compiler._sre.compile(pattern, *programme)  # type: ignore[attr-defined]
    kept.compiled += 1
    if len(kept.programmes) < 2 * MAX_PATTERNS:  # a preview left running for days stays bounded too
        kept.programmes[key] = programme
        kept.used[key] = None
        kept.new_seconds += time.perf_counter() - started
    return compiled


def _programme(pattern: str | bytes, flags: int) -> Programme:
    """What re._compiler.compile hands _sre.compile for ``pattern``, as plain data (the opcodes are
    int subclasses in `re`, plain ints here, which marshal can keep). Python 3.11-3.13, line for line."""
    compiler = re._compiler  # type: ignore[attr-defined]
    parsed = compiler._parser.parse(pattern, flags)
    code = [int(op) for op in compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


@functools.cache
def _interpreter() -> str:
    """This interpreter build: what a program is valid for."""
    sre = re._compiler._sre  # type: ignore[attr-defined]
    return repr((sys.version, sys.implementation.cache_tag, sre.MAGIC, sre.CODESIZE, sys.maxunicode))


def _digest(payload: bytes) -> int:
    """Enough to tell a damaged file (hashlib would cost its import in every run, --help included)."""
    return zlib.crc32(payload)


def _read(path: Path) -> dict[Key, Programme]:
    """The programs kept in ``path``, or none when it is missing, damaged or not ours. The checksum
    catches a damaged file that would still unmarshal: a program swapped for another's would match
    the wrong texts, where a program _sre rejects is only a miss."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return {}
        data = marshal.loads(path.read_bytes())
        if not (
            isinstance(data, tuple)
            and len(data) == 4
            and data[:2] == (_FORMAT, _interpreter())
            and isinstance(data[3], bytes)
            and data[2] == _digest(data[3])
        ):
            return {}
        programmes = marshal.loads(data[3])
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return programmes if isinstance(programmes, dict) else {}
