"""`compose preview`: the issue as readers will see it, rebuilt and refreshed on every save.

A standard-library HTTP server on 127.0.0.1 serves one page per issue (desktop and phone
frames, a dark-mode frame, the plain text, the inbox line) and a Server-Sent Events stream.
A watchfiles thread watches the issues, publication.yaml and the templates; a burst of saves
rebuilds once, in-process, and every open page refreshes itself. A save that breaks the issue
keeps the last good version on screen with the errors over it.

Safety: the email frames are sandboxed without scripts and served with a CSP that allows none;
the page writes every value with textContent, never as HTML.
"""

from __future__ import annotations

import errno
import json
import re
import threading
import time
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import email, render
from .errors import ComposerError
from .load import PUBLICATION_FILE, find_publication, issue_files
from .pipeline import Composed, compose

ASSETS = Path(__file__).parent / "preview_assets"
STEP_MS = 30  # a save is taken once the files have been quiet this long...
DEBOUNCE_MS = 400  # ...or after this long, whatever happens: a burst of saves rebuilds once
WATCHING_TIMEOUT_MS = 200  # how soon the watcher reports it is in place (and idles between saves)
EMAIL_CSP = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src * data:; frame-ancestors 'self'"
PAGE_CSP = (
    "default-src 'self'; img-src * data:; style-src 'self'; script-src 'self'; frame-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


@dataclass
class IssueState:
    """One issue as the preview knows it: the last good build and the problems of the latest save."""

    path: Path
    good: Composed | None = None
    problems: list[str] = field(default_factory=list)
    version: int = 0  # bumped on every rebuild, good or not
    good_version: int = 0  # the version that produced `good`
    built_in_ms: float = 0.0

    @property
    def stem(self) -> str:
        return self.path.stem


class Preview:
    """The issues being previewed, rebuilt on demand; threads wait on `changed` for news."""

    def __init__(
        self,
        paths: list[Path],
        templates: Path | None,
        log: Callable[[str, bool], None],
        folder: Path | None = None,
        service: str | None = None,
    ) -> None:
        self.templates = templates
        self.service = service
        self.log = log
        self.folder = folder  # in folder mode, issues added or removed later are followed too
        self.issues = {path.stem: IssueState(path) for path in paths}
        self.changed = threading.Condition()
        self.version = 0

    def rebuild(self, states: Iterable[IssueState]) -> None:
        for state in states:
            started = time.perf_counter()
            try:
                composed = compose(state.path, self.templates, self.service)
            except ComposerError as error:
                state.problems = [str(problem) for problem in error.problems]
                for line in state.problems:
                    self.log(line, True)
            else:
                state.good, state.problems = composed, []
                state.built_in_ms = (time.perf_counter() - started) * 1000
                size = composed.html_bytes / 1024
                self.log(f"rebuilt {state.path} ({size:.1f} KB, {state.built_in_ms:.0f} ms)", False)
            with self.changed:
                self.version += 1
                state.version = self.version
                if not state.problems:
                    state.good_version = self.version
                self.changed.notify_all()

    def watched(self) -> list[Path]:
        """The folders whose files can change an email: the issues', publication.yaml's, the templates'."""
        folders = set()
        for state in self.issues.values():
            folders.add(state.path.parent.resolve())
            publication = find_publication(state.path)
            if publication:
                folders.add(publication.parent.resolve())
            folders.update(folder.resolve() for folder in render.template_dirs(state.path, self.templates))
        return sorted(folders)

    def follow_folder(self) -> list[IssueState]:
        """Take in issues added to the folder and drop removed ones; return the added ones."""
        if self.folder is None:
            return []
        present = {path.stem: path for path in issue_files((self.folder,))}
        added = [IssueState(path) for stem, path in present.items() if stem not in self.issues]
        if added or set(self.issues) - set(present):
            # A new dict, not an edit: request threads may be iterating over the old one.
            self.issues = {stem: self.issues.get(stem) or IssueState(path) for stem, path in present.items()}
            added = [self.issues[state.stem] for state in added]
            with self.changed:
                self.version += 1
                self.changed.notify_all()
        return added

    def affected(self, changed: set[Path]) -> list[IssueState]:
        """The issues a set of changed files touches: its own file, or every issue for shared files."""
        shared = any(path.name == PUBLICATION_FILE or path.suffix != ".yaml" for path in changed)
        return [state for state in self.issues.values() if shared or state.path.resolve() in changed]

    def watch(self, stop: threading.Event, watching: threading.Event) -> None:
        """Rebuild on every burst of saves until ``stop``; set ``watching`` once saves are seen."""
        import watchfiles

        for changes in watchfiles.watch(
            *self.watched(),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            watch_filter=_relevant,
            raise_interrupt=False,
            rust_timeout=WATCHING_TIMEOUT_MS,
            yield_on_timeout=True,
        ):
            watching.set()  # the first (empty) yield comes once the watches are in place
            if not changes:
                continue
            added = self.follow_folder()
            touched = self.affected({Path(name).resolve() for _, name in changes})
            self.rebuild([*added, *(state for state in touched if state not in added)])

    def wait(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout)
            return self.version

    def state_json(self, state: IssueState) -> dict[str, Any]:
        """What the page shows of an issue; the envelope and sizes are those of the last good build."""
        good = state.good
        return {
            "stem": state.stem,
            "path": str(state.path),
            "version": state.version,
            "good_version": state.good_version,
            "problems": state.problems,
            "sender": good.sender if good else None,
            "subject": good.subject if good else None,
            "preheader": good.preheader if good else None,
            "title": good.title if good else None,
            "date": good.loaded.issue.date.isoformat() if good else None,
            "html_bytes": good.html_bytes if good else 0,
            "gmail_limit": email.GMAIL_CLIP_BYTES,
            "read_minutes": good.read_minutes if good else 0,
        }


def _relevant(change: Any, path: str) -> bool:
    """Issue and publication files, and anything in a templates folder; not editors' swap files."""
    name = Path(path).name
    if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
        return False
    return name.endswith((".yaml", ".yml")) or "templates" in Path(path).parts


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
            raise ComposerError(
                f"port {port} is already in use (another preview?); choose another with --port"
            ) from None
        raise ComposerError(f"cannot listen on {host}:{port}: {error.strerror}") from None
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
