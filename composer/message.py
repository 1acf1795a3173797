"""The issue as one email message: what an .eml file holds and what SMTP sends.

multipart/alternative, the plain text first and the HTML last (clients show the last part they
can display), from the publication's sender. Built with the standard library's email package
alone: writing an .eml needs no network module.
"""

from __future__ import annotations

from datetime import datetime
from email import errors as email_errors
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from .errors import BadAddress, NoSender, Problem
from .pipeline import Composed

# CRLF line endings as on the wire (RFC 5322), and 7-bit clean bodies (quoted-printable or base64,
# whichever is smaller) so any server relays the message unchanged and lines stay within limits.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")


def message(composed: Composed, to: str | None = None, now: datetime | None = None) -> EmailMessage:
    """The issue as one email from the publication's sender (to ``to`` when given), dated ``now``.

    Raises NoSender when publication.yaml has no sender, BadAddress for an unusable address.
    ``now`` should be timezone-aware; a naive one is written with the zone unknown (-0000).
    """
    publication = composed.loaded.publication
    where = str(composed.loaded.publication_path)
    if publication.sender is None:
        raise NoSender(
            [
                Problem(
                    where,
                    0,
                    0,
                    "sender",
                    "no sender to send the email from: add sender: with name: and email: (the address "
                    "your mailing service sends from) to publication.yaml",
                )
            ]
        )
    sender = address(publication.sender.email, f"{where}: sender.email")
    mail = EmailMessage(policy=MAIL_POLICY)
    mail["From"] = Address(_one_line(publication.sender.name), sender.username, sender.domain)
    if to is not None:
        mail["To"] = address(to, "the address to send to")
    mail["Subject"] = _one_line(composed.subject)
    mail["Date"] = format_datetime(now if now is not None else datetime.now().astimezone())
    mail["Message-ID"] = make_msgid(domain=sender.domain)
    unsubscribe = composed.links.unsubscribe
    # A mailing service's merge tag is only a placeholder until the service sends the email.
    if composed.links.service is None and unsubscribe and urlsplit(unsubscribe).scheme in ("http", "https", "mailto"):
        mail["List-Unsubscribe"] = f"<{unsubscribe}>"
        if urlsplit(unsubscribe).scheme == "https":  # RFC 8058 allows one-click only over https
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(composed.text, subtype="plain", charset="utf-8")
    mail.add_alternative(composed.html, subtype="html", charset="utf-8")
    return mail


def as_bytes(mail: EmailMessage) -> bytes:
    """The message as an .eml file holds it and SMTP sends it: ASCII, CRLF line endings."""
    return mail.as_bytes(policy=MAIL_POLICY)


def _one_line(text: str) -> str:
    # A header cannot hold a line break; a subject typed over two YAML lines is one line to readers.
    return " ".join(text.split())


def address(value: str, what: str) -> Address:
    """``value`` as an address, or BadAddress saying why. Non-ASCII domains become their IDNA form."""
    local, at, domain = value.strip().rpartition("@")
    try:
        if not at or not local:
            raise ValueError("no @")
        if not domain.isascii():
            domain = domain.encode("idna").decode("ascii")
        parsed = Address(addr_spec=f"{local}@{domain}")
    except (ValueError, UnicodeError, email_errors.HeaderParseError):
        parsed = None
    # The parser silently drops comments and stray text; insist it read back what was written.
    if parsed is None or parsed.addr_spec != f"{local}@{domain}" or not parsed.addr_spec.isascii():
        raise BadAddress(f"{what}: {value!r} is not an e-mail address compose can send with, such as you@example.com")
    return parsed
