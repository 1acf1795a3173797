"""Whatever an editor types stays text: raw HTML in any field is shown, never run or parsed.

Each field of the issue and the publication is filled with an attack, and the compiled email is
compared with the same issue filled with harmless words: the HTML must have exactly the same
elements and attributes (so nothing was injected), show the attack as literal text, and the plain
text must carry it as typed. Links other than http, https and mailto are validation errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml

from composer.core.pipeline import Composed, compose
from composer.errors import InvalidInput

from .conftest import MakeIssue, cli

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)",
]

Field = tuple[str | int, ...]  # where a field is in the data, e.g. ("stories", 0, "headline")

# Every field an editor types text into, Markdown fields included.
ISSUE_FIELDS: list[Field] = [
    ("title",),
    ("subject",),
    ("preheader",),
    ("summary",),
    ("stories", 0, "headline"),
    ("stories", 0, "body"),
    ("stories", 0, "image", "alt"),
    ("stories", 0, "image", "caption"),
    ("stories", 0, "image", "credit"),
    ("recommended_reads", 0, "title"),
    ("recommended_reads", 0, "source"),
    ("recommended_reads", 0, "note"),
]
PUBLICATION_FIELDS: list[Field] = [
    ("name",),
    ("notice",),
    ("footer",),
    ("calls_to_action", 0, "heading"),
    ("calls_to_action", 0, "text"),
    ("calls_to_action", 0, "label"),
]
ALL_FIELDS = ISSUE_FIELDS + PUBLICATION_FIELDS
NOT_IN_PLAIN_TEXT = {("subject",), ("preheader",)}  # the mail client shows those, not the text part
ATTRIBUTE_ONLY = {("stories", 0, "image", "alt")}  # alt text is an attribute of the <img>


def issue_data(fill: Callable[[Field], str]) -> dict[str, object]:
    return {
        "date": "2020-02-03",
        "title": fill(("title",)),
        "subject": fill(("subject",)),
        "preheader": fill(("preheader",)),
        "summary": fill(("summary",)),
        "stories": [
            {
                "headline": fill(("stories", 0, "headline")),
                "body": fill(("stories", 0, "body")),
                "url": "https://example.com/story",
                "image": {
                    "src": "https://example.com/photo.jpg",
                    "alt": fill(("stories", 0, "image", "alt")),
                    "caption": fill(("stories", 0, "image", "caption")),
                    "credit": fill(("stories", 0, "image", "credit")),
                    "width": 600,
                    "height": 400,
                },
            }
        ],
        "recommended_reads": [
            {
                "title": fill(("recommended_reads", 0, "title")),
                "url": "https://example.com/read",
                "source": fill(("recommended_reads", 0, "source")),
                "note": fill(("recommended_reads", 0, "note")),
            }
        ],
    }


def publication_data(fill: Callable[[Field], str]) -> dict[str, object]:
    return {
        "name": fill(("name",)),
        "url": "https://news.example.com",
        "contact": "desk@example.com",
        "notice": fill(("notice",)),
        "footer": fill(("footer",)),
        "logo": {"src": "https://news.example.com/logo.png", "alt": "Logo", "width": 200, "height": 50},
        "calls_to_action": [
            {
                "heading": fill(("calls_to_action", 0, "heading")),
                "text": fill(("calls_to_action", 0, "text")),
                "label": fill(("calls_to_action", 0, "label")),
                "url": "https://news.example.com/write",
            }
        ],
    }


def label(field: Field) -> str:
    """A word that tells the fields apart in the output, e.g. 'field-stories-0-image-alt'.

    The prefix keeps one label from hiding inside another ('title' inside a read's title).
    """
    return "-".join(["field", *map(str, field)])


def harmless_fill(field: Field) -> str:
    return f"{label(field)} plain words"


def write_and_compose(folder: Path, fill: Callable[[Field], str]) -> Composed:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "publication.yaml").write_text(yaml.safe_dump(publication_data(fill), allow_unicode=True), "utf-8")
    path = folder / "issue.yaml"
    path.write_text(yaml.safe_dump(issue_data(fill), allow_unicode=True), "utf-8")
    return compose(path)


def shape(html: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every element in document order with its attribute names: what the markup is made of."""
    document = lxml.html.document_fromstring(html)
    return [
        (element.tag, tuple(sorted(element.attrib)))
        for element in document.iter()
        if isinstance(element.tag, str)  # comments and processing instructions have no tag name
    ]


def normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def harmless(tmp_path_factory: pytest.TempPathFactory) -> Composed:
    return write_and_compose(tmp_path_factory.mktemp("harmless"), harmless_fill)


@pytest.fixture(scope="module", params=PAYLOADS)
def attacked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Composed]:
    payload: str = request.param
    composed = write_and_compose(tmp_path_factory.mktemp("attacked"), lambda field: f"{label(field)} {payload}")
    return payload, composed


