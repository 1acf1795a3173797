"""Mailchimp's campaigns API, played on 127.0.0.1 for compose push's tests: campaigns kept as made and
changed with their content, test emails recorded, and Mailchimp's failures as problem detail
documents. Schemas: tests/push/schemas/mailchimp-*.schema.json.

Only the routes composer uses are served: any other address (…/actions/send or …/actions/schedule
among them) is a problem.
"""

from __future__ import annotations

import base64
import copy
import itertools
import re
import uuid
from typing import Any
from urllib.parse import parse_qs

from werkzeug import Request

from .fake_http import WHEN, Answer, FakeService, Received, Route

API_KEY = "0123456789abcdef0123456789abcd+/-us21"  # a test's secret; -us21 is its data centre
AUDIENCE = "a1b2c3d4e5"
ID = "[0-9a-f]{10}"
TITLES = {400: "Invalid Resource", 401: "API Key Invalid", 404: "Resource Not Found", 429: "Too Many Requests"}


class FakeMailchimp(FakeService):
    error_schema = "mailchimp-error"

    def __init__(self, api_key: str = API_KEY) -> None:
        super().__init__()
        self.api_key = api_key
        self.campaigns: dict[str, dict[str, Any]] = {}
        self.test_sends: list[tuple[str, list[str]]] = []  # (campaign id, test_emails)
        self._web_ids = itertools.count(4200)
        self._fields = ""  # the ?fields= of the request being answered

    def routes(self) -> list[Route]:
        campaign = "mailchimp-campaign"
        return [
            Route("POST", re.compile("/3.0/campaigns"), self._create, "mailchimp-create-campaign", campaign),
            Route("GET", re.compile(f"/3.0/campaigns/({ID})"), self._get, None, campaign),
            Route("PATCH", re.compile(f"/3.0/campaigns/({ID})"), self._update, "mailchimp-update-campaign", campaign),
            Route("PUT", re.compile(f"/3.0/campaigns/({ID})/content"), self._content, "mailchimp-set-content", None),
            Route("POST", re.compile(f"/3.0/campaigns/({ID})/actions/test"), self._test, "mailchimp-send-test", None),
        ]

    def authorized(self, request: Request) -> Answer | None:
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        try:
            _, _, key = base64.b64decode(credentials, validate=True).decode().partition(":")
        except ValueError:
            key = ""
        if scheme != "Basic" or key != self.api_key:
            return self.error(401, "Your API key may be invalid, or you've attempted to access the wrong datacenter.")
        return None

    def error(self, status: int, message: str, errors: list[dict[str, str]] | None = None) -> Answer:
        body: dict[str, Any] = {
            "type": "https://mailchimp.com/developer/marketing/docs/errors/",
            "title": TITLES.get(status, "Error"),
            "status": status,
            "detail": message or f"HTTP {status}",
            "instance": str(uuid.uuid4()),
        }
        if errors:
            body["errors"] = errors
        return Answer(status, body)

    # The routes.
    def _create(self, body: dict[str, Any], _: tuple[str, ...]) -> Answer:
        campaign_id = uuid.uuid4().hex[:10]
        self.campaigns[campaign_id] = {
            "id": campaign_id,
            "web_id": next(self._web_ids),
            "type": body["type"],
            "create_time": WHEN,
            "status": "save",
            "recipients": dict(body["recipients"]),
            "settings": dict(body["settings"]),
        }
        return Answer(200, copy.deepcopy(self.campaigns[campaign_id]))

    def _answer(self, request: Request, received: Received) -> Answer:
        self._fields = parse_qs(received.query).get("fields", [""])[0]  # composer's requests come one at a time
        return super()._answer(request, received)

    def _get(self, _: None, groups: tuple[str, ...]) -> Answer:
        campaign = self.campaigns.get(groups[0])
        if campaign is None:
            return self._not_found()
        # As Mailchimp does: ?fields=a,b answers only those fields (top-level names are all composer uses).
        named = self._fields.split(",") if self._fields else list(campaign)
        return Answer(200, {name: copy.deepcopy(campaign[name]) for name in named if name in campaign})

    def _update(self, body: dict[str, Any], groups: tuple[str, ...]) -> Answer:
        campaign = self.campaigns.get(groups[0])
        if campaign is None:
            return self._not_found()
        campaign["settings"].update(body.get("settings", {}))
        campaign["recipients"].update(body.get("recipients", {}))
        return Answer(200, copy.deepcopy(campaign))

    def _content(self, body: dict[str, Any], groups: tuple[str, ...]) -> Answer:
        campaign = self.campaigns.get(groups[0])
        if campaign is None:
            return self._not_found()
        campaign["content"] = body
        return Answer(200, {**body, "_links": []})

    def _test(self, body: dict[str, Any], groups: tuple[str, ...]) -> Answer:
        if groups[0] not in self.campaigns:
            return self._not_found()
        self.test_sends.append((groups[0], body["test_emails"]))
        return Answer(204)

    def _not_found(self) -> Answer:
        return self.error(404, "The requested resource could not be found.")
