"""Mailing services and their merge tags: where each puts its unsubscribe link, web version and address.

Adding a service is one entry in SERVICES. A tag goes into the email as typed, and survives
MRML and premailer byte for byte (mjml_to_html.py sets hrefs aside while premailer runs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True)
class MailingService:
    name: str
    unsubscribe: str  # the href of the unsubscribe link
    web_version: str | None = None  # the href of "view in your browser", where the service hosts one
    address_html: str | None = None  # the postal address, as the service fills it into HTML...
    address_text: str | None = None  # ...and into the plain text


SERVICES = {
    "mailchimp": MailingService(
        "Mailchimp", "*|UNSUB|*", "*|ARCHIVE|*", "*|HTML:LIST_ADDRESS_HTML|*", "*|LIST:ADDRESS|*"
    ),
    "buttondown": MailingService("Buttondown", "{{ unsubscribe_url }}", "{{ email.absolute_url }}"),
    "sendgrid": MailingService("SendGrid", "{{{unsubscribe}}}"),
    "mailgun": MailingService("Mailgun", "%unsubscribe_url%"),
    # listmonk's campaign bodies are Go templates: these are its template functions, not fields.
    "listmonk": MailingService("listmonk", "{{ UnsubscribeURL }}", "{{ MessageURL }}"),
}


# compose(service=OWN_LINKS): the publication's own links even where publication.yaml names a service
# (a test send, whose reader would otherwise see the raw tags).
OWN_LINKS = "own links"


@dataclass(frozen=True)
class Links:
    """The links and address the email carries for its sender, whichever service sends it."""

    unsubscribe: str | None
    web_version: str | None
    address_html: str | None  # a service's tag, written as is (it stands for HTML)
    address_text: str | None
    service: str | None  # None: the publication's own URLs


def links(service: str | None, unsubscribe_url: str | None, web_version_url: str | None, address: str | None) -> Links:
    """The service's tags where it has them, else the publication's own URLs and address."""
    if service is None or service == OWN_LINKS:
        return Links(unsubscribe_url, web_version_url, None, address, None)
    tags = SERVICES[service]
    return Links(
        tags.unsubscribe,
        tags.web_version or web_version_url,
        tags.address_html,
        tags.address_text or address,
        service,
    )


# Any syntax of merge tag a service fills in (*|NAME|*, {{ name }}, {% tag %}, {$name}, [[name]], %name%),
# loosely: an address holding one is the service's business (it may put an address of its own there).
# Not a percent-escape (%C3%A9 is é, not Mailgun's %name%).
_MERGE_TAG_IN_ADDRESS = re.compile(
    r"\*\|[A-Z][A-Z0-9_:]*|\{\{|\{%|\{\$|\[\[|%(?![0-9A-Fa-f]{2})[A-Za-z][\w.-]{1,60}%",
)


def holds_merge_tag(url: str) -> bool:
    """Whether the address ``url`` holds a merge tag, as typed or percent-encoded (markdown-it writes a
    typed %recipient.name% as %25recipient.name%25): known only once the service has sent the email, so
    neither tagged (utm.py) nor asked (check --links). Erring that way, an address that only looks like
    one once decoded (…/%25AB%25) counts too."""
    return bool(_MERGE_TAG_IN_ADDRESS.search(url) or _MERGE_TAG_IN_ADDRESS.search(unquote(url)))
