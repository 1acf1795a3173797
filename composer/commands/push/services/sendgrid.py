"""SendGrid: a Single Send (POST /v3/marketing/singlesends), updated with PATCH …/{id}.

A Single Send is a draft until it is scheduled (PUT …/{id}/schedule), which composer never asks;
its request has no status field. composer gives the plain text itself (generate_plain_content:
false, or SendGrid would replace it with its own from the HTML). The sender, unsubscribe group and
lists come from publication.yaml's sendgrid: block. SendGrid has no field for the preview text: it
is in the HTML already. SendGrid's API sends no test of a Single Send (its test send takes a dynamic
template only): the editor uses "Send a test" in SendGrid, or compose send. (Fields as in SendGrid's
API description, github.com/twilio/sendgrid-oai, spec/json/tsg_mc_singlesends_v3.json.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ....core.models import Publication
from ....errors import PushFailed
from ..drafts import Draft
from ..http import Api, read_secret, service_address
from .base import Connection, Email, Service, in_publication, is_id

APP = "https://mc.sendgrid.com/single-sends/{id}/editor"  # where the editor opens the draft
MAX_NAME_CHARS = 100  # SendGrid's limit for a Single Send's name
# The Single Send's fields that come from publication.yaml, as SendGrid names them in its errors.
SETTINGS = {
    "send_to.list_ids": "sendgrid: list_ids:",
    "email_config.sender_id": "sendgrid: sender_id:",
    "email_config.suppression_group_id": "sendgrid: suppression_group_id:",
}


class SendGrid(Service):
    key = "sendgrid"
    name = "SendGrid"
    key_variable = "SENDGRID_API_KEY"
    key_source = "an API key from SendGrid (Settings > API Keys) with Marketing access"
    key_variables = (key_variable,)
    address_variable = "SENDGRID_API_URL"
    sends_tests = False
    draft_word = "Single Send"

    def connection(self, environ: Mapping[str, str], publication: Publication, *, dry_run: bool = False) -> Connection:
        key = read_secret(environ, self.key_variable, self.key_source, dry_run=dry_run)
        address = service_address(environ, self.address_variable, "https://api.sendgrid.com")
        shown = {"Authorization": f"Bearer ${self.key_variable}"}
        return Connection.of(address, {"Authorization": f"Bearer {key.value}"}, shown, [key])

    def create(self, api: Api, email: Email, confirmed: Callable[[Draft], None]) -> Draft:
        answer = api.call(
            "POST",
            "/v3/marketing/singlesends",
            _single_send(email),
            what="the Single Send",
            pretend={"id": "(the new Single Send's id)", "status": "draft"},
            describe=_said,
        )
        draft = _draft(answer)
        confirmed(draft)
        self.made_as_draft(draft, answer.get("status"))
        return draft

    def update(self, api: Api, draft: Draft, email: Email) -> Draft:
        gone = self.deleted(draft)
        path = f"/v3/marketing/singlesends/{draft.id}"
        now = api.call(
            "GET", path, what="the Single Send", pretend={"id": draft.id, "status": "draft"}, gone=gone, describe=_said
        )
        self.still_a_draft(draft, now.get("status"))
        answer = api.call(
            "PATCH",
            path,
            _single_send(email),
            what="the Single Send",
            pretend={"id": draft.id, "status": "draft"},
            gone=gone,
            describe=_said,
        )
        return _draft(answer)


def _single_send(email: Email) -> dict[str, Any]:
    settings = email.publication.sendgrid
    assert settings is not None  # push.py stops before without it
    return {
        "name": _name(email.title),
        "send_to": {"list_ids": list(settings.list_ids)},
        "email_config": {
            "subject": email.subject,
            "html_content": email.html,
            "plain_content": email.text,
            "generate_plain_content": False,
            "editor": "code",  # the HTML as composer wrote it, not rebuilt by SendGrid's design editor
            "sender_id": settings.sender_id,
            "suppression_group_id": settings.suppression_group_id,
        },
    }


def _name(title: str) -> str:
    return title if len(title) <= MAX_NAME_CHARS else title[: MAX_NAME_CHARS - 1] + "…"


def _draft(answer: dict[str, Any]) -> Draft:
    single_send_id = answer.get("id")
    if not is_id(single_send_id):
        raise PushFailed("SendGrid's answer has no id for the Single Send: look at the Single Sends in SendGrid")
    return Draft(single_send_id, APP.format(id=single_send_id))


def _said(answer: Any) -> str | None:
    """SendGrid's own words in an error: each {field, message} of its errors."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not isinstance(errors, list):
        return None
    words = [
        f"{in_publication(str(error['field']), SETTINGS)}: {error.get('message')}"
        if error.get("field")
        else str(error.get("message"))
        for error in errors
        if isinstance(error, dict)
    ]
    return "; ".join(words) or None
