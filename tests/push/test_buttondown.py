"""`compose push --esp buttondown` against Buttondown played on 127.0.0.1 (fake_buttondown.py)."""

from __future__ import annotations

import json
from pathlib import Path

from composer.core.pipeline import compose
from composer.core.render import RenderOptions

from .conftest import PushRunner
from .fake_buttondown import FakeButtondown

HTML_BODY = "<!-- buttondown-editor-mode: fancy -->"  # Buttondown's own mark of a body in HTML


def test_pushing_twice_makes_one_draft_then_updates_it(
    push: PushRunner, buttondown: FakeButtondown, issue: Path
) -> None:
    first = push(issue, "--esp", "buttondown")
    assert first.status == 0, first.stderr
    [(draft_id, draft)] = buttondown.emails.items()
    composed = compose(issue, RenderOptions(service="buttondown"))
    assert (draft["subject"], draft["description"], draft["status"]) == (composed.subject, composed.preheader, "draft")
    # The whole document, as composed, in Buttondown's naked template: nothing of Buttondown's around it.
    assert (draft["body"], draft["template"]) == (HTML_BODY + composed.html, "naked")
    assert "{{ unsubscribe_url }}" in draft["body"]  # Buttondown's own tag, as `compose --esp buttondown` writes
    assert f"made a new draft of {issue} in Buttondown: https://buttondown.com/emails/{draft_id}" in first.stdout
    remembered = json.loads((issue.parent / "drafts.json").read_text(encoding="utf-8"))
    assert remembered["drafts"][issue.name]["buttondown"]["id"] == draft_id

    issue.write_text(issue.read_text(encoding="utf-8").replace("Boukamal", "Abu Kamal"), encoding="utf-8")
    second = push(issue, "--esp", "buttondown")
    assert second.status == 0, second.stderr
    assert list(buttondown.emails) == [draft_id]
    again = compose(issue, RenderOptions(service="buttondown"))
    assert "Abu Kamal" in again.html and buttondown.emails[draft_id]["body"] == HTML_BODY + again.html
    assert buttondown.emails[draft_id]["template"] == "naked"
    assert f"updated the draft of {issue} in Buttondown" in second.stdout
    assert buttondown.paths() == [
        "POST /v1/emails",
        f"GET /v1/emails/{draft_id}",
        f"PATCH /v1/emails/{draft_id}",
    ]


def test_test_to_asks_buttondown_for_its_test_send(push: PushRunner, buttondown: FakeButtondown, issue: Path) -> None:
    run = push(issue, "--esp", "buttondown", "--test-to", "editor@example.com, desk@example.com")
    assert run.status == 0, run.stderr
    [draft_id] = buttondown.emails
    assert buttondown.test_sends == [(draft_id, ["editor@example.com", "desk@example.com"])]
    assert "asked Buttondown to send a test of it to editor@example.com, desk@example.com" in run.stdout


def test_an_email_sent_from_buttondown_is_reported_and_left_alone(
    push: PushRunner, buttondown: FakeButtondown, issue: Path
) -> None:
    assert push(issue, "--esp", "buttondown").status == 0
    [draft_id] = buttondown.emails
    buttondown.emails[draft_id]["status"] = "sent"
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert f"https://buttondown.com/emails/{draft_id}, is no longer a draft (status: sent)" in run.stderr
    assert f"compose push --new {issue} makes a new draft" in run.stderr
    assert buttondown.paths()[-1] == f"GET /v1/emails/{draft_id}"


def test_an_email_deleted_in_buttondown_is_reported(push: PushRunner, buttondown: FakeButtondown, issue: Path) -> None:
    assert push(issue, "--esp", "buttondown").status == 0
    buttondown.emails.clear()
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1 and "was deleted there" in run.stderr
    assert not buttondown.emails
