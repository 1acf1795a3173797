"""`compose check --links` against a small web on 127.0.0.1 (fake_web.py) that answers every case the
README's "Checking links" lists: each finding at the YAML line and column where its address was
typed, in text and JSON; never more than 4 requests at once to one host; a second run asks only
what was not fine, and --no-cache asks all again. Nothing here reaches the internet: a name under
.invalid is answered "no such host" by a stand-in for the system's resolver, and no test waits for
a real Retry-After (the waits are recorded)."""

from __future__ import annotations

import functools
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.commands import links
from composer.commands.links.ask import MAX_PER_HOST
from composer.commands.check import Finding, check
from composer.core.pipeline import compose
from tests.conftest import MakeIssue, run
from tests.links.fake_web import SLOW_SECONDS, FakeWeb, Route, jpeg, png

TIMEOUT = 0.5  # the tests' time-out: the slow page answers after SLOW_SECONDS

LINK_RULES = {
    "link-broken",
    "link-host-unknown",
    "link-refused",
    "link-tls",
    "link-redirect-loop",
    "link-moved",
    "link-server-error",
    "link-timeout",
    "link-unverified",
    "link-mailto",
    "image-not-image",
    "image-proportions",
    "image-real-size",
    "image-heavy",
}


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's own cache folder: no answer remembered by another test or by the editor's composer."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_such_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's resolver for this machine's own names; any other name does not exist, without
    asking a DNS server (nothing.invalid, RFC 2606, stands for a typo): the tests stay on this machine."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("localhost", "127.0.0.1"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    with FakeWeb() as server:
        server.routes.update(
            {
                "/": Route(),
                "/ok": Route(),
                "/page": Route(),
                "/gone404": Route(status=404),
                "/gone410": Route(status=410),
                "/loop/a": Route(status=302, headers={"Location": "/loop/b"}),
                "/loop/b": Route(status=302, headers={"Location": "/loop/a"}),
                "/moved301": Route(status=301, headers={"Location": "/page"}),
                "/moved308": Route(status=308, headers={"Location": "/page"}),
                "/temp302": Route(status=302, headers={"Location": "/page"}),
                "/temp307": Route(status=307, headers={"Location": "/page"}),
                "/down": Route(status=503),
                "/busy": Route(first=[429], first_headers={"Retry-After": "2"}),
                "/busy-long": Route(status=429, headers={"Retry-After": "120"}),
                "/private": Route(status=401),
                "/forbidden": Route(status=403),
                "/bot": Route(status=999),
                "/no-head": Route(head_status=405),
                "/img/right.png": Route(body=png(1200, 800), content_type="image/png"),
                "/img/wrong.png": Route(body=png(1000, 1000), content_type="image/png"),
                "/img/page.png": Route(),  # a web page where a picture should be
                "/img/big.jpg": Route(body=jpeg(3000, 2000, padding=1_300_000), content_type="image/jpeg"),
                "/img/nosize.png": Route(body=png(640, 480), content_type="image/png", chunked=True),
                "/img/logo.png": Route(body=png(400, 100), content_type="image/png"),
                "/footer-gone": Route(status=404),
            }
        )
        yield server


@pytest.fixture
def slow_web() -> Iterator[FakeWeb]:
    """A server whose page answers after the time-out, reached as localhost: another host than the
    main web's 127.0.0.1, so that its abandoned requests do not count among the main web's at once."""
    with FakeWeb() as server:
        server.routes["/slow"] = Route(delay=SLOW_SECONDS)
        yield server


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings(waits: list[float] | None = None, **changes: Any) -> links.Settings:
    """Settings for tests: a short time-out, and waits recorded rather than waited."""
    recorded = waits if waits is not None else []
    return links.Settings(timeout=TIMEOUT, backoff=0.0, sleep=recorded.append, **changes)


def publication(web: FakeWeb) -> str:
    return f"""\
name: The Daily Test
url: {web.url("/")}
contact: desk@example.com
logo:
  src: {web.url("/img/logo.png")}
  alt: The Daily Test
  width: 200
  height: 50
calls_to_action:
  - heading: Write for us.
    label: Learn more
    url: {web.url("/ok")}
footer: |
  You subscribed at [our site]({web.url("/footer-gone")}).
"""


