"""The mailing services `compose push` makes drafts in: one module each, behind Service, listed in SERVICES.

A service turns the composed issue (an Email) into its API's requests: it makes the draft, updates
the one made before, and asks the service for a test send of it. It never sends to the list nor
schedules. Adding one is a module with a Service subclass and one line in SERVICES; its key is its
name in esp.SERVICES (its merge tags), and its settings, if it needs any, are a block of that name
in publication.yaml (models.PUSH_SETTINGS).
"""

from __future__ import annotations

from .base import Connection, Email, Service
from .buttondown import Buttondown
from .listmonk import Listmonk
from .mailchimp import Mailchimp
from .sendgrid import SendGrid

__all__ = ["NO_DRAFTS", "SERVICES", "Connection", "Email", "Service"]

# esp: names -> their Service: one line a service.
SERVICES: dict[str, type[Service]] = {
    "buttondown": Buttondown,
    "mailchimp": Mailchimp,
    "sendgrid": SendGrid,
    "listmonk": Listmonk,
}

# Services composer knows the merge tags of but that keep no drafts: why, and what to do instead.
NO_DRAFTS = {
    "mailgun": (
        "Mailgun keeps no drafts, only templates and sends, so compose push has nothing to make there: "
        "compose ISSUE --esp mailgun --eml writes the whole message for Mailgun, and compose send --to ADDRESS "
        "sends a test of it"
    ),
}
