"""Real mail: the .eml message read back with the standard library, and test sends through real SMTP
servers (aiosmtpd, plain sockets) that the tests start on 127.0.0.1."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from composer import errors
from composer.commands.send import message, smtp
from composer.core import esp
from composer.core.pipeline import Composed, compose
from composer.core.render import RenderOptions
from composer.errors import ComposerError, InvalidInput

from .conftest import PUBLICATION, SAMPLE, MakeIssue, cli

NOW = datetime(2017, 11, 9, 6, 30, tzinfo=UTC)
READER = "reader@example.org"
SENDER = "sender:\n  name: The Daily Test\n  email: desk@news.example.com\n"
PUBLICATION_WITH_SENDER = PUBLICATION + SENDER
USER, PASSWORD = "editor", "correct horse battery staple"

# A self-signed certificate for 127.0.0.1 (valid 2000-2999) and its key, made for these tests only:
# the STARTTLS server presents it; only a client told to trust it may accept it.
TEST_CERTIFICATE = """\
-----BEGIN CERTIFICATE-----
MIIB1DCCAXqgAwIBAgIUVRxjH2UzSgEl6BezaPzTvzEGTnUwCgYIKoZIzj0EAwIw
JDEiMCAGA1UEAwwZY29tcG9zZXIgdGVzdCBTTVRQIHNlcnZlcjAgFw0wMDAxMDEw
MDAwMDBaGA8yOTk5MTIzMTAwMDAwMFowJDEiMCAGA1UEAwwZY29tcG9zZXIgdGVz
dCBTTVRQIHNlcnZlcjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJ3TCgxzTeFm
cHEluhV3DGFnzKQJGcx/0ysO7qKTbGW+dT7B5ftCc2vkUwdTjsmnVRPP0I0InO5x
kRdhjkc6MFqjgYcwgYQwDwYDVR0RBAgwBocEfwAAATAMBgNVHRMBAf8EAjAAMA4G
A1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATAdBgNVHQ4EFgQUB8jz
YPVXFWV9r6tdHsgdJJohzv8wHwYDVR0jBBgwFoAUB8jzYPVXFWV9r6tdHsgdJJoh
zv8wCgYIKoZIzj0EAwIDSAAwRQIhAI1L/CUtVXv1LmwYV0/4jtjigAOCYgn670jl
FuyHphlcAiA1bqiV+LGuwzK6Unw+BZibG0LuR4VIP+KpB5/9bTJUUQ==
-----END CERTIFICATE-----
"""
TEST_KEY = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgj8wzWq/g40E94WMj
+VjURXAvAo8DcgKhnMWXjS4Ow9ehRANCAASd0woMc03hZnBxJboVdwxhZ8ykCRnM
f9MrDu6ik2xlvnU+weX7QnNr5FMHU47Jp1UTz9CNCJzucZEXYY5HOjBa
-----END PRIVATE KEY-----
"""


def parse(data: bytes) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    return parsed


def as_typed(part: EmailMessage) -> str:
    """A part's text as the editor's tool wrote it: mail carries CRLF, and ends the part with one."""
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def assert_is_the_issue(parsed: EmailMessage, composed: Composed, subject_prefix: str = "") -> None:
    """Parts, their order, charset and bodies: what a mail client shows is what compose made."""
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["MIME-Version"] == "1.0"
    parts = list(parsed.iter_parts())
    # Clients show the last part they can display: the HTML must come after the plain text.
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(isinstance(part, EmailMessage) for part in parts)
    text, html = parts
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    assert [text.get_content_charset(), html.get_content_charset()] == ["utf-8", "utf-8"]
    assert as_typed(text) == composed.text
    assert as_typed(html).removesuffix("\n") == composed.html.removesuffix("\n")
    assert parsed["Subject"] == subject_prefix + composed.subject


# --- the message -------------------------------------------------------------------------------


