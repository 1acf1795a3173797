"""compose(): one issue file in, the email's HTML, its plain text and the MJML between them out."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EmailTooLarge, TemplateProblem
from ..limits import MAX_EMAIL_BYTES
from . import esp, load
from .mjml_to_html import to_html
from .output import write_atomically
from .render import DEFAULT_OPTIONS, RenderOptions, render

GMAIL_CLIP_BYTES = 102 * 1024  # Gmail clips messages larger than this ("[Message clipped]")


@dataclass(frozen=True)
class Composed:
    """What one issue compiles to, in memory."""

    source: Path
    loaded: load.Loaded  # the validated issue and its publication
    html: str
    text: str
    mjml: str
    read_minutes: int
    title: str
    subject: str
    preheader: str
    links: esp.Links  # unsubscribe, web version and address, as the chosen mailing service fills them
    # Each link the UTM tags changed (utm: in publication.yaml), tagged -> as written: see as_written().
    tagged: Mapping[str, str] = field(default_factory=dict)

    def as_written(self, href: str) -> str:
        """A link of the email as the editor wrote it: without the UTM tags composer added, for finding
        its place in the files (check.py, places.py) and naming it in a message."""
        return self.tagged.get(href, href)

    @property
    def sender(self) -> str:
        """The name an inbox lists the email under."""
        publication = self.loaded.publication
        return publication.sender.name if publication.sender else publication.name

    @functools.cached_property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))

    @property
    def clipped_by_gmail(self) -> bool:
        return self.html_bytes > GMAIL_CLIP_BYTES


def compose(path: Path, options: RenderOptions = DEFAULT_OPTIONS) -> Composed:
    """Compile the issue at ``path`` with ``options``: its templates, and the mailing service whose
    merge tags go in (esp.SERVICES; default: publication.yaml's).

    Raises ComposerError: InvalidInput (EmailTooLarge among them), TemplateProblem, IncompleteEmail.

    The steps, in order:
    1. load: read the YAML safely, validate issue and publication, check every Markdown link;
    2. render: Jinja2 turns the issue into MJML, and into the plain text (its own template);
    3. to_html: MRML compiles the MJML, premailer inlines our CSS.
    """
    loaded = load.load(path)
    rendered = render(loaded, options)
    try:
        html = to_html(rendered.mjml)
    except TemplateProblem as error:
        error.mjml = rendered.mjml
        raise
    composed = Composed(
        path,
        loaded,
        html,
        rendered.text,
        rendered.mjml,
        rendered.read_minutes,
        rendered.title,
        rendered.subject,
        rendered.preheader,
        rendered.links,
        rendered.tagged,
    )
    size = composed.html_bytes  # counted once: the Gmail clip and the build's outcome read it too
    if size > MAX_EMAIL_BYTES:
        raise EmailTooLarge(
            f"{path}: the email would be {size / 1_000_000:.1f} MB, more than the {MAX_EMAIL_BYTES // 1_000_000} MB "
            f"composer writes (Gmail already clips at {GMAIL_CLIP_BYTES // 1024} KB); shorten the issue"
        )
    return composed


@dataclass(frozen=True)
class Written:
    html: Path
    text: Path
    mjml: Path | None
    eml: Path | None


def write(composed: Composed, folder: Path, with_mjml: bool = False, eml: bytes | None = None) -> Written:
    """Write build/<stem>.html and .txt (and .mjml, and the .eml message given), each atomically."""
    stem = composed.source.stem
    written = Written(
        folder / f"{stem}.html",
        folder / f"{stem}.txt",
        folder / f"{stem}.mjml" if with_mjml else None,
        folder / f"{stem}.eml" if eml is not None else None,
    )
    write_atomically(written.html, composed.html)
    write_atomically(written.text, composed.text)
    if written.mjml:
        write_atomically(written.mjml, composed.mjml)
    if written.eml and eml is not None:
        write_atomically(written.eml, eml.decode("ascii"))  # CRLF already, as mail is; kept as is
    return written
