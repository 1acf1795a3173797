"""A small web on 127.0.0.1 that answers every case `compose check --links` knows, and counts how many
requests it is answering at once: the standard library's ThreadingHTTPServer, a thread a connection."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Literal

SLOW_SECONDS = 3.0  # longer than the tests' time-out, shorter than a test's patience
DRIP_SECONDS = 0.1  # between two bytes of a dripping answer: each well within the tests' time-out
DRIP_BYTES = 80  # a dripping answer's slow part: 8 s in all, longer than a request is allowed


def png(width: int, height: int, padding: int = 100) -> bytes:
    """The first bytes of a PNG: its signature and IHDR chunk (what says the size), then filler."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 6, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR" + header + b"\0\0\0\0" + b"\0" * padding


def jpeg(width: int, height: int, padding: int = 100) -> bytes:
    """The first bytes of a JPEG: JFIF's APP0 segment, a comment, then the frame's start with its size."""
    app0 = b"\xff\xe0" + (16).to_bytes(2, "big") + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    comment = b"\xff\xfe" + (2 + 300).to_bytes(2, "big") + b"x" * 300
    frame = (
        b"\xff\xc0"
        + (17).to_bytes(2, "big")
        + b"\x08"
        + height.to_bytes(2, "big")
        + width.to_bytes(2, "big")
        + b"\x03\x01\x22\0\x02\x11\x01\x03\x11\x01"
    )
    return b"\xff\xd8" + app0 + comment + frame + b"\0" * padding


def with_orientation(picture: bytes, orientation: int, order: Literal["big", "little"] = "big") -> bytes:
    """The JPEG ``picture`` with an EXIF segment after its JFIF one, as a phone writes it: a TIFF
    header in byte ``order``, then one tag, the orientation (1 upright, 6 turned a quarter...)."""
    mark = b"MM\0*" if order == "big" else b"II*\0"
    tag = (0x0112).to_bytes(2, order) + (3).to_bytes(2, order) + (1).to_bytes(4, order)
    tag += orientation.to_bytes(2, order) + b"\0\0"
    exif = b"Exif\0\0" + mark + (8).to_bytes(4, order) + (1).to_bytes(2, order) + tag + b"\0\0\0\0"
    app1 = b"\xff\xe1" + (2 + len(exif)).to_bytes(2, "big") + exif
    after_jfif = 4 + int.from_bytes(picture[4:6], "big") if picture[2:4] == b"\xff\xe0" else 2
    return picture[:after_jfif] + app1 + picture[after_jfif:]


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"<!doctype html><title>A page</title>"
    content_type: str = "text/html; charset=utf-8"
    head_status: int | None = None  # a different status for HEAD (405: HEAD refused)
    first: list[int] = field(default_factory=list)  # statuses answered before `status`, one per request
    first_headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunked: bool = False  # no Content-Length: the body's size is known only by reading it


class Gauge:
    """How many requests are being answered at once, and the most there were."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.busy = 0
        self.most = 0

    def enter(self) -> None:
        with self.lock:
            self.busy += 1
            self.most = max(self.most, self.busy)

    def leave(self) -> None:
        with self.lock:
            self.busy -= 1


class Meeting:
    """Requests for /together/* wait here until ``parties`` of them are being answered at once (all
    of them, once it happened), or ``seconds`` have passed: a checker that asks fewer at once keeps
    each waiting that long (how long it waits is never asserted; only whether they met)."""

    def __init__(self, parties: int, seconds: float = 10.0) -> None:
        self.parties = parties
        self.seconds = seconds
        self.arrived = 0
        self.lock = threading.Lock()
        self.everyone = threading.Event()

    def wait(self) -> None:
        with self.lock:
            self.arrived += 1
            if self.arrived >= self.parties:
                self.everyone.set()
        self.everyone.wait(timeout=self.seconds)


class FakeWeb:
    """The server on ``host`` (https with ``tls``: a certificate and its key), its routes (path ->
    Route; /hops/N redirects N times; /together/* waits for the ``meeting``), the requests it got
    (method, path), and its gauge of requests at once (and ``everywhere``'s, shared by several)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        tls: tuple[Path, Path] | None = None,
        meeting: Meeting | None = None,
        everywhere: Gauge | None = None,
    ) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str]] = []
        self.gauge = Gauge()
        self.gauges = [self.gauge, *([everywhere] if everywhere else [])]
        self.meeting = meeting
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, 0), _handler(self))
        self.server.daemon_threads = True
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        self.base = f"{'https' if tls else 'http'}://{host}:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def most_at_once(self) -> int:
        return self.gauge.most

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, path: str) -> list[str]:
        """The methods of the requests for ``path``, in order."""
        return [method for method, each in self.requests if each == path]

    def paths(self) -> set[str]:
        return {path for _, path in self.requests}

    def forget(self) -> None:
        with self._lock:
            self.requests.clear()

    @contextmanager
    def answering(self, method: str, path: str) -> Iterator[None]:
        with self._lock:
            self.requests.append((method, path))
        for gauge in self.gauges:
            gauge.enter()
        try:
            yield
        finally:
            for gauge in self.gauges:
                gauge.leave()

    def __enter__(self) -> FakeWeb:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(web: FakeWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # a connection a request: connections at once are requests at once
        served: ClassVar[FakeWeb] = web

        def log_message(self, *_: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer("HEAD")

        def do_GET(self) -> None:
            self._answer("GET")

        def _answer(self, method: str) -> None:
            path = self.path
            if path.startswith("/drip/"):
                with web.answering(method, path):
                    self._drip(path)
                return
            # Counted until the answer is ready, before a byte of it is sent: the checker cannot have
            # its answer, and ask anew, while this request is still counted.
            with web.answering(method, path):
                status, headers, body = self._route(method, path)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if method == "GET" and body:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the checker read what it needed and hung up, as it should with a large picture

        def _drip(self, path: str) -> None:
            """/drip/headers: a header a byte at a time; /drip/picture: a PNG a byte at a time. Each
            byte comes well within a read's time-out, and the whole answer takes DRIP_BYTES of them."""
            if path == "/drip/headers":
                start, slow, end = (
                    b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Slow: ",
                    b"a" * DRIP_BYTES,
                    b"\r\n\r\n",
                )
            else:
                start, slow, end = (
                    b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n\r\n",
                    png(300, 200)[:DRIP_BYTES],
                    b"",
                )
            try:
                self.wfile.write(start)
                for byte in slow:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(DRIP_SECONDS)
                self.wfile.write(end)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the checker gave up, as it should

        def _route(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
            if path.startswith("/hops/"):
                left = int(path.removeprefix("/hops/"))
                if left == 0:
                    return 200, {"Content-Type": "text/html", "Content-Length": "0"}, b""
                return 302, {"Location": f"/hops/{left - 1}", "Content-Length": "0"}, b""
            if path.startswith("/together/") and web.meeting is not None:
                web.meeting.wait()
                return 200, {"Content-Type": "text/html", "Content-Length": "0"}, b""
            route = web.routes.get(path)
            if route is None:
                return 404, {"Content-Type": "text/html", "Content-Length": "0"}, b""
            if route.delay:
                time.sleep(route.delay)
            with web._lock:
                status = route.first.pop(0) if route.first else None
            headers = {"Content-Type": route.content_type}
            if status is not None:
                return status, {**headers, **route.first_headers, "Content-Length": "0"}, b""
            status = route.head_status if method == "HEAD" and route.head_status else route.status
            if not route.chunked:
                headers["Content-Length"] = str(len(route.body))
            return status, {**headers, **route.headers}, route.body

    return Handler
