"""Test sends over SMTP: where the server is, and handing it the message.

The settings come from COMPOSE_SMTP_* in the environment, each falling back to publication.yaml's
``smtp:`` (checked by models.Smtp, whose rules the environment's values go through too). The
password only ever comes from the environment and never appears in any message, repr or error text,
in any form it takes on the wire (base64 for AUTH PLAIN and LOGIN), whatever a server echoes back.

Every read waits at most the settings' ``timeout``, and the whole conversation (connect, STARTTLS,
login, send) at most their ``deadline``: a server trickling a byte a second cannot hold a send for
minutes. Once the whole message is on the wire, a failure is no longer "not sent": the server may
have taken it before it broke (DeliveryUncertain).
"""

from __future__ import annotations

import base64
import io
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from ...errors import (
    AuthenticationFailed,
    BadAddress,
    CannotConnect,
    DeliveryUncertain,
    RecipientRefused,
    SendFailed,
    ServerDisconnected,
    SmtpSettingsProblem,
    TimedOut,
    TlsFailed,
)
from ...limits import SMTP_DEADLINE_SECONDS, SMTP_READ_TIMEOUT_SECONDS
from .message import address, as_bytes

if TYPE_CHECKING:
    from ...core.models import Smtp

ENVIRONMENT_PREFIX = "COMPOSE_SMTP_"


