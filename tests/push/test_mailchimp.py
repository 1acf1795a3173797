"""`compose push --esp mailchimp` against Mailchimp played on 127.0.0.1 (fake_mailchimp.py)."""

from __future__ import annotations

import json
from pathlib import Path

from composer.core.pipeline import compose
from composer.core.render import RenderOptions

from ..conftest import cli
from .conftest import PushRunner
from .fake_mailchimp import AUDIENCE, FakeMailchimp


def test_pushing_twice_makes_one_campaign_then_updates_it(
    push: PushRunner, mailchimp: FakeMailchimp, issue: Path
) -> None:
    first = push(issue, "--esp", "mailchimp")
    assert first.status == 0, first.stderr
    [(campaign_id, campaign)] = mailchimp.campaigns.items()
    composed = compose(issue, RenderOptions(service="mailchimp"))
    assert campaign["content"] == {"html": composed.html, "plain_text": composed.text}
    assert "*|UNSUB|*" in campaign["content"]["html"] and "*|LIST:ADDRESS|*" in campaign["content"]["plain_text"]
    assert campaign["recipients"] == {"list_id": AUDIENCE}
    assert campaign["settings"] == {
        "subject_line": composed.subject,
        "preview_text": composed.preheader,
        "title": composed.title,
        "from_name": "Syria Deeply",
        "reply_to": "newsletter@example.com",
    }
    address = f"https://us21.admin.mailchimp.com/campaigns/show/?id={campaign['web_id']}"
    assert f"made a new draft of {issue} in Mailchimp: {address}" in first.stdout

    issue.write_text(issue.read_text(encoding="utf-8").replace("Boukamal", "Abu Kamal"), encoding="utf-8")
    second = push(issue, "--esp", "mailchimp")
    assert second.status == 0, second.stderr
    assert list(mailchimp.campaigns) == [campaign_id]
    assert "Abu Kamal" in mailchimp.campaigns[campaign_id]["content"]["plain_text"]
    assert f"updated the draft of {issue} in Mailchimp: {address}" in second.stdout
    assert mailchimp.paths() == [
        "POST /3.0/campaigns",
        f"PUT /3.0/campaigns/{campaign_id}/content",
        f"GET /3.0/campaigns/{campaign_id}",
        f"PATCH /3.0/campaigns/{campaign_id}",
        f"PUT /3.0/campaigns/{campaign_id}/content",
    ]


def test_test_to_asks_mailchimp_for_its_test_email(push: PushRunner, mailchimp: FakeMailchimp, issue: Path) -> None:
    run = push(issue, "--esp", "mailchimp", "--test-to", "editor@example.com")
    assert run.status == 0, run.stderr
    [campaign_id] = mailchimp.campaigns
    assert mailchimp.test_sends == [(campaign_id, ["editor@example.com"])]
    assert mailchimp.received[-1].json() == {"test_emails": ["editor@example.com"], "send_type": "html"}


def test_the_campaign_is_remembered_once_made_even_when_its_content_is_refused(
    push: PushRunner, mailchimp: FakeMailchimp, issue: Path
) -> None:
    # The campaign exists in Mailchimp: the next push must fill it in, not make a second one.
    mailchimp.answer_next(400, "x", on=r"PUT /3\.0/campaigns/[^/]+/content")
    failed = push(issue, "--esp", "mailchimp")
    assert failed.status == 1
    [campaign_id] = mailchimp.campaigns
    drafts = json.loads((issue.parent / "drafts.json").read_text(encoding="utf-8"))["drafts"]
    assert drafts[issue.name]["mailchimp"]["id"] == campaign_id
    again = push(issue, "--esp", "mailchimp")
    assert again.status == 0, again.stderr
    assert list(mailchimp.campaigns) == [campaign_id] and "content" in mailchimp.campaigns[campaign_id]


def test_a_campaign_sent_in_mailchimp_is_reported_and_left_alone_until_new(
    push: PushRunner, mailchimp: FakeMailchimp, issue: Path
) -> None:
    assert push(issue, "--esp", "mailchimp").status == 0
    [campaign_id] = mailchimp.campaigns
    mailchimp.campaigns[campaign_id]["status"] = "sent"
    refused = push(issue, "--esp", "mailchimp")
    assert refused.status == 1
    assert "is no longer a draft (status: sent)" in refused.stderr
    assert f"compose push --new {issue}" in refused.stderr
    assert mailchimp.paths()[-1] == f"GET /3.0/campaigns/{campaign_id}"  # nothing changed in it

    made = push(issue, "--esp", "mailchimp", "--new")
    assert made.status == 0, made.stderr
    assert "the draft made before stays in Mailchimp as it was: https://us21.admin.mailchimp.com/" in made.stdout
    assert len(mailchimp.campaigns) == 2
    [new_id] = set(mailchimp.campaigns) - {campaign_id}
    drafts = json.loads((issue.parent / "drafts.json").read_text(encoding="utf-8"))["drafts"]
    assert drafts[issue.name]["mailchimp"]["id"] == new_id


def test_a_campaign_deleted_in_mailchimp_is_reported(push: PushRunner, mailchimp: FakeMailchimp, issue: Path) -> None:
    assert push(issue, "--esp", "mailchimp").status == 0
    mailchimp.campaigns.clear()
    run = push(issue, "--esp", "mailchimp")
    assert run.status == 1
    assert "was deleted there" in run.stderr and "--new" in run.stderr
    assert not mailchimp.campaigns


def test_a_missing_audience_is_said_at_the_esp_line_before_any_request(
    push: PushRunner, mailchimp: FakeMailchimp, issue: Path
) -> None:
    publication = issue.parent / "publication.yaml"
    text = publication.read_text(encoding="utf-8").replace(f"mailchimp:\n  audience_id: {AUDIENCE}\n", "")
    publication.write_text(text.replace("# esp: mailchimp ", "esp: mailchimp   "), encoding="utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if row.startswith("# esp:"))
    run = push(issue)
    assert run.status == 1
    assert f"publication.yaml:{line}:6: esp: mailchimp, but publication.yaml has no mailchimp: settings" in run.stderr
    assert "audience_id:" in run.stderr
    assert mailchimp.received == []
    checked = cli("check", issue)
    assert f"publication.yaml:{line}:6: warning: push-setting-missing: esp: mailchimp" in checked.stdout


def test_a_key_without_its_data_centre_is_said_before_any_request(
    push: PushRunner, mailchimp: FakeMailchimp, issue: Path
) -> None:
    run = push(issue, "--esp", "mailchimp", env={"MAILCHIMP_API_KEY": "0123456789abcdef0123456789abcdef"})
    assert run.status == 1
    assert "MAILCHIMP_API_KEY does not end in its data centre, such as -us21" in run.stderr
    assert mailchimp.received == []


def test_mailchimp_needs_the_sender(push: PushRunner, mailchimp: FakeMailchimp, issue: Path) -> None:
    publication = issue.parent / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    publication.write_text(
        text.replace("sender:\n  name: Syria Deeply\n  email: newsletter@example.com\n", ""), encoding="utf-8"
    )
    run = push(issue, "--esp", "mailchimp")
    assert run.status == 1 and "Mailchimp needs the sender of the draft: add sender:" in run.stderr
    assert mailchimp.received == []
