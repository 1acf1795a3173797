"""The MJML -> HTML -> inlined-CSS traps: each is shown on the bare library, then handled by us."""

from __future__ import annotations

import logging
import re
import socket

import mjml
import pytest
from lxml import html as lxml_html
from premailer import Premailer

from composer.core import mjml_to_html
from composer.core.pipeline import GMAIL_CLIP_BYTES, Composed, compose
from composer.errors import TemplateProblem

from .conftest import SAMPLE, MakeIssue, MakeTemplates

STYLED = """<mjml><mj-head>
  <mj-attributes><mj-all font-family="Roboto, Arial" /></mj-attributes>
  <mj-style inline="inline">/* composer:inline */ .note p { color: #cd0012; }</mj-style>
  <mj-style>@media (prefers-color-scheme: dark) { .note p { color: #ffffff !important; } }</mj-style>
</mj-head><mj-body><mj-section><mj-column>
  <mj-text css-class="note"><p>Hello</p><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>"""


def paragraph_style(html: str) -> str:
    return lxml_html.fromstring(html).xpath("//p[text()='Hello']")[0].get("style") or ""


@pytest.mark.trap("mjml-python", "1.4.2")
def test_mrml_ignores_inline_styles_so_premailer_inlines_them() -> None:
    bare = mjml.mjml2html(STYLED, fonts={})
    assert "color" not in paragraph_style(bare)  # MRML left the rule in a <style> block
    assert ".note p { color: #cd0012; }" in bare

    ours = mjml_to_html.to_html(STYLED)
    assert "color:#cd0012" in paragraph_style(ours).replace(" ", "")
    assert "#cd0012" not in ours.split("<body")[0], "the inlined rule should leave <head>"


