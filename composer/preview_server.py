"""`compose preview`, its web side: a standard-library HTTP server on 127.0.0.1.

It serves one page per issue (desktop and phone frames, a dark-mode frame, the plain text, the
inbox line) and a Server-Sent Events stream that tells every open page to refresh itself when
preview.Preview has rebuilt an issue.

Safety: the email frames are sandboxed without scripts and served with a CSP that allows none;
the page writes every value with textContent, never as HTML. Only this machine's own host
names are answered.
"""

from __future__ import annotations

import errno
import json
import re
import threading
import webbrowser
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import CannotServe
from .preview import Preview

ASSETS = Path(__file__).parent / "preview_assets"
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
    preview: Preview
    allowed_hosts: set[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, on a kept-alive connection the body
    # waits for the browser's delayed ACK, 40 ms on every request after the first.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows rebuilds and errors, not every request

    def do_GET(self) -> None:
        if self.headers.get("Host", "") not in self.server.allowed_hosts:
            # Only this machine's own names: a web page elsewhere cannot rebind a name to us.
            return self.send_text(HTTPStatus.FORBIDDEN, "unknown host")
        path = unquote(urlsplit(self.path).path)
        preview = self.server.preview
        if path == "/":
            if preview.folder is None:  # one issue named: its page; a folder: the index
                return self.redirect(f"/issue/{next(iter(preview.issues))}/")
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

    def send_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while True:
                version = self.server.preview.wait(seen, timeout=15)
                message = f"data: {version}\n\n" if version != seen else ": still here\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = version
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded
        self.close_connection = True

    def send_asset(self, name: str) -> None:
        asset = (ASSETS / name).resolve()
        if asset.parent != ASSETS.resolve() or not asset.is_file():
            return self.send_text(HTTPStatus.NOT_FOUND, "not found")
        types = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css"}
        self.send_bytes(asset.read_bytes(), types.get(asset.suffix, "application/octet-stream"), csp=PAGE_CSP)

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
        self.wfile.write(body)


def serve(
    paths: list[Path],
    port: int,
    folder: Path | None = None,
    templates: Path | None = None,
    service: str | None = None,
    open_browser: bool = False,
    log: Callable[[str, bool], None] = lambda line, is_error: print(line),
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve the preview of ``paths`` on 127.0.0.1:``port`` until ``stop`` is set (or Ctrl+C)."""
    host = "127.0.0.1"  # this machine only: an unsent issue is nobody else's business
    try:
        server = _Server((host, port), _Handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise CannotServe(f"port {port} is already in use (another preview?); choose another with --port") from None
        raise CannotServe(f"cannot listen on {host}:{port}: {error.strerror}") from None
    actual_port = server.server_address[1]
    server.allowed_hosts = {f"{name}:{actual_port}" for name in (host, "localhost", "[::1]")}
    preview = Preview(paths, templates, log, folder, service)
    server.preview = preview
    url = f"http://{host}:{actual_port}/"
    if ready:
        ready(url)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    if open_browser:
        webbrowser.open(url)  # the page waits for the first build's event
    stop = stop or threading.Event()
    watching = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop, watching), name="composer-watch", daemon=True)
    watcher.start()
    watching.wait(timeout=5)  # watch first, then build: a save during the first build is not missed
    preview.rebuild(preview.issues.values())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        with preview.changed:
            preview.changed.notify_all()
        server.shutdown()
        server.server_close()
