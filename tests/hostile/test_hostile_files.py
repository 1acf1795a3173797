"""Hostile file systems: names that are not UTF-8, files where folders belong, folder names the shell
splits, and links planted inside the web archive's site.

Each case runs compose as a real process in a folder of its own, and asserts what the editor sees
(the exact lines, the exit status) and which files are left, inside the folder and outside it.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import ISSUE, PUBLICATION
from ..test_preview import STARTUP_SECONDS, Server, wait_until
from ..test_preview import start_preview as start_preview  # the fixture, for this module's tests

TIME_LIMIT = 60  # seconds: only there to turn a hang into a failure
BAD_NAME = b"2020-02-03-\xff"  # an issue file name that is not UTF-8, as a Latin-1 system writes "ÿ"
SHOWN = "2020-02-03-\\xff"  # how every message, JSON document and page shows it


def compose(folder: Path, *args: str, limit_file_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    """`compose ARGS...` in ``folder``, as a process of its own (with its own build cache)."""

    def limit() -> None:  # a write past this size fails as on a full disk (Python ignores SIGXFSZ)
        if limit_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "composer", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",  # strict: a raw byte that is not UTF-8 in the output fails the test
        timeout=TIME_LIMIT,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(folder / ".cache")},
        preexec_fn=limit,
    )


def clean(result: subprocess.CompletedProcess[str], status: int) -> None:
    assert result.returncode == status, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr + result.stdout


def files_in(folder: Path) -> dict[bytes, bytes]:
    """Every file and link below ``folder`` (names as bytes) with its content or its target."""
    found = {}
    for top, folders, files in os.walk(os.fsencode(folder)):
        if top == os.fsencode(folder):  # the test's own: its git repository and build cache
            folders[:] = [name for name in folders if name not in (b".git", b".cache")]
        for name in folders + files:
            path = os.path.join(top, name)
            relative = os.path.relpath(path, os.fsencode(folder))
            if os.path.islink(path):
                found[relative] = b"-> " + os.readlink(path)
            elif os.path.isfile(path):
                with open(path, "rb") as stream:
                    found[relative] = stream.read()
            else:
                found[relative] = b"<folder>"
    return found


@pytest.fixture
def publication(tmp_path: Path) -> Path:
    """A publication folder, pub/, with its publication.yaml and an issues/ folder; beside it, outside/."""
    folder = tmp_path / "pub"
    (folder / "issues").mkdir(parents=True)
    (folder / "publication.yaml").write_text(PUBLICATION, encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("not composer's", encoding="utf-8")
    return folder


def write_bad_name(folder: Path, text: str = ISSUE) -> bytes:
    path = os.fsencode(folder / "issues") + b"/" + BAD_NAME + b".yaml"
    with open(path, "wb") as stream:
        stream.write(text.encode("utf-8"))
    return path


# --- 1. An issue file name that is not UTF-8 ------------------------------------------------------


def test_a_name_that_is_not_utf8_builds_and_is_shown_with_escapes(publication: Path) -> None:
    write_bad_name(publication)
    result = compose(publication, "issues/")
    clean(result, 0)
    html, text = result.stdout.split(", ")[:2]
    assert html.startswith(f"build/{SHOWN}.html (") and text.startswith(f"build/{SHOWN}.txt (")
    # The output keeps the issue's own name, byte for byte: build/<the same bytes>.html beside the issue.
    assert sorted(os.listdir(os.fsencode(publication / "build"))) == [BAD_NAME + b".html", BAD_NAME + b".txt"]
    again = compose(publication, "issues/", "--force", "--mjml")
    clean(again, 0)
    assert f"build/{SHOWN}.mjml; read time" in again.stdout


def test_a_publication_folder_whose_name_is_not_utf8_gets_its_build_folder_inside_it(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/pub\xff"
    os.makedirs(folder + b"/issues")
    with open(folder + b"/publication.yaml", "w", encoding="utf-8") as stream:
        stream.write(PUBLICATION)
    with open(folder + b"/issues/2020-02-03.yaml", "w", encoding="utf-8") as stream:
        stream.write(ISSUE)
    for _ in range(2):  # the second run reads the build's stamps, named after the folder
        result = compose(tmp_path, os.fsdecode(b"pub\xff/issues/"))  # passed on as the bytes typed
        clean(result, 0)
    assert (
        result.stdout
        == "pub\\xff/issues/2020-02-03.yaml: unchanged since its last build, skipped (--force rebuilds it)\n"
    )
    assert sorted(os.listdir(folder + b"/build")) == [b"2020-02-03.html", b"2020-02-03.txt"]
    assert sorted(os.listdir(os.fsencode(tmp_path))) == [b".cache", b".git", b"pub\xff"]


def test_a_broken_issue_whose_name_is_not_utf8_is_refused_at_its_line(publication: Path) -> None:
    write_bad_name(publication, ISSUE.replace("summary:", "summery:"))
    result = compose(publication, "issues/")
    clean(result, 1)
    assert result.stderr.splitlines()[0].startswith(f"issues/{SHOWN}.yaml:2:1: summery: ")
    assert not (publication / "build").exists()


def test_check_json_names_a_file_that_is_not_utf8_with_escapes(publication: Path) -> None:
    write_bad_name(publication, ISSUE.replace("[link]", "[click here]"))
    result = compose(publication, "check", "--format", "json", "issues/")
    clean(result, 1)  # the publication has no unsubscribe link: an error of its own
    findings = json.loads(result.stdout)
    assert [finding["path"] for finding in findings if finding["rule"] == "link-click-here"] == [
        f"issues/{SHOWN}.yaml:2:33"
    ]
    plain = compose(publication, "check", "issues/")
    clean(plain, 1)
    assert next(line for line in plain.stdout.splitlines() if "link-click-here" in line).startswith(
        f"issues/{SHOWN}.yaml:2:33: warning: link-click-here: "
    )


def test_the_archive_takes_an_issue_whose_name_is_not_utf8(publication: Path) -> None:
    write_bad_name(publication)
    result = compose(publication, "archive", "issues/")
    clean(result, 0)
    assert result.stdout == "site/index.html: 1 issue; feed site/feed.xml\n"
    # A name left with no letters of its own gets a fingerprint of its bytes: the same on every run.
    (page,) = [name for name in files_in(publication / "site") if name.endswith(b"/index.html")]
    assert page.startswith(b"2020/02/03-") and page.isascii()


def test_the_preview_lists_and_shows_an_issue_whose_name_is_not_utf8(
    publication: Path, start_preview: Callable[..., Server]
) -> None:
    write_bad_name(publication)
    shutil.copy(publication / "publication.yaml", publication / "issues")
    server = start_preview(publication / "issues")
    stem = SHOWN.replace("\\", "%5C")
    wait_until(lambda: server.api(stem)["good_version"], "the first build", server, STARTUP_SECONDS)
    status, body = server.get("/api/issues")
    assert status == 200 and [issue["stem"] for issue in json.loads(body)] == [SHOWN]
    assert server.get(f"/issue/{stem}/")[0] == 200
    status, email = server.get(f"/issue/{stem}/email.html")
    assert status == 200 and b"First headline" in email
    assert f"rebuilt {publication / 'issues' / SHOWN}.yaml (" in "\n".join(server.rebuilt_lines())
    assert "Traceback" not in server.output() and "internal error" not in server.output()


def test_the_preview_of_one_issue_named_in_another_script_opens_at_its_page(
    publication: Path, start_preview: Callable[..., Server]
) -> None:
    # The redirect from / names the issue: a name outside Latin-1 was an internal error in its header.
    (publication / "issues" / "2020-02-03-朝刊.yaml").write_text(ISSUE, encoding="utf-8")
    server = start_preview(publication / "issues" / "2020-02-03-朝刊.yaml")
    stem = "2020-02-03-%E6%9C%9D%E5%88%8A"
    wait_until(lambda: server.api(stem)["good_version"], "the first build", server, STARTUP_SECONDS)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.status == 302
    assert response.getheader("Location") == f"/issue/{stem}/"
    connection.close()


# --- 2. `compose init` checks everything before it writes anything -------------------------------


def test_init_where_issues_is_a_file_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "issues").write_text("notes", encoding="utf-8")
    result = compose(tmp_path, "init")
    clean(result, 1)
    assert result.stderr.splitlines() == [
        "issues: a file, not a folder; compose init needs a folder here for the issues: rename or move that "
        "file, then run compose init again"
    ]
    assert files_in(tmp_path) == {b"issues": b"notes"}


def test_init_below_a_file_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("notes", encoding="utf-8")
    result = compose(tmp_path, "init", "notes/pub", "--name", "The Daily", "--url", "https://example.org/")
    clean(result, 1)
    assert result.stderr.splitlines() == [
        "notes: a file, not a folder; compose init needs a folder here: rename or move that file, then run "
        "compose init again"
    ]
    assert files_in(tmp_path) == {b"notes": b"notes"}


def test_init_that_fails_half_way_leaves_nothing_behind(tmp_path: Path) -> None:
    # publication.yaml (about 4 KB) fits under the limit, its schema (about 40 KB) does not: a full disk.
    result = compose(tmp_path, "init", "pub", limit_file_bytes=8_000)
    clean(result, 1)
    assert result.stderr.splitlines() == ["pub/publication.schema.json: cannot write: File too large"]
    assert files_in(tmp_path) == {}


# --- 3. Commands printed for the editor to run are quoted for the shell ---------------------------


def test_init_in_a_folder_with_a_space_prints_commands_the_shell_keeps_whole(tmp_path: Path) -> None:
    result = compose(tmp_path, "init", "my pub")
    clean(result, 0)
    commands = result.stdout.splitlines()[-2:]
    assert commands == ["compose new --folder 'my pub/issues'", "compose 'my pub/issues/DATE.yaml'"]
    assert [shlex.split(command) for command in commands] == [
        ["compose", "new", "--folder", "my pub/issues"],
        ["compose", "my pub/issues/DATE.yaml"],
    ]


def test_new_prints_a_command_that_names_the_issue_whatever_its_folder_is_called(tmp_path: Path) -> None:
    clean(compose(tmp_path, "init", "--name", "The Daily", "--url", "https://example.org/"), 0)
    folder = "it's $(here) `now`"
    result = compose(tmp_path, "new", "2024-05-01", "--folder", folder)
    clean(result, 0)
    line = result.stdout.splitlines()[-1]
    assert line == (
        f"{folder}/2024-05-01.yaml: write your text in place of every <TODO …>, then: compose "
        "'it'\"'\"'s $(here) `now`/2024-05-01.yaml'"
    )
    assert shlex.split(line.split("then: ")[1]) == ["compose", f"{folder}/2024-05-01.yaml"]


def test_a_publication_named_alone_suggests_a_quoted_command(tmp_path: Path) -> None:
    clean(compose(tmp_path, "init", "my pub", "--name", "The Daily", "--url", "https://example.org/"), 0)
    shutil.rmtree(tmp_path / "my pub" / "issues")
    result = compose(tmp_path, "my pub/publication.yaml")
    clean(result, 1)
    assert result.stderr.splitlines() == [
        "my pub/publication.yaml: this is the publication's file, not an issue; name an issue file "
        "(YYYY-MM-DD.yaml); `compose new --folder 'my pub'` starts one"
    ]


# --- 4. The archive never writes or removes through a link inside its site ------------------------


def archive_with_year_linked_out(publication: Path) -> Path:
    """A site built with the issues of 2020-02-03 and 2021-02-03, whose 2020/ folder is then replaced
    by a link to outside/, holding a page at the place the manifest names."""
    (publication / "issues" / "2020-02-03.yaml").write_text(ISSUE, encoding="utf-8")
    (publication / "issues" / "2021-02-03.yaml").write_text(ISSUE.replace("2020-", "2021-"), encoding="utf-8")
    clean(compose(publication, "archive", "issues/"), 0)
    outside = publication.parent / "outside"
    shutil.rmtree(publication / "site" / "2020")
    (outside / "02" / "03").mkdir(parents=True)
    (outside / "02" / "03" / "index.html").write_text("the editor's own page", encoding="utf-8")
    (publication / "site" / "2020").symlink_to(outside, target_is_directory=True)
    return outside


def test_the_archive_never_removes_a_page_through_a_year_folder_that_is_a_link(publication: Path) -> None:
    outside = archive_with_year_linked_out(publication)
    before = files_in(outside)
    (publication / "issues" / "2020-02-03.yaml").unlink()
    result = compose(publication, "archive", "issues/")
    clean(result, 0)
    assert result.stderr.splitlines() == [
        "warning: site/2020/02/03/index.html: not removed, though its issue is no longer in the archive: "
        "site/2020 is a link, and compose archive removes only files inside site/, never through a link"
    ]
    assert result.stdout == "site/index.html: 1 issue; feed site/feed.xml\n"
    assert files_in(outside) == before


def test_the_archive_never_writes_a_page_through_a_year_folder_that_is_a_link(publication: Path) -> None:
    outside = archive_with_year_linked_out(publication)
    before, site = files_in(outside), files_in(publication / "site")
    (publication / "issues" / "2020-02-04.yaml").write_text(ISSUE.replace("02-03", "02-04"), encoding="utf-8")
    result = compose(publication, "archive", "issues/")
    clean(result, 1)
    assert result.stderr.splitlines() == [
        "site/2020: is a link, not a folder; compose archive writes pages only inside site/, never through a "
        "link: remove the link (and move what it points to here, if it belongs to the site), then run it again"
    ]
    assert files_in(outside) == before and files_in(publication / "site") == site


def test_a_month_folder_that_is_a_link_is_refused_too(publication: Path) -> None:
    (publication / "issues" / "2020-02-03.yaml").write_text(ISSUE, encoding="utf-8")
    (publication / "site" / "2020").mkdir(parents=True)
    (publication / "site" / "2020" / "02").symlink_to(publication.parent / "outside", target_is_directory=True)
    before = files_in(publication.parent / "outside")
    result = compose(publication, "archive", "issues/")
    clean(result, 1)
    assert result.stderr.splitlines()[0].startswith("site/2020/02: is a link, not a folder;")
    assert files_in(publication.parent / "outside") == before
    assert not (publication / "site" / "index.html").exists()


def test_a_manifest_that_is_a_link_is_not_followed(publication: Path) -> None:
    (publication / "issues" / "2020-02-03.yaml").write_text(ISSUE, encoding="utf-8")
    secret = publication.parent / "outside" / "manifest.json"
    secret.write_text(json.dumps({"files": ["2019/01/01/index.html"]}), encoding="utf-8")
    (publication / "site").mkdir()
    (publication / "site" / ".composer-archive.json").symlink_to(secret)
    result = compose(publication, "archive", "issues/")
    clean(result, 0)
    assert result.stderr.splitlines() == [
        "warning: site/.composer-archive.json: damaged, ignored; pages of issues no longer in the archive, if "
        "any, stay (remove them by hand)"
    ]
    assert json.loads(secret.read_text(encoding="utf-8")) == {"files": ["2019/01/01/index.html"]}
