"""Buttondown's emails API, played on 127.0.0.1 for compose push's tests: emails kept as made and
changed, test sends recorded, the pinned X-API-Version required, and Buttondown's failures in its own
shape ({"detail": …}). Schemas: tests/push/schemas/buttondown-*.schema.json.

Only the routes composer uses are served: any other address (sending or scheduling an email among
them) is a problem.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from werkzeug import Request

from .fake_http import WHEN, Answer, FakeService, Route

API_KEY = "bd-s3cret+key/with=odd&chars"  # a test's secret, whose URL-encoded and base64 forms differ from it
API_VERSION = "2026-04-01"
ID = "[0-9a-f-]{36}"


class FakeButtondown(FakeService):
    error_schema = "buttondown-error"

    def __init__(self, api_key: str = API_KEY) -> None:
        super().__init__()
        self.api_key = api_key
        self.emails: dict[str, dict[str, Any]] = {}
        self.test_sends: list[tuple[str, list[str]]] = []  # (email id, recipients)

    def routes(self) -> list[Route]:
        email = "buttondown-email"
        return [
            Route("POST", re.compile("/v1/emails"), self._create, "buttondown-create-email", email),
            Route("GET", re.compile(f"/v1/emails/({ID})"), self._get, None, email),
            Route("PATCH", re.compile(f"/v1/emails/({ID})"), self._update, "buttondown-update-email", email),
            Route("POST", re.compile(f"/v1/emails/({ID})/send-draft"), self._test, "buttondown-send-draft", None),
        ]

    def authorized(self, request: Request) -> Answer | None:
        if request.headers.get("Authorization") != f"Token {self.api_key}":
            return Answer(401, {"code": "api_key_invalid", "detail": "Invalid token."})
        if request.headers.get("X-API-Version") != API_VERSION:
            self.problems.append(f"X-API-Version {request.headers.get('X-API-Version')!r}")
            return self.error(400, "unknown API version")
        return None

    def error(self, status: int, message: str) -> Answer:
        return Answer(status, {"detail": message or f"HTTP {status}"})

    # The routes.
    def _create(self, body: dict[str, Any], _: tuple[str, ...]) -> Answer:
        email_id = str(uuid.uuid4())
        self.emails[email_id] = {
            "id": email_id,
            "creation_date": WHEN,
            "modification_date": WHEN,
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
        }
        return Answer(201, copy.deepcopy(self.emails[email_id]))

    def _get(self, _: None, groups: tuple[str, ...]) -> Answer:
        email = self.emails.get(groups[0])
        return Answer(200, copy.deepcopy(email)) if email else self.error(404, "Not found.")

    def _update(self, body: dict[str, Any], groups: tuple[str, ...]) -> Answer:
        email = self.emails.get(groups[0])
        if email is None:
            return self.error(404, "Not found.")
        email.update(body, modification_date=WHEN)
        return Answer(200, copy.deepcopy(email))

    def _test(self, body: dict[str, Any], groups: tuple[str, ...]) -> Answer:
        if groups[0] not in self.emails:
            return self.error(404, "Not found.")
        self.test_sends.append((groups[0], body["recipients"]))
        return Answer(200)