def test_the_sample_is_text_then_html_with_the_headers_a_client_needs() -> None:
    composed = compose(SAMPLE)
    parsed = parse(message.as_bytes(message.message(composed, to=READER, now=NOW)))

    assert_is_the_issue(parsed, composed)
    assert parsed["Subject"] == "Executive Summary for November\u00a09th"  # the title's no-break space
    [sender] = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Syria Deeply", "newsletter@example.com")
    assert [address.addr_spec for address in parsed["To"].addresses] == [READER]
    assert parsed["Date"].datetime == NOW
    assert parsed["Message-ID"].startswith("<") and parsed["Message-ID"].endswith("@example.com>")
    assert parsed["List-Unsubscribe"] == "<https://www.newsdeeply.com/syria/unsubscribe>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_eml_is_ascii_with_crlf_lines_any_server_relays_unchanged() -> None:
    data = message.as_bytes(message.message(compose(SAMPLE), now=NOW))
    assert data.isascii()  # non-ASCII travels encoded (RFC 2047 headers, quoted-printable bodies)
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only, as on the wire and as Outlook writes .eml
    assert max(len(line) for line in data.split(b"\r\n")) <= 998  # RFC 5322's hard limit
    assert not data.startswith(b"To:")  # no To header unless a recipient is given
    assert "To" not in parse(data)


def test_each_message_has_its_own_message_id() -> None:
    # Clients and Gmail drop a second message with an ID they have seen: each test send must arrive.
    composed = compose(SAMPLE)
    assert message.message(composed)["Message-ID"] != message.message(composed)["Message-ID"]


def test_the_date_defaults_to_now_with_a_time_zone() -> None:
    assert parse(message.as_bytes(message.message(compose(SAMPLE))))["Date"].datetime.tzinfo is not None


@pytest.mark.parametrize("name", sorted(esp.SERVICES))
def test_a_services_merge_tag_is_no_list_unsubscribe_header(name: str) -> None:
    composed = compose(SAMPLE, RenderOptions(service=name))
    parsed = parse(message.as_bytes(message.message(composed, now=NOW)))
    assert "List-Unsubscribe" not in parsed and "List-Unsubscribe-Post" not in parsed
    assert_is_the_issue(parsed, composed)  # the tags stay in the bodies, for the service to fill in


@pytest.mark.parametrize(
    ("unsubscribe_url", "header", "one_click"),
    [
        ("mailto:leave@news.example.com", "<mailto:leave@news.example.com>", False),
        ("http://news.example.com/leave", "<http://news.example.com/leave>", False),  # one-click needs https
        ("https://news.example.com/leave?list=daily", "<https://news.example.com/leave?list=daily>", True),
    ],
)
def test_list_unsubscribe_follows_the_publications_url(
    make_issue: MakeIssue, unsubscribe_url: str, header: str, one_click: bool
) -> None:
    issue = make_issue(publication=PUBLICATION + SENDER + f"unsubscribe_url: {unsubscribe_url}\n")
    parsed = parse(message.as_bytes(message.message(compose(issue), now=NOW)))
    assert parsed["List-Unsubscribe"] == header
    assert ("List-Unsubscribe-Post" in parsed) is one_click


def test_no_unsubscribe_url_means_no_list_unsubscribe_header(make_issue: MakeIssue) -> None:
    parsed = parse(message.as_bytes(message.message(compose(make_issue(publication=PUBLICATION + SENDER)), now=NOW)))
    assert "List-Unsubscribe" not in parsed


def test_non_ascii_sender_name_and_subject_are_encoded_and_read_back(make_issue: MakeIssue) -> None:
    publication = PUBLICATION + 'sender:\n  name: "Délégation Süd, Inc."\n  email: desk@news.example.com\n'
    issue = make_issue("subject: Über die Lage — 9. November\n" + ISSUE_BODY, publication)
    data = message.as_bytes(message.message(compose(issue), now=NOW))
    assert data.isascii()
    parsed = parse(data)
    [sender] = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Délégation Süd, Inc.", "desk@news.example.com")
    assert parsed["Subject"] == "Über die Lage — 9. November"


def test_a_subject_typed_over_two_lines_is_one_header_line(make_issue: MakeIssue) -> None:
    issue = make_issue("subject: |\n  Two lines\n  of subject\n" + ISSUE_BODY, PUBLICATION + SENDER)
    assert parse(message.as_bytes(message.message(compose(issue))))["Subject"] == "Two lines of subject"


def test_an_international_sender_domain_goes_out_in_its_ascii_form(make_issue: MakeIssue) -> None:
    issue = make_issue(publication=PUBLICATION + "sender:\n  name: Bücher\n  email: brief@bücher.example\n")
    parsed = parse(message.as_bytes(message.message(compose(issue))))
    assert parsed["From"].addresses[0].addr_spec == "brief@xn--bcher-kva.example"
    assert parsed["Message-ID"].endswith("@xn--bcher-kva.example>")


