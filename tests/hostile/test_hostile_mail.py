"""Hostile input for the email message and test sends: text that tries to smuggle in a header
(RFC 2047 encoded words, control characters) and SMTP servers that echo the login, trickle, or
break off after the message was sent. Each case ends in a clean, located error or a correct
message, never a header the editor did not mean nor a password in an error."""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from composer import errors
from composer.commands.send import message, smtp
from composer.core.pipeline import compose

from .. import test_mail
from ..conftest import ISSUE, PUBLICATION, SAMPLE, MakeIssue, cli
from ..test_mail import (
    PASSWORD,
    PUBLICATION_WITH_SENDER,
    READER,
    SENDER,
    USER,
    Mailbox,
    local,
    parse,
)

smtp_server = test_mail.smtp_server  # the fixture: a real aiosmtpd server on 127.0.0.1
SMUGGLER = "=?utf-8?q?x=0ABcc:_v@example.net?="  # decodes to "x", a line break and "Bcc: v@example.net"
UNSUBSCRIBE = "unsubscribe_url: https://news.example.com/u\n"
MEANT = ["From", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version"]
ENCODED_WORD_MESSAGE = (
    "holds {shown}: mail programs decode '=?...?=' as hidden text (RFC 2047) that can add headers nobody wrote; "
    "write the words themselves"
)


def eml(issue: Path, tmp_path: Path) -> tuple[int, str, Path]:
    """compose --eml: (exit status, stderr, the folder it writes to)."""
    out = tmp_path / "out"
    result = cli(issue, "--eml", "-o", out)
    return result.exit_code, result.stderr, out


# --- encoded words ------------------------------------------------------------------------------


def test_an_encoded_word_in_the_subject_is_refused_at_its_line(make_issue: MakeIssue, tmp_path: Path) -> None:
    issue = make_issue(f'subject: "{SMUGGLER}"\n' + ISSUE, PUBLICATION_WITH_SENDER + UNSUBSCRIBE)
    status, stderr, out = eml(issue, tmp_path)
    assert status == 1
    assert stderr == f"{issue}:1:10: subject: {ENCODED_WORD_MESSAGE.format(shown=repr(SMUGGLER))}\n"
    assert not out.exists()  # no .eml, and no HTML either: the issue does not validate


def test_an_encoded_word_in_the_title_used_as_subject_is_refused(make_issue: MakeIssue, tmp_path: Path) -> None:
    issue = make_issue(f"title: Today {SMUGGLER}\n" + ISSUE, PUBLICATION_WITH_SENDER + UNSUBSCRIBE)
    status, stderr, out = eml(issue, tmp_path)
    assert (status, stderr) == (1, f"{issue}:1:8: title: {ENCODED_WORD_MESSAGE.format(shown=repr(SMUGGLER))}\n")
    assert not out.exists()


def test_an_encoded_word_in_the_sender_name_is_refused(make_issue: MakeIssue, tmp_path: Path) -> None:
    publication = PUBLICATION + f'sender:\n  name: "{SMUGGLER}"\n  email: desk@news.example.com\n' + UNSUBSCRIBE
    issue = make_issue(publication=publication)
    status, stderr, out = eml(issue, tmp_path)
    line = PUBLICATION.count("\n") + 2
    shown = repr(SMUGGLER)
    assert (status, stderr) == (
        1,
        f"{issue.parent / 'publication.yaml'}:{line}:9: sender.name: {ENCODED_WORD_MESSAGE.format(shown=shown)}\n",
    )
    assert not out.exists()


def test_a_title_pattern_that_joins_the_name_into_an_encoded_word_is_refused(
    make_issue: MakeIssue, tmp_path: Path
) -> None:
    # Neither is an encoded word alone; the title the pattern makes for an issue without one is.
    publication = PUBLICATION.replace("name: The Daily Test", 'name: "x=0ABcc:_v@example.net?="').replace(
        "title_pattern: Briefing for {month} {day_ordinal}", 'title_pattern: "=?utf-8?q?{name}"'
    )
    issue = make_issue(publication=publication + SENDER + UNSUBSCRIBE)
    status, stderr, out = eml(issue, tmp_path)
    assert status == 1
    assert stderr == (
        f"{issue.parent / 'publication.yaml'}:3:16: title_pattern: filled in with the name and a date, this pattern "
        f"makes a title (the email's subject) that {ENCODED_WORD_MESSAGE.format(shown=repr(SMUGGLER))}\n"
    )
    assert not out.exists()


def test_an_encoded_word_in_the_preheader_stays_text_in_the_body(make_issue: MakeIssue, tmp_path: Path) -> None:
    # The preheader is no header: it is shown, as typed, at the top of the body.
    issue = make_issue(f'preheader: "{SMUGGLER}"\n' + ISSUE, PUBLICATION_WITH_SENDER + UNSUBSCRIBE)
    status, stderr, out = eml(issue, tmp_path)
    assert (status, stderr) == (0, "")
    parsed = parse((out / "issue.eml").read_bytes())
    assert list(parsed) == [*MEANT, "Content-Type"]  # no Bcc, no second Content-Type
    html = parsed.get_body(("html",))
    assert html is not None and SMUGGLER in html.get_content()


# --- control characters -------------------------------------------------------------------------

CONTROLS = [
    ("\\r", "U+000D (carriage return)"),
    ("\\0", "U+0000 (NUL)"),
    ("\\v", "U+000B (vertical tab)"),
    ("\\e", "U+001B (escape)"),
    ("\\N", "U+0085 (next line)"),
    ("\\L", "U+2028 (line separator)"),
]


def refusal(escape: str, named: str) -> str:
    """What compose says of the character: every text refuses controls as it reads the file; only
    header fields refuse a line separator, which is text in a story."""
    code = named.split(" ")[0]
    if escape == "\\L":
        return (
            f"holds an invisible control character, {named}, that would break the email's headers; "
            "retype the text without it"
        )
    if escape == "\\v":
        return f"the text holds a line break pasted from Word ({code}); delete it, or press Enter for a new line"
    return f"the text holds an invisible control character ({code}); delete it, or retype the text around it"


@pytest.mark.parametrize(("escape", "named"), CONTROLS)
@pytest.mark.parametrize(
    ("field", "where", "line", "column"),
    [("subject", "issue", 1, 10), ("title", "issue", 1, 8), ("sender.name", "publication", 2, 9)],
)
def test_a_control_character_in_a_header_field_is_refused_at_its_line(
    make_issue: MakeIssue, tmp_path: Path, escape: str, named: str, field: str, where: str, line: int, column: int
) -> None:
    value = f'"News{escape}Bcc: v@example.net"'
    if where == "issue":
        issue = make_issue(f"{field}: {value}\n" + ISSUE, PUBLICATION_WITH_SENDER + UNSUBSCRIBE)
        path, line_number = issue, line
    else:
        publication = PUBLICATION + f"sender:\n  name: {value}\n  email: desk@news.example.com\n" + UNSUBSCRIBE
        issue = make_issue(publication=publication)
        path, line_number = issue.parent / "publication.yaml", PUBLICATION.count("\n") + line
    status, stderr, out = eml(issue, tmp_path)
    assert status == 1
    assert stderr == f"{path}:{line_number}:{column}: {field}: {refusal(escape, named)}\n"
    assert not out.exists()


@pytest.mark.parametrize(("escape", "named"), CONTROLS)
def test_a_control_character_in_the_sender_address_is_refused(
    make_issue: MakeIssue, tmp_path: Path, escape: str, named: str
) -> None:
    publication = PUBLICATION + f'sender:\n  name: Desk\n  email: "desk@news.example.com{escape}"\n' + UNSUBSCRIBE
    issue = make_issue(publication=publication)
    status, stderr, out = eml(issue, tmp_path)
    assert status == 1 and not out.exists()
    where = f"{issue.parent / 'publication.yaml'}:{PUBLICATION.count(chr(10)) + 3}:10"
    assert stderr == f"{where}: sender.email: {refusal(escape, named)}\n"


def test_a_line_break_typed_in_the_subject_is_a_space_not_a_header(make_issue: MakeIssue, tmp_path: Path) -> None:
    issue = make_issue('subject: "News\\nBcc: v@example.net"\n' + ISSUE, PUBLICATION_WITH_SENDER + UNSUBSCRIBE)
    status, _, out = eml(issue, tmp_path)
    assert status == 0
    parsed = parse((out / "issue.eml").read_bytes())
    assert parsed["Subject"] == "News Bcc: v@example.net"
    assert "Bcc" not in parsed and list(parsed) == [*MEANT, "Content-Type"]


@pytest.mark.parametrize("to", ["editor@example.org\r\nBcc: v@example.net", "editor@example.org\x00", SMUGGLER])
def test_a_recipient_that_would_add_a_header_is_refused_and_nothing_is_sent(
    smtp_server: Callable[..., tuple[int, Mailbox]], to: str
) -> None:
    port, mailbox = smtp_server()
    result = cli("send", SAMPLE, "--to", to, env={"COMPOSE_SMTP_HOST": "127.0.0.1", "COMPOSE_SMTP_PORT": str(port)})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"the address to send to: {to!r} holds ")
    assert mailbox.received == []


