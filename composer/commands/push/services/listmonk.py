"""listmonk: a campaign (POST /api/campaigns), updated with PUT /api/campaigns/{id}, tested with …/test.

listmonk is run by the publication itself: its address is publication.yaml's listmonk: url, or
LISTMONK_URL. An API user (Admin > Users, of type API) authenticates with its name and token, sent as
HTTP Basic auth, which listmonk takes for API users as for its `Authorization: token` header. A new
campaign is a draft until it is started (PUT …/status), which composer never asks. composer sends the
HTML as content type html, and the plain text as its altbody. listmonk puts a campaign's body into a
campaign template: publication.yaml's listmonk: template_id names one whose body is only
{{ template "content" . }}, else listmonk's default template wraps the issue in its own header and
footer. listmonk sends test emails only to addresses that are its subscribers. (Fields as in
listmonk's API docs and OpenAPI collection, github.com/knadh/listmonk, docs/swagger/collections.yaml.)
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from ....core.models import Publication
from ....errors import DraftGone, PushFailed
from ..drafts import Draft
from ..http import Api, read_secret, service_address
from .base import Connection, Email, Service

MAX_NAME_CHARS = 2000  # listmonk's limit for a campaign's name
_SPECIALS = set('()<>[]:;@\\,."')  # a sender's name with one of these is quoted in from_email


class Listmonk(Service):
    key = "listmonk"
    name = "listmonk"
    key_variable = "LISTMONK_TOKEN"
    key_source = "the token of an API user from listmonk's Admin > Users (and LISTMONK_USER to its name)"
    key_variables = ("LISTMONK_USER", key_variable)
    address_variable = "LISTMONK_URL"
    draft_word = "campaign"

    address = ""  # listmonk's own address, for the campaign's page in its admin (from connection())
    _sent: dict[str, Any] | None = None  # the campaign's fields as last put, for the test send

    def connection(self, environ: Mapping[str, str], publication: Publication, *, dry_run: bool = False) -> Connection:
        user = read_secret(
            environ, "LISTMONK_USER", "the name of an API user from listmonk's Admin > Users", dry_run=dry_run
        )
        token = read_secret(environ, self.key_variable, "that API user's token", dry_run=dry_run)
        settings = publication.listmonk
        self.address = service_address(environ, self.address_variable, str(settings.url) if settings else "")
        basic = base64.b64encode(f"{user.value}:{token.value}".encode()).decode()
        shown = {"Authorization": f"Basic base64($LISTMONK_USER:${self.key_variable})"}
        return Connection.of(self.address, {"Authorization": f"Basic {basic}"}, shown, [user, token])

    def create(self, api: Api, email: Email, confirmed: Callable[[Draft], None]) -> Draft:
        fields = _campaign(email)
        answer = api.call(
            "POST",
            "/api/campaigns",
            fields,
            what="the campaign",
            pretend={"data": {"id": 0, "status": "draft"}},
            describe=_said,
        )
        draft, status = self._draft(answer)
        confirmed(draft)
        self._sent = fields
        self.made_as_draft(draft, status)
        return draft

    def update(self, api: Api, draft: Draft, email: Email) -> Draft:
        gone = self.deleted(draft)
        number = _number(draft)
        path = f"/api/campaigns/{number}"

        def gone_or_said(answer: Any) -> NoReturn:
            # listmonk answers 400, not 404, for a campaign that is not there ("Campaign not found", in
            # listmonk's language); nothing else refuses the GET of a campaign by its id.
            said = _said(answer)
            raise DraftGone(f"{gone} ({api.hide(said)})" if said else gone)

        now = api.call(
            "GET",
            f"{path}?no_body=true",
            what="the campaign",
            pretend={"data": {"id": number, "status": "draft"}},
            gone=gone,
            describe=gone_or_said,
        )
        self.still_a_draft(draft, self._draft(now)[1])
        fields = _campaign(email)
        answer = api.call(
            "PUT",
            path,
            fields,
            what="the campaign",
            pretend={"data": {"id": number, "status": "draft"}},
            gone=gone,
            describe=_said,
        )
        self._sent = fields
        return self._draft(answer)[0]

    def send_test(self, api: Api, draft: Draft, addresses: tuple[str, ...]) -> None:
        # listmonk's test send takes the campaign's fields again, as they are to be sent.
        assert self._sent is not None  # push.py makes or updates the draft first
        api.call(
            "POST",
            f"/api/campaigns/{_number(draft)}/test",
            {**self._sent, "subscribers": list(addresses)},
            what="the test send",
            repeatable=True,  # a second test email is harmless
            describe=_said_of_test,
        )

    def _draft(self, answer: dict[str, Any]) -> tuple[Draft, object]:
        data = answer.get("data")
        campaign_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(campaign_id, bool) or not isinstance(campaign_id, int) or campaign_id < 0:
            raise PushFailed("listmonk's answer has no id for the campaign: look at the campaigns in listmonk")
        assert isinstance(data, dict)
        return Draft(str(campaign_id), f"{self.address}/admin/campaigns/{campaign_id}"), data.get("status")


def _number(draft: Draft) -> int:
    """The campaign's number in listmonk, as drafts.json keeps it."""
    if not draft.id.isascii() or not draft.id.isdigit():
        raise PushFailed(
            f"drafts.json keeps {draft.id!r} as this issue's campaign in listmonk, which numbers its campaigns: "
            "mend drafts.json, or push with --new"
        )
    return int(draft.id)


def _campaign(email: Email) -> dict[str, Any]:
    settings = email.publication.listmonk
    assert settings is not None  # push.py stops before without it
    fields: dict[str, Any] = {
        "name": email.title[:MAX_NAME_CHARS],
        "subject": email.subject,
        "lists": list(settings.list_ids),
        "type": "regular",
        "content_type": "html",
        "body": email.html,
        "altbody": email.text,
        "messenger": "email",
    }
    if email.sender_email:
        fields["from_email"] = f"{_quoted(email.sender_name)} <{email.sender_email}>"
    if settings.template_id is not None:
        fields["template_id"] = settings.template_id
    return fields


def _quoted(name: str) -> str:
    """A sender's name as an address's display name: in quotes when it has a character that needs them."""
    if not any(character in _SPECIALS for character in name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _said_of_test(answer: Any) -> str | None:
    """listmonk's own words of a refused test send, and why it may refuse one."""
    return f"{_said(answer) or 'no reason given'} (listmonk sends tests only to addresses that are its subscribers)"


def _said(answer: Any) -> str | None:
    """listmonk's own words in an error: its message."""
    message = answer.get("message") if isinstance(answer, dict) else None
    return message if isinstance(message, str) else None
