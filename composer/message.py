"""The issue as one email message: what an .eml file holds and what SMTP sends.

multipart/alternative, the plain text first and the HTML last (clients show the last part they
can display), from the publication's sender. Built with the standard library's email package
alone: writing an .eml needs no network module.

The models refuse what could smuggle a header in (headers.py); in case the email package writes
something else all the same (CVE-2024-6923), each message is read back before anyone gets it and
must hold exactly the headers and the two parts composer wrote, or it is refused (UnsafeMessage).
"""

from __future__ import annotations

from datetime import datetime
from email import errors as email_errors
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from .errors import BadAddress, NoSender, Problem, UnsafeMessage
from .headers import header_problem
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
    name, subject = _one_line(publication.sender.name), _one_line(composed.subject)
    _header_text(name, f"{where}: sender.name")
    _header_text(subject, f"{composed.source}: subject")
    # Each header as written, and as it must read back.
    headers: dict[str, str] = {"From": str(Address(name, sender.username, sender.domain))}
    if to is not None:
        headers["To"] = str(address(to, "the address to send to"))
    headers["Subject"] = subject
    headers["Date"] = format_datetime(now if now is not None else datetime.now().astimezone())
    headers["Message-ID"] = make_msgid(domain=sender.domain)
    unsubscribe = composed.links.unsubscribe
    # A mailing service's merge tag is only a placeholder until the service sends the email.
    if composed.links.service is None and unsubscribe and urlsplit(unsubscribe).scheme in ("http", "https", "mailto"):
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        if urlsplit(unsubscribe).scheme == "https":  # RFC 8058 allows one-click only over https
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = EmailMessage(policy=MAIL_POLICY)
    for header, value in headers.items():
        mail[header] = value
    mail.set_content(composed.text, subtype="plain", charset="utf-8")
    mail.add_alternative(composed.html, subtype="html", charset="utf-8")
    read_back(as_bytes(mail), headers, composed)
    return mail


def as_bytes(mail: EmailMessage) -> bytes:
    """The message as an .eml file holds it and SMTP sends it: ASCII, CRLF line endings."""
    return mail.as_bytes(policy=MAIL_POLICY)


def _header_text(text: str, what: str) -> None:
    # The models refuse these at their line; a subject made some other way is refused here.
    problem = header_problem(text)
    if problem:
        raise UnsafeMessage(f"{what}: {problem}")


# The headers composer writes on the message and on each part, beyond those in message()'s dict.
_MESSAGE_HEADERS = {"MIME-Version": "1.0", "Content-Type": "multipart/alternative"}
_PART_HEADERS = {"Content-Type", "Content-Transfer-Encoding", "MIME-Version"}


def read_back(data: bytes, headers: dict[str, str], composed: Composed) -> None:
    """Raise UnsafeMessage unless ``data``, parsed as a mail program parses it, has exactly
    ``headers`` (and the MIME ones) with their values, and the text and HTML parts composed."""
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    found = [name.lower() for name in parsed.keys()]
    meant = {**headers, **_MESSAGE_HEADERS}
    extra = sorted({name for name in parsed.keys() if found.count(name.lower()) > 1 or name not in meant})
    if extra or len(found) != len(meant):
        shown = ", ".join(extra) or "a header composer wrote"
        _refuse(composed, f"it would carry {shown}, which composer did not write")
    for name, value in meant.items():
        read = parsed.get_content_type() if name == "Content-Type" else str(parsed[name])
        if read != value:
            _refuse(composed, f"its {name} would read {read!r} instead of {value!r}")
    parts = list(parsed.iter_parts())
    types = [part.get_content_type() for part in parts]
    if types != ["text/plain", "text/html"] or parsed.defects:
        _refuse(composed, f"its parts would be {', '.join(types) or 'none'} instead of text/plain, text/html")
    for part, composed_text in zip(parts, (composed.text, composed.html), strict=True):
        content = part.get_content() if isinstance(part, EmailMessage) else None
        # Mail carries CRLF line ends and closes a part with one: compare the lines.
        if (
            not set(part.keys()) <= _PART_HEADERS
            or part.get_content_charset() != "utf-8"
            or not isinstance(content, str)
            or content.replace("\r\n", "\n").rstrip("\n") != composed_text.rstrip("\n")
        ):
            _refuse(composed, f"its {part.get_content_type()} part would not read back as composed")


def _refuse(composed: Composed, why: str) -> None:
    raise UnsafeMessage(
        f"{composed.source}: the email message would not read back as composed ({why}); nothing was "
        "written or sent. Look for unusual characters in the subject, the title or the sender's name"
    )


def _one_line(text: str) -> str:
    # A header cannot hold a line break; a subject typed over two YAML lines is one line to readers.
    return " ".join(text.split())


def address(value: str, what: str) -> Address:
    """``value`` as an address, or BadAddress saying why. Non-ASCII domains become their IDNA form."""
    problem = header_problem(value.strip())
    if problem:
        raise BadAddress(f"{what}: {value!r} {problem}")
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
