"""compose check, the library side: each rule against crafted issues, and the sample passes but for its address."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from composer.commands.check import MERGE_TAGS, Finding, check, check_files, exit_status, findings_from_error
from composer.core import esp
from composer.core.colours import contrast_ratio
from composer.core.folders import shown_path
from composer.core.pipeline import GMAIL_CLIP_BYTES, Composed, compose
from composer.core.render import RenderOptions
from composer.core.templates import default_templates
from composer.errors import InvalidInput

from .conftest import PUBLICATION, SAMPLE, MakeIssue, MakeTemplates, cli

# A publication and an issue that pass every check: each test below adds one fault to them.
ADDRESS = "12 Mill Lane, Springfield, IL 62701"
SENDER = "sender:\n  name: The Daily Test\n  email: desk@news.example.com\n"
SENT = PUBLICATION + SENDER  # what a publication needs but an unsubscribe page and an address
NO_ADDRESS = SENT + "unsubscribe_url: https://news.example.com/unsubscribe\n"
CLEAN_PUBLICATION = NO_ADDRESS + f"address: {ADDRESS}\n"
CLEAN_ISSUE = """\
date: 2020-02-03
subject: The week the river rose
summary: The river rose by two metres overnight; the town council met at dawn to decide what to do next.
stories:
  - headline: First headline
    body: The [council's minutes](https://example.com/minutes) are online.
"""


def issue_with(summary: str = "", body: str = "", extra: str = "") -> str:
    """CLEAN_ISSUE with another one-line summary or story body, or extra top-level keys."""
    text = CLEAN_ISSUE + extra
    if summary:
        text = re.sub(r"(?m)^summary: .*$", lambda _: f"summary: {quoted(summary)}", text)
    if body:
        text = re.sub(r"(?m)^    body: .*$", lambda _: f"    body: {quoted(body)}", text)
    return text


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"  # YAML's single quotes: nothing inside is special


def first_line(composed: Composed) -> str:
    """Where a key missing from publication.yaml is reported when no commented-out line of it is there."""
    return f"{composed.loaded.publication_path}:1:1"


def lines(composed: Composed) -> list[str]:
    return [str(finding) for finding in check(composed)]


def rules(composed: Composed) -> list[tuple[str, str]]:
    return [(finding.level, finding.rule) for finding in check(composed)]


def with_html(composed: Composed, body: str) -> Composed:
    """The composed email with its <body> replaced: for what our own templates can never produce."""
    head = composed.html[: composed.html.index("<body")]
    return dataclasses.replace(composed, html=f"{head}<body>{body}</body></html>")


@pytest.fixture
def clean(make_issue: MakeIssue) -> Composed:
    return compose(make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION))


def test_a_clean_issue_has_no_findings(clean: Composed) -> None:
    assert check(clean) == []


# The sample -----------------------------------------------------------------------------------


SAMPLE_ADDRESS = "Syria Deeply, 1 Example Street, New York, NY 10001"
SAMPLE_ADDRESS_LINE = (SAMPLE.parent / "publication.yaml").read_text().splitlines().index(
    f"address: {SAMPLE_ADDRESS}"
) + 1


@pytest.mark.parametrize("service", [None, *sorted(esp.SERVICES)])
def test_the_sample_passes_for_every_service_but_for_its_example_address(service: str | None) -> None:
    findings = check(compose(SAMPLE, RenderOptions(service=service)))
    if service == "mailchimp":  # Mailchimp puts the list's own address where the example was
        assert findings == []
        return
    assert [str(finding) for finding in findings] == [
        f"{shown_path(SAMPLE.parent / 'publication.yaml')}:{SAMPLE_ADDRESS_LINE}:10: warning: postal-address-example: "
        f'the postal address "{SAMPLE_ADDRESS}" is an example, and '
        "readers would see it in the footer: put your own in address: in publication.yaml"
    ]
    assert exit_status(findings) == 0
    assert exit_status(findings, strict=True) == 1


# Size -----------------------------------------------------------------------------------------


def test_an_issue_too_long_for_gmail_is_an_error(make_issue: MakeIssue) -> None:
    paragraph = "      " + "A paragraph of a story that goes on and on. " * 8
    body = "    body: |\n" + "\n\n".join([paragraph] * 400) + "\n"
    composed = compose(make_issue(re.sub(r"(?m)^    body: .*\n", lambda _: body, CLEAN_ISSUE), CLEAN_PUBLICATION))
    assert composed.html.count("A paragraph of a story") == 3200
    assert composed.html_bytes > GMAIL_CLIP_BYTES
    [finding] = check(composed)
    assert (finding.level, finding.rule) == ("error", "gmail-clipping")
    assert re.fullmatch(
        r"the HTML is \d+\.\d KB; Gmail clips emails over 102 KB and hides the rest, unsubscribe link included, "
        r"behind 'View entire message': shorten the issue",
        finding.message,
    )


def padded_to(composed: Composed, size: int) -> Composed:
    """The email made exactly ``size`` bytes long with an HTML comment."""
    filler = size - composed.html_bytes - len("<!---->")
    return dataclasses.replace(composed, html=composed.html + "<!--" + "x" * filler + "-->")


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (90 * 1024, []),
        (90 * 1024 + 1, [("warning", "gmail-clipping")]),
        (102 * 1024, [("warning", "gmail-clipping")]),
        (102 * 1024 + 1, [("error", "gmail-clipping")]),
    ],
)
def test_gmail_limits_are_exact(clean: Composed, size: int, expected: list[tuple[str, str]]) -> None:
    assert rules(padded_to(clean, size)) == expected


def test_size_is_rounded_up_so_just_over_the_limit_never_reads_as_the_limit(clean: Composed) -> None:
    [finding] = check(padded_to(clean, 102 * 1024 + 1))
    assert finding.message.startswith("the HTML is 102.1 KB;")
    [finding] = check(padded_to(clean, 95 * 1024))
    assert finding.message == (
        "the HTML is 95.0 KB, close to the 102 KB at which Gmail clips emails; a mailing service's tracking "
        "links can push it over: consider shortening the issue"
    )


# Links ----------------------------------------------------------------------------------------


def test_an_http_link_is_a_warning(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(issue_with(body="The [minutes](http://example.com/minutes)."), CLEAN_PUBLICATION))
    assert lines(composed) == [
        f"{composed.source}:6:26: warning: link-not-https: http://example.com/minutes is not a secure link: change "
        "http:// to https:// (some mail filters distrust plain http, and browsers warn about it)"
    ]


def test_an_empty_or_placeholder_href_is_an_error_and_an_anchor_is_not_a_link(clean: Composed) -> None:
    composed = with_html(clean, '<a href="">Buy now</a> <a href="#">Top</a> <a name="top">here</a>')
    empty = [finding.message for finding in check(composed) if finding.rule == "link-empty"]
    assert empty == [
        'a link ("Buy now") has no address (href=""): give it the page it should open',
        'a link ("Top") has no address (href="#"): give it the page it should open',
    ]
    assert all(finding.level == "error" for finding in check(composed) if finding.rule == "link-empty")


def test_a_relative_link_is_not_a_full_https_address(clean: Composed) -> None:
    composed = with_html(clean, '<a href="/archive">The archive</a>')
    assert [finding.message for finding in check(composed) if finding.rule == "link-not-https"] == [
        'the link ("The archive") to /archive is not a full https:// address, so in an email it may lead nowhere'
    ]


def test_mailto_tel_and_merge_tags_are_fine_links(clean: Composed) -> None:
    tags = sorted(MERGE_TAGS)
    anchors = "".join(f'<a href="{tag}">Tag {number}</a>' for number, tag in enumerate(tags))
    composed = with_html(clean, anchors + '<a href="mailto:a@example.com">Write</a><a href="tel:+441234">Call</a>')
    assert [finding for finding in check(composed) if finding.rule in ("link-not-https", "link-empty")] == []
    assert "*|UNSUB|*" in tags and "{{ unsubscribe_url }}" in tags and "%unsubscribe_url%" in tags


def test_one_url_under_different_texts_is_a_warning(make_issue: MakeIssue) -> None:
    body = "The [minutes](https://example.com/minutes) and the [budget](https://example.com/minutes)."
    composed = compose(make_issue(issue_with(body=body), CLEAN_PUBLICATION))
    assert lines(composed) == [
        f'{composed.source}:6:26: warning: link-same-url-different-text: "minutes" and "budget" both link to '
        "https://example.com/minutes: make sure each leads where its words say"
    ]


def test_one_url_under_one_text_its_own_address_or_read_more_is_fine(make_issue: MakeIssue) -> None:
    body = (
        "The [minutes](https://example.com/minutes), the [Minutes](https://example.com/minutes) again, "
        "at [example.com/minutes](https://example.com/minutes) or <https://example.com/minutes>."
    )
    issue = issue_with(body=body).replace("  - headline", "  - url: https://example.com/minutes\n    headline")
    composed = compose(make_issue(issue, CLEAN_PUBLICATION))
    assert "Read more" in composed.text  # the story's own "Read more" links to the same page
    assert check(composed) == []


@pytest.mark.parametrize("text", ["here", "Click here", "click here to read the report", "Read more here", "this link"])
def test_click_here_link_texts_are_a_warning(make_issue: MakeIssue, text: str) -> None:
    composed = compose(
        make_issue(issue_with(body=f"The minutes are [{text}](https://example.com/minutes)."), CLEAN_PUBLICATION)
    )
    assert lines(composed) == [
        f'{composed.source}:6:28: warning: link-click-here: the link text "{text}" (https://example.com/minutes) says '
        "nothing about where it leads, and screen readers list links by their text: link the words that name it "
        "instead"
    ]


def test_read_more_and_learn_more_are_not_click_here(make_issue: MakeIssue) -> None:
    issue = CLEAN_ISSUE.replace("  - headline", "  - url: https://example.com/story\n    headline")
    composed = compose(make_issue(issue, CLEAN_PUBLICATION))  # CLEAN_PUBLICATION has a "Learn more" button
    assert ">Read more</a>" in composed.html and ">Learn more" in composed.html
    assert check(composed) == []


# Unsubscribe ----------------------------------------------------------------------------------


def test_no_unsubscribe_link_without_a_service_is_an_error(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, SENT + f"address: {ADDRESS}\n"))  # no unsubscribe_url, no esp
    assert lines(composed) == [
        f"{first_line(composed)}: error: unsubscribe-missing: the email has no unsubscribe link, which every email "
        "must have: add unsubscribe_url to publication.yaml, or choose the mailing service that fills it in "
        "(--esp, or esp: in publication.yaml)"
    ]
    assert exit_status(check(composed)) == 1


@pytest.mark.parametrize("service", sorted(esp.SERVICES))
def test_every_services_tag_counts_as_the_unsubscribe_link(make_issue: MakeIssue, service: str) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, SENT + f"address: {ADDRESS}\n"), RenderOptions(service=service))
    assert check(composed) == []


def test_templates_that_drop_the_services_unsubscribe_link_are_an_error(
    make_issue: MakeIssue, make_templates: MakeTemplates
) -> None:
    footer = "<mj-section><mj-column><mj-text>Goodbye</mj-text></mj-column></mj-section>"
    make_templates({"partials/footer.mjml.j2": footer})
    composed = compose(make_issue(CLEAN_ISSUE, PUBLICATION), RenderOptions(service="mailchimp"))
    unsubscribe = [str(finding) for finding in check(composed) if finding.rule == "unsubscribe-missing"]
    assert unsubscribe == [
        f"{composed.source}: error: unsubscribe-missing: no link in the email leads to Mailchimp's unsubscribe "
        "tag, *|UNSUB|*: the templates must link to it (links.unsubscribe)"
    ]


# Postal address ---------------------------------------------------------------------------------

ADDRESS_REQUIRED = (
    "the footer has no postal address, which the US CAN-SPAM Act and most mailing services require in every email"
)


def test_no_address_and_no_service_is_a_warning(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, NO_ADDRESS))
    assert lines(composed) == [
        f"{first_line(composed)}: warning: postal-address-missing: {ADDRESS_REQUIRED}: add address: to "
        "publication.yaml, or choose a mailing service that fills it in (--esp mailchimp, or esp: in publication.yaml)"
    ]


def test_an_address_in_publication_yaml_is_in_the_footer_and_enough(clean: Composed) -> None:
    assert ADDRESS in clean.html
    assert ADDRESS in clean.text
    assert check(clean) == []


def test_mailchimp_fills_in_the_address(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, NO_ADDRESS), RenderOptions(service="mailchimp"))
    assert "*|HTML:LIST_ADDRESS_HTML|*" in composed.html and "*|LIST:ADDRESS|*" in composed.text
    assert check(composed) == []


def test_buttondown_does_not_fill_in_the_address(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, NO_ADDRESS + "esp: buttondown\n"))
    assert lines(composed) == [
        f"{first_line(composed)}: warning: postal-address-missing: {ADDRESS_REQUIRED}, and Buttondown does not "
        "fill one in: add address: to publication.yaml"
    ]


def test_the_address_given_is_used_where_a_service_has_none(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION), RenderOptions(service="buttondown"))
    assert ADDRESS in composed.text
    assert check(composed) == []


def test_a_missing_address_fails_only_a_strict_check(make_issue: MakeIssue) -> None:
    findings = check(compose(make_issue(CLEAN_ISSUE, NO_ADDRESS)))
    assert [(finding.level, finding.rule) for finding in findings] == [("warning", "postal-address-missing")]
    assert exit_status(findings) == 0
    assert exit_status(findings, strict=True) == 1


def test_compose_check_strict_exits_1_on_a_missing_address(make_issue: MakeIssue) -> None:
    issue = make_issue(CLEAN_ISSUE, NO_ADDRESS)
    for strict, status in (([], 0), (["--strict"], 1)):
        result = cli("check", *strict, str(issue))
        assert (result.exit_code, result.stderr) == (status, "no errors, 1 warning\n")
        assert result.stdout.startswith(f"{issue.parent / 'publication.yaml'}:1:1: warning: postal-address-missing: ")


@pytest.mark.parametrize("address", ["1 Example Street, Springfield", "EXAMPLE CO., PO Box 1, Springfield"])
def test_an_example_address_is_a_warning(make_issue: MakeIssue, address: str) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, NO_ADDRESS + f"address: {address}\n"))
    at = f"{composed.loaded.publication_path}:{NO_ADDRESS.count(chr(10)) + 1}:10"  # the address typed
    assert lines(composed) == [
        f'{at}: warning: postal-address-example: the postal address "{address}" is an example, and '
        "readers would see it in the footer: put your own in address: in publication.yaml"
    ]


def test_an_example_address_a_service_replaces_is_never_seen(make_issue: MakeIssue) -> None:
    composed = compose(
        make_issue(CLEAN_ISSUE, NO_ADDRESS + "address: 1 Example Street\n"), RenderOptions(service="mailchimp")
    )
    assert "Example Street" not in composed.html + composed.text
    assert check(composed) == []


def test_words_that_hold_example_are_not_an_example_address(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, NO_ADDRESS + "address: 4 Counterexamples Road, Springfield\n"))
    assert check(composed) == []


# Images ---------------------------------------------------------------------------------------


def test_an_http_image_is_a_warning(make_issue: MakeIssue) -> None:
    image = (
        "    image:\n      src: http://example.com/flood.jpg\n      alt: The flooded square\n"
        "      width: 1200\n      height: 800\n"
    )
    composed = compose(make_issue(CLEAN_ISSUE + image, CLEAN_PUBLICATION))
    assert lines(composed) == [
        f"{composed.source}:8:12: warning: image-not-https: http://example.com/flood.jpg is not loaded over https://, "
        "so some mail clients will not show it: use its https:// address"
    ]


def test_quotes_are_styled_by_composers_templates(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(issue_with(body="> A quote of the minister."), CLEAN_PUBLICATION))
    assert 'class="quote"' in composed.html
    assert check(composed) == []


def test_templates_whose_styles_predate_the_quote_cell_leave_quotes_bare(
    make_issue: MakeIssue, make_templates: MakeTemplates
) -> None:
    # A copy of composer's styles from before quotes sat in a cell: the blockquote styled, the cell not.
    styles = (default_templates() / "partials" / "styles.mjml.j2").read_text(encoding="utf-8")
    old = re.sub(r"(?m)^  \.quote.*\n", "", styles)
    assert old != styles
    make_templates({"partials/styles.mjml.j2": old})
    composed = compose(make_issue(issue_with(body="> A quote of the minister."), CLEAN_PUBLICATION))
    assert [(finding.path, finding.rule) for finding in check(composed)] == [(str(composed.source), "quote-style")]


def test_images_without_alt_or_width_from_a_template(make_issue: MakeIssue, make_templates: MakeTemplates) -> None:
    make_templates(
        {
            "partials/story.mjml.j2": (
                "<mj-section><mj-column>"
                '<mj-image src="https://example.com/no-alt.png" />'
                '<mj-image src="https://example.com/empty-alt.png" alt=" " />'
                '<mj-raw><img src="https://example.com/no-width.png" alt="A map"></mj-raw>'
                "<mj-text>{{ story.headline }}</mj-text>"
                "</mj-column></mj-section>"
            )
        }
    )
    composed = compose(
        make_issue(
            CLEAN_ISSUE.replace(" The [council's minutes](https://example.com/minutes) are", " The minutes are"),
            CLEAN_PUBLICATION,
        )
    )
    assert rules(composed) == [
        ("error", "image-alt"),
        ("error", "image-alt"),
        ("warning", "image-size"),
        ("warning", "image-size"),
        ("warning", "image-size"),
        ("warning", "image-width"),
    ]
    assert lines(composed)[0] == (
        f"{composed.source}: error: image-alt: https://example.com/no-alt.png has no alt text, which readers see "
        "when images are blocked and screen readers read out: give it words that say what it shows (alt: in the "
        'issue, alt="..." in a template)'
    )
    assert "https://example.com/no-width.png has no width attribute" in lines(composed)[5]


def test_an_image_without_a_size_says_what_it_costs(make_issue: MakeIssue) -> None:
    image = "    image:\n      src: https://example.com/flood.jpg\n      alt: The flooded square\n"
    composed = compose(make_issue(CLEAN_ISSUE + image, CLEAN_PUBLICATION))
    assert lines(composed) == [
        f"{composed.source}:8:12: warning: image-size: https://example.com/flood.jpg has no size in the issue: until "
        "it arrives, mail clients cannot keep its place, so the text jumps as it loads, and Outlook on Windows may "
        "show it at its full size: give the picture's width: and height: (in pixels) in the issue"
    ]
    sized = compose(make_issue(CLEAN_ISSUE + image + "      width: 1200\n      height: 800\n", CLEAN_PUBLICATION))
    assert lines(sized) == []


def test_a_link_to_a_part_of_the_email_is_fine(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION + "contents: true\n"))
    assert 'href="#story-1"' in composed.html
    assert lines(composed) == []


# Subject and preheader ------------------------------------------------------------------------


def test_a_short_subject_is_a_warning(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE.replace("The week the river rose", "Flood"), CLEAN_PUBLICATION))
    assert lines(composed) == [
        f'{composed.source}:2:10: warning: subject-length: the subject "Flood" is 5 characters; one under 10 tells '
        "readers little about the issue: write a longer subject: in the issue"
    ]


def test_a_long_subject_is_a_warning_showing_where_inboxes_cut_it(make_issue: MakeIssue) -> None:
    subject = "The week the river rose and the council met at dawn to decide what on earth to do about it"
    composed = compose(make_issue(CLEAN_ISSUE.replace("The week the river rose", subject), CLEAN_PUBLICATION))
    [finding] = check(composed)
    assert finding.rule == "subject-length"
    assert finding.message == (
        f"the subject is {len(subject)} characters; most inboxes cut it after about 78, showing "
        f'"{subject[:78].rstrip()}…": write a shorter subject: in the issue'
    )


@pytest.mark.parametrize(("length", "warned"), [(9, True), (10, False), (78, False), (79, True)])
def test_subject_limits_count_characters(make_issue: MakeIssue, length: int, warned: bool) -> None:
    subject = "é" * length  # two bytes each: counting bytes would warn at 40 already
    composed = compose(make_issue(CLEAN_ISSUE.replace("The week the river rose", subject), CLEAN_PUBLICATION))
    assert (("warning", "subject-length") in rules(composed)) is warned


def test_a_subject_made_by_the_title_pattern_is_found_there(make_issue: MakeIssue) -> None:
    issue = CLEAN_ISSUE.replace("subject: The week the river rose\n", "")
    publication = CLEAN_PUBLICATION.replace("Briefing for {month} {day_ordinal}", "Day {day}")
    composed = compose(make_issue(issue, publication))
    [finding] = check(composed)
    assert (finding.rule, finding.path) == ("subject-length", f"{composed.loaded.publication_path}:3:16")


def test_a_missing_preheader_is_found_at_its_commented_out_line(make_issue: MakeIssue) -> None:
    issue = issue_with(summary="The river rose.").replace("subject:", "# preheader: <TODO write one>\nsubject:")
    composed = compose(make_issue(issue, CLEAN_PUBLICATION))
    [finding] = [finding for finding in check(composed) if finding.rule == "preheader-length"]
    assert finding.path == f"{composed.source}:2:1"


def test_a_short_preheader_is_a_warning(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE + "preheader: Floods.\n", CLEAN_PUBLICATION))
    assert lines(composed) == [
        f'{composed.source}:7:12: warning: preheader-length: the preheader "Floods." is 7 characters; inboxes show '
        "40–140 after the subject and fill the rest with whatever text comes first: write a longer preheader: in "
        "the issue"
    ]


def test_a_long_preheader_is_a_warning(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(CLEAN_ISSUE + "preheader: " + "Flood " * 30 + "\n", CLEAN_PUBLICATION))
    assert rules(composed) == [("warning", "preheader-length")]
    assert check(composed)[0].message.startswith("the preheader is 179 characters;")


def test_the_default_preheader_cut_with_an_ellipsis_fits_in_characters(make_issue: MakeIssue) -> None:
    summary = "Éléphants très âgés traversèrent la forêt " * 10  # more than 140 bytes per 140 characters
    composed = compose(make_issue(issue_with(summary=summary), CLEAN_PUBLICATION))
    assert composed.preheader.endswith("…") and len(composed.preheader.encode()) > 140
    assert check(composed) == []


def test_a_missing_preheader_is_a_warning(clean: Composed) -> None:
    composed = dataclasses.replace(clean, preheader="")
    assert [finding.message for finding in check(composed)] == [
        "the email has no preheader, the line inboxes show after the subject, so they show whatever text comes "
        "first: add preheader: to the issue"
    ]


def test_templates_that_leave_out_the_preheader_are_a_warning(
    make_issue: MakeIssue, make_templates: MakeTemplates
) -> None:
    ours = (default_templates() / "email.mjml.j2").read_text(encoding="utf-8")
    without_preview = re.sub(r"<mj-preview>.*?</mj-preview>", "", ours, flags=re.S)
    assert without_preview != ours
    make_templates({"email.mjml.j2": without_preview})
    composed = compose(make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION))
    assert rules(composed) == [("warning", "preheader-missing")]


# Contrast -------------------------------------------------------------------------------------


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#fff", "#000") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the well-known near miss
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_low_contrast_brand_colours_are_errors_naming_both_colours(make_issue: MakeIssue) -> None:
    colours = "colours:\n  muted: '#999999'\n"
    composed = compose(make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION + colours))
    at_muted = f"{composed.loaded.publication_path}:{CLEAN_PUBLICATION.count(chr(10)) + 2}:10"  # the colour typed
    assert lines(composed) == [
        f"{at_muted}: error: contrast: the contrast of the date line and captions is 2.8:1 (colours.muted "
        "#999999 on colours.paper #ffffff); WCAG AA asks for at least 4.5:1: make colours.muted darker in "
        'publication.yaml, e.g. "#707070"',
        f"{at_muted}: error: contrast: the contrast of the notice and the footer is 2.5:1 (colours.muted "
        "#999999 on colours.background #f4f4f4); WCAG AA asks for at least 4.5:1: make colours.muted darker in "
        'publication.yaml, e.g. "#707070"',
    ]
    # One suggestion for the one colour, good on both the paper and the background.
    assert contrast_ratio("#707070", "#ffffff") >= 4.5 and contrast_ratio("#707070", "#f4f4f4") >= 4.5


def test_a_pale_accent_fails_for_links_and_for_button_labels(make_issue: MakeIssue) -> None:
    colours = "colours:\n  accent: '#ff9999'\n"
    messages = [finding.message for finding in check(compose(make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION + colours)))]
    assert [message.split(" (")[0] for message in messages] == [
        "the contrast of links is 2.0:1",
        "the contrast of button labels is 2.0:1",
    ]
    # White labels cannot get any lighter on a pale button: the suggestion goes the way that works.
    assert messages[1].endswith('make colours.button_text darker in publication.yaml, e.g. "#474747"')
    assert contrast_ratio("#474747", "#ff9999") >= 4.5


def test_light_text_on_a_dark_paper_is_told_to_go_lighter(make_issue: MakeIssue) -> None:
    colours = (
        "colours:\n  text: '#555555'\n  paper: '#222222'\n  muted: '#cccccc'\n  accent: '#ff9e99'\n"
        "  button_text: '#222222'\n  background: '#111111'\n"
    )
    [finding] = check(compose(make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION + colours)))
    assert finding.message.startswith("the contrast of the text is 2.1:1 (colours.text #555555 on colours.paper")
    assert "make colours.text lighter" in finding.message


# The plain text -------------------------------------------------------------------------------


def test_a_link_missing_from_the_plain_text_is_an_error(make_issue: MakeIssue, make_templates: MakeTemplates) -> None:
    make_templates(
        {
            "email.txt.j2": "{{ links.web_version }}\n{{ title }}\n\nUnsubscribe: {{ links.unsubscribe }}\n"
            "{{ publication.url }}\n{{ publication.contact }}\n"
        }
    )
    composed = compose(make_issue(CLEAN_ISSUE, CLEAN_PUBLICATION))
    assert lines(composed) == [
        f"{composed.source}: error: text-missing-link: the HTML links to https://example.com/minutes "
        '("council\'s minutes") but the plain text does not: add it to email.txt.j2 where the HTML template has it',
        f"{composed.source}: error: text-missing-link: the HTML links to https://news.example.com/write "
        '("Learn more") but the plain text does not: add it to email.txt.j2 where the HTML template has it',
    ]


def test_links_the_text_writes_differently_still_count(make_issue: MakeIssue) -> None:
    # An autolink's href is percent-encoded while its text is not; a mailto shows as the bare address.
    body = "See <https://example.com/café?a=1&b=2>, [the map](https://example.com/ünï) or write to <me@example.com>."
    composed = compose(make_issue(issue_with(body=body), CLEAN_PUBLICATION))
    assert "https://example.com/caf%C3%A9?a=1&b=2" in composed.html.replace("&amp;", "&")
    assert check(composed) == []


# Findings as data -----------------------------------------------------------------------------


def test_findings_print_as_one_line_and_as_a_dict() -> None:
    finding = Finding("issues/a.yaml", "warning", "subject-length", "too short")
    assert str(finding) == "issues/a.yaml: warning: subject-length: too short"
    assert finding.as_dict() == {
        "path": "issues/a.yaml",
        "file": "issues/a.yaml",
        "line": 0,
        "column": 0,
        "level": "warning",
        "rule": "subject-length",
        "message": "too short",
    }


def test_a_finding_in_publication_yaml_is_listed_once_for_all_its_issues(make_issue: MakeIssue) -> None:
    first = make_issue(CLEAN_ISSUE, NO_ADDRESS, name="first.yaml")
    second = make_issue(CLEAN_ISSUE.replace("2020-02-03", "2020-02-04"), NO_ADDRESS, name="second.yaml")
    findings = check_files([first, second])
    assert [(finding.path, finding.rule) for finding in findings] == [
        (f"{first.parent / 'publication.yaml'}:1:1", "postal-address-missing")
    ]


def test_errors_come_first_then_rules_in_order(make_issue: MakeIssue) -> None:
    issue = issue_with(body="Read [here](http://example.com/minutes).", extra="preheader: Floods.\n")
    composed = compose(make_issue(issue.replace("The week the river rose", "Flood"), PUBLICATION))
    assert rules(composed) == [
        ("error", "unsubscribe-missing"),
        ("warning", "link-click-here"),
        ("warning", "link-not-https"),
        ("warning", "postal-address-missing"),
        ("warning", "preheader-length"),
        ("warning", "sender-missing"),
        ("warning", "subject-length"),
    ]


def test_exit_status_is_one_on_errors_and_on_warnings_when_strict() -> None:
    warning = Finding("a.yaml", "warning", "subject-length", "too short")
    error = Finding("a.yaml", "error", "contrast", "too pale")
    assert exit_status([]) == 0 and exit_status([], strict=True) == 0
    assert exit_status([warning]) == 0 and exit_status([warning], strict=True) == 1
    assert exit_status([warning, error]) == 1


def test_an_issue_that_does_not_validate_becomes_findings_with_their_place(make_issue: MakeIssue) -> None:
    path = make_issue(CLEAN_ISSUE.replace("headline: First headline", 'headline: ""'), CLEAN_PUBLICATION)
    with pytest.raises(InvalidInput) as caught:
        compose(path)
    [finding] = findings_from_error(caught.value, str(path))
    assert (finding.level, finding.rule) == ("error", "invalid")
    assert str(finding) == f"{path}:5:15: error: invalid: stories[1].headline: must not be empty"


def check_json(*paths: Path) -> list[dict[str, object]]:
    result = cli("check", "--format", "json", *paths)
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def test_json_gives_a_problem_its_file_line_and_column_and_a_whole_file_problem_zeros(
    make_issue: MakeIssue, tmp_path: Path
) -> None:
    path = make_issue(CLEAN_ISSUE.replace("headline: First headline", 'headline: ""'), CLEAN_PUBLICATION)
    missing = tmp_path / "issues" / "2020-02-04.yaml"
    at_field, whole_file = check_json(path, missing)
    assert at_field == {
        "path": f"{path}:5:15",  # as scripts read it before, and as the text output prints it
        "file": str(path),
        "line": 5,
        "column": 15,
        "level": "error",
        "rule": "invalid",
        "message": "stories[1].headline: must not be empty",
    }
    assert (whole_file["path"], whole_file["file"], whole_file["line"], whole_file["column"]) == (
        str(missing),
        str(missing),
        0,
        0,
    )
    assert whole_file["rule"] == "invalid" and "no such file" in str(whole_file["message"])


def test_json_gives_check_s_own_findings_their_place_as_data(make_issue: MakeIssue) -> None:
    path = make_issue(issue_with(body="The [minutes](http://example.com/minutes)."), NO_ADDRESS)
    findings = check_json(path)
    places = {(finding["rule"], finding["file"], finding["line"], finding["column"]) for finding in findings}
    assert ("link-not-https", str(path), 6, 26) in places  # a link, found again in the issue
    publication = str(path.parent / "publication.yaml")
    assert ("postal-address-missing", publication, 1, 1) in places  # where the key goes
    for finding in findings:  # the joined text says the same place
        file, line, column = finding["file"], finding["line"], finding["column"]
        assert isinstance(line, int) and isinstance(column, int)
        assert finding["path"] == (f"{file}:{line}:{column}" if line else file)


def test_check_reads_nothing_but_the_composed_email(clean: Composed, tmp_path: Path) -> None:
    # Pure: the files behind it may be gone, as in the preview server or a script holding a Composed.
    for file in (tmp_path / "issues").iterdir():
        file.unlink()
    assert check(clean) == []


# Merge tags typed by the editor ---------------------------------------------------------------


def typed_tags(composed: Composed) -> list[str]:
    """Each merge-tag-typed finding as ``place: field: tag``, the part of the message a test pins."""
    return [
        f"{finding.path}: {finding.message.split(' is a ')[0]}"
        for finding in check(composed)
        if finding.rule == "merge-tag-typed"
    ]


def test_a_typed_merge_tag_is_a_warning_at_its_line_and_column(make_issue: MakeIssue) -> None:
    path = make_issue(
        CLEAN_ISSUE.replace("The week the river rose", "The week the river rose, *|FNAME|*"), CLEAN_PUBLICATION
    )
    assert lines(compose(path)) == [
        f"{path}:2:35: warning: merge-tag-typed: subject: "
        '"*|FNAME|*" is a Mailchimp merge tag: composer leaves it as typed, and Mailchimp replaces it for each '
        "reader when it sends the email. If you meant these words, write them differently; if you meant the tag, "
        "say the issue is for Mailchimp: esp: mailchimp in publication.yaml (or compose check --esp mailchimp)"
    ]


EVERY_ISSUE_FIELD = """\
date: 2020-02-03
title: Title {{ subscriber.first_name }}
subject: Subject for %recipient.first_name% this week
preheader: The river rose by two metres overnight, *|FNAME|*; the council met at dawn.
summary: |
  The river rose [by two metres](https://example.com/?e=*|EMAIL|*) overnight.
stories:
  - headline: Headline {{{unsubscribe}}}
    body: "Body {% if subscriber.premium %}"
    url: https://example.com/story?r=%recipient%
    image:
      src: https://example.com/river.jpg
      alt: Alt {$name}
      caption: Caption [[FirstName]]
      credit: Credit *|LNAME|*
recommended_reads:
  - title: Read *|MC:SUBJECT|*
    url: https://example.com/read
    source: Source {{ email.subject }}
    note: Note %unsubscribe_url%
"""


def test_tags_are_found_in_every_field_an_editor_types(make_issue: MakeIssue) -> None:
    path = make_issue(EVERY_ISSUE_FIELD, CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == [
        f'{path}:2:14: title: "{{{{ subscriber.first_name }}}}"',
        f'{path}:3:22: subject: "%recipient.first_name%"',
        f'{path}:4:52: preheader: "*|FNAME|*"',
        f'{path}:6:57: summary: "*|EMAIL|*"',
        f'{path}:8:24: stories[1].headline: "{{{{{{unsubscribe}}}}}}"',
        f'{path}:9:17: stories[1].body: "{{% if subscriber.premium %}}"',
        f'{path}:10:38: stories[1].url: "%recipient%"',
        f'{path}:13:16: stories[1].image.alt: "{{$name}}"',
        f'{path}:14:24: stories[1].image.caption: "[[FirstName]]"',
        f'{path}:15:22: stories[1].image.credit: "*|LNAME|*"',
        f'{path}:17:17: recommended_reads[1].title: "*|MC:SUBJECT|*"',
        f'{path}:19:20: recommended_reads[1].source: "{{{{ email.subject }}}}"',
        f'{path}:20:16: recommended_reads[1].note: "%unsubscribe_url%"',
    ]


def test_tags_in_publication_yaml_are_found_there(make_issue: MakeIssue) -> None:
    publication = NO_ADDRESS.replace("heading: Write for us.", "heading: Write for us, *|FNAME|*.") + (
        "notice: |\n"
        "  Dear reader,\n"
        "\n"
        "  you are subscribed as {{ subscriber.email }}.\n"
        "footer: Sent to %recipient%.\n"
        "address: 1 Example Street *|LIST:ADDRESS|*\n"
        "labels:\n"
        "  unsubscribe: Unsubscribe {$email}\n"
    )
    path = make_issue(CLEAN_ISSUE, publication)
    shown = path.parent / "publication.yaml"
    assert typed_tags(compose(path)) == [
        f'{shown}:9:28: calls_to_action[2].heading: "*|FNAME|*"',
        f'{shown}:20:25: notice: "{{{{ subscriber.email }}}}"',
        f'{shown}:21:17: footer: "%recipient%"',
        f'{shown}:22:27: address: "*|LIST:ADDRESS|*"',
        f'{shown}:24:28: labels.unsubscribe: "{{$email}}"',
    ]


def test_several_tags_on_a_line_and_one_tag_twice_are_each_at_their_place(make_issue: MakeIssue) -> None:
    body = "Dear *|FNAME|* *|LNAME|*, yes *|FNAME|*: [you](https://example.com/?a=*|FNAME|*&b=%recipient%)."
    path = make_issue(issue_with(body=body), CLEAN_PUBLICATION)
    assert typed_tags(compose(path)) == [
        f'{path}:6:17: stories[1].body: "*|FNAME|*"',
        f'{path}:6:27: stories[1].body: "*|LNAME|*"',
        f'{path}:6:42: stories[1].body: "*|FNAME|*"',
        f'{path}:6:82: stories[1].body: "*|FNAME|*"',
        f'{path}:6:94: stories[1].body: "%recipient%"',
    ]


def test_tags_of_the_service_the_issue_is_for_are_meant(make_issue: MakeIssue) -> None:
    body = "Dear *|FNAME|*, or %recipient%, or {{ subscriber.email }}."
    path = make_issue(issue_with(body=body), CLEAN_PUBLICATION + "esp: mailchimp\n")
    [mailgun, buttondown] = [finding for finding in check(compose(path)) if finding.rule == "merge-tag-typed"]
    assert (mailgun.path, buttondown.path) == (f"{path}:6:31", f"{path}:6:47")
    assert mailgun.message == (
        'stories[1].body: "%recipient%" is a Mailgun merge tag: composer leaves it as typed, and Mailgun replaces '
        "it for each reader when it sends the email; but this issue is for Mailchimp, which does not, so readers "
        "may see it as typed: write it differently, or remove it"
    )
    # --esp wins over publication.yaml, as for the email itself.
    assert typed_tags(compose(path, RenderOptions(service="mailgun"))) == [
        f'{path}:6:17: stories[1].body: "*|FNAME|*"',
        f'{path}:6:47: stories[1].body: "{{{{ subscriber.email }}}}"',
    ]
    assert typed_tags(compose(path, RenderOptions(service="buttondown"))) == [
        f'{path}:6:17: stories[1].body: "*|FNAME|*"',
        f'{path}:6:31: stories[1].body: "%recipient%"',
    ]


def test_a_tag_of_a_service_composer_does_not_know_says_the_warning_stays(make_issue: MakeIssue) -> None:
    path = make_issue(issue_with(body="Hello {$name}."), CLEAN_PUBLICATION)
    [finding] = [finding for finding in check(compose(path)) if finding.rule == "merge-tag-typed"]
    assert finding.message == (
        'stories[1].body: "{$name}" is a MailerLite merge tag: composer leaves it as typed, and MailerLite replaces '
        "it for each reader when it sends the email. If you meant these words, write them differently; keep the tag "
        "only if you send the issue with MailerLite (composer cannot be told so, and will keep warning)"
    )


@pytest.mark.parametrize("service", sorted(esp.SERVICES))
def test_the_tags_composer_puts_in_the_email_are_never_reported(clean: Composed, service: str) -> None:
    composed = compose(clean.source, RenderOptions(service=service))
    assert any(tag in composed.html for tag in MERGE_TAGS)
    assert check(composed) == []


def test_a_typed_tag_whose_file_is_gone_is_reported_without_its_place(make_issue: MakeIssue) -> None:
    path = make_issue(issue_with(body="Dear *|FNAME|*."), CLEAN_PUBLICATION)
    composed = compose(path)
    path.unlink()
    assert typed_tags(composed) == [f'{path}: stories[1].body: "*|FNAME|*"']


def test_link_findings_are_at_the_line_and_column_of_the_link(make_issue: MakeIssue) -> None:
    body = "    body: |\n      The [minutes](http://example.com/minutes) are out;\n      read them [click here](https://example.com/report).\n"
    path = make_issue(CLEAN_ISSUE.replace(CLEAN_ISSUE.splitlines()[-1] + "\n", body), CLEAN_PUBLICATION)
    assert [(finding.path, finding.rule) for finding in check(compose(path))] == [
        (f"{path}:8:17", "link-click-here"),
        (f"{path}:7:21", "link-not-https"),
    ]


def test_a_comment_cutting_a_plain_title_short_is_an_error_at_its_line(make_issue: MakeIssue) -> None:
    issue = (
        CLEAN_ISSUE.replace("stories:", "stories:  # one or more")
        + "title: The Deep Brief #7 | Saturday\n"
        + "# a line that is only a comment\n"
        + "preheader: 'Quoted #1 is text, and so is' # this comment after a quote\n"
    )
    path = make_issue(issue, CLEAN_PUBLICATION)
    with pytest.raises(InvalidInput) as caught:
        compose(path)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{shown_path(path)}:7:23: title: the text stops at 'The Deep Brief', leaving out '#7 | Saturday': in YAML "
        "' #' starts a comment. Put the whole text in quotes: title: \"The Deep Brief #7 | Saturday\""
    ]