@pytest.mark.trap("mjml-python", "1.4.2")
def test_no_google_fonts_and_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "fonts.googleapis.com" in mjml.mjml2html(STYLED)  # MRML's default for Roboto

    def refuse(*args: object) -> None:
        raise AssertionError(f"composer tried to connect to {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    ours = mjml_to_html.to_html(STYLED)
    assert "googleapis" not in ours and "<link" not in ours and "@import" not in ours


@pytest.mark.trap("premailer", "3.10.0")
def test_premailer_traps_on_the_bare_library() -> None:
    page = (
        "<!doctype html><html><head><style>.a { color: red } "
        "@media (max-width: 400px) { .a { color: blue !important } }</style></head>"
        '<body><a class="a" href="{{ unsubscribe_url }}">x</a></body></html>'
    )
    out = Premailer(page, allow_network=False).transform()
    assert not out.lower().startswith("<!doctype")  # the doctype is dropped
    assert "!important" not in out  # stripped
    assert "{{%20unsubscribe_url%20}}" in out  # merge tag percent-encoded


def test_doctype_important_and_merge_tags_survive() -> None:
    ours = mjml_to_html.to_html(STYLED)
    assert ours.startswith("<!doctype html>")
    assert "color: #ffffff !important" in ours
    assert 'href="{{ unsubscribe_url }}"' in ours


@pytest.mark.parametrize(
    "href",
    [
        "{{ unsubscribe_url }}",
        "{{ email.absolute_url }}",
        "*|UNSUB|*",
        "*|ARCHIVE|*",
        "{{{unsubscribe}}}",
        "%unsubscribe_url%",
        "https://example.com/a b?x=1&amp;y=é",
    ],
)
def test_every_href_survives_inlining_byte_for_byte(href: str) -> None:
    page = (
        "<!doctype html><html><head>"
        '<style type="text/css">/* composer:inline */ a { color: red; }</style>'
        f'</head><body><a href="{href}">link</a></body></html>'
    )
    out = mjml_to_html.inline_css(page)
    assert f'href="{href}"' in out
    assert 'style="color:red"' in out.replace(" ", "")


def test_mso_properties_log_no_warnings(caplog: pytest.LogCaptureFixture) -> None:
    page = (
        '<html><head><style type="text/css">/* composer:inline */ td { color: red; }</style></head>'
        '<body><table><tr><td style="mso-line-height-rule:exactly">x</td></tr></table></body></html>'
    )
    with caplog.at_level(logging.DEBUG):
        mjml_to_html.inline_css(page)
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_sample_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        compose(SAMPLE)
    assert not [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.trap("mjml-python", "1.4.2")
def test_mrml_rejects_html_attributes_so_alts_come_from_mj_image() -> None:
    with pytest.raises(Exception, match="unexpected element"):
        mjml.mjml2html(
            "<mjml><mj-head><mj-html-attributes><mj-selector path='.x'>"
            "<mj-html-attribute name='alt'>x</mj-html-attribute></mj-selector></mj-html-attributes>"
            "</mj-head><mj-body></mj-body></mjml>"
        )
    bare = mjml.mjml2html(
        "<mjml><mj-body><mj-section><mj-column><mj-image src='https://e.com/a.png' />"
        "</mj-column></mj-section></mj-body></mjml>",
        fonts={},
    )
    assert "alt=" not in bare


def test_every_image_has_alt_width_and_height(make_issue: MakeIssue) -> None:
    issue = make_issue(
        """\
        date: 2020-02-03
        summary: Summary.
        stories:
          - headline: With a picture
            body: Text.
            image:
              src: https://example.com/photo.jpg
              alt: Fighters at the border
              width: 1200
              height: 800
              caption: The border crossing.
              credit: Photo by A. Photographer
        """
    )
    images = lxml_html.fromstring(compose(issue).html).xpath("//img")
    assert images
    for image in images:
        assert image.get("alt") == "Fighters at the border"
        assert (image.get("width"), image.get("height")) == ("552", "368")


@pytest.mark.trap("mjml-python", "1.4.2")
def test_leftover_template_tags_break_mrml_so_jinja_runs_first(sample: Composed) -> None:
    with pytest.raises(ValueError):
        mjml.mjml2html('<mjml><mj-head>{% include "styles" %}</mj-head><mj-body></mj-body></mjml>')
    # In the body MRML lets them through into the email, which is worse: none may reach it.
    leaked = mjml.mjml2html("<mjml><mj-body><mj-section>{% for s in x %}</mj-section></mj-body></mjml>")
    assert "{% for s in x %}" in leaked
    for marker in ("{%", "{#", "{{"):
        assert marker not in sample.mjml
        assert marker not in sample.html


def test_a_broken_template_is_reported_with_its_file_and_line(
    make_issue: MakeIssue, make_templates: MakeTemplates
) -> None:
    issue = make_issue()
    templates = make_templates({"email.mjml.j2": "<mjml>\n<mj-body>\n{% if %}\n</mj-body></mjml>\n"})
    with pytest.raises(TemplateProblem) as caught:
        compose(issue)
    assert str(caught.value).startswith(f"{templates / 'email.mjml.j2'}:3:1: template error:")


def test_invalid_mjml_from_a_template_is_a_template_problem(
    make_issue: MakeIssue, make_templates: MakeTemplates
) -> None:
    issue = make_issue()
    make_templates({"email.mjml.j2": "<mjml>\n<mj-head>\n  <mj-nonsense />\n</mj-head></mjml>\n"})
    with pytest.raises(TemplateProblem) as caught:
        compose(issue)
    assert str(caught.value).startswith("the email templates produced invalid MJML: unexpected element")
    assert str(caught.value).endswith("(line 3, column 4 of the MJML that --mjml writes)")


def test_sample_is_far_under_gmail_clipping(sample: Composed) -> None:
    assert sample.html_bytes < GMAIL_CLIP_BYTES / 2
    assert not sample.clipped_by_gmail


def test_dark_mode_and_phone_rules_are_in_the_head(sample: Composed) -> None:
    head = sample.html.split("<body")[0]
    assert '<meta name="color-scheme" content="light dark">' in head
    assert '<meta name="supported-color-schemes" content="light dark">' in head
    assert "@media (prefers-color-scheme: dark)" in head
    assert "!important" in head.split("prefers-color-scheme: dark")[1]


def test_an_undefined_name_in_a_template_is_reported_at_its_line(
    make_issue: MakeIssue, make_templates: MakeTemplates
) -> None:
    issue = make_issue()
    templates = make_templates({"email.txt.j2": "{{ title }}\n{{ issue.headlin }}\n"})
    with pytest.raises(TemplateProblem) as caught:
        compose(issue)
    assert str(caught.value).startswith(f"{templates / 'email.txt.j2'}:2:1: template error: ")
    assert "headlin" in str(caught.value)


def test_a_missing_template_names_the_folders_searched(make_issue: MakeIssue, make_templates: MakeTemplates) -> None:
    issue = make_issue()
    templates = make_templates({"email.txt.j2": '{% include "partials/nowhere.j2" %}\n'})
    with pytest.raises(TemplateProblem) as caught:
        compose(issue)
    assert str(caught.value).startswith(f"template partials/nowhere.j2 not found in {templates}, ")


MARKUP = """<mjml><mj-head><mj-preview>Inbox preview</mj-preview></mj-head><mj-body><mj-section><mj-column>
  <mj-image src="https://example.com/unknown.png" alt="Size &gt; unknown" />
  <mj-image src="https://example.com/known.png" alt="Known" width="300px" height="200px" />
  <mj-button href="https://example.com">Go</mj-button>
</mj-column></mj-section></mj-body></mjml>"""


@pytest.mark.trap("mjml-python", "1.4.2")
def test_mrml_writes_markup_the_validator_rejects_and_repair_mends_it() -> None:
    bare = mjml.mjml2html(MARKUP, fonts={})
    assert 'vertical-align="middle"' in bare  # mj-button's cell: no such HTML attribute
    assert 'height="auto"' in bare  # an image of unknown size: height must be a number
    assert "aria-hidden" not in bare  # the hidden preheader is still read out by screen readers

    ours = mjml_to_html.to_html(MARKUP)
    assert 'vertical-align="' not in ours
    assert 'word-break:break-word;vertical-align:middle;"' in ours  # moved into the style
    assert 'height="auto"' not in ours and 'height="200"' in ours
    assert "height:auto" in ours  # the style still sizes the image
    assert '<div aria-hidden="true" style="display:none;' in ours and "Inbox preview" in ours


@pytest.mark.parametrize(
    ("td", "repaired"),
    [
        ('<td vertical-align="top" style="padding:0">', '<td style="padding:0;vertical-align:top;">'),
        ('<td vertical-align="top" style="vertical-align: bottom;">', '<td style="vertical-align: bottom;">'),
        ('<td align="left" vertical-align="top">', '<td style="vertical-align:top;" align="left">'),
        ('<td style="x" title="a>b">', '<td style="x" title="a>b">'),
    ],
)
def test_vertical_align_goes_into_the_style_unless_it_is_there(td: str, repaired: str) -> None:
    assert mjml_to_html.repair(td) == repaired


TITLED = """<mjml><mj-head><mj-title>{}</mj-title></mj-head>
<mj-body><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>"""


def email_label(html: str) -> str:
    return str(lxml_html.fromstring(html).xpath("//div[@aria-roledescription='email']/@aria-label")[0])


@pytest.mark.trap("mjml-python", "1.4.2")
@pytest.mark.parametrize(
    "title",
    [
        "Executive Summary for November\u00a09th",  # a date's no-break space
        "\u2068The Meridian Brief\u2069: 5 ديسمبر 2026",  # isolates around a name
        "Back\\slash and \\u{a0} typed as text",
    ],
)
def test_the_emails_label_is_its_title_as_written(title: str) -> None:
    # MRML writes the aria-label naming the email as Rust debugs a string ("November\u{a0}9th"),
    # which a screen reader spells out; composer undoes that.
    bare = mjml.mjml2html(TITLED.format(title), fonts={})
    assert email_label(bare) != title
    assert email_label(mjml_to_html.repair(bare)) == title


@pytest.mark.parametrize(
    "html",
    [
        '<a href="x">',
        'href="x"',
        '<a data-href=" href="y">',
        '<a\thref="{{ a }}"\nhref="b">',
        '<a\u00a0href="c"> <a xhref="d" href="e">',
        '<a href="unclosed',
    ],
)
def test_hrefs_are_set_aside_where_an_attribute_starts(html: str) -> None:
    attribute = re.compile(r'(\shref=")([^"]*)(")')  # what counts as an href: after any space
    found = [match.group(2) for match in attribute.finditer(html)]
    aside, hrefs = mjml_to_html._set_hrefs_aside(html)
    assert hrefs == found
    assert aside == attribute.sub(lambda match: f"{match[1]}composer-href-{found.index(match[2])}{match[3]}", html)
