"""Real mail: the issue as one email message (the .eml file), and a test send over SMTP.

The message is what any mail client opens as the reader will see it: multipart/alternative,
the plain text first and the HTML last (clients show the last part they can display).
The SMTP password only ever comes from the environment and never appears in any message,
repr or error text.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email import errors as email_errors
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from .errors import ComposerError, InvalidInput, Problem
from .pipeline import Composed

# CRLF line endings as on the wire (RFC 5322), and 7-bit clean bodies (quoted-printable or base64,
# whichever is smaller) so any server relays the message unchanged and lines stay within limits.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")
DEFAULT_TIMEOUT = 10.0  # seconds to wait for each answer of the SMTP server
ENVIRONMENT_PREFIX = "COMPOSE_SMTP_"
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class NoSender(InvalidInput):
    """publication.yaml has no sender, so the message has no From."""


class BadAddress(ComposerError):
    """An e-mail address the message cannot carry."""


class SmtpSettingsProblem(ComposerError):
    """The SMTP server is not configured, or configured wrongly."""


class SendFailed(ComposerError):
    """The SMTP server could not be reached, or did not take the message."""


class CannotConnect(SendFailed):
    pass


class TimedOut(SendFailed):
    pass


class AuthenticationFailed(SendFailed):
    pass


class TlsFailed(SendFailed):
    pass


class RecipientRefused(SendFailed):
    pass


class ServerDisconnected(SendFailed):
    pass


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
    sender = _address(publication.sender.email, f"{where}: sender.email")
    mail = EmailMessage(policy=MAIL_POLICY)
    mail["From"] = Address(_one_line(publication.sender.name), sender.username, sender.domain)
    if to is not None:
        mail["To"] = _address(to, "the address to send to")
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


def _address(value: str, what: str) -> Address:
    """``value`` as an address, or BadAddress saying why. Non-ASCII domains become their IDNA form."""
    local, at, domain = value.strip().rpartition("@")
    try:
        if not at or not local:
            raise ValueError("no @")
        if not domain.isascii():
            domain = domain.encode("idna").decode("ascii")
        address = Address(addr_spec=f"{local}@{domain}")
    except (ValueError, UnicodeError, email_errors.HeaderParseError):
        address = None
    # The parser silently drops comments and stray text; insist it read back what was written.
    if address is None or address.addr_spec != f"{local}@{domain}" or not address.addr_spec.isascii():
        raise BadAddress(f"{what}: {value!r} is not an e-mail address compose can send with, such as you@example.com")
    return address


@dataclass(frozen=True)
class SmtpSettings:
    """Where to send a test: the server, and how to log in to it. The password stays out of repr."""

    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = DEFAULT_TIMEOUT

    @property
    def server(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"{host}:{self.port}"


def smtp_settings(environ: Mapping[str, str], publication: Mapping[str, object] | None = None) -> SmtpSettings:
    """The SMTP settings from COMPOSE_SMTP_* in ``environ``, each falling back to publication.yaml's
    ``smtp:`` mapping (host, port, user, starttls). The password comes from the environment only.

    Raises SmtpSettingsProblem for a missing host or a value that makes no sense.
    """
    from_file = dict(publication or {})
    if "password" in from_file:
        raise SmtpSettingsProblem(
            "publication.yaml: smtp: password: the SMTP password is never read from a file; "
            f"remove it there and set {ENVIRONMENT_PREFIX}PASSWORD in the environment"
        )

    def setting(name: str) -> tuple[object, str] | None:
        """The value and where it came from, or None when neither place sets it."""
        variable = ENVIRONMENT_PREFIX + name.upper()
        if environ.get(variable, "").strip():
            return environ[variable].strip(), variable
        if from_file.get(name) not in (None, ""):
            return from_file[name], f"publication.yaml: smtp: {name}"
        return None

    host = setting("host")
    if host is None:
        raise SmtpSettingsProblem(
            f"no SMTP server to send through: set {ENVIRONMENT_PREFIX}HOST (and {ENVIRONMENT_PREFIX}PORT, "
            f"{ENVIRONMENT_PREFIX}USER, {ENVIRONMENT_PREFIX}PASSWORD, {ENVIRONMENT_PREFIX}STARTTLS as needed), "
            "or add smtp: with host: to publication.yaml"
        )
    host_name = str(host[0])
    if host_name.count(":") == 1 or any(character.isspace() or character in "/@" for character in host_name):
        raise SmtpSettingsProblem(
            f"{host[1]}: {host_name!r} is not a server name such as smtp.example.com "
            f"(the port goes in {ENVIRONMENT_PREFIX}PORT or smtp: port:)"
        )
    starttls = _yes_or_no(setting("starttls"))
    port = _port(setting("port"), 587 if starttls else 25)
    user = setting("user")
    password = environ.get(ENVIRONMENT_PREFIX + "PASSWORD") or None
    if user is not None and password is None:
        raise SmtpSettingsProblem(
            f"{user[1]} is set but {ENVIRONMENT_PREFIX}PASSWORD is not: set the password in the environment "
            "(it is never read from a file nor from the command line)"
        )
    if user is None and password is not None:
        raise SmtpSettingsProblem(
            f"{ENVIRONMENT_PREFIX}PASSWORD is set but no user to log in as: set {ENVIRONMENT_PREFIX}USER"
        )
    return SmtpSettings(host_name, port, str(user[0]) if user else None, password, starttls)


def _yes_or_no(value: tuple[object, str] | None) -> bool:
    if value is None:
        return False
    if isinstance(value[0], bool):
        return value[0]
    word = str(value[0]).strip().lower()
    if word in TRUE_WORDS + FALSE_WORDS:
        return word in TRUE_WORDS
    raise SmtpSettingsProblem(f"{value[1]}: {value[0]!r} is not one of {', '.join(TRUE_WORDS + FALSE_WORDS)}")


def _port(value: tuple[object, str] | None, default: int) -> int:
    if value is None:
        return default
    number = value[0]
    if isinstance(number, str) and number.strip().isdigit():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        raise SmtpSettingsProblem(f"{value[1]}: {value[0]!r} is not a port number from 1 to 65535, such as 587")
    return number


def send(mail: EmailMessage, settings: SmtpSettings, to: str, *, context: ssl.SSLContext | None = None) -> None:
    """Send ``mail`` to ``to`` through the server in ``settings``: STARTTLS when asked (verified with
    ``context``, by default the system's trusted certificates), then login when a user is set.

    Raises SendFailed (CannotConnect, TimedOut, AuthenticationFailed, TlsFailed, RecipientRefused,
    ServerDisconnected) with a plain message; BadAddress for ``to``.
    """
    recipient = _address(to, "the address to send to").addr_spec
    from_header = mail["From"]
    if from_header is None or not from_header.addresses:
        raise BadAddress("the message has no From address to send from")
    sender = from_header.addresses[0].addr_spec
    data = as_bytes(mail)
    smtp: smtplib.SMTP | None = None
    step = "connect"  # what was under way when something failed, for the message
    try:
        # Given the host here (not to connect()), smtplib also checks the TLS certificate against it.
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.starttls:
            step = "starttls"
            smtp.starttls(context=context or ssl.create_default_context())
        if settings.user:
            step = "login"
            smtp.login(settings.user, settings.password or "")
        step = "send"
        smtp.sendmail(sender, [recipient], data)
    except (smtplib.SMTPException, OSError) as error:
        if smtp is not None:
            smtp.close()
        failure = _explain(error, step, settings, sender, recipient)
        raise type(failure)(_scrub(str(failure), settings.password)) from None
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass  # the message is sent: a server that fumbles the goodbye changes nothing for the reader
    finally:
        smtp.close()


def _explain(error: BaseException, step: str, settings: SmtpSettings, sender: str, recipient: str) -> SendFailed:
    """The plain-words error for what smtplib or the network raised."""
    server = f"the SMTP server {settings.server}"
    # smtplib reports a read that timed out or broke TLS as a disconnection; the cause tells which.
    if isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(error.__context__, OSError):
        error = error.__context__
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return AuthenticationFailed(
            f"{server} refused the login for user {settings.user!r} ({_reply(error)}); "
            f"check {ENVIRONMENT_PREFIX}USER and {ENVIRONMENT_PREFIX}PASSWORD"
        )
    if isinstance(error, smtplib.SMTPNotSupportedError) and step == "starttls":
        return TlsFailed(f"{server} does not offer STARTTLS; unset {ENVIRONMENT_PREFIX}STARTTLS to send unencrypted")
    if isinstance(error, smtplib.SMTPNotSupportedError) and step == "login":
        hint = f"; set {ENVIRONMENT_PREFIX}STARTTLS=1, servers offer it only over TLS" if not settings.starttls else ""
        return AuthenticationFailed(f"{server} offers no login (AUTH){hint}")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(_reply_of(*reply) for reply in error.recipients.values())
        return RecipientRefused(f"{server} refused the recipient {recipient} ({replies})")
    if isinstance(error, smtplib.SMTPSenderRefused) and error.smtp_code == 530 and not settings.user:
        return AuthenticationFailed(  # 530: authentication required (RFC 4954)
            f"{server} requires a login ({_reply(error)}); "
            f"set {ENVIRONMENT_PREFIX}USER and {ENVIRONMENT_PREFIX}PASSWORD"
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return SendFailed(
            f"{server} refused the sender {sender} ({_reply(error)}); check sender: email in publication.yaml"
        )
    if isinstance(error, smtplib.SMTPDataError):
        return SendFailed(f"{server} refused the message ({_reply(error)})")
    if isinstance(error, smtplib.SMTPConnectError):
        return CannotConnect(f"{server} turned the connection away ({_reply(error)})")
    if isinstance(error, smtplib.SMTPResponseException):
        return SendFailed(f"{server} answered with an error ({_reply(error)})")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return ServerDisconnected(f"{server} closed the connection unexpectedly")
    if isinstance(error, ssl.SSLCertVerificationError):
        return TlsFailed(f"TLS with {server} failed: its certificate is not trusted ({error.verify_message})")
    if isinstance(error, ssl.SSLError):
        return TlsFailed(f"TLS with {server} failed ({error.reason or error.strerror or 'no reason given'})")
    if isinstance(error, TimeoutError):
        hint = (
            "; port 465 expects TLS from the first byte, which compose does not speak: "
            f"use port 587 with {ENVIRONMENT_PREFIX}STARTTLS=1"
            if settings.port == 465
            else ""
        )
        return TimedOut(f"{server} did not answer within {settings.timeout:g} seconds{hint}")
    if isinstance(error, ConnectionRefusedError):
        return CannotConnect(f"cannot connect to {server}: connection refused")
    if isinstance(error, OSError) and step == "connect":
        # socket.gaierror and its kin: no such host name, no route to the host.
        return CannotConnect(f"cannot connect to {server}: {error.strerror or error}")
    if isinstance(error, OSError):
        return ServerDisconnected(f"the connection to {server} broke: {error.strerror or error}")
    return SendFailed(f"sending through {server} failed: {error}")


def _reply(error: smtplib.SMTPResponseException) -> str:
    return _reply_of(error.smtp_code, error.smtp_error)


def _reply_of(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()


def _scrub(text: str, password: str | None) -> str:
    # Whatever a server echoes back, the password is not shown.
    return text.replace(password, "********") if password else text
