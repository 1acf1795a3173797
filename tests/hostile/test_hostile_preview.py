"""Hostile input to `compose preview`: odd request paths, floods of connections, issue files that
are links to secrets. The real command runs in a subprocess (test_preview.Server), spoken to over
real sockets; whatever happens, it answers, prints no traceback and keeps running.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from composer.limits import PREVIEW_MAX_CONNECTIONS

from ..conftest import ISSUE, PUBLICATION, MakeIssue
from ..test_preview import STARTUP_SECONDS, Server, closed_by_server, idle_connection, wait_until
from ..test_preview import start_preview as start_preview  # the fixture, for this module's tests


def raw_request(server: Server, target: bytes, method: bytes = b"GET") -> bytes:
    """Send one request line exactly as given (no client tidies it up); return the whole answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=STARTUP_SECONDS) as connection:
        host = f"127.0.0.1:{server.port}".encode()
        connection.sendall(method + b" " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


ODD_PATHS = [
    b"/static/%00",
    b"/static/\x00",
    b"/static/preview.js%00.html",
    b"/%00",
    b"/issue/%00/email.html",
    b"/api/issue/issue%00",
    b"/static/%2e%2e/preview.py",
    b"/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/static/../../../etc/passwd",
    b"/static/..%5c..%5cpreview.py",
    b"/static\\..\\preview.py",
    b"/static/%5c",
    b"/static/" + b"a" * 300,  # longer than a file name may be
    b"/static/" + b"a/" * 3000,
    b"/" + b"x" * 60_000,
    b"/" + b"x" * 70_000,  # past the request line's limit
    b"//[",
    b"//[::1/",
    b"*",
    b"http://evil.example/",
    b"/static/%zz",
    b"/%",
    b"/api/issue/%ff%fe%00",
    b"/issue/\xff\xfe/",
    b"/events/../static/%00",
]
# A query is not looked at (the page adds ?v= to bust caches): the path alone decides.
ODD_QUERIES = [(b"/?%00=%00", 302), (b"/static/preview.js?\x00", 200), (b"/static/preview.css?" + b"%00" * 5000, 200)]


@pytest.fixture
def running(start_preview: Callable[..., Server], make_issue: MakeIssue) -> Iterator[tuple[Server, Path]]:
    path = make_issue()
    server = start_preview(path)
    wait_until(lambda: server.api(path.stem)["good_version"], "the first build", server, STARTUP_SECONDS)
    yield server, path
    assert "Traceback" not in server.output()


def test_odd_request_paths_end_in_a_clean_4xx_and_no_traceback(running: tuple[Server, Path]) -> None:
    server, path = running
    for target in ODD_PATHS:
        for method in (b"GET", b"HEAD"):
            answer = raw_request(server, target, method)
            assert answer.startswith(b"HTTP/1."), f"{method!r} {target[:60]!r}: no answer"
            assert 400 <= status_of(answer) < 500, f"{method!r} {target[:60]!r}: {answer[:200]!r}"
            assert b"root:" not in answer and b"import " not in answer, f"{target[:60]!r} served a file"
    for target, status in ODD_QUERIES:
        assert status_of(raw_request(server, target)) == status, target[:60]
    assert server.process.poll() is None
    assert status_of(raw_request(server, f"/api/issue/{path.stem}".encode())) == 200
    assert "Traceback" not in server.output(), server.output()
    assert server.stderr == [], "odd requests are not the editor's business: nothing in the terminal"


def test_hundreds_of_idle_connections_neither_block_a_request_nor_stay_open(
    start_preview: Callable[..., Server], make_issue: MakeIssue
) -> None:
    path = make_issue()
    server = start_preview(path, "--idle-seconds", "2")
    wait_until(lambda: server.api(path.stem)["good_version"], "the first build", server, STARTUP_SECONDS)
    idle = [idle_connection(server) for _ in range(300)]
    try:
        status, body = server.get(f"/api/issue/{path.stem}")
        assert status == 200 and json.loads(body)["problems"] == []
        # Every one of them is let go in the end.
        wait_until(lambda: all(map(closed_by_server, idle)), "the idle connections should be closed", server, 60)
    finally:
        for connection in idle:
            connection.close()
    assert server.get(f"/api/issue/{path.stem}")[0] == 200
    assert "Traceback" not in server.output()


def test_past_the_connection_limit_a_busy_answer_then_service_again(
    start_preview: Callable[..., Server], make_issue: MakeIssue
) -> None:
    path = make_issue()
    server = start_preview(path)
    wait_until(lambda: server.api(path.stem)["good_version"], "the first build", server, STARTUP_SECONDS)
    held = [idle_connection(server) for _ in range(PREVIEW_MAX_CONNECTIONS)]
    try:
        extra = [idle_connection(server) for _ in range(20)]
        for connection in extra:
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
            connection.close()
            assert answer.startswith(b"HTTP/1.1 503"), answer[:200]
            assert answer.endswith(b"too many connections to the preview at once; try again in a moment\n")
    finally:
        for connection in held:
            connection.close()

    def answered() -> bool:
        try:
            return server.get(f"/api/issue/{path.stem}")[0] == 200
        except OSError:
            return False

    wait_until(answered, "once the connections are closed, the preview should answer again", server, 60)
    assert "Traceback" not in server.output()


SECRETS = "date: s3cret-password-value\npassword: hunter2\nroot:x:0:0: root\n"


def visible_text(server: Server, stems: list[str]) -> str:
    """All the page can show about these issues, and the terminal."""
    answers = [server.get("/api/issues")[1].decode()]
    answers += [server.get(f"/api/issue/{stem}")[1].decode() for stem in stems]
    return "\n".join(answers) + server.output()


def test_an_issue_linking_outside_its_folder_is_refused_without_quoting_it(
    start_preview: Callable[..., Server], make_issue: MakeIssue, tmp_path: Path
) -> None:
    path = make_issue()
    secret = tmp_path / "secret.yaml"
    secret.write_text(SECRETS, encoding="utf-8")
    leak = path.parent / "leak.yaml"
    leak.symlink_to(secret)
    (path.parent / "latest.yaml").symlink_to(path.name)  # a link inside the folder is fine
    server = start_preview(path.parent)
    leak_state = wait_until(lambda: server.api("leak")["problems"], "the link should be refused", server, 30)
    assert leak_state == [
        "issues/leak.yaml: is a link to a file outside issues/; the preview reads only files in the folder "
        "they are in: put the file itself there instead of a link"
    ]
    wait_until(lambda: server.api("latest")["good_version"], "a link inside the folder should build", server)
    shown = visible_text(server, ["leak", "latest", path.stem])
    for secret_part in ("s3cret", "hunter2", "root:x"):
        assert secret_part not in shown
    assert server.api(path.stem)["problems"] == []


def test_a_publication_linking_outside_its_folder_is_refused_without_quoting_it(
    start_preview: Callable[..., Server], make_issue: MakeIssue, tmp_path: Path
) -> None:
    path = make_issue(ISSUE, publication=None)
    secret = tmp_path / "elsewhere" / "publication.yaml"
    secret.parent.mkdir()
    secret.write_text(PUBLICATION + SECRETS.replace("date", "api_key"), encoding="utf-8")
    (path.parent / "publication.yaml").symlink_to(secret)
    server = start_preview(path)
    problems = wait_until(lambda: server.api(path.stem)["problems"], "the link should be refused", server, 30)
    assert problems == [
        "issues/publication.yaml: is a link to a file outside issues/; the preview reads only files in the "
        "folder they are in: put the file itself there instead of a link"
    ]
    shown = visible_text(server, [path.stem])
    for secret_part in ("s3cret", "hunter2", "root:x"):
        assert secret_part not in shown

    # The file itself in place of the link: the issue builds.
    (path.parent / "publication.yaml").unlink()
    (path.parent / "publication.yaml").write_text(PUBLICATION, encoding="utf-8")
    wait_until(lambda: server.api(path.stem)["good_version"], "the issue should build with a real file", server)
    assert server.api(path.stem)["problems"] == []