def issue(web: FakeWeb, slow: FakeWeb, closed: int) -> str:
    u = web.url
    return f"""\
date: 2020-02-03
summary: |
  Links that lead nowhere: [gone]({u("/gone404")}), [removed]({u("/gone410")}),
  [refused](http://127.0.0.1:{closed}/page), [nowhere](http://nothing.invalid/page),
  [insecure](https://127.0.0.1:{web.port}/ok), [circle]({u("/loop/a")}), [far]({u("/hops/11")}),
  [near]({u("/hops/10")}), [write](mailto:desk@nowhere).
stories:
  - headline: Moved for good
    body: Text.
    url: {u("/moved301")}
  - headline: Moved for good again
    body: Text.
    url: {u("/moved308")}
  - headline: Moved for now
    body: Text.
    url: {u("/temp302")}
    image:
      src: {u("/img/right.png")}
      alt: Right
      width: 1200
      height: 800
  - headline: Moved for now again
    body: Text.
    url: {u("/temp307")}
    image:
      src: {u("/img/wrong.png")}
      alt: Wrong
      width: 1200
      height: 800
  - headline: Down
    body: Text.
    url: {u("/down")}
    image:
      src: {u("/img/page.png")}
      alt: Page
      width: 600
      height: 400
  - headline: Slow
    body: Text.
    url: {slow.url("/slow").replace("127.0.0.1", "localhost")}
    image:
      src: {u("/img/big.jpg")}
      alt: Big
      width: 1200
      height: 800
  - headline: Busy
    body: Text.
    url: {u("/busy")}
    image:
      src: {u("/img/nosize.png")}
      alt: No size
  - headline: Private
    body: Text.
    url: {u("/private")}
recommended_reads:
  - title: Forbidden
    url: {u("/forbidden")}
  - title: Bot wall
    url: {u("/bot")}
  - title: HEAD refused
    url: {u("/no-head")}
  - title: Too busy
    url: {u("/busy-long")}
"""


@pytest.fixture
def case(make_issue: MakeIssue, web: FakeWeb, slow_web: FakeWeb, closed_port: int) -> Path:
    return make_issue(issue(web, slow_web, closed_port), publication(web))


def place_of(path: Path, text: str) -> tuple[str, int, int]:
    """The file (as check shows it), line and column where ``text`` is written first in ``path``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return path.name, number, line.index(text) + 1
    raise AssertionError(f"{text} is not in {path}")


def expected(case: Path, web: FakeWeb, slow: FakeWeb, closed: int) -> set[tuple[str, str, str, int, int]]:
    """(level, rule, address, file name, line, column) of every finding the case must give."""
    issue_file, publication_file = case, case.parent / "publication.yaml"
    u = web.url
    slow_url = slow.url("/slow").replace("127.0.0.1", "localhost")
    wanted = [
        ("error", "link-broken", u("/gone404"), issue_file),
        ("error", "link-broken", u("/gone410"), issue_file),
        ("error", "link-refused", f"http://127.0.0.1:{closed}/page", issue_file),
        ("error", "link-host-unknown", "http://nothing.invalid/page", issue_file),
        ("error", "link-tls", f"https://127.0.0.1:{web.port}/ok", issue_file),
        ("error", "link-redirect-loop", u("/loop/a"), issue_file),
        ("error", "link-redirect-loop", u("/hops/11"), issue_file),
        ("error", "link-mailto", "mailto:desk@nowhere", issue_file),
        ("warning", "link-moved", u("/moved301"), issue_file),
        ("warning", "link-moved", u("/moved308"), issue_file),
        ("error", "image-not-image", u("/img/page.png"), issue_file),
        ("warning", "image-proportions", u("/img/wrong.png"), issue_file),
        ("warning", "link-server-error", u("/down"), issue_file),
        ("warning", "link-timeout", slow_url, issue_file),
        ("warning", "image-heavy", u("/img/big.jpg"), issue_file),
        ("warning", "image-real-size", u("/img/nosize.png"), issue_file),
        ("warning", "link-unverified", u("/private"), issue_file),
        ("warning", "link-unverified", u("/forbidden"), issue_file),
        ("warning", "link-unverified", u("/bot"), issue_file),
        ("warning", "link-unverified", u("/busy-long"), issue_file),
        ("error", "link-broken", u("/footer-gone"), publication_file),
    ]
    return {(level, rule, url, *place_of(path, url)) for level, rule, url, path in wanted}


def got(findings: list[Finding]) -> set[tuple[str, str, str, int, int]]:
    """The same for the link findings of a check, the address read from each message's start."""
    return {
        (
            finding.level,
            finding.rule,
            finding.message.split()[0].rstrip(":"),
            Path(finding.file).name,
            finding.line,
            finding.column,
        )
        for finding in findings
        if finding.rule in LINK_RULES
    }


def test_every_case_is_found_at_the_place_its_address_was_typed(
    case: Path, web: FakeWeb, slow_web: FakeWeb, closed_port: int
) -> None:
    waits: list[float] = []
    findings = check(compose(case), settings(waits))
    assert got(findings) == expected(case, web, slow_web, closed_port)
    assert web.most_at_once <= MAX_PER_HOST
    # HEAD first; GET when HEAD is refused; only GET for a picture; 429 waited for as asked, once.
    assert web.asked("/ok") == ["HEAD"]
    assert web.asked("/no-head") == ["HEAD", "GET"]
    assert web.asked("/img/right.png") == ["GET"]
    assert web.asked("/busy") == ["HEAD", "HEAD"]
    assert 2.0 in waits and 120.0 not in waits
    # A 5xx and a time-out are asked a second time; a 404 is asked with GET, as some servers answer HEAD wrong.
    assert web.asked("/down") == ["HEAD", "GET", "GET"]
    assert slow_web.asked("/slow") == ["HEAD", "HEAD"]
    assert web.asked("/gone404") == ["HEAD", "GET"]
    # Temporary redirects (302, 307, ten of them) were followed to their end, and found fine.
    assert web.asked("/hops/0") == ["HEAD"]
    assert web.asked("/page") == ["HEAD"] * 4  # after 301, 308, 302 and 307
