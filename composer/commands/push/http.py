"""The one HTTP client of `compose push`: time-outs, bounded retries, plain failures, no secret shown.

Every request to a mailing service goes through Api.call. What it retries is what cannot make a
second draft: a request the service never received (no connection), a 429 (the service did nothing
and says when to come back, honoured up to MAX_RETRY_AFTER_SECONDS), and a 5xx or a lost answer for
requests that may safely be repeated (reads, updates, test sends). A draft's creation whose answer
is lost is never repeated: the editor is told to look at the drafts in the service first.

A key never reaches a message: the messages are composer's own words, a service's own words are
cleaned of every form the key could take (raw, URL-encoded, base64 as in Basic auth), and httpx's
exceptions, whose texts composer does not control, are never chained into ours.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import httpx

from ...errors import DraftGone, PushFailed, PushSettingsProblem
from ..web import retry_after

CONNECT_SECONDS = 10.0
ANSWER_SECONDS = 60.0  # an issue's HTML is up to a few hundred KB: its upload and the answer may take a while
ATTEMPTS = 3  # for a 5xx, a lost connection or a time-out: the first try and two more
BACKOFF_SECONDS = (2.0, 5.0)  # the waits before the second and the third attempt
RATE_LIMITED_ATTEMPTS = 4  # 429s in a row before giving up
MAX_RETRY_AFTER_SECONDS = 60.0  # a longer wait is not worth a terminal: push again later
MAX_ANSWER_BYTES = 5_000_000  # a campaign's answer with its content is well under this
SHOWN_CHARS = 400  # of a service's own message, and of each long text in --dry-run
MAX_SECRET_CHARS = 500
NOTICED_WAIT_SECONDS = 2.0  # a shorter wait passes unsaid (--debug says every one)

# The waits between attempts; tests replace it to record them instead of waiting.
sleep: Callable[[float], None] = time.sleep

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")


@dataclass(frozen=True)
class Secret:
    """A key read from the environment, and its variable's name: what messages say in its place."""

    variable: str
    value: str = field(repr=False)
    missing: bool = False  # not set, in a dry run: ``value`` is then only a placeholder

    def __str__(self) -> str:  # an f-string that slips it into a message shows the variable
        return f"${self.variable}"


def read_secret(environ: Mapping[str, str], variable: str, what: str, *, dry_run: bool = False) -> Secret:
    """The key in ``variable``, stripped of the whitespace a paste adds; PushSettingsProblem when it is
    missing or could not be a key (the value itself is never shown). A dry run needs no key: a missing
    one is a placeholder, ``$VARIABLE``, and ``missing``."""
    value = environ.get(variable, "").strip()
    if not value and dry_run:
        return Secret(variable, f"${variable}", missing=True)
    if not value:
        raise PushSettingsProblem(
            f"{variable} is not set: set it in the environment to {what} (export {variable}=…), never in a file"
        )
    if len(value) > MAX_SECRET_CHARS or not all(" " < character < "\x7f" for character in value):
        raise PushSettingsProblem(
            f"{variable} does not hold a key: it has spaces, line breaks or characters no key has; set it again "
            f"to {what}"
        )
    return Secret(variable, value)


def service_address(environ: Mapping[str, str], variable: str, default: str) -> str:
    """The address a service's API is reached at: ``variable`` (http(s)://host[:port][/path]) over
    ``default``, without a trailing slash."""
    address = environ.get(variable, "").strip() or default
    parts = urlsplit(address)
    if (
        not address.isprintable()
        or any(character.isspace() for character in address)
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
    ):
        raise PushSettingsProblem(
            f"{variable} is not an address such as https://api.example.com or http://127.0.0.1:8080"
        )
    if parts.username is not None or parts.password is not None:
        raise PushSettingsProblem(f"{variable} must not carry a user name or password: keys go in their own variable")
    return address.rstrip("/")


