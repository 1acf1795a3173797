"""The issue rendered: its view (view.py) through the templates (templates.py), into the MJML of the
email and its plain text, with the options every command passes on (RenderOptions)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import languages
from . import esp, markdown
from .load import Loaded
from .templates import environment, render_template, template_dirs
from .view import build_view

EMAIL_TEMPLATE = "email.mjml.j2"
TEXT_TEMPLATE = "email.txt.j2"


@dataclass(frozen=True)
class RenderOptions:
    """How a command renders its issues, the same for each of them (`--templates`, `--esp`)."""

    templates: Path | None = None  # a templates folder before composer's own (default: one beside the issues)
    service: str | None = None  # the mailing service whose merge tags go in (esp.SERVICES); default publication.yaml's


DEFAULT_OPTIONS = RenderOptions()  # the templates beside the issues, then composer's; publication.yaml's service


@dataclass(frozen=True)
class Rendered:
    mjml: str
    text: str
    read_minutes: int
    title: str
    subject: str
    preheader: str
    links: esp.Links
    # Each link the UTM tags changed, as tagged -> as the editor wrote it (utm.Tagger.written); empty without utm:.
    tagged: Mapping[str, str] = field(default_factory=dict)


def render(loaded: Loaded, options: RenderOptions = DEFAULT_OPTIONS) -> Rendered:
    """The MJML source and the plain text of one issue, with the templates and merge tags ``options`` choose."""
    view = build_view(loaded, options.service, tag_links=True)
    folders = template_dirs(loaded.path, options.templates)
    mjml = render_template(environment(folders, "email"), EMAIL_TEMPLATE, view)
    text = tidy_text(
        render_template(environment(folders, "text"), TEXT_TEMPLATE, {**view, "references": markdown.References()})
    )
    # Last, once wrapped: direction marks are zero-width, and go where a line starts against the issue.
    text = languages.mark_lines(text, view["lang"])
    tagged = view["utm"].written if view["utm"] else {}
    return Rendered(
        mjml, text, view["read_minutes"], view["title"], view["subject"], view["preheader"], view["links"], tagged
    )


def tidy_text(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one newline at the end."""
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