def test_no_sender_asks_for_one_in_publication_yaml(make_issue: MakeIssue) -> None:
    issue = make_issue()  # PUBLICATION has no sender
    with pytest.raises(errors.NoSender) as caught:
        message.message(compose(issue))
    assert isinstance(caught.value, ComposerError)
    [problem] = caught.value.problems
    assert problem.path == str(issue.parent / "publication.yaml")
    assert problem.field == "sender"
    assert "add sender: with name: and email:" in problem.message and "publication.yaml" in problem.message


@pytest.mark.parametrize("address", ["reader at example.org", "a@b@example.org", "reader(me)@example.org", "@x.org"])
def test_a_recipient_that_is_no_address_is_refused(address: str) -> None:
    with pytest.raises(errors.BadAddress, match="is not an e-mail address"):
        message.message(compose(SAMPLE), to=address)


def test_a_sender_address_mail_cannot_carry_is_refused_at_its_line(make_issue: MakeIssue) -> None:
    issue = make_issue(publication=PUBLICATION + "sender:\n  name: Desk\n  email: desk,news@example.com\n")
    with pytest.raises(InvalidInput) as caught:
        compose(issue)
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == ("sender.email", PUBLICATION.count("\n") + 3)
    assert problem.message == "'desk,news@example.com' is not an e-mail address such as editors@example.com"


@pytest.mark.parametrize(
    ("subject", "name"),
    [
        ("Über die Lage — " + " ".join(["Wörter"] * 30), "Délégation Süd, " + " ".join(["Nachrichten"] * 8)),
        ("日本語のニュース" * 12, "日本語のニュース" * 6),
        ("Ελληνικά νέα " * 10 + "τέλος", 'Zoë (the desk) "quoted"'),
    ],
)
def test_long_non_ascii_subjects_and_names_read_back_word_for_word(
    make_issue: MakeIssue, subject: str, name: str
) -> None:
    # Python 3.11.7's own folding ran two words of such a subject together: composer encodes them itself.
    publication = PUBLICATION + f"sender:\n  name: '{name}'\n  email: desk@news.example.com\n"
    issue = make_issue(f"subject: {subject}\n" + ISSUE_BODY, publication)
    data = message.as_bytes(message.message(compose(issue), to=READER, now=NOW))
    assert data.isascii() and max(len(line) for line in data.split(b"\r\n")) <= 998
    parsed = parse(data)
    assert parsed["Subject"] == subject
    [sender] = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, "desk@news.example.com")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ((b"\r\nDate:", b"\r\nBcc: v@example.net\r\nDate:"), "it would carry Bcc, which composer did not write"),
        ((b"\r\nDate:", b"\r\nSubject: Another\r\nDate:"), "it would carry Subject, which composer did not write"),
        (
            (b"Subject: =?utf-8?q?Exec", b"Subject: =?utf-8?q?x?= =?utf-8?q?Exec"),
            "its Subject would read 'xExecutive Summary",
        ),
        ((b"Content-Type: text/html", b"Content-Type: text/x-other"), "its parts would be text/plain, text/x-other"),
        ((b"We review", b"We hide"), "its text/plain part would not read back as composed"),
    ],
)
def test_a_message_that_does_not_read_back_as_composed_is_refused(change: tuple[bytes, bytes], why: str) -> None:
    composed = compose(SAMPLE)
    mail = message.message(composed, now=NOW)
    data = message.as_bytes(mail)
    assert change[0] in data
    meant = {name: str(value) for name, value in mail.items() if name not in ("MIME-Version", "Content-Type")}
    message.read_back(data, meant, composed)  # as built: it reads back
    with pytest.raises(errors.UnsafeMessage) as caught:
        message.read_back(data.replace(*change, 1), meant, composed)
    assert str(caught.value).startswith(f"{SAMPLE}: the email message would not read back as composed ({why}")
    assert str(caught.value).endswith(
        "nothing was written or sent: look for unusual characters in the subject, title or sender's name"
    )


ISSUE_BODY = """\
date: 2020-02-03
summary: A short summary.
stories:
  - headline: First headline
    body: |
      First paragraph.

      ...and a paragraph that starts with dots, which SMTP must carry as typed.
"""


# --- the settings ------------------------------------------------------------------------------


def test_settings_come_from_the_environment() -> None:
    environ = {
        "COMPOSE_SMTP_HOST": "smtp.example.com",
        "COMPOSE_SMTP_PORT": "2525",
        "COMPOSE_SMTP_USER": USER,
        "COMPOSE_SMTP_PASSWORD": PASSWORD,
        "COMPOSE_SMTP_STARTTLS": "yes",
    }
    assert smtp.smtp_settings(environ) == smtp.SmtpSettings("smtp.example.com", 2525, USER, PASSWORD, True, 10.0, 60.0)