def forms_of(values: Iterable[str]) -> list[str]:
    """Every form a secret could take in a text: as is, URL-encoded, and base64 after any prefix (as in
    Basic auth, ``user:key``): for each of base64's three alignments, the run of characters that
    encodes the secret alone, which every such encoding contains whatever comes before and after."""
    forms: set[str] = set()
    for value in values:
        for each in {value, *value.split()}:  # a header's value, and its token alone ("Basic <base64>")
            if len(each) < 4:
                continue
            forms |= {each, quote(each, safe=""), quote_plus(each)}
            for shift in range(3):
                encoded = base64.b64encode(b"\0" * shift + each.encode()).decode()
                start, end = 4 * -(-shift // 3), 4 * ((shift + len(each.encode())) // 3)
                inner = encoded[start:end]
                if len(inner) >= 8:
                    forms |= {inner, inner.replace("+", "-").replace("/", "_")}  # and URL-safe base64
    return sorted(forms, key=len, reverse=True)


@dataclass
class Api:
    """Requests to one mailing service, in one httpx client.

    ``headers`` carry the authentication; ``secrets`` (the keys, and the headers made of them) are
    hidden from every message; ``key_variable`` is named when the key is refused. With ``dry_run``, each request is
    shown through ``show``, with ``shown_headers`` (the headers, each key as its $VARIABLE), and
    answered with its ``pretend`` answer; nothing is sent. ``log`` gets a line per request and
    answer (--debug).
    """

    service: str  # as editors know it: "Mailchimp"
    address: str
    address_variable: str
    headers: dict[str, str] = field(repr=False)
    key_variable: str
    secrets: list[str] = field(repr=False, default_factory=list)
    dry_run: bool = False
    shown_headers: dict[str, str] = field(default_factory=dict)
    key_source: str = ""  # what the key is and where it is made: "an API key from Buttondown's settings (API)"
    notice: Callable[[str], None] | None = None  # told of a long wait (Retry-After, backoff) without --debug
    show: Callable[[str], None] = print
    log: Callable[[str], None] | None = None
    _client: httpx.Client | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._hidden = forms_of(self.secrets)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def hide(self, text: str) -> str:
        """``text`` with every form of a secret replaced, control characters out, and at most SHOWN_CHARS long."""
        text = " ".join(_CONTROL.sub(" ", self.hide_all(text)).split())
        return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"

    def hide_all(self, text: str) -> str:
        """``text``, whatever its length and lines, with every form of a secret replaced by its $VARIABLE."""
        for form in self._hidden:
            text = text.replace(form, f"${self.key_variable}")
        return text

    def call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        what: str,
        pretend: Mapping[str, Any] | None = None,
        repeatable: bool | None = None,
        gone: str | None = None,
        describe: Callable[[Any], str | None] | None = None,
    ) -> dict[str, Any]:
        """The service's JSON answer to ``method`` ``path`` (an object; {} for an empty one).

        ``what`` names the request in messages ("the draft"); ``repeatable``: may be sent again when
        its answer is lost (default: all but POST); ``gone``: the message of a 404 (the draft
        deleted); ``describe`` finds the service's own words in an error's JSON. Raises PushFailed
        (DraftGone for a 404 with ``gone``).
        """
        url = self.address + path
        if self.dry_run:
            self.show(self.hide_all(shown_request(method, url, body, self.shown_headers)))
            return dict(pretend or {})
        if repeatable is None:
            repeatable = method != "POST"
        response = self._send(method, url, body, what, repeatable)
        return self._answer(response, path, what, gone, describe)

    def _send(self, method: str, url: str, body: Mapping[str, Any] | None, what: str, repeatable: bool) -> _Answer:
        failures = rate_limited = 0
        while True:
            self._log(f"{method} {url}")
            try:
                response = self._request(method, url, body, what)
            except httpx.TransportError as error:
                reached = not isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
                if reached and not repeatable:
                    raise PushFailed(self._lost(what, error)) from None
                failures += 1
                if failures >= ATTEMPTS:
                    raise PushFailed(self._unreachable(error, reached)) from None
                self._wait(
                    BACKOFF_SECONDS[failures - 1],
                    "did not answer in time" if reached else f"could not be reached ({_kind(error)})",
                )
                continue
            self._log(f"{response.status_code} {_phrase(response)}")
            status = response.status_code
            if status == 429:
                rate_limited += 1
                seconds = retry_after(response.headers.get("Retry-After"), BACKOFF_SECONDS[0])
                if seconds > MAX_RETRY_AFTER_SECONDS or rate_limited >= RATE_LIMITED_ATTEMPTS:
                    wait = (
                        f"asks to wait {seconds:.0f} seconds" if seconds > MAX_RETRY_AFTER_SECONDS else "still refuses"
                    )
                    raise PushFailed(
                        f"{self.service} is limiting requests (429 Too Many Requests) and {wait}: push again in a "
                        "few minutes"
                    )
                self._wait(seconds, "is limiting requests (429 Too Many Requests)")
                continue
            if status >= 500:
                if not repeatable and status != 503:  # 503: not taken in at all; others may have made the draft
                    raise PushFailed(
                        f"{self.service} failed while making {what} ({status} {_phrase(response)}); it may "
                        f"have made it all the same: look at the drafts in {self.service} before pushing again"
                    )
                failures += 1
                if failures >= ATTEMPTS:
                    raise PushFailed(
                        f"{self.service} failed {ATTEMPTS} times ({status} {_phrase(response)}); nothing more "
                        "was done: push again later"
                    )
                self._wait(BACKOFF_SECONDS[failures - 1], f"failed ({status} {_phrase(response)})")
                continue
            return response

    def _request(self, method: str, url: str, body: Mapping[str, Any] | None, what: str) -> _Answer:
        """One request, its answer read up to MAX_ANSWER_BYTES (a runaway answer is cut off, not kept)."""
        with self._http().stream(method, url, json=body) as response:
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > MAX_ANSWER_BYTES:
                    raise PushFailed(
                        f"{self.service} answered {what} with more than composer reads "
                        f"({MAX_ANSWER_BYTES // 1_000_000} MB): is {self.address_variable} the address of its API?"
                    )
            return _Answer(response.status_code, response.headers, bytes(content))

    def _answer(
        self,
        response: _Answer,
        path: str,
        what: str,
        gone: str | None,
        describe: Callable[[Any], str | None] | None,
    ) -> dict[str, Any]:
        status = response.status_code
        if status in (401, 403):
            # 403: a key without the permission, or (listmonk) a wrong one: listmonk answers 403 for both.
            lacks = "is wrong, or lacks a permission this needs" if status == 403 else "is wrong or was revoked"
            raise PushFailed(
                f"{self.service} refused the key in {self.key_variable} ({status} {_phrase(response)}): "
                f"it {lacks}; set {self.key_variable} to {self.key_source or 'a key from ' + self.service}"
            )
        if status == 404 and gone and isinstance(_json_or_none(response), dict):
            raise DraftGone(gone)  # the service's own "not found", in its JSON: not a wrong address or a proxy
        if status == 404:
            raise PushFailed(
                f"{self.service} has nothing at {path} (404 Not Found): is {self.address_variable} "
                f"({self.address}) the address of its API?"
            )
        if 300 <= status < 400:  # never followed: it would carry the key to another address
            raise PushFailed(
                f"{self.service} sent {what} elsewhere ({status} {_phrase(response)}, to "
                f"{self.hide(response.headers.get('Location', 'nowhere'))}): is {self.address_variable} right?"
            )
        if status >= 400:
            words = describe(_json_or_none(response)) if describe else None
            said = self.hide(words or response.content.decode("utf-8", "replace"))
            raise PushFailed(
                f"{self.service} refused {what} ({status} {_phrase(response)}){': ' + said if said else ''}"
            )
        if not response.content.strip():
            return {}
        answer = _json_or_none(response)
        if not isinstance(answer, dict):
            raise PushFailed(f"{self.service} answered {what} with something that is not the JSON object its API sends")
        return answer

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                headers={**self.headers, "Accept": "application/json", "User-Agent": "composer (compose push)"},
                timeout=httpx.Timeout(ANSWER_SECONDS, connect=CONNECT_SECONDS),
                follow_redirects=False,  # a redirect would carry the key to another host
                trust_env=True,  # HTTPS_PROXY and the like, as the editor's network needs
            )
        return self._client

    def _wait(self, seconds: float, why: str) -> None:
        if self.log is None and self.notice is not None and seconds >= NOTICED_WAIT_SECONDS:
            self.notice(f"{self.service} {why}: waiting {seconds:.0f} seconds before asking again")
        self._log(f"waiting {seconds:g} s")
        sleep(seconds)

    def _log(self, line: str) -> None:
        if self.log is not None:
            self.log(self.hide(f"{self.service}: {line}"))

    def _lost(self, what: str, error: httpx.TransportError) -> str:
        return (
            f"{self.service} did not answer in time after {what} was sent ({_kind(error)}): it may have made it; "
            f"look at the drafts in {self.service} before pushing again"
        )

    def _unreachable(self, error: httpx.TransportError, reached: bool) -> str:
        where = f"{self.address_variable} is {self.address}" if self.address_variable else self.address
        how = "did not answer in time" if reached else "could not be reached"
        return (
            f"{self.service} {how} ({_kind(error)}), {ATTEMPTS} times ({where}); nothing more was done: "
            "push again later"
        )


