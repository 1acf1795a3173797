"""Asking the web about addresses, as the careful link checkers do: HEAD first (GET when HEAD is
refused, and for pictures, whose first bytes tell their size), a time-out and one retry, Retry-After
honoured, redirects followed one by one so that each is known, and never more than MAX_REQUESTS
requests at once nor MAX_PER_HOST to one host. httpx's time-out is for each read, so a server that
sends its headers or a picture a byte every few seconds would keep a request going for hours: each
request also has a whole time allowed (WHOLE_REQUEST_TIMES the time-out), which every read and
write of its connection is given no more than what is left of (_Deadline).

The only module of `compose check` that imports httpx: `compose check` without --links never loads it.
"""

from __future__ import annotations

import importlib.metadata
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from ...package import DISTRIBUTION
from ..web import retry_after
from .answer import HEAVY_BYTES, MAX_REDIRECTS, REDIRECTS, Answer
from .pixels import HEAD_BYTES, pixel_size

MAX_REQUESTS = 16  # at once, in all
MAX_PER_HOST = 4  # at once, to one host: a site's own server, not a crowd
# A request's whole time allowed, in time-outs: for the answer's headers and a picture's first bytes.
WHOLE_REQUEST_TIMES = 3


def user_agent() -> str:
    """Who asks, as sites' logs show it: composer, its version, and why it asks."""
    try:
        version = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return f"composer/{version} (link check before sending a newsletter; compose check --links)"


@dataclass(frozen=True)
class Asking:
    """How to ask: the time-out of each request, the longest Retry-After honoured, the wait before a
    retry, the certificates trusted (None: the system's), and the sleep (tests record the waits)."""

    timeout: float
    longest_wait: float
    backoff: float
    verify: ssl.SSLContext | None
    sleep: Callable[[float], None] = time.sleep


class _Hosts:
    """A slot of MAX_PER_HOST for each host, taken for the time of one request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(MAX_PER_HOST))
        with semaphore:
            yield


@dataclass
class _Reply:
    status: int
    location: str | None
    retry_after: str | None
    content_type: str | None
    size: int | None
    pixels: tuple[int, int] | None


def ask_all(
    wanted: list[tuple[str, bool]], asking: Asking, done: Callable[[int], None]
) -> dict[tuple[str, bool], Answer]:
    """The answer for each (address, is a picture), asked MAX_REQUESTS at a time; ``done`` is told
    how many have their answer, as each arrives."""
    answers: dict[tuple[str, bool], Answer] = {}
    if not wanted:
        return answers
    hosts = _Hosts()
    limits = httpx.Limits(max_connections=MAX_REQUESTS, max_keepalive_connections=MAX_REQUESTS)
    with (
        httpx.Client(
            headers={"User-Agent": user_agent()},
            timeout=httpx.Timeout(asking.timeout),
            limits=limits,
            follow_redirects=False,  # each redirect is looked at: permanent, temporary, in a circle
            verify=asking.verify if asking.verify is not None else True,
            trust_env=True,  # HTTPS_PROXY and the like, as the editor's network needs
        ) as client,
        ThreadPoolExecutor(max_workers=MAX_REQUESTS, thread_name_prefix="composer-links") as pool,
    ):
        _Deadline.install(client)
        futures = {
            pool.submit(_ask, client, hosts, url, image, asking): (url, image) for url, image in _by_turns(wanted)
        }
        for future in as_completed(futures):
            answers[futures[future]] = future.result()
            done(len(answers))
    return answers


def _by_turns(wanted: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The addresses one host after another in turn, so that the workers waiting for one busy host's
    slots do not keep the others waiting."""
    queues: dict[str, list[tuple[str, bool]]] = {}
    for each in wanted:
        queues.setdefault((urlsplit(each[0]).hostname or "").lower(), []).append(each)
    longest = max(len(queue) for queue in queues.values())
    return [queue[turn] for turn in range(longest) for queue in queues.values() if turn < len(queue)]


def _ask(client: httpx.Client, hosts: _Hosts, url: str, image: bool, asking: Asking) -> Answer:
    """One address followed to its end, redirect by redirect."""
    method = "GET" if image else "HEAD"
    current, seen = url, {url}
    hops: list[tuple[int, str, str]] = []
    while True:
        reply = _attempt(client, hosts, method, current, image, asking)
        if isinstance(reply, str):
            return Answer(failure=reply, hops=hops)
        status = reply.status
        if method == "HEAD" and status >= 400 and status != 429:
            method = "GET"  # HEAD refused (405, 501), or answered wrong as some servers do: ask as a browser does
            continue
        if status in REDIRECTS and reply.location:
            target = urljoin(current, reply.location.strip())
            hops.append((status, current, target))
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                return Answer(status=status, failure="not-web", hops=hops)
            if target in seen:
                return Answer(status=status, failure="loop", hops=hops)
            if len(hops) > MAX_REDIRECTS:
                return Answer(status=status, failure="too-many-redirects", hops=hops)
            seen.add(target)
            current = target
            continue
        wait = float(reply.retry_after) if status == 429 and reply.retry_after is not None else None
        return Answer(
            status=status,
            hops=hops,
            retry_after=wait,
            content_type=reply.content_type,
            size=reply.size,
            pixels=reply.pixels,
        )