# --- a server that echoes the login --------------------------------------------------------------

Serve = Callable[[socket.socket], None]


@pytest.fixture
def raw_server() -> Iterator[Callable[[Serve], int]]:
    """raw_server(serve) -> the port of a socket on 127.0.0.1 whose one connection ``serve`` handles."""
    started: list[tuple[socket.socket, threading.Thread]] = []

    def start(serve: Serve) -> int:
        listener = socket.create_server(("127.0.0.1", 0))

        def run() -> None:
            connection, _ = listener.accept()
            # OSError: composer hung up, as it should when it gives up.
            with connection, contextlib.suppress(OSError):
                serve(connection)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        started.append((listener, thread))
        port: int = listener.getsockname()[1]
        return port

    yield start
    for listener, thread in started:
        thread.join(timeout=30)
        listener.close()


def b64(text: str) -> bytes:
    return base64.b64encode(text.encode())


def echoing(mechanism: bytes, decode: bool = False) -> Serve:
    """A server offering one AUTH mechanism that refuses the login, quoting what it received
    (base64 as sent, or decoded when ``decode``)."""

    def serve(connection: socket.socket) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 echo ESMTP\r\n")
        while line := lines.readline().rstrip(b"\r\n"):
            if line.upper().startswith(b"EHLO"):
                connection.sendall(b"250-echo\r\n250 AUTH " + mechanism + b"\r\n")
            elif line.upper().startswith(b"AUTH LOGIN"):
                connection.sendall(b"334 UGFzc3dvcmQ6\r\n")  # "Password:", the next line is its answer
            elif line.upper() == b"AUTH CRAM-MD5":
                connection.sendall(b"334 " + b64("<1.2@echo>") + b"\r\n")
            elif line.upper().startswith(b"QUIT"):
                connection.sendall(b"221 bye\r\n")
                return
            else:
                echoed = base64.b64decode(line.split()[-1]).replace(b"\0", b" ") if decode else line
                connection.sendall(b"535 5.7.8 rejected: " + echoed + b"\r\n")

    return serve