def test_each_setting_falls_back_to_publication_yaml_and_the_environment_wins() -> None:
    from_file = {"host": "smtp.example.com", "port": 2525, "user": USER, "starttls": True}
    settings = smtp.smtp_settings({"COMPOSE_SMTP_PASSWORD": PASSWORD}, from_file)
    assert settings == smtp.SmtpSettings("smtp.example.com", 2525, USER, PASSWORD, True)
    settings = smtp.smtp_settings({"COMPOSE_SMTP_PASSWORD": PASSWORD, "COMPOSE_SMTP_HOST": "relay.test"}, from_file)
    assert (settings.host, settings.port) == ("relay.test", 2525)
    settings = smtp.smtp_settings({"COMPOSE_SMTP_PASSWORD": PASSWORD, "COMPOSE_SMTP_STARTTLS": "0"}, from_file)
    assert settings.starttls is False


@pytest.mark.parametrize(("starttls", "port"), [("", 25), ("true", 587), ("no", 25)])
def test_the_port_defaults_to_587_with_starttls_and_25_without(starttls: str, port: int) -> None:
    settings = smtp.smtp_settings({"COMPOSE_SMTP_HOST": "smtp.example.com", "COMPOSE_SMTP_STARTTLS": starttls})
    assert settings.port == port


def test_no_host_says_where_to_set_one() -> None:
    with pytest.raises(errors.SmtpSettingsProblem) as caught:
        smtp.smtp_settings({"COMPOSE_SMTP_USER": USER, "COMPOSE_SMTP_PASSWORD": PASSWORD}, {"port": 587})
    assert "set COMPOSE_SMTP_HOST" in str(caught.value) and "smtp: with host: to publication.yaml" in str(caught.value)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"COMPOSE_SMTP_PORT": "smtp"}, "COMPOSE_SMTP_PORT: 'smtp' is not a port number from 1 to 65535"),
        ({"COMPOSE_SMTP_PORT": "70000"}, "COMPOSE_SMTP_PORT: '70000' is not a port number from 1 to 65535"),
        ({"COMPOSE_SMTP_STARTTLS": "maybe"}, "COMPOSE_SMTP_STARTTLS: 'maybe' is not one of 1, true, yes, on, 0"),
        ({"COMPOSE_SMTP_USER": USER}, "COMPOSE_SMTP_USER is set but COMPOSE_SMTP_PASSWORD is not"),
        ({"COMPOSE_SMTP_HOST": "smtp.example.com:587"}, "the port is a setting of its own"),
    ],
)
def test_settings_that_make_no_sense_are_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(errors.SmtpSettingsProblem, match=message):
        smtp.smtp_settings({"COMPOSE_SMTP_HOST": "smtp.example.com", **environ})


def test_a_password_without_a_user_is_an_error_that_does_not_show_it() -> None:
    with pytest.raises(errors.SmtpSettingsProblem) as caught:
        smtp.smtp_settings({"COMPOSE_SMTP_HOST": "smtp.example.com", "COMPOSE_SMTP_PASSWORD": PASSWORD})
    assert "set COMPOSE_SMTP_USER" in str(caught.value) and PASSWORD not in str(caught.value)


def test_a_password_in_publication_yaml_is_refused_without_repeating_it() -> None:
    with pytest.raises(errors.SmtpSettingsProblem) as caught:
        smtp.smtp_settings({}, {"host": "smtp.example.com", "user": USER, "password": PASSWORD})
    assert "set COMPOSE_SMTP_PASSWORD in the environment" in str(caught.value)
    assert PASSWORD not in str(caught.value) and PASSWORD not in repr(caught.value)


def test_the_password_is_not_in_the_settings_repr() -> None:
    settings = smtp.smtp_settings(
        {"COMPOSE_SMTP_HOST": "smtp.example.com", "COMPOSE_SMTP_USER": USER, "COMPOSE_SMTP_PASSWORD": PASSWORD}
    )
    assert settings.password == PASSWORD
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings) and USER in repr(settings)


# --- sending through real servers on 127.0.0.1 -------------------------------------------------


