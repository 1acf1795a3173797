"""What the four fake mailing services of tests/push share: every request recorded and checked against
the JSON Schemas of tests/push/schemas/, every answer checked too, failures answered on demand.

A fake is installed on a pytest-httpserver server on 127.0.0.1 (``fake.install(server)``); a test then
reads ``fake.received`` (or ``fake.paths()``), and the fixtures of conftest.py assert ``fake.problems
== []`` after it: a request or an answer that its schema refuses, or a request to an address the fake
does not serve (a send or a schedule among them). ``answer_next`` queues the answers of a bad day
(401, 404, 422, 429 with Retry-After, 5xx, an answer that comes too late) before the normal ones.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from jsonschema import Draft202012Validator, FormatChecker
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SCHEMAS = Path(__file__).parent / "schemas"
WHEN = "2026-12-07T06:30:00Z"  # every fake's creation and modification time: the tests read no clock


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_errors(name: str, document: Any) -> list[str]:
    """What the schema ``name`` (schemas/NAME.schema.json) finds wrong in ``document``, one line each."""
    return [
        f"{name}: {'/'.join(str(step) for step in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator(name).iter_errors(document)
    ]


@dataclass(frozen=True)
class Received:
    """One request as the service received it."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any = None  # JSON; None: no body
    headers: Mapping[str, str] = field(default_factory=dict)
    late: float = 0.0  # seconds the answer waits before it is sent


# A handler gets the request's JSON (None without a body) and the path's groups, and answers.
Handler = Callable[[Any, tuple[str, ...]], Answer]


@dataclass(frozen=True)
class Route:
    method: str
    path: re.Pattern[str]
    handler: Handler
    request_schema: str | None  # None: the request has no body
    answer_schema: str | None  # of a 2xx answer (None: composer reads nothing of it); failures: error_schema


_ANY = object()


class FakeService:
    """A mailing service's API on 127.0.0.1: the routes a subclass serves, and everything around them."""

    error_schema: str  # the service's failure body

    def __init__(self) -> None:
        self.url = ""  # the scheme, host and port it is served at, once installed
        self.received: list[Received] = []
        self.problems: list[str] = []
        self._canned: list[tuple[re.Pattern[str] | None, Answer]] = []
        self._lock = threading.Lock()

    # For the subclass.
    def routes(self) -> list[Route]:
        raise NotImplementedError

    def authorized(self, request: Request) -> Answer | None:
        """None when the service takes the request's credentials (and headers), else its refusal."""
        raise NotImplementedError

    def error(self, status: int, message: str) -> Answer:
        """The service's failure answer, in its own shape."""
        raise NotImplementedError

    # For tests.
    def answer_next(
        self,
        status: int,
        message: str = "",
        *,
        body: Any = _ANY,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
        late: float = 0.0,
        on: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (to ``on``, "METHOD path-pattern", when given) with ``status``,
        whatever they ask, after checking and recording them: the service's error of ``message``, or ``body``."""
        shown = self.error(status, message).body if body is _ANY else body
        for _ in range(times):
            self._canned.append((re.compile(on) if on else None, Answer(status, shown, dict(headers or {}), late)))

    def install(self, server: HTTPServer) -> str:
        """Serve this fake on ``server``; the scheme, host and port to point composer at."""
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)
        self.url = f"http://127.0.0.1:{server.port}"
        return self.url

    def paths(self) -> list[str]:
        """Each request received, as "METHOD /path"."""
        return [f"{request.method} {request.path}" for request in self.received]

    def calls(self, method: str, pattern: str) -> list[Received]:
        """The requests received with this method to a path matching ``pattern`` (whole)."""
        return [
            request for request in self.received if request.method == method and re.fullmatch(pattern, request.path)
        ]

    # The server's side.
    def handle(self, request: Request) -> Response:
        body = request.get_data()
        received = Received(request.method, request.path, request.query_string.decode(), dict(request.headers), body)
        with self._lock:
            self.received.append(received)
            answer = self._answer(request, received)
        if not 200 <= answer.status < 300 and answer.body is not None:  # a success is checked by its route's schema
            self._check(self.error_schema, answer.body, f"the fake's {answer.status} answer")
        time.sleep(answer.late)
        payload = b"" if answer.body is None else json.dumps(answer.body).encode()
        return Response(payload, answer.status, headers=dict(answer.headers), content_type="application/json")

    def _answer(self, request: Request, received: Received) -> Answer:
        route, groups = self._route(received)
        document: Any = None
        if route is not None and route.request_schema is not None:
            try:
                document = received.json()
            except ValueError:
                self.problems.append(f"{received.method} {received.path}: the body is not JSON")
                return self.error(400, "invalid JSON")
            if self._check(route.request_schema, document, f"{received.method} {received.path}"):
                return self.error(400, f"the request does not match {route.request_schema}")
        canned = self._canned_for(f"{received.method} {received.path}")
        if canned is not None:
            return canned
        refused = self.authorized(request)
        if refused is not None:
            return refused
        if route is None:
            self.problems.append(f"{received.method} {received.path}: not an address composer should call")
            return self.error(404, "not found")
        answer = route.handler(document, groups)
        if 200 <= answer.status < 300 and route.answer_schema is not None:
            self._check(route.answer_schema, answer.body, f"the fake's answer to {received.method} {received.path}")
        return answer

    def _canned_for(self, request: str) -> Answer | None:
        for index, (pattern, answer) in enumerate(self._canned):
            if pattern is None or pattern.fullmatch(request):
                del self._canned[index]
                return answer
        return None

    def _route(self, received: Received) -> tuple[Route | None, tuple[str, ...]]:
        for route in self.routes():
            match = route.path.fullmatch(received.path)
            if match and route.method == received.method:
                return route, match.groups()
        return None, ()

    def _check(self, schema: str, document: Any, what: str) -> bool:
        errors = schema_errors(schema, document)
        self.problems.extend(f"{what}: {error}" for error in errors)
        return bool(errors)


# The prefixes a key is sent after in Basic auth (Mailchimp's "any user name:", listmonk's "user:").
BASIC_PREFIXES = ("", ":", "composer:", "anystring:")


def secret_forms(*secrets: str) -> list[bytes]:
    """Every form a secret could be printed or written in: as is, URL-encoded, JSON-escaped, and in base64
    and URL-safe base64, alone or after a Basic auth user name. Written here, not taken from composer."""
    forms: set[str] = set()
    for secret in secrets:
        forms |= {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
        for prefix in BASIC_PREFIXES:
            encoded = (prefix + secret).encode()
            forms |= {base64.b64encode(encoded).decode(), base64.urlsafe_b64encode(encoded).decode()}
    return [form.encode() for form in forms]


def files_and_output(folder: Path, *printed: bytes) -> bytes:
    """Every byte under ``folder`` and every byte printed: where a secret must not be."""
    written = [path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()]
    return b"\n".join([*written, *printed])


def shown_secrets(everything: bytes, *secrets: str) -> list[bytes]:
    """The forms of ``secrets`` found in ``everything`` (a test wants none)."""
    return [form for form in secret_forms(*secrets) if form in everything]
