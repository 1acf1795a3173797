"""Mailing services: their merge tags land where the email needs them, byte for byte, in both parts."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from composer.core import esp
from composer.core.pipeline import compose
from composer.core.render import RenderOptions
from composer.errors import InvalidInput

from .conftest import PUBLICATION, SAMPLE, MakeIssue, cli


def hrefs(html: str) -> list[str]:
    return [link.get("href") for link in lxml.html.document_fromstring(html).iter("a")]


@pytest.mark.parametrize("name", sorted(esp.SERVICES))
def test_each_services_tags_survive_into_both_parts(name: str) -> None:
    service = esp.SERVICES[name]
    composed = compose(SAMPLE, RenderOptions(service=name))
    # Byte for byte in the HTML source itself, not only after parsing.
    assert f'href="{service.unsubscribe}"' in composed.html
    assert f"Unsubscribe: {service.unsubscribe}" in composed.text
    if service.web_version:
        assert f'href="{service.web_version}"' in composed.html
        assert f"View this email in your browser: {service.web_version}" in composed.text
    if service.address_html:
        assert service.address_html in composed.html
    if service.address_text:
        assert service.address_text in composed.text
    # The publication's own unsubscribe address gives way to the service's.
    assert "https://www.newsdeeply.com/syria/unsubscribe" not in composed.html + composed.text


def test_mailchimp_uses_its_text_form_of_the_address_in_the_plain_part() -> None:
    composed = compose(SAMPLE, RenderOptions(service="mailchimp"))
    assert "*|LIST:ADDRESS|*" in composed.text and "*|HTML:LIST_ADDRESS_HTML|*" not in composed.text
    assert "*|HTML:LIST_ADDRESS_HTML|*" in composed.html


def test_without_a_service_the_publications_own_urls_are_used() -> None:
    composed = compose(SAMPLE)
    assert "https://www.newsdeeply.com/syria/unsubscribe" in hrefs(composed.html)
    assert "Unsubscribe: https://www.newsdeeply.com/syria/unsubscribe" in composed.text


def test_publication_esp_is_the_default_and_the_option_wins(make_issue: MakeIssue) -> None:
    issue = make_issue(publication=PUBLICATION + "esp: mailgun\n")
    assert "%unsubscribe_url%" in hrefs(compose(issue).html)
    assert "*|UNSUB|*" in hrefs(compose(issue, RenderOptions(service="mailchimp")).html)


def test_web_version_url_is_filled_with_the_issues_date(make_issue: MakeIssue) -> None:
    issue = make_issue(publication=PUBLICATION + "web_version_url: https://news.example.com/archive/{iso}\n")
    composed = compose(issue)
    assert "https://news.example.com/archive/2020-02-03" in hrefs(composed.html)
    assert "View this email in your browser: https://news.example.com/archive/2020-02-03" in composed.text
    # A service's own web version wins; one without keeps the publication's.
    assert "*|ARCHIVE|*" in hrefs(compose(issue, RenderOptions(service="mailchimp")).html)
    assert "https://news.example.com/archive/2020-02-03" in hrefs(
        compose(issue, RenderOptions(service="sendgrid")).html
    )


def test_an_unknown_service_in_publication_yaml_is_an_error_at_its_line(make_issue: MakeIssue) -> None:
    issue = make_issue(publication=PUBLICATION + "esp: mailchump\n")
    with pytest.raises(InvalidInput) as caught:
        compose(issue)
    [problem] = caught.value.problems
    assert problem.field == "esp"
    assert problem.message == (
        "unknown mailing service 'mailchump'; use one of mailchimp, buttondown, sendgrid, mailgun, listmonk"
    )


def test_esp_option_on_the_command_line(tmp_path: Path) -> None:
    result = cli(str(SAMPLE), "--esp", "buttondown", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "2017-11-09.html").read_text(encoding="utf-8")
    assert 'href="{{ unsubscribe_url }}"' in html and 'href="{{ email.absolute_url }}"' in html
    refused = cli(str(SAMPLE), "--esp", "nope", "-o", str(tmp_path / "out"))
    assert refused.exit_code == 2 and "'nope' is not one of" in refused.output


def test_listmonk_gets_its_template_functions_whole(make_issue: MakeIssue) -> None:
    # listmonk runs the campaign body through Go's templates: an escaped or split brace breaks the send.
    composed = compose(make_issue(publication=PUBLICATION + "esp: listmonk\n"))
    assert {"{{ UnsubscribeURL }}", "{{ MessageURL }}"} <= set(hrefs(composed.html))
    assert "Unsubscribe: {{ UnsubscribeURL }}" in composed.text
    assert "View this email in your browser: {{ MessageURL }}" in composed.text
    assert "%7B%7B" not in composed.html and "&#123;" not in composed.html


def test_a_listmonk_issue_may_type_listmonks_own_tags(make_issue: MakeIssue) -> None:
    issue = make_issue(
        "date: 2020-02-03\nsummary: Hello {{ .Subscriber.FirstName }}, and *|FNAME|*.\nstories:\n  - headline: H\n"
        "    body: B.\n",
        PUBLICATION + "esp: listmonk\n",
    )
    result = cli("check", issue)
    typed = [line for line in result.output.splitlines() if "merge-tag-typed" in line]
    assert len(typed) == 1 and '"*|FNAME|*" is a Mailchimp merge tag' in typed[0]
    assert "this issue is for listmonk, which does not" in typed[0]


def test_mailchimp_tags_typed_in_markdown_reach_mailchimp_whole(make_issue: MakeIssue) -> None:
    # Markdown read *|FNAME|* as emphasis and percent-encoded the bars of a link's tag: Mailchimp saw neither.
    issue = make_issue(
        "date: 2020-02-03\nsummary: Hello *|FNAME|*, and *welcome*.\nstories:\n  - headline: H\n"
        "    body: Your [preferences](https://example.com/prefs?e=*|EMAIL|*).\n",
        PUBLICATION + "esp: mailchimp\n",
    )
    composed = compose(issue)
    document = lxml.html.document_fromstring(composed.html)
    assert "Hello *|FNAME|*, and welcome." in document.text_content()
    assert document.xpath("//em/text()") == ["welcome"]
    assert 'href="https://example.com/prefs?e=*|EMAIL|*"' in composed.html
    assert "Hello *|FNAME|*, and welcome." in composed.text and "https://example.com/prefs?e=*|EMAIL|*" in composed.text
    result = cli("check", str(issue))
    assert "merge-tag-typed" not in result.output  # meant for the publication's own service
