"""Mailchimp: a regular campaign (POST /3.0/campaigns), then its content (PUT .../content).

The key's suffix names the account's data centre (…-us21: https://us21.api.mailchimp.com). A
campaign is a draft while its status is "save"; composer changes no other. The audience comes from
publication.yaml's mailchimp: audience_id, the sender from its sender:. (Fields as in the models of
Mailchimp's generated SDKs; the schemas of tests/push/schemas/ name the files and commits.)
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from typing import Any

from ....core.models import Publication
from ....errors import PushFailed, PushSettingsProblem
from ..drafts import Draft
from ..http import Api, read_secret, service_address
from .base import Connection, Email, Service, in_publication, is_id

_DATA_CENTRE = re.compile(r"-([a-z]{2,4}[0-9]{1,3})")
DRAFT_STATUS = "save"  # Mailchimp's word for a campaign not sent nor scheduled
# The campaign's fields that come from publication.yaml, as Mailchimp names them in its errors.
SETTINGS = {
    "recipients.list_id": "mailchimp: audience_id:",
    "settings.from_name": "sender: name:",
    "settings.reply_to": "sender: email:",
}
UNKNOWN_DATA_CENTRE = "DC"  # a dry run without the key: the address shows where its data centre goes


class Mailchimp(Service):
    key = "mailchimp"
    name = "Mailchimp"
    key_variable = "MAILCHIMP_API_KEY"
    key_source = "an API key from Mailchimp (Profile > Extras > API keys)"
    key_variables = (key_variable,)
    address_variable = "MAILCHIMP_API_URL"
    needs_sender = True  # a campaign needs from_name and reply_to
    draft_word = "campaign"

    data_centre = ""  # from the key, in connection()

    def connection(self, environ: Mapping[str, str], publication: Publication, *, dry_run: bool = False) -> Connection:
        key = read_secret(environ, self.key_variable, self.key_source, dry_run=dry_run)
        self.data_centre = UNKNOWN_DATA_CENTRE if key.missing else _data_centre(key.value)
        address = service_address(environ, self.address_variable, f"https://{self.data_centre}.api.mailchimp.com")
        basic = base64.b64encode(f"composer:{key.value}".encode()).decode()
        shown = {"Authorization": f"Basic base64(composer:${self.key_variable})"}
        return Connection.of(address, {"Authorization": f"Basic {basic}"}, shown, [key])

    def create(self, api: Api, email: Email, confirmed: Callable[[Draft], None]) -> Draft:
        answer = api.call(
            "POST",
            "/3.0/campaigns",
            {"type": "regular", **self._campaign(email)},
            what="the campaign",
            pretend={"id": "(the new campaign's id)", "web_id": 0, "status": DRAFT_STATUS},
            describe=_said,
        )
        draft = self._draft(answer)
        confirmed(draft)
        self._content(api, draft, email)
        return draft

    def update(self, api: Api, draft: Draft, email: Email) -> Draft:
        gone = self.deleted(draft)
        path = f"/3.0/campaigns/{draft.id}"
        now = api.call(
            "GET",
            f"{path}?fields=id,web_id,status,type",  # type: the one field the spec requires of a campaign
            what="the campaign",
            pretend={"id": draft.id, "web_id": _web_id(draft), "status": DRAFT_STATUS},
            gone=gone,
            describe=_said,
        )
        self.still_a_draft(draft, now.get("status"), DRAFT_STATUS)
        answer = api.call(
            "PATCH",
            path,
            self._campaign(email),
            what="the campaign",
            pretend={"id": draft.id, "web_id": _web_id(draft), "status": DRAFT_STATUS},
            gone=gone,
            describe=_said,
        )
        updated = self._draft(answer)
        self._content(api, updated, email)
        return updated

    def send_test(self, api: Api, draft: Draft, addresses: tuple[str, ...]) -> None:
        api.call(
            "POST",
            f"/3.0/campaigns/{draft.id}/actions/test",
            {"test_emails": list(addresses), "send_type": "html"},
            what="the test send",
            repeatable=True,  # a second test email is harmless
            describe=_said,
        )

    def _campaign(self, email: Email) -> dict[str, Any]:
        settings = email.publication.mailchimp
        assert settings is not None  # push.py stops before without it
        return {
            "recipients": {"list_id": settings.audience_id},
            "settings": {
                "subject_line": email.subject,
                "preview_text": email.preheader,
                "title": email.title,
                "from_name": email.sender_name,
                "reply_to": email.sender_email,
            },
        }

    def _content(self, api: Api, draft: Draft, email: Email) -> None:
        api.call(
            "PUT",
            f"/3.0/campaigns/{draft.id}/content",
            {"html": email.html, "plain_text": email.text},
            what="the campaign's content",
            gone=self.deleted(draft),
            describe=_said,
        )

    def _draft(self, answer: dict[str, Any]) -> Draft:
        campaign_id, web_id = answer.get("id"), answer.get("web_id")
        if not is_id(campaign_id):
            raise PushFailed("Mailchimp's answer has no id for the campaign: look at the drafts in Mailchimp")
        if isinstance(web_id, bool) or not isinstance(web_id, int):
            raise PushFailed("Mailchimp's answer has no web_id for the campaign: look at the drafts in Mailchimp")
        return Draft(campaign_id, f"https://{self.data_centre}.admin.mailchimp.com/campaigns/show/?id={web_id}")


def _data_centre(key: str) -> str:
    """The data centre a Mailchimp key ends in (…-us21: us21)."""
    centre = _DATA_CENTRE.search(key[-8:])  # the end of the key only: its body is hex
    if centre is None or not key.endswith(centre.group(0)):
        raise PushSettingsProblem(
            f"{Mailchimp.key_variable} does not end in its data centre, such as -us21, as Mailchimp's keys do: "
            "copy the whole key from Mailchimp again"
        )
    return centre.group(1)


def _web_id(draft: Draft) -> int:
    number = draft.web_address.rpartition("id=")[2]
    return int(number) if number.isdigit() else 0


def _said(answer: Any) -> str | None:
    """Mailchimp's own words in an error (application/problem+json): detail, and each field's message."""
    if not isinstance(answer, dict):
        return None
    words = [str(answer["detail"]).rstrip(". ")] if answer.get("detail") else []
    for error in answer.get("errors") or []:
        if isinstance(error, dict):
            words.append(f"{in_publication(str(error.get('field') or 'campaign'), SETTINGS)}: {error.get('message')}")
    return "; ".join(words) or None
