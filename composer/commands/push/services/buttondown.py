"""Buttondown: an email of status "draft" (POST /v1/emails), updated with PATCH, tested with send-draft.

The API version is pinned to 2026-04-01, the first whose new emails are drafts by default; composer
asks for "draft" all the same. Buttondown makes the plain text from the HTML itself: it has no field
for one. The preheader goes into the email's description, which Buttondown shows as its summary.
(Fields as in Buttondown's OpenAPI description, github.com/buttondown/openapi, openapi.json.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ....core.models import Publication
from ....errors import DraftGone, PushFailed
from ..drafts import Draft
from ..http import Api, read_secret, service_address
from .base import Connection, Email, Service, is_id

API_VERSION = "2026-04-01"
APP = "https://buttondown.com/emails/"  # + the email's id: where the editor opens the draft


class Buttondown(Service):
    key = "buttondown"
    name = "Buttondown"
    key_variable = "BUTTONDOWN_API_KEY"
    address_variable = "BUTTONDOWN_API_URL"

    def connection(self, environ: Mapping[str, str], publication: Publication) -> Connection:
        key = read_secret(environ, self.key_variable, "an API key from Buttondown's settings (API)")
        address = service_address(environ, self.address_variable, "https://api.buttondown.com")
        headers = {"Authorization": f"Token {key.value}", "X-API-Version": API_VERSION}
        return Connection(address, headers, [key.value])

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
        if answer.get("status") != "draft":  # never seen; said, in case a version ignores the field
            raise PushFailed(
                f"Buttondown made the email {draft.web_address} with status {answer.get('status')!r}, not a draft: "
                "look at it in Buttondown now"
            )
        return draft

    def update(self, api: Api, draft: Draft, email: Email) -> Draft:
        gone = f"the draft of this issue in Buttondown, {draft.web_address}, was deleted there"
        path = f"/v1/emails/{draft.id}"
        now = api.call("GET", path, what="the draft", pretend={"id": draft.id, "status": "draft"}, gone=gone)
        status = now.get("status")
        if status != "draft":
            raise DraftGone(
                f"the draft of this issue in Buttondown, {draft.web_address}, is no longer a draft ({status})"
            )
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
    return {"subject": email.subject, "body": email.html, "description": email.preheader}


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
