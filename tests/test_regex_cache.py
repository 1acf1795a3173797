"""The compiled regular expressions kept between runs (composer/core/regex_cache.py): a program
from the file is exactly the one `re` makes, a second run compiles (next to) nothing itself, and a
damaged, foreign or overgrown file costs a compile, never a wrong match or an error."""

from __future__ import annotations

import marshal
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.core import regex_cache

from .conftest import SAMPLE

pytestmark = pytest.mark.skipif(not regex_cache.served(), reason="this interpreter's re is not one the cache serves")

# A second run still compiles what differs from run to run: markdown-it's class of terminator
# characters, joined from a set in the hash seed's order.
CHANGING_FROM_RUN_TO_RUN = 2


COMPILER: Any = re._compiler  # type: ignore[attr-defined]  # re's own compiler, which the cache stands in for


def by_re(pattern: Any, flags: int = 0) -> Any:
    """``pattern`` compiled by re's own compiler, never by the cache."""
    return COMPILER.compile(pattern, flags)


def from_programme(pattern: Any, flags: int = 0) -> Any:
    """``pattern`` compiled from the program regex_cache makes for it."""
    return COMPILER._sre.compile(pattern, *regex_cache._programme(pattern, flags))


def kept_now() -> regex_cache._Kept:
    assert regex_cache._kept is not None
    return regex_cache._kept


def cache_file(cache: Path) -> Path:
    [found] = (cache / "composer" / "regex").glob("*.marshal")
    return found


def kept_in(cache: Path) -> dict[regex_cache.Key, regex_cache.Programme]:
    return regex_cache._read(cache_file(cache))


def compose_in_a_new_process(cache: Path, output: Path) -> int:
    """`compose SAMPLE` through the console script's entry point; how many patterns it compiled itself."""
    script = (
        "import sys\nfrom composer.core import regex_cache\nfrom composer import cli\n"
        "sys.argv = ['compose', sys.argv[1], '-o', sys.argv[2], '--force']\n"
        "cli._end_now = lambda code: print(regex_cache.compiled_here())\n"
        "cli.run()\n"
    )
    environment = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(SAMPLE), str(output)], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1])


def test_a_second_run_takes_its_patterns_from_the_file_and_each_is_what_re_compiles(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = compose_in_a_new_process(cache, tmp_path / "first")
    kept = kept_in(cache)
    assert first >= 200 and len(kept) >= 200  # the stack's patterns: cssutils, PyYAML, Markdown, Jinja2, composer
    second = compose_in_a_new_process(cache, tmp_path / "second")
    assert second <= CHANGING_FROM_RUN_TO_RUN, f"a second run compiled {second} patterns itself"
    assert (tmp_path / "first" / "2017-11-09.html").read_bytes() == (
        tmp_path / "second" / "2017-11-09.html"
    ).read_bytes()
    # Pattern objects compare equal only with the same pattern, flags and program.
    different = [key for key, programme in kept.items() if COMPILER._sre.compile(key[0], *programme) != by_re(*key)]
    assert not different, f"{len(different)} kept programs differ from re's, e.g. {different[0]!r}"


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The cache installed in this process, on an empty cache folder; re as it was afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(regex_cache, "_kept", None)
    monkeypatch.setattr(COMPILER, "compile", COMPILER.compile)  # put back at the end
    re.purge()  # re's own cache would answer before the compiler is asked
    yield tmp_path / "cache"
    re.purge()


def a_new_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process starts: the file read again, nothing in re's cache."""
    monkeypatch.setattr(regex_cache, "_kept", None)
    re.purge()
    regex_cache.remember_compiled_patterns()


PATTERNS: list[tuple[Any, int]] = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)", 0),
    (r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]+", 0),  # a class of right-to-left letters
    (r"straße|ǅ", re.IGNORECASE),
    (rb"\x00[^\xff]*", 0),
    (r"(?x) a  b  # verbose", 0),
    (r"^\s*$", re.MULTILINE | re.ASCII),
]


