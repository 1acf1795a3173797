"""The issue as one email message: what an .eml file holds and what SMTP sends.

multipart/alternative, the plain text first and the HTML last (clients show the last part they
can display), from the publication's sender. Built with the standard library's email package
alone: writing an .eml needs no network module.

The models refuse what could smuggle a header in (headers.py); in case the email package writes
something else all the same (CVE-2024-6923), each message is read back before anyone gets it and
must hold exactly the headers and the two parts composer wrote, or it is refused (UnsafeMessage).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from email import errors as email_errors
from email import policy
from email.charset import Charset
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from typing import NoReturn
from urllib.parse import urlsplit

from ...core.headers import header_problem
from ...core.pipeline import Composed
from ...errors import BadAddress, NoSender, Problem, UnsafeMessage

# CRLF line endings as on the wire (RFC 5322), and 7-bit clean bodies (quoted-printable or base64,
# whichever is smaller) so any server relays the message unchanged and lines stay within limits.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")
UTF8 = Charset("utf-8")
LONGEST_LINE = 998  # characters, RFC 5322


def message(
    composed: Composed, to: str | Sequence[str] | None = None, now: datetime | None = None, subject_prefix: str = ""
) -> EmailMessage:
    """The issue as one email from the publication's sender (to ``to``, one address or several, when
    given), dated ``now``, its subject after ``subject_prefix`` (a test send's "[Test] ").

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
    name, subject = _one_line(publication.sender.name), _one_line(subject_prefix + composed.subject)
    _header_text(name, f"{where}: sender.name")
    _header_text(subject, f"{composed.source}: subject")
    # Each header as written, and as it must read back.
    headers: dict[str, str | Address] = {"From": Address(name, sender.username, sender.domain)}
    if to is not None:
        # Addresses are ASCII without names (address()): the header is written and read back as listed.
        recipients = [address(one, "the address to send to").addr_spec for one in ([to] if isinstance(to, str) else to)]
        headers["To"] = ", ".join(recipients)
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
        mail[header] = _Encoded(header, value) if not str(value).isascii() else value
    # Each part says its language (RFC 3282): readers' screen readers and translators go by it.
    lang = composed.loaded.lang
    mail.set_content(composed.text, subtype="plain", charset="utf-8", headers=[f"Content-Language: {lang}"])
    mail.add_alternative(composed.html, subtype="html", charset="utf-8", headers=[f"Content-Language: {lang}"])
    read_back(as_bytes(mail), {header: str(value) for header, value in headers.items()}, composed)
    return mail


def as_bytes(mail: EmailMessage) -> bytes:
    """The message as an .eml file holds it and SMTP sends it: ASCII, CRLF line endings."""
    return mail.as_bytes(policy=MAIL_POLICY)


class _Encoded(str):
    """A header with non-ASCII text that composer encodes itself (RFC 2047): the email package's own
    folding of a long one drops the space between two encoded words (Python 3.11.7: "Über die
    Lage — wörd wörd…" read back with words run together). The policy stores a value with a
    ``name`` as it is, and asks its ``fold`` for the header's lines."""

    name: str
    addresses: tuple[Address, ...]  # as the email package's address headers offer them (smtp.deliver)

    def __new__(cls, name: str, value: str | Address) -> _Encoded:
        encoded = super().__new__(cls, str(value))
        encoded.name, encoded.addresses = name, (value,) if isinstance(value, Address) else ()
        return encoded

    def fold(self, *, policy: policy.Policy) -> str:
        if self.addresses:
            # One encoded word: readers join a name's folded words with a space where there was none.
            [mailbox] = self.addresses
            return f"{self.name}: {UTF8.header_encode(mailbox.display_name)} <{mailbox.addr_spec}>{policy.linesep}"
        words = Header(str(self), UTF8, header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {words}{policy.linesep}"


def _header_text(text: str, what: str) -> None:
    # The models refuse these at their line; a subject made some other way is refused here.
    problem = header_problem(text)
    if problem:
        raise UnsafeMessage(f"{what}: {problem}")


# The headers composer writes on the message and on each part, beyond those in message()'s dict.
_MESSAGE_HEADERS = {"MIME-Version": "1.0", "Content-Type": "multipart/alternative"}
_PART_HEADERS = {"Content-Type", "Content-Transfer-Encoding", "MIME-Version", "Content-Language"}


def read_back(data: bytes, headers: dict[str, str], composed: Composed) -> None:
    """Raise UnsafeMessage unless ``data``, parsed as a mail program parses it, has exactly
    ``headers`` (and the MIME ones) with their values, and the text and HTML parts composed."""
    if max(len(line) for line in data.split(b"\r\n")) > LONGEST_LINE:
        _refuse(
            composed,
            f"a line would be longer than the {LONGEST_LINE} characters mail allows",
            "shorten the sender's name",
        )
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    names = list(parsed)
    meant = {**headers, **_MESSAGE_HEADERS}
    extra = sorted({name for name in names if name not in meant or names.count(name) > 1})
    if extra:
        _refuse(composed, f"it would carry {', '.join(extra)}, which composer did not write")
    missing = [name for name in meant if name not in names]
    if missing:
        _refuse(composed, f"it would lack {', '.join(missing)}")
    for name, value in meant.items():
        read = parsed.get_content_type() if name == "Content-Type" else str(parsed[name])
        # Folding may leave two spaces where there was one (Python 3.11.7): that changes no header.
        if _one_line(read) != value:
            _refuse(composed, f"its {name} would read {read!r} instead of {value!r}")
    parts = list(parsed.iter_parts())
    types = [part.get_content_type() for part in parts]
    if types != ["text/plain", "text/html"] or parsed.defects:
        _refuse(composed, f"its parts would be {', '.join(types) or 'none'} instead of text/plain, text/html")
    for part, composed_text in zip(parts, (composed.text, composed.html), strict=True):
        content = part.get_content() if isinstance(part, EmailMessage) else None
        # Mail carries CRLF line ends and closes a part with one: compare the lines.
        if (
            not set(part) <= _PART_HEADERS
            or part.get_content_charset() != "utf-8"
            or not isinstance(content, str)
            or content.replace("\r\n", "\n").rstrip("\n") != composed_text.rstrip("\n")
        ):
            _refuse(composed, f"its {part.get_content_type()} part would not read back as composed")


def _refuse(
    composed: Composed, why: str, hint: str = "look for unusual characters in the subject, title or sender's name"
) -> NoReturn:
    raise UnsafeMessage(
        f"{composed.source}: the email message would not read back as composed ({why}); "
        f"nothing was written or sent: {hint}"
    )


def _one_line(text: str) -> str:
    # A header cannot hold a line break; a subject typed over two YAML lines is one line to readers.
    # ASCII spaces only: the no-break space of a date ("5\u00a0décembre") stays in the subject.
    return " ".join(_ASCII_SPACES.split(text.strip(" \t\r\n\f\v")))


_ASCII_SPACES = re.compile(r"[ \t\r\n\f\v]+")


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
