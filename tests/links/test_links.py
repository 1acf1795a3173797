"""`compose check --links` against a small web on 127.0.0.1 (fake_web.py) that answers every case the
README's "Checking links" lists: each finding at the YAML line and column where its address was
typed, in text and JSON; never more than 4 requests at once to one host; a second run asks only
what was not fine, and --no-cache asks all again. Nothing here reaches the internet: a name under
.invalid is answered "no such host" by a stand-in for the system's resolver, and no test waits for
a real Retry-After (the waits are recorded)."""

from __future__ import annotations

import functools
import io
import json
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer import report
from composer.commands import links
from composer.commands.check import Finding, check
from composer.core.pipeline import compose
from composer.limits import MAX_PLACES_OF_AN_ADDRESS
from tests.conftest import MakeIssue, run
from tests.links.fake_web import SLOW_SECONDS, FakeWeb, Gauge, Meeting, Route, jpeg, png

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
        if name != "localhost" and not name.startswith("127."):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Straight to the fake web, whatever proxy the machine running the tests is told to use."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


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
                "/bad-redirect": Route(status=302, headers={"Location": "http://[::1/"}),
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
  - title: Led astray
    url: {u("/bad-redirect")}
"""


@pytest.fixture
def case(make_issue: MakeIssue, web: FakeWeb, slow_web: FakeWeb, closed_port: int) -> Path:
    return make_issue(issue(web, slow_web, closed_port), publication(web))


Seen = tuple[str, str, str, str, int, int]  # level, rule, address, file name, line, column


def place_of(path: Path, text: str) -> tuple[str, int, int]:
    """The file (as check shows it), line and column where ``text`` is written first in ``path``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return path.name, number, line.index(text) + 1
    raise AssertionError(f"{text} is not in {path}")


def expected(case: Path, web: FakeWeb, slow: FakeWeb, closed: int) -> set[Seen]:
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
        ("warning", "link-unverified", u("/bad-redirect"), issue_file),
        ("error", "link-broken", u("/footer-gone"), publication_file),
    ]
    return {(level, rule, url, *place_of(path, url)) for level, rule, url, path in wanted}


def got(findings: list[Finding]) -> set[Seen]:
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
    assert web.most_at_once <= 4
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