@dataclass
class Received:
    sender: str | None
    recipients: list[str]
    data: bytes
    over_tls: bool
    login: bytes | None


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, and refuses one recipient."""

    refused = "nobody@example.org"

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address == self.refused:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, bool(session.ssl), login)
        )
        return "250 OK: queued"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    right = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=right, handled=False, auth_data=auth_data)  # handled=False: aiosmtpd replies 535


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., tuple[int, Mailbox]]]:
    """smtp_server(**aiosmtpd_options) -> (port, mailbox) of a real SMTP server on 127.0.0.1."""
    controllers: list[Controller] = []

    def start(**options: Any) -> tuple[int, Mailbox]:
        mailbox, port = Mailbox(), free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="localhost", **options)
        controller.start()
        controllers.append(controller)
        return port, mailbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(the server's TLS context, a client context that trusts the test certificate)."""
    (tmp_path / "cert.pem").write_text(TEST_CERTIFICATE)
    (tmp_path / "key.pem").write_text(TEST_KEY)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server, ssl.create_default_context(cadata=TEST_CERTIFICATE)


def local(port: int, **settings: Any) -> smtp.SmtpSettings:
    return smtp.SmtpSettings("127.0.0.1", port, **settings)


def test_the_sample_arrives_byte_for_byte_and_reads_as_composed(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server()
    composed = compose(SAMPLE)
    mail = message.message(composed, to=READER, now=NOW)

    smtp.deliver(mail, local(port), READER)

    [received] = mailbox.received
    assert received.sender == "newsletter@example.com" and received.recipients == [READER]
    assert received.data == message.as_bytes(mail)  # what was sent is what the .eml holds
    parsed = parse(received.data)
    assert_is_the_issue(parsed, composed)
    assert parsed["From"].addresses[0].addr_spec == "newsletter@example.com"
    assert parsed["Date"].datetime == NOW
    assert parsed["Message-ID"] == mail["Message-ID"]
    assert parsed["List-Unsubscribe"] == "<https://www.newsdeeply.com/syria/unsubscribe>"


def test_lines_that_start_with_a_dot_arrive_as_typed(
    make_issue: MakeIssue, smtp_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = smtp_server()
    composed = compose(make_issue(ISSUE_BODY, PUBLICATION + SENDER))
    mail = message.message(composed, to=READER)
    assert b"\r\n..." in message.as_bytes(mail)  # SMTP ends the data at a line of one dot: stuffing matters
    smtp.deliver(mail, local(port), READER)
    [received] = mailbox.received
    assert received.data == message.as_bytes(mail)
    plain = parse(received.data).get_body(("plain",))
    assert isinstance(plain, EmailMessage)
    assert "\n...and a paragraph" in as_typed(plain)


def test_nothing_listening_is_connection_refused() -> None:
    port = free_port()
    with pytest.raises(errors.CannotConnect) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port), READER)
    assert str(caught.value) == f"cannot connect to the SMTP server 127.0.0.1:{port}: connection refused"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_right_password_logs_in_and_sends(smtp_server: Callable[..., tuple[int, Mailbox]]) -> None:
    port, mailbox = smtp_server(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    smtp.deliver(message.message(compose(SAMPLE)), local(port, user=USER, password=PASSWORD), READER)
    [received] = mailbox.received
    assert received.login == USER.encode() and received.recipients == [READER]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_wrong_password_is_an_authentication_error_that_does_not_show_it(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    wrong = "Tr0ub4dor&3"
    with pytest.raises(errors.AuthenticationFailed) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port, user=USER, password=wrong), READER)
    text = str(caught.value)
    assert text.startswith(f"the SMTP server 127.0.0.1:{port} refused the login for user 'editor' (535 ")
    assert text.endswith("check COMPOSE_SMTP_USER and COMPOSE_SMTP_PASSWORD")
    assert wrong not in text and wrong not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no smtplib traceback attached
    assert mailbox.received == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_that_requires_a_login_says_so_when_none_is_set(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    with pytest.raises(errors.AuthenticationFailed) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port), READER)
    assert str(caught.value) == (
        f"the SMTP server 127.0.0.1:{port} requires a login (530 5.7.0 Authentication required); "
        "set COMPOSE_SMTP_USER and COMPOSE_SMTP_PASSWORD"
    )
    assert mailbox.received == []


def test_a_login_where_the_server_offers_none_suggests_starttls(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server()  # aiosmtpd offers AUTH only over TLS by default
    with pytest.raises(errors.AuthenticationFailed) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port, user=USER, password=PASSWORD), READER)
    assert str(caught.value) == (
        f"the SMTP server 127.0.0.1:{port} offers no login (AUTH); "
        "set COMPOSE_SMTP_STARTTLS=1, servers offer it only over TLS"
    )
    assert mailbox.received == []


