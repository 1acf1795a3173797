"""Hostile cases of batch builds, their caches, the web archive and which files a command takes.

Each case is something an editor (or a crash, or a full disk) can do to a working set-up; each
test asserts what the editor then sees: the exact message, the exit status, and the files left.
"""

from __future__ import annotations

import email
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from composer.commands.archive import MANIFEST, archive
from composer.commands.build import TOOLCHAIN_FILE

from ..conftest import ISSUE, PUBLICATION, MakeIssue, run


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's build cache is its own, so that no test sees another's stamps or templates."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


def run_process(*args: str | Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """compose in a process of its own: a fresh Jinja environment, which reads the cache from disk."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    command = [sys.executable, "-m", "composer", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120, check=False)


def issue_of(day: str) -> str:
    return ISSUE.replace("2020-02-03", day)


# --- 1. Two issues, one output name -------------------------------------------------------------


def test_two_issues_of_one_name_in_two_folders_are_refused_before_anything_is_built(tmp_path: Path) -> None:
    (tmp_path / "publication.yaml").write_text(textwrap.dedent(PUBLICATION), encoding="utf-8")
    first, second = tmp_path / "a" / "2020-01-01.yaml", tmp_path / "b" / "2020-01-01.yaml"
    for path, day in ((first, "2020-01-01"), (second, "2020-01-01")):
        path.parent.mkdir()
        path.write_text(issue_of(day), encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run(first, second, "-o", out)
    assert code == 1
    assert stderr == (
        f"{second}: would write {out}/2020-01-01.html over that of {first}; "
        "rename one of the two files, or build them into different -o folders\n"
    )
    assert stdout == "" and not out.exists()


def test_the_same_issue_named_twice_is_built_once(make_issue: MakeIssue, tmp_path: Path) -> None:
    path = make_issue(name="2020-02-03.yaml")
    code, stdout, _ = run(path.parent, path, "-o", tmp_path / "out")
    assert code == 0
    assert stdout.count("2020-02-03.html") == 1


# --- 2. A cache that cannot be used -------------------------------------------------------------


def test_a_file_where_the_cache_folder_should_be_means_building_without_it(
    make_issue: MakeIssue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = make_issue(name="2020-02-03.yaml")
    for _ in range(2):  # nothing kept, so the second run builds again rather than skipping
        code, stdout, stderr = run(path, "-o", tmp_path / "out")
        assert code == 0
        assert stdout.startswith(f"{tmp_path / 'out' / '2020-02-03.html'} (")
        assert (
            stderr
            == f"warning: {blocker}/composer: cannot use this cache folder (Not a directory); building without it\n"
        )


def test_a_file_where_the_stamps_folder_should_be_means_building_without_it(
    make_issue: MakeIssue, tmp_path: Path, own_cache: Path
) -> None:
    (own_cache / "composer").mkdir(parents=True)
    (own_cache / "composer" / "builds").write_text("", encoding="utf-8")
    path = make_issue(name="2020-02-03.yaml")
    code, _, stderr = run(path, "-o", tmp_path / "out")
    assert code == 0
    assert stderr == (
        f"warning: {own_cache}/composer/builds: cannot use this cache folder (a file, not a folder); "
        "building without it\n"
    )


def stamps_file(cache: Path) -> Path:
    # The builds' stamps; toolchain.json beside them is there only when this process digested composer first.
    (found,) = (path for path in (cache / "composer" / "builds").glob("*.json") if path.name != TOOLCHAIN_FILE)
    return found


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "\x00garbage\xff", id="garbage"),
        pytest.param(lambda text: "[" * 100_000 + "]" * 100_000, id="nested-too-deep"),
        pytest.param(lambda text: json.dumps({"version": 2, "issues": {"2020-02-03": 5}}), id="wrong-shape"),
        pytest.param(
            lambda text: json.dumps({"version": 2, "issues": {"2020-02-03": {"fingerprint": 1, "outputs": {}}}}),
            id="wrong-types",
        ),
    ],
)
def test_a_damaged_stamps_file_rebuilds_says_so_once_and_is_mended(
    damage: object, make_issue: MakeIssue, tmp_path: Path, own_cache: Path
) -> None:
    path = make_issue(name="2020-02-03.yaml")
    out = tmp_path / "out"
    assert run(path, "-o", out)[0] == 0
    stamps = stamps_file(own_cache)
    assert callable(damage)
    stamps.write_text(damage(stamps.read_text(encoding="utf-8")), encoding="utf-8")
    code, stdout, stderr = run(path, "-o", out)
    assert code == 0
    assert stdout.startswith(f"{out / '2020-02-03.html'} (")  # built, not skipped on a damaged stamp
    assert stderr == (
        f"warning: {stamps}: a damaged build cache, ignored; every issue is built and the file rewritten\n"
    )
    code, stdout, stderr = run(path, "-o", out)
    assert (code, stderr) == (0, "")
    assert stdout == f"{path}: unchanged since its last build, skipped (--force rebuilds it)\n"


def test_a_folder_where_the_stamps_file_should_be_is_one_warning(
    make_issue: MakeIssue, tmp_path: Path, own_cache: Path
) -> None:
    path = make_issue(name="2020-02-03.yaml")
    assert run(path, "-o", tmp_path / "out")[0] == 0
    stamps = stamps_file(own_cache)
    stamps.unlink()
    stamps.mkdir()
    code, _, stderr = run(path, "-o", tmp_path / "out")
    assert code == 0
    assert stderr == f"warning: {stamps}: cannot read this build cache (Is a directory); building without it\n"


def compiled_templates(cache: Path) -> list[Path]:
    found = sorted((cache / "composer").glob("jinja-*/*.cache"))
    assert found, "the first build kept no compiled template"
    return found


@pytest.mark.parametrize(
    ("damage", "warned"),
    [
        pytest.param(lambda data, magic: data[: len(data) // 2], False, id="truncated"),  # Jinja's own miss
        pytest.param(lambda data, magic: os.urandom(64), False, id="garbage"),  # Jinja's own miss
        pytest.param(lambda data, magic: magic + b"garbage", True, id="garbage-after-header"),  # pickle raises
        pytest.param(lambda data, magic: magic + data[len(magic) :][:3], True, id="cut-in-the-checksum"),
    ],
)
def test_damaged_compiled_templates_are_recompiled(
    damage: object, warned: bool, make_issue: MakeIssue, tmp_path: Path, own_cache: Path
) -> None:
    from jinja2.bccache import bc_magic

    path = make_issue(name="2020-02-03.yaml")
    out = tmp_path / "out"
    assert run_process(path, "-o", out, cache=own_cache).returncode == 0
    good = (out / "2020-02-03.html").read_bytes(), (out / "2020-02-03.txt").read_bytes()
    for cached in compiled_templates(own_cache):
        assert callable(damage)
        cached.write_bytes(damage(cached.read_bytes(), bc_magic))
    result = run_process(path, "-o", out, "--force", cache=own_cache)
    assert result.returncode == 0, result.stderr
    assert ((out / "2020-02-03.html").read_bytes(), (out / "2020-02-03.txt").read_bytes()) == good
    expected = (
        f"warning: {own_cache}/composer: damaged files of compiled templates (UnpicklingError), ignored and rewritten\n"
    )
    if "checksum" in result.stderr or "EOFError" in result.stderr:
        expected = expected.replace("UnpicklingError", "EOFError")
    assert result.stderr == (expected if warned else "")
    # Rewritten: the next run reads them without a word.
    again = run_process(path, "-o", out, "--force", cache=own_cache)
    assert (again.returncode, again.stderr) == (0, "")


def test_a_folder_in_place_of_a_compiled_template_only_costs_a_compilation(
    make_issue: MakeIssue, tmp_path: Path, own_cache: Path
) -> None:
    path = make_issue(name="2020-02-03.yaml")
    out = tmp_path / "out"
    assert run_process(path, "-o", out, cache=own_cache).returncode == 0
    good = (out / "2020-02-03.html").read_bytes()
    # Jinja can neither read these nor replace them by files: every template is compiled each run.
    for cached in compiled_templates(own_cache):
        cached.unlink()
        cached.mkdir()
    for _ in range(2):
        result = run_process(path, "-o", out, "--force", cache=own_cache)
        assert (result.returncode, result.stderr) == (0, "")
        assert (out / "2020-02-03.html").read_bytes() == good


# --- 3. Workers die with compose ----------------------------------------------------------------


def children_of(parent: int) -> list[int]:
    """The processes whose parent is ``parent``, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def is_running(pid: int) -> bool:
    """Alive and not a zombie (a dead process whose parent has not collected it yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through Linux's /proc")
def test_workers_die_when_compose_is_killed(make_issue: MakeIssue, tmp_path: Path, own_cache: Path) -> None:
    import time

    # Long issues, many of them: the batch runs for seconds, so that it is killed in the middle.
    stories = "".join(f"  - headline: Story {n}\n    body: A paragraph about story {n}.\n" for n in range(40))
    long_issue = issue_of("2020-01-01").split("stories:")[0] + "stories:\n" + stories
    for day in range(300):
        make_issue(long_issue.replace("2020-01-01", f"2020-{1 + day // 28:02}-{1 + day % 28:02}"), name=f"i{day}.yaml")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "composer", str(tmp_path / "issues"), "-o", str(out), "-j", "2"]
    environment = {**os.environ, "XDG_CACHE_HOME": str(own_cache)}
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment) as compose:
        deadline = time.monotonic() + 60
        while not list(out.glob("*.html")) and time.monotonic() < deadline and compose.poll() is None:
            time.sleep(0.05)
        workers = children_of(compose.pid)
        assert compose.poll() is None, "the batch ended before it could be killed; make it longer"
        assert len(workers) >= 2  # the two workers (and any helper process multiprocessing starts)
        compose.send_signal(signal.SIGKILL)
        compose.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(is_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [pid for pid in workers if is_running(pid)]
    for pid in survivors:  # do not leave them behind for the next test
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"workers {survivors} outlived the compose process that started them"


# --- 4. A hand-damaged output is rebuilt --------------------------------------------------------


@pytest.mark.parametrize("suffix", [".html", ".txt", ".mjml", ".eml"])
def test_a_hand_damaged_output_is_rebuilt_not_skipped(make_issue: MakeIssue, tmp_path: Path, suffix: str) -> None:
    publication = PUBLICATION + "sender:\n  name: Desk\n  email: desk@example.com\n"
    path = make_issue(publication=publication, name="2020-02-03.yaml")
    out = tmp_path / "out"
    assert run(path, "-o", out, "--mjml", "--eml")[0] == 0
    damaged = out / f"2020-02-03{suffix}"
    good = damaged.read_bytes()
    damaged.write_bytes(good[:100] + b"an editor's slip")
    code, stdout, _ = run(path, "-o", out, "--mjml", "--eml")
    assert code == 0
    assert "unchanged" not in stdout
    if suffix == ".eml":  # a new Date, Message-ID and boundary each time: the parts are what they were
        assert parts(damaged.read_bytes()) == parts(good)
    else:
        assert damaged.read_bytes() == good


def parts(eml: bytes) -> list[bytes]:
    message = email.message_from_bytes(eml)
    return [bytes(part.get_payload(decode=True)) for part in message.walk() if not part.is_multipart()]


# --- 5. Nothing to do is said, not done silently ------------------------------------------------


@pytest.fixture
def issues_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """issues/ with publication.yaml and one issue, in the current folder (messages show issues/...)."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "issues"
    folder.mkdir()
    (folder / "publication.yaml").write_text(textwrap.dedent(PUBLICATION), encoding="utf-8")
    (folder / "2017-11-09.yaml").write_text(issue_of("2017-11-09"), encoding="utf-8")
    return folder


COMMANDS = [pytest.param([], id="build"), pytest.param(["archive"], id="archive"), pytest.param(["check"], id="check")]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("named", "message"),
    [
        (
            "issues/publication.yaml",
            "issues/publication.yaml: this is the publication's file, not an issue; "
            "name an issue file such as issues/2017-11-09.yaml",
        ),
        (
            "alone/publication.yaml",
            "alone/publication.yaml: this is the publication's file, not an issue; "
            "name an issue file (YYYY-MM-DD.yaml); `compose new --folder alone` starts one",
        ),
        ("alone", "alone: no issue in this folder, only its publication.yaml; `compose new --folder alone` starts one"),
        ("empty", "empty: this folder holds no issue files (*.yaml); name an issue file, or a folder holding some"),
        ("notes", "notes: this folder holds no issue files (*.yaml); name an issue file, or a folder holding some"),
        (
            "x.yaml",
            "x.yaml: this is a folder, not an issue file, and it holds no issue files (*.yaml); "
            "name an issue file, or a folder holding some",
        ),
    ],
)
def test_naming_nothing_to_work_on_says_so_and_exits_1(
    issues_folder: Path, tmp_path: Path, command: list[str], named: str, message: str
) -> None:
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "publication.yaml").write_text(textwrap.dedent(PUBLICATION), encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("Notes.\n", encoding="utf-8")
    (tmp_path / "notes" / "sub.yaml").mkdir()  # a folder named like an issue is not one
    (tmp_path / "x.yaml").mkdir()
    code, stdout, stderr = run(*command, named)
    assert (code, stdout, stderr) == (1, "", message + "\n")
    assert not any(tmp_path.glob("**/build")) and not any(tmp_path.glob("**/site"))


def test_publication_yaml_beside_issues_is_still_skipped(issues_folder: Path) -> None:
    code, stdout, _ = run("issues/publication.yaml", "issues/2017-11-09.yaml")
    assert code == 0
    assert stdout.startswith("issues/build/2017-11-09.html (")  # beside publication.yaml


# --- 6. The archive matches the issues ----------------------------------------------------------


def test_the_archive_removes_the_pages_of_removed_and_broken_issues_and_nothing_else(
    make_issue: MakeIssue, tmp_path: Path
) -> None:
    for day in ("2020-01-01", "2020-01-02", "2020-01-03"):
        make_issue(issue_of(day), name=f"{day}.yaml")
    site = tmp_path / "site"
    code, _, _ = run("archive", tmp_path / "issues", "-o", site)
    assert code == 0
    # The editor's own files in the site, one in a folder of composer's.
    (site / "CNAME").write_text("news.example.com\n", encoding="utf-8")
    (site / "2020" / "01" / "about.html").write_text("<p>About</p>\n", encoding="utf-8")
    (tmp_path / "issues" / "2020-01-01.yaml").unlink()
    broken = tmp_path / "issues" / "2020-01-02.yaml"
    broken.write_text("date: 2020-01-02\nsummary: No stories.\n", encoding="utf-8")
    code, stdout, stderr = run("archive", tmp_path / "issues", "-o", site)
    assert code == 1
    assert stderr == f"{broken}:1:1: stories: Field required\n1 issue left out\n"
    assert stdout.splitlines() == [
        f"{site}/2020/01/01/index.html: removed, as its issue is no longer in the archive",
        f"{site}/2020/01/02/index.html: removed, as its issue is no longer in the archive",
        f"{site}/index.html: 1 issue; feed {site}/feed.xml",
    ]
    assert not (site / "2020" / "01" / "01").exists() and not (site / "2020" / "01" / "02").exists()
    assert (site / "2020" / "01" / "03" / "index.html").is_file()
    assert (site / "CNAME").read_text(encoding="utf-8") == "news.example.com\n"
    assert (site / "2020" / "01" / "about.html").is_file()


def test_a_forged_manifest_never_removes_a_file_composer_did_not_write(make_issue: MakeIssue, tmp_path: Path) -> None:
    make_issue(issue_of("2020-01-01"), name="2020-01-01.yaml")
    site = tmp_path / "site"
    site.mkdir()
    outside = tmp_path / "precious.html"
    outside.write_text("mine\n", encoding="utf-8")
    (site / "CNAME").write_text("mine\n", encoding="utf-8")
    (site / "2019" / "01" / "01").mkdir(parents=True)
    (site / "2019" / "01" / "01" / "index.html").symlink_to(outside)
    forged = ["../precious.html", "CNAME", "/etc/hostname", "2019/01/01/index.html", "2019/01/../../../precious.html"]
    (site / MANIFEST).write_text(json.dumps({"files": forged}), encoding="utf-8")
    result = archive([tmp_path / "issues"], site)
    assert result.ok and result.removed == []
    assert outside.read_text(encoding="utf-8") == "mine\n" and (site / "CNAME").is_file()
    assert (site / "2019" / "01" / "01" / "index.html").is_symlink()


def test_a_damaged_manifest_keeps_old_pages_and_says_so(make_issue: MakeIssue, tmp_path: Path) -> None:
    make_issue(issue_of("2020-01-01"), name="2020-01-01.yaml")
    site = tmp_path / "site"
    assert archive([tmp_path / "issues"], site).ok
    (site / MANIFEST).write_text("{not json", encoding="utf-8")
    result = archive([tmp_path / "issues"], site)
    assert result.ok and result.removed == []
    assert result.warnings == [
        f"{site / MANIFEST}: damaged, ignored; pages of issues no longer in the archive, if any, stay "
        "(remove them by hand)"
    ]
    # Rewritten whole: the next run knows again what it wrote.
    assert json.loads((site / MANIFEST).read_text(encoding="utf-8"))["files"] == [
        "2020/01/01/index.html",
        "feed.xml",
        "index.html",
        "style.css",
    ]