def test_the_command_prints_each_finding_at_its_place_in_text_and_json(
    case: Path, web: FakeWeb, slow_web: FakeWeb, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(links, "Settings", functools.partial(links.Settings, timeout=TIMEOUT, sleep=lambda _: None))
    wanted = expected(case, web, slow_web, closed_port)

    status, out, _ = run("check", "--links", "--format", "json", case)
    assert status == 1  # errors among them
    found = {
        (
            item["level"],
            item["rule"],
            item["message"].split()[0].rstrip(":"),
            Path(item["file"]).name,
            item["line"],
            item["column"],
        )
        for item in json.loads(out)
        if item["rule"] in LINK_RULES
    }
    assert found == wanted

    status, out, _ = run("check", "--no-cache", case)  # --no-cache asks the web too
    lines = out.splitlines()
    for level, rule, url, name, line, column in wanted:
        shown = str(case.parent / name)
        assert any(each.startswith(f"{shown}:{line}:{column}: {level}: {rule}: {url}") for each in lines), (rule, url)


def test_without_links_nothing_is_asked_and_httpx_is_not_even_loaded(case: Path, web: FakeWeb) -> None:
    # In a process of its own: this one has loaded httpx for the other tests.
    code = (
        "import sys\n"
        "from composer.cli import main\n"
        "for args in (['check', sys.argv[1]], [sys.argv[1]]):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('httpx loaded' if 'httpx' in sys.modules else 'httpx not loaded')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(case)], capture_output=True, text=True, check=False, cwd=case.parent
    )
    assert done.stdout.splitlines()[-1] == "httpx not loaded", done.stderr
    assert "link-broken" not in done.stdout
    assert web.requests == []


def test_a_second_run_within_a_day_asks_only_what_was_not_fine(
    case: Path, web: FakeWeb, slow_web: FakeWeb, own_cache: Path
) -> None:
    first = got(check(compose(case), settings()))
    # (/hops/10 is fine too, but asked again on the way of /hops/11.)
    fine = {"/", "/ok", "/temp302", "/temp307", "/no-head", "/busy", "/img/right.png", "/img/logo.png"}
    fine |= {"/img/wrong.png", "/img/big.jpg", "/img/nosize.png"}  # pictures: their sizes are remembered
    assert fine <= web.paths()
    web.forget()
    slow_web.forget()

    again = got(check(compose(case), settings()))
    assert again == first  # the same findings, from the answers remembered and those asked again
    assert not web.paths() & fine, sorted(web.paths() & fine)
    not_fine = {"/gone404", "/gone410", "/loop/a", "/hops/11", "/moved301", "/moved308", "/down", "/busy-long"}
    not_fine |= {"/private", "/forbidden", "/bot", "/img/page.png", "/footer-gone", "/bad-redirect"}
    assert not_fine <= web.paths()
    assert slow_web.paths() == {"/slow"}

    web.forget()
    assert got(check(compose(case), settings(use_cache=False))) == first
    assert fine | not_fine <= web.paths()
    assert list(own_cache.glob("composer/links/*.json"))


def test_a_cache_that_cannot_be_used_is_said_once_and_done_without(
    make_issue: MakeIssue, web: FakeWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    warned: list[str] = []
    path = make_issue(
        f"date: 2020-02-03\nsummary: '[gone]({web.url('/gone404')})'\nstories:\n  - headline: A\n    body: B.\n",
        publication(web),
    )
    found = got(check(compose(path), settings(warn=warned.append)))
    assert {rule for _, rule, *_ in found} == {"link-broken"}
    assert len(warned) == 1 and "cannot use this cache folder" in warned[0]


def test_never_more_than_four_requests_at_once_to_one_host(make_issue: MakeIssue) -> None:
    # Each request waits until a fifth comes (or a moment passes): a checker asking 5 at once is caught.
    with FakeWeb(meeting=Meeting(5, seconds=0.3)) as web:
        reads = "".join(
            f"  - title: Read {number}\n    url: {web.url(f'/together/{number}')}\n" for number in range(12)
        )
        text = f"date: 2020-02-03\nsummary: Text.\nstories:\n  - headline: A\n    body: B.\nrecommended_reads:\n{reads}"
        path = make_issue(text, f"name: The Daily Test\nurl: {web.url('/together/home')}\n")
        assert got(check(compose(path), settings())) == set()
        assert web.most_at_once == 4
        assert len(web.requests) == 12 + 1  # and the publication's url, in the header


def test_sixteen_requests_at_once_in_all(make_issue: MakeIssue) -> None:
    # Each request waits until 16 are being answered at once, among 5 hosts: a checker asking fewer
    # at once is never answered before the meeting's 10 seconds.
    everywhere, meeting = Gauge(), Meeting(16)
    servers = [FakeWeb(f"127.0.0.{number}", meeting=meeting, everywhere=everywhere) for number in range(1, 6)]
    for server in servers:
        server.__enter__()
    try:
        reads = "".join(
            f"  - title: Read {number} on {server.port}\n    url: {server.url(f'/together/{number}')}\n"
            for server in servers
            for number in range(8)
        )
        text = f"date: 2020-02-03\nsummary: Text.\nstories:\n  - headline: A\n    body: B.\nrecommended_reads:\n{reads}"
        path = make_issue(text, f"name: The Daily Test\nurl: {servers[0].url('/together/home')}\n")
        assert got(check(compose(path), settings())) == set()
        assert everywhere.most == 16
        assert max(server.most_at_once for server in servers) == 4  # 16 among 5 hosts: 4 at one at least
        assert sum(len(server.requests) for server in servers) == 40 + 1
    finally:
        for server in servers:
            server.__exit__()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, made by openssl for this test, and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for an https server")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_http_to_https_on_the_same_host_is_fine_and_a_certificate_not_trusted_is_an_error(
    make_issue: MakeIssue, web: FakeWeb, certificate: tuple[Path, Path]
) -> None:
    with FakeWeb(tls=certificate) as secure:
        secure.routes.update(
            {
                "/up": Route(),
                "/up-moved": Route(status=301, headers={"Location": "/new"}),
                "/new": Route(),
            }
        )
        other_host = secure.url("/new").replace("127.0.0.1", "localhost")
        web.routes.update(
            {
                "/up": Route(status=301, headers={"Location": secure.url("/up")}),
                "/up-moved": Route(status=301, headers={"Location": secure.url("/up-moved")}),
                "/elsewhere": Route(status=308, headers={"Location": other_host}),
                "/footer-gone": Route(),  # found again, for once
            }
        )
        text = (
            f"date: 2020-02-03\nsummary: '[up]({web.url('/up')}), [moved]({web.url('/up-moved')}), "
            f"[elsewhere]({web.url('/elsewhere')}) and [secure]({secure.url('/up')})'\n"
            "stories:\n  - headline: A\n    body: B.\n"
        )
        path = make_issue(text, publication(web))
        trusted = ssl.create_default_context(cafile=str(certificate[0]))
        found = {(rule, url) for _, rule, url, *_ in got(check(compose(path), settings(verify=trusted)))}
        # http -> https on the same host is fine; a permanent redirect after it, or to another host, is not.
        assert found == {("link-moved", web.url("/up-moved")), ("link-moved", web.url("/elsewhere"))}

        messages = [f.message for f in check(compose(path), settings(verify=trusted, use_cache=False))]
        assert any(f"put {secure.url('/new')} in its place" in message for message in messages)
        assert any(f"put {other_host} in its place" in message for message in messages)

        # With the system's certificates, this one made for the test is not trusted: as a site's expired one.
        untrusted = got(check(compose(path), settings(use_cache=False)))
        assert ("error", "link-tls", secure.url("/up"), *place_of(path, secure.url("/up"))) in untrusted


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_is_for_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal, log = _Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    report.progress(3, 60)
    report.progress(60, 60)
    assert terminal.getvalue() == "\rchecking links: 3 of 60\r\x1b[K"  # rewritten in place, then cleared
    monkeypatch.setattr(sys, "stderr", log)
    report.progress(3, 60)
    assert log.getvalue() == ""


def test_progress_counts_every_address_as_its_answer_arrives(case: Path) -> None:
    told: list[tuple[int, int]] = []
    check(compose(case), settings(progress=lambda done, total: told.append((done, total))))
    total = told[0][1]
    assert [done for done, _ in told] == list(range(1, total + 1))
    assert {each for _, each in told} == {total}
    told.clear()
    check(compose(case), settings(progress=lambda done, total: told.append((done, total))))
    assert told[0][0] > 1 and told[-1] == (total, total)  # the remembered ones counted at once


def test_with_utm_tags_links_are_asked_and_placed_as_the_editor_wrote_them(make_issue: MakeIssue, web: FakeWeb) -> None:
    # The email's links carry utm_ tags; the check asks each address as written (a check is not a
    # reader's click to count) and finds it at the line where it was typed.
    text = f"date: 2020-02-03\nsummary: 'See [this]({web.url('/gone404')}).'\nstories:\n  - headline: A\n    body: B.\n"
    path = make_issue(text, publication(web) + "utm:\n  source: test\n")
    composed = compose(path)
    assert "utm_content=summary" in composed.html
    found = got(check(composed, settings()))
    assert ("error", "link-broken", web.url("/gone404"), path.name, 2, 22) in found
    assert web.requests and not [asked for _, asked in web.requests if "utm_" in asked]


def test_a_picture_without_a_size_is_told_its_real_size_once(case: Path) -> None:
    # Offline, check can only say the picture has no size; asked, it says which size to give, in its place.
    offline = [finding.place for finding in check(compose(case)) if finding.rule == "image-size"]
    asked = check(compose(case), settings())
    measured = [finding.place for finding in asked if finding.rule == "image-real-size"]
    assert measured and set(measured) <= set(offline)
    assert not [finding for finding in asked if finding.rule == "image-size" and finding.place in measured]


def test_an_address_with_percent_escaped_letters_is_asked_not_taken_for_a_merge_tag(
    make_issue: MakeIssue, web: FakeWeb
) -> None:
    # /caf%C3%A9 is "café": "%C3%" is no Mailgun tag (%name%), and the page is gone.
    text = (
        f"date: 2020-02-03\nsummary: 'See [this]({web.url('/caf%C3%A9')}).'\nstories:\n  - headline: A\n    body: B.\n"
    )
    path = make_issue(text, publication(web))
    found = got(check(compose(path), settings()))
    assert ("error", "link-broken", web.url("/caf%C3%A9"), path.name, 2, 22) in found
    assert "/caf%C3%A9" in web.paths()


def test_an_address_typed_at_several_places_is_reported_at_each(make_issue: MakeIssue, web: FakeWeb) -> None:
    # Mended in the summary only, the same dead link in the story would still be sent: both are named.
    gone = web.url("/gone404")
    text = (
        f"date: 2020-02-03\nsummary: 'See [this]({gone}).'\nstories:\n  - headline: A\n"
        f"    body: 'B, [again]({gone}) and [once more]({gone}).'\n"
    )
    path = make_issue(text, publication(web))
    broken = sorted(
        (finding.line, finding.column)
        for finding in check(compose(path), settings())
        if finding.rule == "link-broken" and gone in finding.message
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    typed = [
        (number, column + 1)
        for number, line in enumerate(lines, 1)
        for column in range(len(line))
        if line.startswith(gone, column)
    ]
    assert len(typed) == 3 and broken == typed
    assert web.requests.count(("HEAD", "/gone404")) == 1  # asked once all the same


@pytest.mark.trap("httpcore", "1.0.9")  # ask.py's _Deadline wraps the network backend httpx's transports hold
def test_a_server_that_drips_its_answer_is_given_up_on(make_issue: MakeIssue, web: FakeWeb) -> None:
    # Every byte comes within a read's time-out, and the answer would take DRIP_BYTES of them: httpx
    # alone would wait for all (hours, for a server that never ends); a request has its whole time.
    page, picture = web.url("/drip/headers"), web.url("/drip/picture")
    text = (
        f"date: 2020-02-03\nsummary: 'See [this]({page}).'\nstories:\n  - headline: A\n    body: B.\n"
        f"    image:\n      src: {picture}\n      alt: A street\n      width: 300\n      height: 100\n"
    )
    path = make_issue(text, publication(web))
    found = {
        (finding.rule, finding.line)
        for finding in check(compose(path), settings())
        if finding.rule.startswith(("link", "image"))
    }
    assert ("link-timeout", 2) in found  # the page
    assert ("link-timeout", 7) in found  # the picture: its size never came in time
    assert not {rule for rule, _ in found} & {"image-proportions", "image-real-size"}


def test_an_address_typed_very_often_is_reported_at_its_first_places_only(make_issue: MakeIssue, web: FakeWeb) -> None:
    gone = web.url("/gone404")
    summary = " ".join(f"[{number}]({gone})" for number in range(MAX_PLACES_OF_AN_ADDRESS + 15))
    path = make_issue(
        f"date: 2020-02-03\nsummary: '{summary}'\nstories:\n  - headline: A\n    body: B.\n", publication(web)
    )
    broken = [
        finding
        for finding in check(compose(path), settings())
        if finding.rule == "link-broken" and gone in finding.message
    ]
    assert len(broken) == MAX_PLACES_OF_AN_ADDRESS
    assert [finding.column for finding in broken] == sorted(
        finding.column for finding in broken
    )  # the first ones, in order