def test_a_server_that_never_answers_times_out() -> None:
    # The kernel completes the TCP handshake for a listening socket; nobody ever greets.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        with pytest.raises(errors.TimedOut) as caught:
            smtp.deliver(message.message(compose(SAMPLE)), local(port, timeout=0.5), READER)
    assert str(caught.value) == f"the SMTP server 127.0.0.1:{port} did not answer within 0.5 seconds"


def test_a_refused_recipient_is_named_with_the_servers_reply(smtp_server: Callable[..., tuple[int, Mailbox]]) -> None:
    port, mailbox = smtp_server()
    with pytest.raises(errors.RecipientRefused) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port), Mailbox.refused)
    assert str(caught.value) == (
        f"the SMTP server 127.0.0.1:{port} refused the recipient nobody@example.org (550 5.1.1 no such mailbox here)"
    )
    assert mailbox.received == []


def test_one_refused_recipient_among_several_stops_the_message_for_all(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server()
    with pytest.raises(errors.RecipientRefused) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port), [READER, Mailbox.refused])
    assert str(caught.value) == (
        f"the SMTP server 127.0.0.1:{port} refused the recipient nobody@example.org (550 5.1.1 no such mailbox "
        f"here); nothing was sent to {READER}, nobody@example.org"
    )
    assert mailbox.received == []


def test_a_server_that_hangs_up_is_reported() -> None:
    def greet_then_hang_up(listener: socket.socket) -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(b"220 localhost ESMTP\r\n")
            connection.recv(1024)  # the EHLO, left unanswered

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        server = threading.Thread(target=greet_then_hang_up, args=(listener,), daemon=True)
        server.start()
        with pytest.raises(errors.ServerDisconnected) as caught:
            smtp.deliver(message.message(compose(SAMPLE)), local(port, timeout=5), READER)
        server.join()
    assert str(caught.value) == f"the SMTP server 127.0.0.1:{port} closed the connection unexpectedly"


def test_starttls_encrypts_the_send(
    smtp_server: Callable[..., tuple[int, Mailbox]], tls_files: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    server_context, trusting_client = tls_files
    port, mailbox = smtp_server(tls_context=server_context, require_starttls=True)
    mail = message.message(compose(SAMPLE), to=READER)
    smtp.deliver(mail, local(port, starttls=True), READER, context=trusting_client)
    [received] = mailbox.received
    assert received.over_tls and received.data == message.as_bytes(mail)


def test_an_untrusted_certificate_is_a_tls_error(
    smtp_server: Callable[..., tuple[int, Mailbox]], tls_files: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    server_context, _ = tls_files
    port, mailbox = smtp_server(tls_context=server_context, require_starttls=True)
    with pytest.raises(errors.TlsFailed) as caught:  # the system's trusted certificates, as for a real send
        smtp.deliver(message.message(compose(SAMPLE)), local(port, starttls=True), READER)
    assert str(caught.value).startswith(
        f"TLS with the SMTP server 127.0.0.1:{port} failed: its certificate is not trusted (self"
    )
    assert mailbox.received == []


def test_starttls_asked_of_a_server_without_it_is_a_tls_error(smtp_server: Callable[..., tuple[int, Mailbox]]) -> None:
    port, mailbox = smtp_server()
    with pytest.raises(errors.TlsFailed) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port, starttls=True), READER)
    assert str(caught.value) == (
        f"the SMTP server 127.0.0.1:{port} does not offer STARTTLS; unset COMPOSE_SMTP_STARTTLS to send unencrypted"
    )
    assert mailbox.received == []


# --- through the command line ------------------------------------------------------------------


