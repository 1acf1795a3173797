"""listmonk's campaigns API, played on 127.0.0.1 for compose push's tests: campaigns kept as made and
changed, test sends recorded, and listmonk's own answers (cmd/campaigns.go, internal/auth/auth.go at
knadh/listmonk 911e0b77): 403 "invalid API credentials" for a wrong user or token, 400 "Campaign not
found" for a campaign that is gone, 400 for a body Go's templates cannot compile, {"message": …} for
every failure. Schemas: tests/push/schemas/listmonk-*.schema.json.

Only the campaign routes composer uses are served: a call to …/status (start or schedule a campaign)
or to any other address is a problem.
"""

from __future__ import annotations

import base64
import copy
import itertools
import re
import uuid
from typing import Any

from werkzeug import Request

from .fake_http import WHEN, Answer, FakeService, Route

USER = "composer-bot"
TOKEN = "lm-token-5c1e9a7b3d2f4e6a8c0b"  # a test's secret: must show nowhere
LIST_ID = 3
SUBSCRIBER = "desk@example.com"  # listmonk test-sends only to its own subscribers
# listmonk's template functions (docs/docs/content/templating.md) and Go's own words; {{ .Field }} is a field.
_FUNCTIONS = {"UnsubscribeURL", "MessageURL", "OptinURL", "TrackView", "TrackLink", "Date", "Safe", "L", "template"}
_EXPRESSION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
EDITABLE = {"draft", "scheduled", "paused"}  # cmd/campaigns.go, canEditCampaign


class FakeListmonk(FakeService):
    error_schema = "listmonk-error"

    def __init__(self, user: str = USER, token: str = TOKEN) -> None:
        super().__init__()
        self.user, self.token = user, token
        self.lists = {LIST_ID: "Daily briefing"}
        self.subscribers = {SUBSCRIBER}
        self.campaigns: dict[int, dict[str, Any]] = {}
        self.test_sends: list[dict[str, Any]] = []  # each: the campaign as sent, and "to"
        self._ids = itertools.count(1)  # a database sequence: a deleted campaign's id is not given again

    def routes(self) -> list[Route]:
        request, answer = "listmonk-save-campaign", "listmonk-campaign"
        return [
            Route("POST", re.compile("/api/campaigns"), self._create, request, answer),
            Route("PUT", re.compile(r"/api/campaigns/(\d+)"), self._update, request, answer),
            Route("GET", re.compile(r"/api/campaigns/(\d+)"), self._get, None, answer),
            Route(
                "POST",
                re.compile(r"/api/campaigns/(\d+)/test"),
                self._test,
                "listmonk-test-campaign",
                "listmonk-test-sent",
            ),
        ]

    def authorized(self, request: Request) -> Answer | None:
        header = request.headers.get("Authorization", "").strip()
        if not header:
            return self.error(403, "invalid session")
        if header.startswith("Basic "):
            try:
                pair = base64.b64decode(header.removeprefix("Basic ").strip(), validate=True).decode()
            except ValueError:
                return self.error(400, "invalid Base64 value in Basic Authorization header")
        elif header.startswith("token "):
            pair = header.removeprefix("token ").strip()
        else:
            return self.error(400, "unknown Authorization scheme")
        if pair != f"{self.user}:{self.token}":
            return self.error(403, "invalid API credentials")
        return None

    def error(self, status: int, message: str) -> Answer:
        return Answer(status, {"message": message or f"HTTP {status}"})

    # For tests: what the editor may have done in listmonk's admin meanwhile.
    def set_status(self, campaign_id: int, status: str) -> None:
        self.campaigns[campaign_id]["status"] = status

    def delete(self, campaign_id: int) -> None:
        del self.campaigns[campaign_id]

    # The routes.
    def _create(self, body: dict[str, Any], _: tuple[str, ...]) -> Answer:
        refused = self._refused(body)
        if refused:
            return refused
        campaign_id = next(self._ids)
        campaign = {
            "id": campaign_id,
            "uuid": str(uuid.uuid4()),
            "status": "draft",
            "created_at": WHEN,
            "updated_at": WHEN,
            "started_at": None,
            "send_at": None,
            "views": 0,
            "clicks": 0,
            "to_send": 0,
            "sent": 0,
            "messenger": "email",
            "template_id": 1,  # listmonk's default template, when none is named
            "tags": [],
            "altbody": None,
        }
        self._store(campaign, body)
        self.campaigns[campaign_id] = campaign
        return Answer(200, {"data": copy.deepcopy(campaign)})

    def _update(self, body: dict[str, Any], groups: tuple[str, ...]) -> Answer:
        campaign = self.campaigns.get(int(groups[0]))
        if campaign is None:
            return self.error(400, "Campaign not found")
        if campaign["status"] not in EDITABLE:
            return self.error(400, "Cannot update a running or a finished campaign.")
        refused = self._refused(body)
        if refused:
            return refused
        self._store(campaign, body)  # fields left out keep their values, as in listmonk
        return Answer(200, {"data": copy.deepcopy(campaign)})

    def _get(self, _: None, groups: tuple[str, ...]) -> Answer:
        campaign = self.campaigns.get(int(groups[0]))
        if campaign is None:
            return self.error(400, "Campaign not found")
        return Answer(200, {"data": copy.deepcopy(campaign)})

    def _test(self, body: dict[str, Any], groups: tuple[str, ...]) -> Answer:
        if int(groups[0]) not in self.campaigns:
            return self.error(400, "Campaign not found")
        refused = self._refused(body)
        if refused:
            return refused
        known = [
            address.strip().lower() for address in body["subscribers"] if address.strip().lower() in self.subscribers
        ]
        if not known:
            return self.error(400, "No known subscribers to test.")
        sent = {key: value for key, value in body.items() if key != "subscribers"}
        self.test_sends.append({**sent, "to": known})
        return Answer(200, {"data": True})

    def _refused(self, body: dict[str, Any]) -> Answer | None:
        """listmonk's own checks beyond the shape: its lists, and a body its Go templates compile."""
        if not any(list_id in self.lists for list_id in body["lists"]):
            return self.error(400, "There are no subscribers in the selected lists to create the campaign.")
        for text in (body.get("body") or "", body.get("altbody") or "", body.get("subject") or ""):
            problem = _template_problem(text)
            if problem:
                return self.error(400, f"Error compiling campaign body: {problem}")
        return None

    def _store(self, campaign: dict[str, Any], body: dict[str, Any]) -> None:
        for key, value in body.items():
            if key == "lists":
                campaign["lists"] = [
                    {"id": list_id, "name": self.lists[list_id]} for list_id in value if list_id in self.lists
                ]
            else:
                campaign[key] = value
        campaign["updated_at"] = WHEN


def _template_problem(text: str) -> str | None:
    """What Go's templates would say of ``text`` with listmonk's functions, roughly: None when it compiles."""
    for match in _EXPRESSION.finditer(text):
        words = match.group(1).split()
        if not words or words[0].startswith((".", '"', "$")) or words[0] in _FUNCTIONS:
            continue
        return f'template: content:1: function "{words[0].split(".")[0]}" not defined'
    if text.count("{{") != len(_EXPRESSION.findall(text)):
        return "template: content:1: unclosed action"
    return None