def _attempt(client: httpx.Client, hosts: _Hosts, method: str, url: str, image: bool, asking: Asking) -> _Reply | str:
    """One request, tried again once after a time-out, a lost connection or a 5xx, and once after a
    429's Retry-After (when it asks no more than asking.longest_wait); a failure's kind when no answer came."""
    retried = rate_limited = False
    while True:
        try:
            reply = _request(client, hosts, method, url, image, WHOLE_REQUEST_TIMES * asking.timeout)
        except httpx.InvalidURL:  # a Location no browser could follow (the editor's own address passed load's rules)
            return "invalid"
        except httpx.HTTPError as error:
            if retried:
                return _failure(error)
            retried = True
            asking.sleep(asking.backoff)
            continue
        if method == "HEAD" and reply.status >= 400 and reply.status != 429:
            return reply  # asked again with GET, which is the answer that counts
        if 500 <= reply.status < 600 and not retried:  # 999, a bot wall's, is no server error
            retried = True
            asking.sleep(asking.backoff)
            continue
        if reply.status == 429:
            seconds = retry_after(reply.retry_after, asking.backoff)
            reply.retry_after = f"{seconds:g}"
            if rate_limited or seconds > asking.longest_wait:
                return reply
            rate_limited = True
            asking.sleep(seconds)
            continue
        return reply


def _request(client: httpx.Client, hosts: _Hosts, method: str, url: str, image: bool, whole: float) -> _Reply:
    """The answer's status and headers; for a picture's 2xx, its first bytes too (at most HEAD_BYTES,
    and up to HEAVY_BYTES and one counted when the server does not say its length), all within ``whole`` seconds."""
    accept = "image/*,*/*;q=0.5" if image else "text/html,application/xhtml+xml,*/*;q=0.8"
    with (
        hosts.slot(url),
        _Deadline.allowing(whole),
        client.stream(method, url, headers={"Accept": accept}) as response,
    ):
        headers = response.headers
        declared = headers.get("Content-Length", "").strip()
        size = int(declared) if declared.isdigit() else None
        pixels = None
        if image and 200 <= response.status_code < 300:
            head, counted = bytearray(), 0
            for chunk in response.iter_raw():  # as sent: a compressed picture is rare, and its size is its own
                counted += len(chunk)
                if len(head) < HEAD_BYTES and pixels is None:
                    head += chunk[: HEAD_BYTES - len(head)]
                    pixels = pixel_size(bytes(head))
                sized = pixels is not None or len(head) >= HEAD_BYTES
                if sized and (size is not None or counted > HEAVY_BYTES):
                    break  # the rest is not read: the connection is closed
            if size is None:
                size = counted
        return _Reply(
            response.status_code,
            headers.get("Location"),
            headers.get("Retry-After"),
            headers.get("Content-Type"),
            size,
            pixels,
        )


def _failure(error: httpx.HTTPError) -> str:
    """The kind of a request that got no answer, from the errors under httpx's."""
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    causes = list(_causes(error))
    if any(isinstance(cause, ssl.SSLError) for cause in causes):
        return "tls"
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return "host-unknown"
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return "refused"
    if isinstance(error, httpx.ConnectError) and "refused" in str(error).lower():
        return "refused"
    return "broken"


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        each = pending.pop()
        if each is None or id(each) in seen:
            continue
        seen.add(id(each))
        yield each
        pending += [each.__cause__, each.__context__]


class _Deadline:
    """The whole time a request is allowed, kept for the thread that makes it: httpx reads and writes
    a connection in the thread of the request it serves, so each read, write and connection is given
    no more than what is left (at the end, next to nothing: httpcore then raises its own time-out,
    which httpx reports as httpx.ReadTimeout and _failure as "timeout").

    httpx has no such setting (encode/httpx#1450); httpcore takes a network backend, which httpx's
    transports do not let one pass, so install() wraps the one each transport's connection pool
    holds. Where a release of httpx or httpcore holds it elsewhere, requests keep their per-read
    time-out only (a trap test in tests/links/test_links.py fails then, for whoever upgrades)."""

    _current = threading.local()

    @classmethod
    def install(cls, client: httpx.Client) -> None:
        transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
        for transport in transports:
            pool = getattr(transport, "_pool", None)
            backend = getattr(pool, "_network_backend", None)
            if backend is not None and not isinstance(backend, _DeadlineBackend):
                pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]

    @classmethod
    @contextmanager
    def allowing(cls, seconds: float) -> Iterator[None]:
        """The requests made inside have ``seconds`` in all."""
        cls._current.until = time.monotonic() + seconds
        try:
            yield
        finally:
            cls._current.until = None

    @classmethod
    def left(cls, timeout: float | None) -> float | None:
        """``timeout``, or what is left of the request's whole time if that is less."""
        until: float | None = getattr(cls._current, "until", None)
        if until is None:
            return timeout
        left = max(until - time.monotonic(), _NEXT_TO_NOTHING)
        return left if timeout is None else min(timeout, left)


_NEXT_TO_NOTHING = 1e-6  # seconds: a read is still tried, so that httpcore raises its own time-out


class _DeadlineStream:
    """A connection whose every read and write ends by the request's deadline (what httpcore calls a
    network stream: read, write, close, start_tls, get_extra_info)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return bytes(self._stream.read(max_bytes, _Deadline.left(timeout)))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _Deadline.left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _Deadline.left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend:
    """httpcore's network backend, whose connections end by the request's deadline."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _DeadlineStream:
        stream = self._backend.connect_tcp(host, port, _Deadline.left(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _DeadlineStream:
        return _DeadlineStream(self._backend.connect_unix_socket(path, _Deadline.left(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