def test_no_element_or_attribute_is_injected(harmless: Composed, attacked: tuple[str, Composed]) -> None:
    _, composed = attacked
    assert shape(composed.html) == shape(harmless.html)


def test_no_script_and_no_event_handler(attacked: tuple[str, Composed]) -> None:
    _, composed = attacked
    document = lxml.html.document_fromstring(composed.html)
    assert document.xpath("//script | //svg | //*[local-name()='svg']") == []
    handlers = [(el.tag, name) for el in document.iter() if isinstance(el.tag, str) for name in el.attrib]
    assert [pair for pair in handlers if pair[1].lower().startswith("on")] == []
    assert re.search(r"<\s*(script|svg)", composed.html, re.I) is None


@pytest.mark.parametrize("field", [f for f in ALL_FIELDS if f not in ATTRIBUTE_ONLY], ids=label)
def test_payload_is_visible_text_in_the_html(attacked: tuple[str, Composed], field: Field) -> None:
    payload, composed = attacked
    document = lxml.html.document_fromstring(composed.html)
    assert f"{label(field)} {payload}" in normalised(document.text_content())


def test_alt_text_is_kept_whole_in_its_attribute(attacked: tuple[str, Composed]) -> None:
    payload, composed = attacked
    document = lxml.html.document_fromstring(composed.html)
    alts = [img.get("alt") for img in document.iter("img")]
    assert f"field-stories-0-image-alt {payload}" in alts


def test_title_and_preheader_carry_the_payload_as_text(attacked: tuple[str, Composed]) -> None:
    payload, composed = attacked
    document = lxml.html.document_fromstring(composed.html)
    assert document.findtext(".//title") == f"field-subject {payload}"
    [heading] = document.iter("h1")
    assert heading.text_content() == f"field-title {payload}"


@pytest.mark.parametrize("field", [f for f in ALL_FIELDS if f not in NOT_IN_PLAIN_TEXT], ids=label)
def test_payload_is_literal_in_the_plain_text(attacked: tuple[str, Composed], field: Field) -> None:
    payload, composed = attacked
    assert f"{label(field)} {payload}" in normalised(composed.text)


def test_only_web_and_mail_links_in_the_output(attacked: tuple[str, Composed]) -> None:
    _, composed = attacked
    document = lxml.html.document_fromstring(composed.html)
    addresses = [el.get(name) for el in document.iter() if isinstance(el.tag, str) for name in ("href", "src")]
    schemes = {address.split(":", 1)[0].lower() for address in addresses if address is not None}
    assert schemes <= {"http", "https", "mailto"}
    assert schemes  # the email does have links and images


def test_quotes_inside_urls_cannot_break_out_of_their_attribute(harmless: Composed, tmp_path: Path) -> None:
    # A URL may legally hold '; it must stay one attribute value, not become new attributes.
    issue, publication = issue_data(harmless_fill), publication_data(harmless_fill)
    set_at(issue, ("stories", 0, "url"), "https://example.com/story'onmouseover='alert(1)")
    set_at(issue, ("stories", 0, "image", "src"), "https://example.com/p.jpg'onerror='alert(1)")
    set_at(publication, ("url",), "https://news.example.com/'onmouseover='alert(1)")
    (tmp_path / "publication.yaml").write_text(yaml.safe_dump(publication), "utf-8")
    (tmp_path / "issue.yaml").write_text(yaml.safe_dump(issue), "utf-8")
    composed = compose(tmp_path / "issue.yaml")
    assert shape(composed.html) == shape(harmless.html)
    hrefs = {a.get("href") for a in lxml.html.document_fromstring(composed.html).iter("a")}
    assert "https://example.com/story'onmouseover='alert(1)" in hrefs