def test_eml_flag_writes_the_message_beside_the_html(tmp_path: Path) -> None:
    result = cli(SAMPLE, "--eml", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    parsed = parse((tmp_path / "out" / "2017-11-09.eml").read_bytes())
    assert_is_the_issue(parsed, compose(SAMPLE))
    assert "2017-11-09.eml" in result.stdout


def test_eml_without_a_sender_writes_nothing(make_issue: MakeIssue, tmp_path: Path) -> None:
    issue = make_issue()  # conftest's publication has no sender
    result = cli(issue, "--eml", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "sender: no sender to send the email from" in result.stderr
    assert not (tmp_path / "out").exists()


def test_send_delivers_the_sample_through_the_environments_server(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server()
    env = {"COMPOSE_SMTP_HOST": "127.0.0.1", "COMPOSE_SMTP_PORT": str(port)}
    result = cli("send", SAMPLE, "--to", "editor@example.org", env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"sent {SAMPLE} to editor@example.org through 127.0.0.1:{port}\n"
    [received] = mailbox.received
    assert received.recipients == ["editor@example.org"]
    assert_is_the_issue(parse(received.data), compose(SAMPLE), "[Test] ")


def test_send_with_a_wrong_password_exits_1_without_showing_it(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server(authenticator=authenticator, auth_require_tls=False)
    env = {
        "COMPOSE_SMTP_HOST": "127.0.0.1",
        "COMPOSE_SMTP_PORT": str(port),
        "COMPOSE_SMTP_USER": USER,
        "COMPOSE_SMTP_PASSWORD": "not-the-" + PASSWORD,
    }
    result = cli("send", SAMPLE, "--to", "editor@example.org", env=env)
    assert result.exit_code == 1
    assert PASSWORD not in result.output and "Traceback" not in result.output
    assert mailbox.received == []


def test_send_refused_connection_exits_1_with_a_clear_message() -> None:
    port = free_port()
    result = cli(
        "send",
        SAMPLE,
        "--to",
        "editor@example.org",
        env={"COMPOSE_SMTP_HOST": "127.0.0.1", "COMPOSE_SMTP_PORT": str(port)},
    )
    assert result.exit_code == 1
    # check's warnings first (the sample has one), then why nothing went out.
    assert result.stderr == (
        f"{sample_warnings()}cannot connect to the SMTP server 127.0.0.1:{port}: connection refused\n"
    )


def test_nothing_is_sent_when_check_finds_an_error(
    make_issue: MakeIssue, smtp_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = smtp_server()
    issue = make_issue(publication=PUBLICATION_WITH_SENDER)  # a sender, but no unsubscribe link
    env = {"COMPOSE_SMTP_HOST": "127.0.0.1", "COMPOSE_SMTP_PORT": str(port)}
    result = cli("send", issue, "--to", "editor@example.org", env=env)
    assert result.exit_code == 1
    assert ": error: unsubscribe-missing: " in result.stderr and "nothing sent" in result.stderr
    assert mailbox.received == []


def test_nothing_is_sent_when_the_issue_does_not_validate(
    make_issue: MakeIssue, smtp_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = smtp_server()
    issue = make_issue("date: 2020-02-03\nsummary: x\nstories: []\n")
    env = {"COMPOSE_SMTP_HOST": "127.0.0.1", "COMPOSE_SMTP_PORT": str(port)}
    result = cli("send", issue, "--to", "editor@example.org", env=env)
    assert result.exit_code == 1 and "stories: needs at least one item" in result.stderr
    assert mailbox.received == []


def test_smtp_settings_in_publication_yaml_and_a_password_there_is_refused(
    make_issue: MakeIssue, smtp_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = smtp_server()
    settings = f"unsubscribe_url: https://news.example.com/u\nsmtp:\n  host: 127.0.0.1\n  port: {port}\n"
    issue = make_issue(publication=PUBLICATION_WITH_SENDER + settings)
    result = cli("send", issue, "--to", "editor@example.org", env={"COMPOSE_SMTP_HOST": ""})
    assert result.exit_code == 0, result.output
    assert len(mailbox.received) == 1
    issue = make_issue(publication=PUBLICATION_WITH_SENDER + settings + "  password: hunter2\n")
    refused = cli("send", issue, "--to", "editor@example.org")
    assert refused.exit_code == 1
    assert "smtp: never put the SMTP password in publication.yaml" in refused.stderr
    assert "hunter2" not in refused.output


def test_the_send_gate_is_library_work(
    make_issue: Callable[..., Path], smtp_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    from composer.commands.send.send import send_test

    port, mailbox = smtp_server()
    environ = {"COMPOSE_SMTP_HOST": "127.0.0.1", "COMPOSE_SMTP_PORT": str(port)}
    issue = make_issue(publication=PUBLICATION_WITH_SENDER)  # a sender, but no unsubscribe link
    with pytest.raises(errors.NotSent) as caught:
        send_test(issue, "editor@example.org", environ=environ)
    *findings, closing = str(caught.value).splitlines()
    assert closing == f"{issue}: nothing sent: mend the errors above first (see compose check)"
    assert findings == [
        f"{issue.parent / 'publication.yaml'}:1:1: error: unsubscribe-missing: the email has no unsubscribe link, "
        "which every email must have: add unsubscribe_url to publication.yaml, or choose the mailing service that "
        "fills it in (--esp, or esp: in publication.yaml)"
    ]
    assert mailbox.received == []
    sent = send_test(SAMPLE, "editor@example.org", environ=environ)
    assert (sent.to, sent.server) == ("editor@example.org", f"127.0.0.1:{port}")
    assert [received.recipients for received in mailbox.received] == [["editor@example.org"]]


# --- test sends that say so --------------------------------------------------------------------


def local_env(port: int) -> dict[str, str]:
    return {"COMPOSE_SMTP_HOST": "127.0.0.1", "COMPOSE_SMTP_PORT": str(port)}


def sample_warnings(service: str | None = None) -> str:
    from composer.commands.check import check

    return "".join(
        f"{finding}\n"
        for finding in check(compose(SAMPLE, RenderOptions(service=service)))
        if finding.level == "warning"
    )


def test_send_to_repeated_addresses_is_one_test_message_to_each_once(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server()
    to = ["--to", "a@example.com", "--to", "b@example.com", "--to", "a@EXAMPLE.com"]  # the last is the first again
    result = cli("send", SAMPLE, *to, env=local_env(port))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"sent {SAMPLE} to a@example.com, b@example.com through 127.0.0.1:{port}\n"
    [received] = mailbox.received
    assert received.recipients == ["a@example.com", "b@example.com"]
    parsed = parse(received.data)
    assert [address.addr_spec for address in parsed["To"].addresses] == ["a@example.com", "b@example.com"]
    assert parsed["Subject"] == "[Test] Executive Summary for November\u00a09th"
    assert_is_the_issue(parsed, compose(SAMPLE), "[Test] ")


def test_send_to_comma_separated_addresses(smtp_server: Callable[..., tuple[int, Mailbox]]) -> None:
    port, mailbox = smtp_server()
    result = cli("send", SAMPLE, "--to", "a@example.com, b@example.com,", env=local_env(port))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"sent {SAMPLE} to a@example.com, b@example.com through 127.0.0.1:{port}\n"
    assert [received.recipients for received in mailbox.received] == [["a@example.com", "b@example.com"]]


def test_a_bad_address_among_several_is_refused_and_nothing_is_sent(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server()
    result = cli("send", SAMPLE, "--to", "a@example.com, not-an-address", "--to", "b@example.com", env=local_env(port))
    assert result.exit_code == 1
    assert result.stderr == (
        "the address to send to: 'not-an-address' is not an e-mail address compose can send with, "
        "such as you@example.com\n"
    )
    assert result.stdout == "" and mailbox.received == []


def test_checks_warnings_are_printed_before_the_send(smtp_server: Callable[..., tuple[int, Mailbox]]) -> None:
    port, mailbox = smtp_server()
    warnings = sample_warnings()
    assert "warning: postal-address-example: " in warnings  # the sample's postal address is still an example
    result = cli("send", SAMPLE, "--to", "a@example.com", env=local_env(port))
    assert result.exit_code == 0, result.output
    assert result.output == f"{warnings}sent {SAMPLE} to a@example.com through 127.0.0.1:{port}\n"
    assert len(mailbox.received) == 1


def test_a_test_send_carries_the_publications_links_not_a_services_merge_tags(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server()
    result = cli("send", SAMPLE, "--to", "a@example.com", "--esp", "mailchimp", env=local_env(port))
    assert result.exit_code == 0, result.output
    note = "mailing-service tags left out of the test: the publication's own unsubscribe and web-version links are used"
    # Warned about as the list will get it (Mailchimp's tags), then told what the test carries instead.
    assert result.stderr == f"{sample_warnings('mailchimp')}{note}\n"
    [received] = mailbox.received
    parsed = parse(received.data)
    bodies = [parsed.get_body((kind,)) for kind in ("plain", "html")]
    assert all(isinstance(body, EmailMessage) and "*|" not in as_typed(body) for body in bodies)
    assert_is_the_issue(parsed, compose(SAMPLE), "[Test] ")  # the sample's own links, as without --esp
    assert parsed["List-Unsubscribe"] == "<https://www.newsdeeply.com/syria/unsubscribe>"


def test_no_test_prefix_sends_the_subject_as_readers_will_see_it(
    smtp_server: Callable[..., tuple[int, Mailbox]],
) -> None:
    port, mailbox = smtp_server()
    result = cli("send", SAMPLE, "--to", "a@example.com", "--no-test-prefix", env=local_env(port))
    assert result.exit_code == 0, result.output
    [received] = mailbox.received
    assert parse(received.data)["Subject"] == "Executive Summary for November\u00a09th"
