"""Fixtures of compose push's tests: the four mailing services played on 127.0.0.1 (fake_*.py, on
fake_http.FakeService), the sample issue in a folder of the test's own, and push(), which runs `compose
push` with every service's address pointing at its fake. No test reaches the internet.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import Result
from pytest_httpserver import HTTPServer

from composer.commands.push import http

from ..conftest import ROOT, SAMPLE, cli
from .fake_buttondown import FakeButtondown
from .fake_http import FakeService
from .fake_listmonk import FakeListmonk
from .fake_mailchimp import AUDIENCE, FakeMailchimp
from .fake_sendgrid import FakeSendGrid

EVERY_VARIABLE = (
    "BUTTONDOWN_API_KEY",
    "BUTTONDOWN_API_URL",
    "MAILCHIMP_API_KEY",
    "MAILCHIMP_API_URL",
    "SENDGRID_API_KEY",
    "SENDGRID_API_URL",
    "LISTMONK_USER",
    "LISTMONK_TOKEN",
    "LISTMONK_URL",
)
Fake = TypeVar("Fake", bound=FakeService)


@pytest.fixture
def servers() -> Generator[Callable[[], HTTPServer], None, None]:
    """server() starts an HTTP server on 127.0.0.1 for this test alone, threaded (a late answer
    does not hold up the next request); all stop after the test."""
    started: list[HTTPServer] = []

    def start() -> HTTPServer:
        local = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        local.start()
        started.append(local)
        return local

    yield start
    for local in started:
        local.clear()
        local.stop()


def _served(fake: Fake, servers: Callable[[], HTTPServer]) -> Iterator[Fake]:
    fake.install(servers())
    yield fake
    assert fake.problems == []


@pytest.fixture
def buttondown(servers: Callable[[], HTTPServer]) -> Iterator[FakeButtondown]:
    yield from _served(FakeButtondown(), servers)


@pytest.fixture
def mailchimp(servers: Callable[[], HTTPServer]) -> Iterator[FakeMailchimp]:
    yield from _served(FakeMailchimp(), servers)


@pytest.fixture
def sendgrid(servers: Callable[[], HTTPServer]) -> Iterator[FakeSendGrid]:
    yield from _served(FakeSendGrid(), servers)


@pytest.fixture
def listmonk(servers: Callable[[], HTTPServer]) -> Iterator[FakeListmonk]:
    yield from _served(FakeListmonk(), servers)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits a push asked for (Retry-After, backoff), recorded instead of slept."""
    asked: list[float] = []
    monkeypatch.setattr(http, "sleep", asked.append)
    return asked


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    """The sample issue and its publication.yaml, with Mailchimp's audience, in a folder of this test's."""
    folder = tmp_path / "issues"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    publication = (ROOT / "issues" / "publication.yaml").read_text(encoding="utf-8")
    (folder / "publication.yaml").write_text(
        f"{publication}\nmailchimp:\n  audience_id: {AUDIENCE}\n", encoding="utf-8"
    )
    return folder / SAMPLE.name


@dataclass
class Run:
    """One `compose push` run: its exit status and every byte it printed."""

    status: int
    stdout: str
    stderr: str
    raw: bytes  # stdout and stderr as bytes, for the search for secrets


PushRunner = Callable[..., Run]


@pytest.fixture
def push(request: pytest.FixtureRequest, waits: list[float]) -> PushRunner:
    """push(*arguments, env=...) runs `compose push` with the keys and addresses of the fakes this test
    uses (buttondown, mailchimp, sendgrid, listmonk) in the environment, and no other service's."""
    environment: dict[str, str | None] = dict.fromkeys(EVERY_VARIABLE)
    environment |= {"HTTPS_PROXY": None, "HTTP_PROXY": None, "ALL_PROXY": None, "NO_PROXY": "127.0.0.1"}
    fixtures = request.fixturenames
    if "buttondown" in fixtures:
        buttondown: FakeButtondown = request.getfixturevalue("buttondown")
        environment |= {"BUTTONDOWN_API_KEY": buttondown.api_key, "BUTTONDOWN_API_URL": buttondown.url}
    if "mailchimp" in fixtures:
        mailchimp: FakeMailchimp = request.getfixturevalue("mailchimp")
        environment |= {"MAILCHIMP_API_KEY": mailchimp.api_key, "MAILCHIMP_API_URL": mailchimp.url}
    if "sendgrid" in fixtures:
        sendgrid: FakeSendGrid = request.getfixturevalue("sendgrid")
        environment |= {"SENDGRID_API_KEY": sendgrid.api_key, "SENDGRID_API_URL": sendgrid.url}
    if "listmonk" in fixtures:
        listmonk: FakeListmonk = request.getfixturevalue("listmonk")
        environment |= {"LISTMONK_USER": listmonk.user, "LISTMONK_TOKEN": listmonk.token, "LISTMONK_URL": listmonk.url}

    def run(*arguments: str | Path, env: dict[str, str | None] | None = None) -> Run:
        result: Result = cli("push", *arguments, env=environment | (env or {}))
        return Run(result.exit_code, result.stdout, result.stderr, result.stdout_bytes + result.stderr_bytes)

    return run
