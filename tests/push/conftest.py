"""Mailing services played on 127.0.0.1 for `compose push`: stateful, and strict about what they take.

Each fake keeps what a push leaves in the service (drafts made and updated, test sends asked for),
checks every request against the JSON Schema of its endpoint (tests/push/schemas/, written from the
service's published API description) and the key, and answers as the service does. ``fail_next``
queues the answers of a bad day (401, 404, 422, 429 with Retry-After, 5xx, an answer that never
comes) before the normal ones. No test reaches the internet: every address variable points here.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from composer.commands.push import http

from ..conftest import ROOT, SAMPLE, cli

SCHEMAS = Path(__file__).parent / "schemas"
BUTTONDOWN_KEY = "bd-s3cret+key/with=odd&chars"  # its URL-encoded and base64 forms differ from it
MAILCHIMP_KEY = "0123456789abcdef0123456789abcd+/-us21"
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
AUDIENCE = "a1b2c3d4e5"
EMAIL = "buttondown-email"  # the schema of Buttondown's answers about an email
CAMPAIGN = "mailchimp-campaign"  # and of Mailchimp's about a campaign


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return loaded


def valid(instance: Any, name: str) -> None:
    """Raise jsonschema.ValidationError unless ``instance`` is as the schema ``name`` says."""
    jsonschema.validate(instance, schema(name), format_checker=jsonschema.FormatChecker())


@dataclass
class Seen:
    """One request as the service received it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeService:
    """What the service holds, and every request it saw."""

    name: str
    server: HTTPServer
    key: str
    requests: list[Seen] = field(default_factory=list)
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    tests: list[tuple[str, list[str]]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # requests that broke a schema: a test fails on any
    _failures: list[Callable[[], Response]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def fail_next(self, *answers: Callable[[], Response]) -> None:
        self._failures.extend(answers)

    def paths(self) -> list[str]:
        return [f"{seen.method} {seen.path}" for seen in self.requests]

    def handle(self, request: Request) -> Response:
        body = request.get_data()
        seen = Seen(
            request.method,
            request.path,
            request.query_string.decode(),
            dict(request.headers),
            json.loads(body) if body else None,
        )
        with self._lock:
            self.requests.append(seen)
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return failure()
        if not self.authorised(seen):
            return self.unauthorised()
        return self.route(seen)

    def authorised(self, seen: Seen) -> bool:
        raise NotImplementedError

    def unauthorised(self) -> Response:
        raise NotImplementedError

    def route(self, seen: Seen) -> Response:
        raise NotImplementedError

    def checked(self, body: Any, name: str) -> Response | None:
        """None when ``body`` is as the schema ``name`` says; else the 400 the service would answer."""
        try:
            valid(body, name)
        except jsonschema.ValidationError as error:
            self.refused.append(f"{name}: {error.message}")
            return answer(400, {"detail": f"invalid request: {error.message}"})
        return None


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None, schema: str | None = None) -> Response:
    """The service's answer; with ``schema``, first checked to be as the service's description says."""
    if schema is not None:
        valid(body, schema)
    text = "" if body is None else json.dumps(body)
    return Response(text, status=status, headers=headers, content_type="application/json")


class FakeButtondown(FakeService):
    """Buttondown's /v1/emails, as its OpenAPI description has them."""

    def authorised(self, seen: Seen) -> bool:
        return seen.headers.get("Authorization") == f"Token {self.key}"

    def unauthorised(self) -> Response:
        return answer(401, {"code": "api_key_invalid", "detail": "Invalid token."}, schema="buttondown-error")

    def route(self, seen: Seen) -> Response:
        if seen.headers.get("X-Api-Version") != "2026-04-01":
            self.refused.append(f"X-API-Version {seen.headers.get('X-Api-Version')!r}")
            return answer(400, {"detail": "unknown API version"})
        one = re.fullmatch(r"/v1/emails/([^/]+)", seen.path)
        test = re.fullmatch(r"/v1/emails/([^/]+)/send-draft", seen.path)
        if seen.method == "POST" and seen.path == "/v1/emails":
            return self.checked(seen.body, "buttondown-create-email") or self.create(seen.body)
        if one and seen.method == "GET":
            return self.found(one.group(1)) or answer(200, self.drafts[one.group(1)], schema=EMAIL)
        if one and seen.method == "PATCH":
            refused = self.found(one.group(1)) or self.checked(seen.body, "buttondown-update-email")
            if refused:
                return refused
            self.drafts[one.group(1)].update(seen.body, modification_date=_now())
            return answer(200, self.drafts[one.group(1)], schema=EMAIL)
        if test and seen.method == "POST":
            refused = self.found(test.group(1)) or self.checked(seen.body, "buttondown-send-draft")
            if refused:
                return refused
            self.tests.append((test.group(1), seen.body["recipients"]))
            return answer(200)
        self.refused.append(f"unexpected {seen.method} {seen.path}")
        return answer(404, {"detail": "Not found."})

    def create(self, body: dict[str, Any]) -> Response:
        email_id = str(uuid.uuid4())
        self.drafts[email_id] = {
            "id": email_id,
            "creation_date": _now(),
            "modification_date": _now(),
            "absolute_url": f"https://buttondown.com/example/archive/{email_id}/",
            "canonical_url": "",
            "commenting_mode": "enabled",
            "archival_mode": "enabled",
            "featured": False,
            "filters": {"filters": [], "groups": [], "predicate": "and"},
            "image": "",
            "related_email_ids": [],
            "should_trigger_pay_per_email_billing": False,
            "source": "api",
            "description": "",
            **body,
            "status": body.get("status", "draft"),
        }
        return answer(201, self.drafts[email_id], schema=EMAIL)

    def found(self, email_id: str) -> Response | None:
        return None if email_id in self.drafts else answer(404, {"detail": "Not found."}, schema="buttondown-error")


class FakeMailchimp(FakeService):
    """Mailchimp's /3.0/campaigns, as its Marketing API description has them."""

    _web_ids: Iterator[int] = itertools.count(4200)

    def authorised(self, seen: Seen) -> bool:
        scheme, _, credentials = seen.headers.get("Authorization", "").partition(" ")
        if scheme != "Basic":
            return False
        _, _, key = base64.b64decode(credentials).decode().partition(":")
        return key == self.key

    def unauthorised(self) -> Response:
        return mailchimp_error(401, "Your API key may be invalid, or you've attempted to access the wrong datacenter.")

    def route(self, seen: Seen) -> Response:
        one = re.fullmatch(r"/3\.0/campaigns/([^/]+)", seen.path)
        content = re.fullmatch(r"/3\.0/campaigns/([^/]+)/content", seen.path)
        test = re.fullmatch(r"/3\.0/campaigns/([^/]+)/actions/test", seen.path)
        if seen.method == "POST" and seen.path == "/3.0/campaigns":
            return self.checked(seen.body, "mailchimp-create-campaign") or self.create(seen.body)
        if one and seen.method == "GET":
            return self.found(one.group(1)) or answer(200, self.drafts[one.group(1)], schema=CAMPAIGN)
        if one and seen.method == "PATCH":
            campaign = one.group(1)
            refused = self.found(campaign) or self.checked(seen.body, "mailchimp-update-campaign")
            if refused:
                return refused
            self.drafts[campaign]["settings"].update(seen.body.get("settings", {}))
            self.drafts[campaign]["recipients"].update(seen.body.get("recipients", {}))
            return answer(200, self.drafts[campaign], schema=CAMPAIGN)
        if content and seen.method == "PUT":
            campaign = content.group(1)
            refused = self.found(campaign) or self.checked(seen.body, "mailchimp-set-content")
            if refused:
                return refused
            self.drafts[campaign]["content"] = seen.body
            return answer(200, {**seen.body, "_links": []})
        if test and seen.method == "POST":
            refused = self.found(test.group(1)) or self.checked(seen.body, "mailchimp-send-test")
            if refused:
                return refused
            self.tests.append((test.group(1), seen.body["test_emails"]))
            return Response(status=204)
        self.refused.append(f"unexpected {seen.method} {seen.path}")
        return mailchimp_error(404, "The requested resource could not be found.")

    def create(self, body: dict[str, Any]) -> Response:
        campaign = uuid.uuid4().hex[:10]
        self.drafts[campaign] = {
            "id": campaign,
            "web_id": next(self._web_ids),
            "type": body["type"],
            "create_time": _now(),
            "status": "save",
            "recipients": dict(body.get("recipients", {})),
            "settings": dict(body.get("settings", {})),
        }
        return answer(200, self.drafts[campaign], schema=CAMPAIGN)

    def found(self, campaign: str) -> Response | None:
        if campaign in self.drafts:
            return None
        return mailchimp_error(404, "The requested resource could not be found.")


def mailchimp_error(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> Response:
    """An error as Mailchimp answers with one: a problem detail document."""
    body: dict[str, Any] = {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": {400: "Invalid Resource", 401: "API Key Invalid", 404: "Resource Not Found"}.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": str(uuid.uuid4()),
    }
    if errors:
        body["errors"] = errors
    return answer(status, body, schema="mailchimp-error")


def late(seconds: float, then: Callable[[], Response]) -> Callable[[], Response]:
    """An answer that comes ``seconds`` late (after composer stopped waiting, in the tests that use it)."""

    def answer_late() -> Response:
        time.sleep(seconds)
        return then()

    return answer_late


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


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


def _serve(fake: FakeService) -> FakeService:
    fake.server.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def buttondown(servers: Callable[[], HTTPServer]) -> Iterator[FakeButtondown]:
    fake = _serve(FakeButtondown("Buttondown", servers(), BUTTONDOWN_KEY))
    assert isinstance(fake, FakeButtondown)
    yield fake
    assert not fake.refused, fake.refused


@pytest.fixture
def mailchimp(servers: Callable[[], HTTPServer]) -> Iterator[FakeMailchimp]:
    fake = _serve(FakeMailchimp("Mailchimp", servers(), MAILCHIMP_KEY))
    assert isinstance(fake, FakeMailchimp)
    yield fake
    assert not fake.refused, fake.refused


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
def push(buttondown: FakeButtondown, mailchimp: FakeMailchimp, waits: list[float]) -> PushRunner:
    """push(*arguments, env=...) runs `compose push` with every service's address on 127.0.0.1."""

    def run(*arguments: str | Path, env: dict[str, str | None] | None = None) -> Run:
        environment: dict[str, str | None] = dict.fromkeys(EVERY_VARIABLE)
        environment |= {
            "BUTTONDOWN_API_KEY": BUTTONDOWN_KEY,
            "BUTTONDOWN_API_URL": buttondown.url,
            "MAILCHIMP_API_KEY": MAILCHIMP_KEY,
            "MAILCHIMP_API_URL": mailchimp.url,
            "HTTPS_PROXY": None,
            "HTTP_PROXY": None,
            "ALL_PROXY": None,
            "NO_PROXY": "127.0.0.1",
        }
        environment |= env or {}
        result: Result = cli("push", *arguments, env=environment)
        return Run(result.exit_code, result.stdout, result.stderr, result.stdout_bytes + result.stderr_bytes)

    return run