@pytest.mark.parametrize(
    ("mechanism", "decode", "echo"),
    [
        (b"PLAIN", False, "AUTH PLAIN ********"),  # base64 of "\0editor\0password"
        (b"LOGIN", False, "********"),  # base64 of the password alone
        (b"PLAIN", True, "editor ********"),  # decoded
        (b"LOGIN", True, "********"),
    ],
)
def test_a_server_echoing_the_login_never_shows_the_password(
    raw_server: Callable[[Serve], int], mechanism: bytes, decode: bool, echo: str
) -> None:
    port = raw_server(echoing(mechanism, decode))
    with pytest.raises(errors.AuthenticationFailed) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port, user=USER, password=PASSWORD), READER)
    assert str(caught.value) == (
        f"the SMTP server 127.0.0.1:{port} refused the login for user 'editor' (535 5.7.8 rejected: {echo}); "
        "check COMPOSE_SMTP_USER and COMPOSE_SMTP_PASSWORD"
    )
    for form in (PASSWORD, b64(PASSWORD).decode(), b64(f"\0{USER}\0{PASSWORD}").decode()):
        assert form not in str(caught.value) and form not in repr(caught.value)


def test_a_cram_md5_answer_echoed_back_is_shown_as_it_holds_no_password(raw_server: Callable[[Serve], int]) -> None:
    port = raw_server(echoing(b"CRAM-MD5"))
    with pytest.raises(errors.AuthenticationFailed) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port, user=USER, password=PASSWORD), READER)
    # The answer is the user and a keyed digest of the challenge: nothing to read the password from.
    [echoed] = [word for word in str(caught.value).split() if word.endswith(");")]
    assert base64.b64decode(echoed.removesuffix(");")).startswith(f"{USER} ".encode())
    assert PASSWORD not in str(caught.value)


