"""A test send, gate and all: the issue composed, checked, made into a message and sent over SMTP.

Nothing is sent when the issue does not validate or `compose check` finds an error: a test read
of a broken issue teaches nothing, and the same issue must never reach a list by mistake.

A test send is marked as one: its subject starts with "[Test] ", and it carries the publication's
own unsubscribe and web-version links, not a mailing service's merge tags, which only the service
fills in (a reader of the test would see `*|UNSUB|*`). It goes as one message to every recipient.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from ...core.esp import OWN_LINKS
from ...core.pipeline import compose
from ...core.render import DEFAULT_OPTIONS, RenderOptions
from ...errors import BadAddress, NotSent
from ..check import Finding, gate
from .message import address, message
from .smtp import SmtpSettings, deliver, smtp_settings

TEST_PREFIX = "[Test] "
TAGS_LEFT_OUT = (
    "mailing-service tags left out of the test: the publication's own unsubscribe and web-version links are used"
)


@dataclass(frozen=True)
class Sent:
    path: Path
    recipients: tuple[str, ...]
    server: str  # host:port, as the editor set it

    @property
    def to(self) -> str:
        return ", ".join(self.recipients)


@dataclass(frozen=True)
class PreparedSend:
    """A test send ready to go: what `compose check` warns of is known before anything is sent."""

    path: Path
    recipients: tuple[str, ...]
    warnings: list[Finding]  # check's warnings about the issue as the list will get it
    tags_left_out: bool  # a mailing service was named: its tags were replaced by the publication's links
    mail: EmailMessage
    settings: SmtpSettings

    def send(self) -> Sent:
        deliver(self.mail, self.settings, self.recipients)
        return Sent(self.path, self.recipients, self.settings.server)


def recipients(given: Iterable[str]) -> tuple[str, ...]:
    """The addresses in ``given``, each one address or several separated by commas, in order and
    each once. Raises BadAddress for any that is not an address: then none is sent to."""
    found: dict[str, str] = {}
    for value in given:
        for piece in value.split(","):
            if piece.strip():
                one = address(piece.strip(), "the address to send to")
                # The domain's case means nothing; the local part's may (RFC 5321), so it is kept.
                found.setdefault(f"{one.username}@{one.domain.lower()}", one.addr_spec)
    if not found:
        raise BadAddress("no address to send the test to: give one with --to, such as you@example.com")
    return tuple(found.values())


def prepare_test(
    path: Path,
    to: str | Iterable[str],
    options: RenderOptions = DEFAULT_OPTIONS,
    environ: Mapping[str, str] = os.environ,
    *,
    test_prefix: bool = True,
) -> PreparedSend:
    """Everything a test send of the issue at ``path`` needs, checked; nothing is sent yet.
    ``to`` holds addresses, as recipients() reads them. Raises ComposerError: InvalidInput,
    NotSent (check's errors), NoSender, BadAddress or SmtpSettingsProblem."""
    addresses = recipients([to] if isinstance(to, str) else to)
    composed = compose(path, options)
    warnings = gate(composed, "nothing sent", NotSent)
    tags_left_out = composed.links.service is not None
    if tags_left_out:
        composed = compose(path, dataclasses.replace(options, service=OWN_LINKS))
    mail = message(composed, to=addresses, subject_prefix=TEST_PREFIX if test_prefix else "")
    settings = smtp_settings(environ, composed.loaded.publication.smtp)
    return PreparedSend(path, addresses, warnings, tags_left_out, mail, settings)


def send_test(
    path: Path,
    to: str | Iterable[str],
    options: RenderOptions = DEFAULT_OPTIONS,
    environ: Mapping[str, str] = os.environ,
    *,
    test_prefix: bool = True,
) -> Sent:
    """Send the issue at ``path`` to ``to`` through the SMTP server set in ``environ`` (COMPOSE_SMTP_*)
    or publication.yaml. Raises ComposerError: InvalidInput, NotSent (check's errors), NoSender,
    BadAddress, SmtpSettingsProblem or SendFailed. prepare_test() first, to see check's warnings."""
    return prepare_test(path, to, options, environ, test_prefix=test_prefix).send()