@dataclass(frozen=True)
class _Answer:
    """A service's answer, read whole (and bounded)."""

    status_code: int
    headers: httpx.Headers
    content: bytes


def _phrase(response: _Answer) -> str:
    """The status's standard name ("Unauthorized"), whatever the server wrote beside it."""
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return "unknown status"


def _kind(error: httpx.TransportError) -> str:
    """The kind of a connection failure, in words: never the exception's own text."""
    if isinstance(error, httpx.TimeoutException):
        return "time-out"
    if isinstance(error, httpx.ConnectError):
        return "no connection"
    return "connection lost"


def _json_or_none(response: _Answer) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any answer of a service
        return None


def shown_request(
    method: str, url: str, body: Mapping[str, Any] | None, headers: Mapping[str, str] | None = None
) -> str:
    """A request as --dry-run prints it: the method and address, its headers, then its fields, long
    texts shortened."""
    lines = [f"{method} {url}", *(f"  {name}: {value}" for name, value in (headers or {}).items())]
    if body is not None:
        lines += ["  " + line for line in json.dumps(_shortened(body), indent=2, ensure_ascii=False).splitlines()]
    return "\n".join(lines)


def _shortened(value: Any) -> Any:
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        head = " ".join(value[:120].split())
        return f"{head} … ({len(value)} characters in all)"
    if isinstance(value, Mapping):
        return {key: _shortened(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shortened(item) for item in value]
    return value