# --- servers that trickle, or break off after the message ----------------------------------------


def trickling(greeting: bytes = b"220 slow", then: bytes = b"") -> Serve:
    """Sends ``greeting`` at once, then ``then`` forever, one byte every tenth of a second: every
    read gets a byte well within its time-out, and no answer ever ends."""

    def serve(connection: socket.socket) -> None:
        connection.sendall(greeting)
        for _ in range(600):  # a minute at most, should composer not hang up
            connection.sendall(then[:1] or b"-")
            time.sleep(0.1)

    return serve


def test_a_trickling_server_is_stopped_at_the_deadline(raw_server: Callable[[Serve], int]) -> None:
    port = raw_server(trickling())
    with pytest.raises(errors.TimedOut) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port, timeout=5, deadline=1.5), READER)
    assert str(caught.value) == (
        f"the SMTP server 127.0.0.1:{port} answered too slowly: the send was stopped after 1.5 seconds, "
        "before the message went out; nothing was sent, try again later"
    )


# --- the network around the server: its name, and this machine's ---------------------------------


@pytest.fixture
def silent_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A host name whose lookup never answers, as behind a DNS server that is down; released at the end."""
    name, release = "smtp.lookup-never-answers.example", threading.Event()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == name:
            release.wait()
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield name
    release.set()


def test_a_name_that_never_resolves_stops_the_send_and_says_so(silent_resolver: str) -> None:
    settings = smtp.SmtpSettings(silent_resolver, 587, timeout=0.5, deadline=30)
    with pytest.raises(errors.TimedOut) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), settings, READER)
    assert str(caught.value) == (
        f"cannot connect to the SMTP server {silent_resolver}:587: looking up {silent_resolver} took over 0.5 "
        "seconds; check the server's name and this machine's network (its DNS)"
    )


def test_the_deadline_holds_while_the_name_is_looked_up(silent_resolver: str) -> None:
    settings = smtp.SmtpSettings(silent_resolver, 587, timeout=10, deadline=0.5)
    with pytest.raises(errors.TimedOut) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), settings, READER)
    assert "the send was stopped after 0.5 seconds, before the message went out" in str(caught.value)


def test_the_greeting_names_this_machine_by_its_address_without_looking_it_up(
    raw_server: Callable[[Serve], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def getfqdn(name: str = "") -> str:  # smtplib's own choice: a DNS lookup without a time-out
        raise AssertionError("this machine's name was looked up")

    monkeypatch.setattr(socket, "getfqdn", getfqdn)
    greetings: list[bytes] = []

    def serve(connection: socket.socket) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 test ESMTP\r\n")
        while line := lines.readline():
            if line[:4].upper() in (b"EHLO", b"HELO"):
                greetings.append(line.rstrip())
            if line[:4].upper() == b"DATA":
                connection.sendall(b"354 go ahead\r\n")
                while lines.readline() not in (b".\r\n", b""):
                    pass
            connection.sendall(b"221 bye\r\n" if line[:4].upper() == b"QUIT" else b"250 OK\r\n")

    port = raw_server(serve)
    smtp.deliver(message.message(compose(SAMPLE)), local(port), READER)
    assert greetings == [b"ehlo [127.0.0.1]"]


def conversation(after_data: Serve) -> Serve:
    """A server that takes every command at once, and the whole message, then ``after_data``."""

    def serve(connection: socket.socket) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 test ESMTP\r\n")
        while line := lines.readline():
            if line[:4].upper() == b"DATA":
                connection.sendall(b"354 go ahead\r\n")
                while lines.readline() not in (b".\r\n", b""):
                    pass
                after_data(connection)
                return
            connection.sendall(b"250 test\r\n" if line[:4].upper() == b"EHLO" else b"250 OK\r\n")

    return serve


UNCERTAIN = (
    "the SMTP server 127.0.0.1:{port} received the whole message but did not confirm it ({why}): the server may "
    f"have accepted the message: check the inbox of {READER} before sending again"
)


def test_a_server_that_hangs_up_after_the_message_may_have_delivered_it(raw_server: Callable[[Serve], int]) -> None:
    port = raw_server(conversation(lambda connection: connection.shutdown(socket.SHUT_RDWR)))
    with pytest.raises(errors.DeliveryUncertain) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port), READER)
    assert str(caught.value) == UNCERTAIN.format(port=port, why="the connection broke before its answer")
    assert isinstance(caught.value, errors.SendFailed)


def test_a_confirmation_trickling_past_the_deadline_may_be_a_delivery(raw_server: Callable[[Serve], int]) -> None:
    port = raw_server(conversation(trickling(b"250", b"-")))
    with pytest.raises(errors.DeliveryUncertain) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port, timeout=5, deadline=3), READER)
    assert str(caught.value) == UNCERTAIN.format(
        port=port, why="the send's 3 seconds ran out while waiting for its answer"
    )


def test_a_confirmation_that_never_comes_may_be_a_delivery(raw_server: Callable[[Serve], int]) -> None:
    done = threading.Event()

    def stay_silent(connection: socket.socket) -> None:
        done.wait(30)

    port = raw_server(conversation(stay_silent))
    with pytest.raises(errors.DeliveryUncertain) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port, timeout=2), READER)
    done.set()
    assert str(caught.value) == UNCERTAIN.format(port=port, why="no answer within 2 seconds")


def test_a_message_refused_after_data_is_a_plain_refusal(raw_server: Callable[[Serve], int]) -> None:
    port = raw_server(conversation(lambda connection: connection.sendall(b"554 5.6.0 message refused\r\n")))
    with pytest.raises(errors.SendFailed) as caught:
        smtp.deliver(message.message(compose(SAMPLE)), local(port), READER)
    assert type(caught.value) is errors.SendFailed  # the server's word: certainly not delivered
    assert str(caught.value) == f"the SMTP server 127.0.0.1:{port} refused the message (554 5.6.0 message refused)"


def test_send_through_the_cli_says_delivery_is_uncertain(raw_server: Callable[[Serve], int]) -> None:
    port = raw_server(conversation(lambda connection: connection.shutdown(socket.SHUT_RDWR)))
    env = {"COMPOSE_SMTP_HOST": "127.0.0.1", "COMPOSE_SMTP_PORT": str(port)}
    result = cli("send", SAMPLE, "--to", READER, env=env)
    assert result.exit_code == 1 and "Traceback" not in result.output
    *warnings, last = result.stderr.splitlines()  # check's warnings on the sample come first
    assert last == UNCERTAIN.format(port=port, why="the connection broke before its answer")
    assert all(": warning: " in warning for warning in warnings)
