"""SendGrid's Single Sends API, played on 127.0.0.1 for compose push's tests: Single Sends kept as made and
changed, the account's lists, senders and unsubscribe groups checked as SendGrid checks them, and its
failures in its own shape ({"errors": [{"field", "message"}]}). Schemas: tests/push/schemas/sendgrid-*.schema.json.

SendGrid has no test send for a Single Send (its POST /v3/marketing/test/send_email takes a dynamic
template), so this fake serves none: a call to it is a problem, as is one to …/schedule or /v3/mail/send.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from werkzeug import Request

from .fake_http import WHEN, Answer, FakeService, Route

API_KEY = "SG.fake-key.9f3c1d7e5b2a4c6e8d0f1a3b5c7d9e1f"  # a test's secret: must show nowhere
LIST_ID = "0b3a2c1d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
SENDER_ID = 1234567
SUPPRESSION_GROUP_ID = 4242
ID = "[0-9a-f-]{36}"


class FakeSendGrid(FakeService):
    error_schema = "sendgrid-error"

    def __init__(self, api_key: str = API_KEY) -> None:
        super().__init__()
        self.api_key = api_key
        self.lists = {LIST_ID}
        self.senders = {SENDER_ID}
        self.suppression_groups = {SUPPRESSION_GROUP_ID}
        self.single_sends: dict[str, dict[str, Any]] = {}

    def routes(self) -> list[Route]:
        request, answer = "sendgrid-save-single-send", "sendgrid-single-send"
        return [
            Route("POST", re.compile("/v3/marketing/singlesends"), self._create, request, answer),
            Route("PATCH", re.compile(f"/v3/marketing/singlesends/({ID})"), self._update, request, answer),
            Route("GET", re.compile(f"/v3/marketing/singlesends/({ID})"), self._get, None, answer),
        ]

    def authorized(self, request: Request) -> Answer | None:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return self.error(401, "authorization required")
        return None

    def error(self, status: int, message: str, field: str | None = None) -> Answer:
        return Answer(status, {"errors": [{"field": field, "message": message or f"HTTP {status}"}]})

    # For tests: what the editor may have done in SendGrid's app meanwhile.
    def schedule(self, single_send_id: str) -> None:
        self.single_sends[single_send_id]["status"] = "scheduled"

    def delete(self, single_send_id: str) -> None:
        del self.single_sends[single_send_id]

    # The routes.
    def _create(self, body: dict[str, Any], _: tuple[str, ...]) -> Answer:
        refused = self._refused(body)
        if refused:
            return refused
        single_send: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "status": "draft",
            "created_at": WHEN,
            "updated_at": WHEN,
            "categories": [],
            "send_at": None,
            "send_to": {"list_ids": [], "segment_ids": [], "all": False},
            "email_config": {"generate_plain_content": True, "editor": "code"},
        }
        self._merge(single_send, body)
        self.single_sends[single_send["id"]] = single_send
        return Answer(201, copy.deepcopy(single_send))

    def _update(self, body: dict[str, Any], groups: tuple[str, ...]) -> Answer:
        single_send = self.single_sends.get(groups[0])
        if single_send is None:
            return self.error(404, "resource not found")
        if single_send["status"] != "draft":
            return self.error(400, "a Single Send that is scheduled or sent cannot be changed", "status")
        refused = self._refused(body)
        if refused:
            return refused
        self._merge(single_send, body)
        return Answer(202, copy.deepcopy(single_send))

    def _get(self, _: None, groups: tuple[str, ...]) -> Answer:
        single_send = self.single_sends.get(groups[0])
        if single_send is None:
            return self.error(404, "resource not found")
        return Answer(200, copy.deepcopy(single_send))

    def _refused(self, body: dict[str, Any]) -> Answer | None:
        """SendGrid's own checks beyond the shape: the account's lists, sender and unsubscribe group."""
        config = body.get("email_config", {})
        for list_id in body.get("send_to", {}).get("list_ids", []):
            if list_id not in self.lists:
                return self.error(400, f"list {list_id} does not exist", "send_to.list_ids")
        if config.get("sender_id") is not None and config["sender_id"] not in self.senders:
            return self.error(400, "sender_id does not belong to a verified sender", "email_config.sender_id")
        group = config.get("suppression_group_id")
        if group is not None and group not in self.suppression_groups:
            return self.error(400, "suppression group does not exist", "email_config.suppression_group_id")
        return None

    @staticmethod
    def _merge(single_send: dict[str, Any], body: dict[str, Any]) -> None:
        for key, value in body.items():
            if isinstance(value, dict):
                single_send.setdefault(key, {}).update(value)
            else:
                single_send[key] = value