def test_patterns_compiled_from_the_file_match_as_re_compiles_them(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regex_cache.remember_compiled_patterns()
    for pattern, flags in PATTERNS:
        re.compile(pattern, flags)
    kept_now().new_seconds = regex_cache.WORTH_WRITING_SECONDS
    regex_cache.keep_compiled_patterns()
    assert {(pattern, int(flags)) for pattern, flags in PATTERNS} <= set(kept_in(isolated))

    a_new_run(monkeypatch)
    for pattern, flags in PATTERNS:
        cached = re.compile(pattern, flags)
        assert cached == from_programme(pattern, flags)
        assert cached.groupindex == by_re(pattern, flags).groupindex
    assert regex_cache.compiled_here() == 0
    date = re.compile(r"(?P<year>\d{4})-(?P<month>\d\d)").match("2017-11")
    assert date and date.groupdict() == {"year": "2017", "month": "11"}
    assert re.compile(r"straße|ǅ", re.IGNORECASE).fullmatch("STRASSE") is None  # as re: no full case folding
    assert re.compile(r"straße|ǅ", re.IGNORECASE).fullmatch("ǆ")


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "two programs swapped, the checksum not":
        fmt, build, checksum, payload = marshal.loads(data)
        programmes = marshal.loads(payload)
        first, second = [(pattern, int(flags)) for pattern, flags in PATTERNS[-2:]]
        programmes[first], programmes[second] = programmes[second], programmes[first]
        path.write_bytes(marshal.dumps((fmt, build, checksum, marshal.dumps(programmes))))
    elif how == "not marshal":
        path.write_bytes(b"\x00garbage" * 100)
    elif how == "another format":
        path.write_bytes(marshal.dumps({"rules": []}))
    elif how == "another interpreter":
        fmt, _, checksum, payload = marshal.loads(data)
        path.write_bytes(marshal.dumps((fmt, "Python 9.9", checksum, payload)))
    elif how == "programs _sre rejects":
        fmt, build, _, payload = marshal.loads(data)
        programmes = {
            key: (flags, [999999] * len(code), *rest) for key, (flags, code, *rest) in marshal.loads(payload).items()
        }
        payload = marshal.dumps(programmes)
        path.write_bytes(marshal.dumps((fmt, build, regex_cache._digest(payload), payload)))


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "two programs swapped, the checksum not",
        "not marshal",
        "another format",
        "another interpreter",
        "programs _sre rejects",
    ],
)
def test_a_damaged_or_foreign_file_is_compiled_again(isolated: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    regex_cache.remember_compiled_patterns()
    for pattern, flags in PATTERNS:
        re.compile(pattern, flags)
    kept_now().new_seconds = regex_cache.WORTH_WRITING_SECONDS
    regex_cache.keep_compiled_patterns()
    damage(cache_file(isolated), how)

    a_new_run(monkeypatch)
    for pattern, flags in PATTERNS:
        assert re.compile(pattern, flags) == from_programme(pattern, flags)
    assert regex_cache.compiled_here() == len(PATTERNS)
    with pytest.raises(re.error, match="missing \\)"):
        re.compile("(unclosed")


def test_the_file_keeps_what_the_run_used_first_then_older_patterns_within_its_bounds(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regex_cache, "MAX_PATTERNS", 20)
    monkeypatch.setattr(regex_cache, "WORTH_WRITING_SECONDS", 0.0)
    regex_cache.remember_compiled_patterns()
    for number in range(15):
        re.compile(f"old {number}")
    regex_cache.keep_compiled_patterns()
    assert len(kept_in(isolated)) == 15

    a_new_run(monkeypatch)
    for number in range(10):
        re.compile(f"new {number}")
    re.compile("old 14")
    regex_cache.keep_compiled_patterns()
    kept = list(kept_in(isolated))
    used = [(f"new {number}", 0) for number in range(10)] + [("old 14", 0)]
    assert kept[:11] == used  # then as many of the older ones as fit, in their order
    assert kept[11:] == [(f"old {number}", 0) for number in range(9)]

    a_new_run(monkeypatch)
    for number in range(100):  # a preview left running: bounded in memory as well
        re.compile(f"many {number}")
    assert len(kept_now().programmes) <= 2 * 20
    regex_cache.keep_compiled_patterns()
    assert len(kept_in(isolated)) == 20


def test_an_issue_cannot_make_the_file_large(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Patterns built from an issue's text, each under the length bound, many of them.
    monkeypatch.setattr(regex_cache, "WORTH_WRITING_SECONDS", 0.0)
    regex_cache.remember_compiled_patterns()
    re.compile(r"\d+ stack")
    for number in range(400):
        re.compile(f"(?<!\\w){number:04d}" + "ب" * (regex_cache.MAX_PATTERN_LENGTH - 20) + "(?!\\w)")
    regex_cache.keep_compiled_patterns()
    kept = kept_in(isolated)
    assert (
        sum(len(pattern) + len(programme[1]) for (pattern, _), programme in kept.items()) <= regex_cache.MAX_KEPT_SIZE
    )
    assert next(iter(kept)) == (r"\d+ stack", 0)  # the first used stays
    assert cache_file(isolated).stat().st_size < regex_cache.MAX_FILE_BYTES

    monkeypatch.setattr(regex_cache, "MAX_FILE_BYTES", 1000)  # a file larger than this is not even read
    a_new_run(monkeypatch)
    re.compile(r"\d+ stack")
    assert regex_cache.compiled_here() == 1


def test_what_is_never_kept(isolated: Path) -> None:
    class Text(str):
        pass

    regex_cache.remember_compiled_patterns()
    long = "a" * (regex_cache.MAX_PATTERN_LENGTH + 1)
    assert re.compile(long).match(long)
    assert re.compile(Text("subclass")).match("subclass")
    assert (long, 0) not in kept_now().programmes
    assert all(type(pattern) in (str, bytes) for pattern, _ in kept_now().programmes)


def test_nothing_changes_where_the_cache_folder_is_unusable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(regex_cache, "_kept", None)
    monkeypatch.setattr(COMPILER, "compile", COMPILER.compile)
    re.purge()
    regex_cache.remember_compiled_patterns()
    assert re.compile(r"\d+").match("42")
    regex_cache.keep_compiled_patterns()  # nowhere to write: nothing said, nothing raised
    re.purge()
