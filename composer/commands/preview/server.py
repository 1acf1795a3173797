"""`compose preview`, its web side: a standard-library HTTP server on 127.0.0.1.

It serves one page per issue (desktop and phone frames, a dark-mode frame, the plain text, the
inbox line) and a Server-Sent Events stream that tells every open page to refresh itself when
preview.Preview has rebuilt an issue.

Safety: the email frames are sandboxed without scripts and served with a CSP that allows none;
the page writes every value with textContent, never as HTML. Only this machine's own host
names are answered.

Robustness: a connection that sends nothing for ``idle_seconds`` is closed (an event stream
is not idle: it gets a heartbeat, and ends when its page goes); at most PREVIEW_MAX_CONNECTIONS
are served at once, a thread each, and any more get a 503 at once. Every request path ends in
an answer, and nothing a request does prints a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import json
import re
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from ...core.render import DEFAULT_OPTIONS, RenderOptions
from ...errors import CannotServe, internal_error_message
from ...limits import PREVIEW_BACKLOG, PREVIEW_IDLE_SECONDS, PREVIEW_MAX_CONNECTIONS
from ...package import PACKAGE_FOLDER
from .preview import Preview

ASSETS = PACKAGE_FOLDER / "commands" / "preview" / "assets"
# Served by name from this list only: a request path never reaches the file system.
ASSET_NAMES = frozenset(path.name for path in ASSETS.iterdir() if path.is_file())
ASSET_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css"}
CTRL_C_SLICE_SECONDS = 0.2  # how soon Ctrl+C is noticed
HEARTBEAT_SECONDS = 15.0  # an event stream's comment line this often: how a page that went is noticed
BUSY_TEXT = b"too many connections to the preview at once; try again in a moment\n"
BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\nRetry-After: 5\r\nConnection: close\r\n\r\n%s" % (len(BUSY_TEXT), BUSY_TEXT)
)
EMAIL_CSP = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src * data:; frame-ancestors 'self'"
PAGE_CSP = (
    "default-src 'self'; img-src * data:; style-src 'self'; script-src 'self'; frame-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def force_dark(html: str) -> str:
    """The email with its own `prefers-color-scheme: dark` rules in force.

    A page cannot switch one frame to dark mode, so the rules inside those media queries are
    copied, unconditional, to the end of the frame's <head>.
    """
    rules = []
    for match in re.finditer(r"@media[^{]*prefers-color-scheme\s*:\s*dark[^{]*\{", html):
        depth, position = 1, match.end()
        while depth and position < len(html):
            depth += {"{": 1, "}": -1}.get(html[position], 0)
            position += 1
        rules.append(html[match.end() : position - 1])
    style = "<style>:root { color-scheme: dark; }\n" + "\n".join(rules) + "</style>"
    return html.replace("</head>", style + "</head>", 1)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # open event streams must not keep the process alive on Ctrl+C
    request_queue_size = PREVIEW_BACKLOG
    preview: Preview
    allowed_hosts: set[str]

    def __init__(self, address: tuple[str, int], idle_seconds: float) -> None:
        self.idle_seconds = idle_seconds
        self.slots = threading.BoundedSemaphore(PREVIEW_MAX_CONNECTIONS)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            return self.refuse(request)
        try:
            super().process_request(request, client_address)  # starts the connection's thread
        except BaseException:
            self.slots.release()  # no thread, so nobody else will
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def refuse(self, request: socket.socket) -> None:
        """Answer 503 without a thread, never waiting on the client, and close."""
        request.setblocking(False)
        with contextlib.suppress(OSError):
            request.recv(65536)  # what the client sent already: closing over unread bytes would reset
        with contextlib.suppress(OSError):
            request.send(BUSY)  # a fresh connection's send buffer takes it whole
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line in the terminal instead of socketserver's traceback; a client gone is no error."""
        error = sys.exc_info()[1]
        if error is None or isinstance(error, ConnectionError | TimeoutError):
            return
        self.preview.log(internal_error_message(error, " while answering a request", "the preview goes on"), True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, on a kept-alive connection the body
    # waits for the browser's delayed ACK, 40 ms on every request after the first.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows rebuilds and errors, not every request

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_seconds)  # each read and write: an idle connection is closed

    def do_HEAD(self) -> None:
        self.do_GET()  # send_bytes leaves the body out

    def do_GET(self) -> None:
        if self.headers.get("Host", "") not in self.server.allowed_hosts:
            # Only this machine's own names: a web page elsewhere cannot rebind a name to us.
            return self.send_text(HTTPStatus.FORBIDDEN, "unknown host")
        if not self.path.startswith("/"):
            return self.send_text(HTTPStatus.BAD_REQUEST, "the address should start with /")
        path = unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        preview = self.server.preview
        if path == "/":
            if preview.folder is None:  # one issue named: its page; a folder: the index
                return self.redirect(f"/issue/{quote(next(iter(preview.issues)))}/")
            return self.send_asset("index.html")
        if path == "/favicon.ico":
            return self.send_bytes(b"", "image/x-icon", status=HTTPStatus.NO_CONTENT)
        if path.startswith("/static/"):
            return self.send_asset(path.removeprefix("/static/"))
        if path == "/events":
            return self.send_events()
        if path == "/api/issues":
            listing = [preview.state_json(state) for state in preview.issues.values()]
            listing.sort(key=lambda item: (item["date"] or "", item["stem"]), reverse=True)
            return self.send_json(listing)
        match = re.fullmatch(r"/(issue|api/issue)/([^/]+)/?(email\.html|email-dark\.html|email\.txt)?", path)
        state = preview.issues.get(match.group(2)) if match else None
        if match is None or state is None:
            return self.send_text(HTTPStatus.NOT_FOUND, "not found")
        kind, part = match.group(1), match.group(3)
        if kind == "api/issue":
            return self.send_json(preview.state_json(state))
        if part is None:
            return self.send_asset("issue.html")
        good = state.good
        if good is None:
            return self.send_text(HTTPStatus.SERVICE_UNAVAILABLE, "this issue has no good version yet")
        if part == "email.txt":
            return self.send_bytes(good.text.encode(), "text/plain; charset=utf-8")
        html = good.html if part == "email.html" else force_dark(good.html)
        return self.send_bytes(html.encode(), "text/html; charset=utf-8", csp=EMAIL_CSP)

    def do_not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_not_allowed

    def send_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True  # the stream is the rest of this connection
        if self.command == "HEAD":
            return
        seen = -1
        try:
            while True:
                version = self.server.preview.wait(seen, timeout=HEARTBEAT_SECONDS)
                message = f"data: {version}\n\n" if version != seen else ": still here\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = version
        except OSError:
            pass  # the page was closed or reloaded, or stopped reading

    def send_asset(self, name: str) -> None:
        if name not in ASSET_NAMES:
            return self.send_text(HTTPStatus.NOT_FOUND, "not found")
        asset = ASSETS / name
        content_type = ASSET_TYPES.get(asset.suffix, "application/octet-stream")
        self.send_bytes(asset.read_bytes(), content_type, csp=PAGE_CSP)

    def send_json(self, value: Any) -> None:
        self.send_bytes(json.dumps(value).encode(), "application/json")

    def send_text(self, status: HTTPStatus, text: str) -> None:
        self.send_bytes(text.encode(), "text/plain; charset=utf-8", status=status)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_bytes(self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK, csp: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if csp:
            self.send_header("Content-Security-Policy", csp)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(
    paths: list[Path],
    port: int,
    folder: Path | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
    open_browser: bool = False,
    log: Callable[[str, bool], None] = lambda line, is_error: print(line),
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    idle_seconds: float = PREVIEW_IDLE_SECONDS,
    debug: bool = False,
) -> None:
    """Serve the preview of ``paths`` on 127.0.0.1:``port`` until ``stop`` is set (or Ctrl+C)."""
    host = "127.0.0.1"  # this machine only: an unsent issue is nobody else's business
    try:
        server = _Server((host, port), idle_seconds)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise CannotServe(f"port {port} is already in use (another preview?); choose another with --port") from None
        raise CannotServe(f"cannot listen on {host}:{port}: {error.strerror}") from None
    actual_port = server.server_address[1]
    server.allowed_hosts = {f"{name}:{actual_port}" for name in (host, "localhost", "[::1]")}
    preview = Preview(paths, options, log, folder, debug)
    server.preview = preview
    url = f"http://{host}:{actual_port}/"
    stop = stop or threading.Event()
    try:  # Ctrl+C at any point from here stops cleanly
        if ready:
            ready(url)
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        serving.start()
        if open_browser:
            webbrowser.open(url)  # the page waits for the first build's event
        watching = threading.Event()
        watcher = threading.Thread(target=preview.watch, args=(stop, watching), name="composer-watch", daemon=True)
        watcher.start()
        watching.wait(timeout=5)  # watch first, then build: a save during the first build is not missed
        preview.rebuild(preview.issues.values())
        # In slices: Ctrl+C's signal may reach another thread, and an endless wait would never see it.
        while not stop.wait(CTRL_C_SLICE_SECONDS):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        with preview.changed:
            preview.changed.notify_all()
        server.shutdown()
        server.server_close()