@pytest.mark.parametrize("url", ['https://example.com/read"><script>alert(1)</script>', 'https://e.com/"onclick="x'])
def test_double_quotes_and_angle_brackets_in_urls_are_refused(tmp_path: Path, url: str) -> None:
    # Never valid unencoded in a URL (RFC 3986): a sign of a botched copy, refused at its line.
    issue, publication = issue_data(harmless_fill), publication_data(harmless_fill)
    set_at(issue, ("recommended_reads", 0, "url"), url)
    (tmp_path / "publication.yaml").write_text(yaml.safe_dump(publication), "utf-8")
    (tmp_path / "issue.yaml").write_text(yaml.safe_dump(issue), "utf-8")
    with pytest.raises(InvalidInput) as caught:
        compose(tmp_path / "issue.yaml")
    [problem] = caught.value.problems
    assert problem.field == "recommended_reads[1].url"
    assert problem.message.startswith('a link cannot contain " < or >')


# --- links that are not http, https or mailto --------------------------------------------------

BAD_LINKS = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,hi", "vbscript:msgbox(1)"]

# (file, the field as the error names it, where it is in the data, how the link is written there)
URL_FIELDS: list[tuple[str, str, Field, str]] = [
    ("issue", "stories[1].url", ("stories", 0, "url"), "{}"),
    ("issue", "stories[1].image.src", ("stories", 0, "image", "src"), "{}"),
    ("issue", "recommended_reads[1].url", ("recommended_reads", 0, "url"), "{}"),
    ("issue", "summary", ("summary",), "See [this]({})."),
    ("issue", "stories[1].body", ("stories", 0, "body"), "Intro.\n\n[x]({})\n"),
    ("publication", "url", ("url",), "{}"),
    ("publication", "logo.src", ("logo", "src"), "{}"),
    ("publication", "calls_to_action[1].url", ("calls_to_action", 0, "url"), "{}"),
    ("publication", "notice", ("notice",), "Hello <{}>"),
    ("publication", "footer", ("footer",), "Bye [x]({})"),
]


def set_at(data: Any, where: Field, value: str) -> None:
    for part in where[:-1]:
        data = data[part]
    data[where[-1]] = value


@pytest.mark.parametrize("bad_link", BAD_LINKS)
@pytest.mark.parametrize(("file", "field", "where", "written"), URL_FIELDS, ids=[f"{f[0]}:{f[1]}" for f in URL_FIELDS])
def test_a_bad_link_in_any_url_field_is_a_validation_error(
    tmp_path: Path, bad_link: str, file: str, field: str, where: Field, written: str
) -> None:
    data = {"issue": issue_data(harmless_fill), "publication": publication_data(harmless_fill)}
    set_at(data[file], where, written.format(bad_link))
    for name, content in data.items():
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(content, width=1000), "utf-8")
    with pytest.raises(InvalidInput) as caught:
        compose(tmp_path / "issue.yaml")
    [problem] = caught.value.problems
    scheme = bad_link.split(":", 1)[0].lower()
    assert problem.field == field
    assert f"'{scheme}:' is not allowed" in problem.message
    # The line named is the one holding the link, so the editor can jump to it.
    lines = (tmp_path / f"{file}.yaml").read_text("utf-8").split("\n")
    assert bad_link in lines[problem.line - 1]
    assert Path(problem.path).name == f"{file}.yaml"


def test_the_cli_refuses_a_javascript_link_and_writes_nothing(make_issue: MakeIssue, tmp_path: Path) -> None:
    path = make_issue(
        """\
        date: 2020-02-03
        summary: A summary.
        stories:
          - headline: First
            body: Click [here](javascript:alert(1)).
        """
    )
    out = tmp_path / "out"
    result = cli(str(path), "-o", str(out))
    assert result.exit_code == 1
    assert (
        f"{path}:5:24: stories[1].body: links must start with http:, https:, mailto: — 'javascript:' is not allowed"
        in result.output
    )
    assert "Traceback" not in result.output
    assert not out.exists() or list(out.iterdir()) == []