@dataclass(frozen=True)
class SmtpSettings:
    """Where to send a test: the server, and how to log in to it. The password stays out of repr."""

    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = SMTP_READ_TIMEOUT_SECONDS  # for each answer
    deadline: float = SMTP_DEADLINE_SECONDS  # for the whole conversation

    @property
    def server(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"{host}:{self.port}"


def smtp_settings(environ: Mapping[str, str], publication: Smtp | Mapping[str, Any] | None = None) -> SmtpSettings:
    """The SMTP settings from COMPOSE_SMTP_* in ``environ``, each falling back to publication.yaml's
    ``smtp:`` (host, port, user, starttls). The password comes from the environment only.

    Both places obey the same rules, models.Smtp's. Raises SmtpSettingsProblem for a missing host
    or a value that makes no sense, naming the variable or key it came from.
    """
    from pydantic import ValidationError

    from ...core.models import Smtp

    given = publication.model_dump(exclude_none=True) if isinstance(publication, Smtp) else dict(publication or {})
    source = {name: f"publication.yaml: smtp: {name}" for name in given}
    for name in Smtp.model_fields:
        variable = ENVIRONMENT_PREFIX + name.upper()
        if environ.get(variable, "").strip():
            given[name], source[name] = environ[variable].strip(), variable
    try:
        checked = Smtp.model_validate(given)
    except ValidationError as error:
        detail = error.errors()[0]
        name = str(detail["loc"][0]) if detail["loc"] else ""
        message = str(detail["msg"]).removeprefix("Value error, ")
        raise SmtpSettingsProblem(f"{source.get(name, 'publication.yaml: smtp')}: {message}") from None
    if checked.host is None:
        raise SmtpSettingsProblem(
            f"no SMTP server to send through: set {ENVIRONMENT_PREFIX}HOST (and {ENVIRONMENT_PREFIX}PORT, "
            f"{ENVIRONMENT_PREFIX}USER, {ENVIRONMENT_PREFIX}PASSWORD, {ENVIRONMENT_PREFIX}STARTTLS as needed), "
            "or add smtp: with host: to publication.yaml"
        )
    password = environ.get(ENVIRONMENT_PREFIX + "PASSWORD") or None
    if checked.user is not None and password is None:
        raise SmtpSettingsProblem(
            f"{source['user']} is set but {ENVIRONMENT_PREFIX}PASSWORD is not: set the password in the environment "
            "(it is never read from a file nor from the command line)"
        )
    if checked.user is None and password is not None:
        raise SmtpSettingsProblem(
            f"{ENVIRONMENT_PREFIX}PASSWORD is set but no user to log in as: set {ENVIRONMENT_PREFIX}USER"
        )
    starttls = bool(checked.starttls)
    port = checked.port or (587 if starttls else 25)
    return SmtpSettings(checked.host, port, checked.user, password, starttls)


def deliver(
    mail: EmailMessage, settings: SmtpSettings, to: str | Sequence[str], *, context: ssl.SSLContext | None = None
) -> None:
    """Send ``mail`` to ``to`` (one address or several) through the server in ``settings``: STARTTLS
    when asked (verified with ``context``, by default the system's trusted certificates), then login
    when a user is set. The message goes to every recipient or, when the server refuses one, to none.

    Raises SendFailed (CannotConnect, TimedOut, AuthenticationFailed, TlsFailed, RecipientRefused,
    ServerDisconnected, DeliveryUncertain) with a plain message; BadAddress for ``to``.
    """
    recipients = [address(one, "the address to send to").addr_spec for one in ([to] if isinstance(to, str) else to)]
    recipient = ", ".join(recipients)
    from_header = mail["From"]
    if from_header is None or not from_header.addresses:
        raise BadAddress("the message has no From address to send from")
    sender = from_header.addresses[0].addr_spec
    data = as_bytes(mail)
    smtp: _Conversation | None = None
    step = "connect"  # what was under way when something failed, for the message
    clock = _Clock(settings)
    try:
        # Given the host here (not to connect()), smtplib also checks the TLS certificate against it.
        smtp = _Conversation(settings.host, settings.port, clock)
        if settings.starttls:
            step = "starttls"
            smtp.starttls(context=context or ssl.create_default_context())
        if settings.user:
            step = "login"
            smtp.login(settings.user, settings.password or "")
        step = "send"
        _send_to_all_or_none(smtp, sender, recipients, data)
    except (smtplib.SMTPException, OSError) as error:
        if smtp is not None:
            smtp.close()
        if smtp is not None and smtp.data_sent and not _a_refusal(error):
            failure: SendFailed = _uncertain(error, settings, recipient)
        else:
            failure = _explain(error, step, settings, sender, recipient)
        raise type(failure)(_scrub(str(failure), settings.user, settings.password)) from None
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass  # the message is sent: a server that fumbles the goodbye changes nothing for the reader
    finally:
        smtp.close()


def _send_to_all_or_none(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> None:
    """smtplib's sendmail, except that one refused recipient stops the message before DATA:
    sendmail would send it to the others, and report the refusal only when all were refused."""
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if refused:
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = smtp.data(data)
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


class _DeadlinePassed(TimeoutError):
    """The whole conversation's deadline passed (rather than one read's time-out)."""


class _Clock:
    """The time left of the whole conversation, shared out among its socket operations."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.ends = time.monotonic() + settings.deadline
        self.read_timeout = settings.timeout

    def next_timeout(self) -> tuple[float, bool]:
        """The time-out for the next operation, and whether the deadline (not the per-read time-out)
        sets it. Raises _DeadlinePassed when no time is left."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise _DeadlinePassed
        return min(left, self.read_timeout), left < self.read_timeout


class _Reader(io.RawIOBase):
    """The server's answers, each recv within the time left: smtplib's own reader would grant each
    recv the whole per-read time-out again, so a trickling server could hold it for ever."""

    def __init__(self, sock: socket.socket, clock: _Clock) -> None:
        self.sock, self.clock = sock, clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        timeout, by_deadline = self.clock.next_timeout()
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv_into(buffer)
        except TimeoutError:
            if by_deadline:
                raise _DeadlinePassed from None
            raise


class _Conversation(smtplib.SMTP):
    """smtplib's SMTP within the clock's deadline, knowing when the message has all been sent."""

    def __init__(self, host: str, port: int, clock: _Clock) -> None:
        self.clock = clock
        self.data_sent = False  # the message and its closing dot are on the wire: it may be delivered
        # Given no name to greet the server with, smtplib looks this machine's up (socket.getfqdn),
        # through DNS and with no time-out: _get_socket names it by its address instead.
        super().__init__(host, port, local_hostname=_address_literal("127.0.0.1"), timeout=clock.read_timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        """A connection to the first of the host's addresses that answers, the name looked up and
        each attempt made within the time left."""
        failure: OSError = OSError(f"no address found for {host}")
        for family, kind, protocol, _, where in _look_up(host, port, self.clock):
            timeout, by_deadline = self.clock.next_timeout()
            sock = socket.socket(family, kind, protocol)
            try:
                sock.settimeout(timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(where)
            except TimeoutError:
                sock.close()
                if by_deadline:
                    raise _DeadlinePassed from None
                failure = TimeoutError(f"connecting to {where[0]} timed out")
                continue
            except OSError as error:
                sock.close()
                failure = error
                continue
            self.local_hostname = _address_literal(sock.getsockname()[0])
            return sock
        raise failure

    def getreply(self) -> tuple[int, bytes]:
        if self.file is None and self.sock is not None:  # a new connection, or one just made TLS
            self.file = io.BufferedReader(_Reader(self.sock, self.clock))
        return super().getreply()

    def send(self, s: Any) -> None:
        by_deadline = False
        if self.sock is not None:
            timeout, by_deadline = self.clock.next_timeout()
            self.sock.settimeout(timeout)  # sendall's whole duration (Python 3.5+)
        try:
            super().send(s)
        except smtplib.SMTPServerDisconnected as error:
            if by_deadline and isinstance(error.__context__, TimeoutError):
                raise _DeadlinePassed from None
            raise
        # Commands go as text; only DATA's message, ending in its line of one dot, goes as bytes.
        self.data_sent = self.data_sent or isinstance(s, bytes | bytearray)


class _LookupTimedOut(TimeoutError):
    """The server's name was not looked up in time (a DNS server that does not answer)."""


_Address = tuple[socket.AddressFamily, socket.SocketKind, int, str, tuple[Any, ...]]


def _look_up(host: str, port: int, clock: _Clock) -> list[_Address]:
    """The host's addresses, looked up within the time left: the system's resolver takes no
    time-out, so it runs in a thread of its own, left behind (a daemon) if it does not answer."""
    found: list[_Address] = []
    failed: list[OSError] = []

    def look_up() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as error:
            failed.append(error)

    lookup = threading.Thread(target=look_up, name="composer-smtp-lookup", daemon=True)
    lookup.start()
    timeout, by_deadline = clock.next_timeout()
    lookup.join(timeout)
    if lookup.is_alive():
        raise _DeadlinePassed if by_deadline else _LookupTimedOut
    if failed:
        raise failed[0]
    return found


def _address_literal(address: str) -> str:
    """How SMTP names a machine by its address (RFC 5321, 4.1.3): [192.0.2.1], [IPv6:2001:db8::1]."""
    return f"[IPv6:{address}]" if ":" in address else f"[{address}]"


def _a_refusal(error: BaseException) -> bool:
    # A 4xx or 5xx answer to the message is the server's word that it did not take it.
    return isinstance(error, smtplib.SMTPResponseException) and 400 <= error.smtp_code < 600


def _uncertain(error: BaseException, settings: SmtpSettings, recipient: str) -> DeliveryUncertain:
    """The whole message reached the server, but not its answer: it may well be delivered."""
    if isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(error.__context__, OSError):
        error = error.__context__
    if isinstance(error, _DeadlinePassed):
        why = f"the send's {settings.deadline:g} seconds ran out while waiting for its answer"
    elif isinstance(error, TimeoutError):
        why = f"no answer within {settings.timeout:g} seconds"
    elif isinstance(error, smtplib.SMTPResponseException):
        why = f"an answer that makes no sense: {_reply(error)}"
    else:
        why = "the connection broke before its answer"
    return DeliveryUncertain(
        f"the SMTP server {settings.server} received the whole message but did not confirm it ({why}): "
        f"the server may have accepted the message: check the inbox of {recipient} before sending again"
    )


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
        whom = ", ".join(str(one) for one in error.recipients)
        if len(error.recipients) == len(recipient.split(", ")):
            return RecipientRefused(f"{server} refused the recipient {whom} ({replies})")
        return RecipientRefused(f"{server} refused the recipient {whom} ({replies}); nothing was sent to {recipient}")
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
    if isinstance(error, _DeadlinePassed):
        return TimedOut(
            f"{server} answered too slowly: the send was stopped after {settings.deadline:g} seconds, "
            "before the message went out; nothing was sent, try again later"
        )
    if isinstance(error, _LookupTimedOut):
        return TimedOut(
            f"cannot connect to {server}: looking up {settings.host} took over {settings.timeout:g} seconds; "
            "check the server's name and this machine's network (its DNS)"
        )
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


def _scrub(text: str, user: str | None, password: str | None) -> str:
    # Whatever a server echoes back, the password is not shown, in any form.
    for form in _password_forms(user, password):
        text = text.replace(form, "********")
    return text


def _password_forms(user: str | None, password: str | None) -> list[str]:
    """Every way ``password`` can come back in a server's answer, longest first: as typed; with
    its spaces joined as an answer's are; base64 alone (AUTH LOGIN) and inside AUTH PLAIN's
    "\\0user\\0password"; and the base64 characters that spell it alone at each of the three
    alignments it can have in a longer base64 string, for a server that echoes only part of a line.
    (CRAM-MD5 sends a keyed digest, from which the password cannot be read.)"""
    if not password:
        return []
    secret = password.encode()
    forms = {
        password,
        " ".join(password.split()),
        _base64(secret),
        _base64(b"\0%s\0%s" % ((user or "").encode(), secret)),
    }
    for shift in range(3):
        encoded = _base64(bytes(shift) + secret)
        # Characters 6 bits each: keep those made of the password's bits alone.
        core = encoded[-(-8 * shift // 6) : 8 * (shift + len(secret)) // 6]
        if len(core) >= 4:  # shorter would mask common words, and the whole forms above are masked anyway
            forms.add(core)
    return sorted(forms - {""}, key=len, reverse=True)


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
