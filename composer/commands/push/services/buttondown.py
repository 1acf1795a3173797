"""Buttondown: an email of status "draft" (POST /v1/emails), updated with PATCH, tested with send-draft.

The API version is pinned to 2026-04-01, the first whose new emails are drafts by default; composer
asks for "draft" all the same. The issue's HTML is a whole document, so it goes in as it is: the
email's template is "naked" ("the email body itself is used as the template, with no outside
scaffolding provided by Buttondown"), and the body starts with the comment that tells Buttondown it
is HTML, not Markdown to render (<!-- buttondown-editor-mode: fancy -->). Buttondown makes the plain
text from the HTML itself: it has no field for one. The preheader goes into the email's description,
which Buttondown shows as its summary. (Fields as in Buttondown's OpenAPI description,
github.com/buttondown/openapi, openapi.json at 1ad66494: the email's body and template, and the
templates described in enums.json.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ....core.models import Publication
from ....errors import PushFailed
from ..drafts import Draft
from ..http import Api, read_secret, service_address
from .base import Connection, Email, Service, is_id

API_VERSION = "2026-04-01"
APP = "https://buttondown.com/emails/"  # + the email's id: where the editor opens the draft
TEMPLATE = "naked"  # the body is the whole email: no header, footer or styles of Buttondown's around it
HTML_BODY = "<!-- buttondown-editor-mode: fancy -->"  # the body is HTML, not Markdown


class Buttondown(Service):
    key = "buttondown"
    name = "Buttondown"
    key_variable = "BUTTONDOWN_API_KEY"
    key_source = "an API key from Buttondown's settings (API)"
    key_variables = (key_variable,)
    address_variable = "BUTTONDOWN_API_URL"

    def connection(self, environ: Mapping[str, str], publication: Publication, *, dry_run: bool = False) -> Connection:
        key = read_secret(environ, self.key_variable, self.key_source, dry_run=dry_run)
        address = service_address(environ, self.address_variable, "https://api.buttondown.com")
        headers = {"Authorization": f"Token {key.value}", "X-API-Version": API_VERSION}
        shown = {"Authorization": f"Token ${self.key_variable}", "X-API-Version": API_VERSION}
        return Connection.of(address, headers, shown, [key])

    def create(self, api: Api, email: Email, confirmed: Callable[[Draft], None]) -> Draft:
        answer = api.call(
            "POST",
            "/v1/emails",
            {**_fields(email), "status": "draft"},
            what="the draft",
            pretend={"id": "(the new draft's id)", "status": "draft"},
            describe=_said,
        )
        draft = _draft(answer)
        confirmed(draft)
        self.made_as_draft(draft, answer.get("status"))
        return draft

    def update(self, api: Api, draft: Draft, email: Email) -> Draft:
        gone = self.deleted(draft)
        path = f"/v1/emails/{draft.id}"
        now = api.call("GET", path, what="the draft", pretend={"id": draft.id, "status": "draft"}, gone=gone)
        self.still_a_draft(draft, now.get("status"))
        answer = api.call(
            "PATCH", path, _fields(email), what="the draft", pretend={"id": draft.id}, gone=gone, describe=_said
        )
        return _draft(answer)

    def send_test(self, api: Api, draft: Draft, addresses: tuple[str, ...]) -> None:
        api.call(
            "POST",
            f"/v1/emails/{draft.id}/send-draft",
            {"recipients": list(addresses)},
            what="the test send",
            repeatable=True,  # a second test email is harmless
            describe=_said,
        )


def _fields(email: Email) -> dict[str, Any]:
    return {
        "subject": email.subject,
        "body": HTML_BODY + email.html,
        "template": TEMPLATE,
        "description": email.preheader,
    }


def _draft(answer: dict[str, Any]) -> Draft:
    draft_id = answer.get("id")
    if not is_id(draft_id):
        raise PushFailed("Buttondown's answer has no id for the draft: look at the drafts in Buttondown")
    return Draft(draft_id, APP + draft_id)


def _said(answer: Any) -> str | None:
    """Buttondown's own words in an error: detail, a text or a list of {loc, msg}."""
    detail = answer.get("detail") if isinstance(answer, dict) else None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        return "; ".join(
            f"{'.'.join(map(str, item.get('loc', [])[1:] or item.get('loc', [])))}: {item.get('msg')}"
            for item in detail
            if isinstance(item, dict)
        )
    return None
