"""compose push --esp sendgrid: the issue as a Single Send draft, made once and then updated, against a
SendGrid played on 127.0.0.1 (fake_sendgrid.py) that checks every request against SendGrid's schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.core.pipeline import compose
from composer.core.render import RenderOptions

from . import fake_sendgrid
from .conftest import PushRunner
from .fake_http import files_and_output, shown_secrets
from .fake_sendgrid import FakeSendGrid

SINGLE_SEND = r"/v3/marketing/singlesends/[0-9a-f-]{36}"


@pytest.fixture
def sendgrid_issue(issue: Path) -> Path:
    """The sample issue, its publication.yaml with SendGrid's sender, unsubscribe group and list."""
    publication = issue.parent / "publication.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8")
        + f"sendgrid:\n  sender_id: {fake_sendgrid.SENDER_ID}\n"
        + f"  suppression_group_id: {fake_sendgrid.SUPPRESSION_GROUP_ID}\n  list_ids: [{fake_sendgrid.LIST_ID}]\n",
        encoding="utf-8",
    )
    return issue


def test_pushed_twice_one_single_send_is_made_then_updated(
    push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path
) -> None:
    first = push(sendgrid_issue, "--esp", "sendgrid")
    assert first.status == 0, first.stderr
    [(single_send_id, single_send)] = sendgrid.single_sends.items()
    address = f"https://mc.sendgrid.com/single-sends/{single_send_id}/editor"
    assert f"made a new draft of {sendgrid_issue} in SendGrid: {address}" in first.stdout
    composed = compose(sendgrid_issue, RenderOptions(service="sendgrid"))
    assert single_send["status"] == "draft" and single_send["name"] == composed.title
    assert single_send["send_to"]["list_ids"] == [fake_sendgrid.LIST_ID]
    config = single_send["email_config"]
    assert (config["subject"], config["html_content"], config["plain_content"]) == (
        composed.subject,
        composed.html,
        composed.text,
    )
    assert 'href="{{{unsubscribe}}}"' in config["html_content"]  # SendGrid's tag, as --esp sendgrid writes it
    assert config["generate_plain_content"] is False
    assert (config["sender_id"], config["suppression_group_id"]) == (
        fake_sendgrid.SENDER_ID,
        fake_sendgrid.SUPPRESSION_GROUP_ID,
    )
    remembered = json.loads((sendgrid_issue.parent / "drafts.json").read_text(encoding="utf-8"))
    assert remembered["drafts"][sendgrid_issue.name]["sendgrid"] == {"id": single_send_id, "web_address": address}

    # The editor changes the issue: the same Single Send gets the new subject, HTML and text.
    sendgrid_issue.write_text(
        sendgrid_issue.read_text(encoding="utf-8").replace("We review the key", "We review today's key"),
        encoding="utf-8",
    )
    second = push(sendgrid_issue, "--esp", "sendgrid")
    assert second.status == 0, second.stderr
    assert f"updated the draft of {sendgrid_issue} in SendGrid: {address}" in second.stdout
    assert list(sendgrid.single_sends) == [single_send_id]
    again = compose(sendgrid_issue, RenderOptions(service="sendgrid"))
    assert again.html != composed.html
    config = sendgrid.single_sends[single_send_id]["email_config"]
    assert (config["subject"], config["html_content"], config["plain_content"]) == (
        again.subject,
        again.html,
        again.text,
    )
    # Made, read, changed: nothing scheduled nor sent (fake.problems would hold any other call).
    assert [(request.method, request.path) for request in sendgrid.received] == [
        ("POST", "/v3/marketing/singlesends"),
        ("GET", f"/v3/marketing/singlesends/{single_send_id}"),
        ("PATCH", f"/v3/marketing/singlesends/{single_send_id}"),
    ]


def test_no_test_send_in_sendgrid_says_so_before_any_request(
    push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path
) -> None:
    result = push(sendgrid_issue, "--esp", "sendgrid", "--test-to", "desk@example.com")
    assert result.status == 1
    assert "SendGrid has no test send of a draft" in result.stderr and "compose send" in result.stderr
    assert sendgrid.received == [] and not (sendgrid_issue.parent / "drafts.json").exists()


def test_a_429_is_waited_out(
    push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path, waits: list[float]
) -> None:
    sendgrid.answer_next(429, "too many requests", headers={"Retry-After": "1"})
    result = push(sendgrid_issue, "--esp", "sendgrid")
    assert result.status == 0, result.stderr
    assert waits == [1.0] and len(sendgrid.single_sends) == 1


def test_a_refused_key_names_its_variable_and_shows_no_secret(
    push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path, tmp_path: Path
) -> None:
    wrong = "SG.wrong-key.0000aaaa1111bbbb"
    for debug in ((), ("--debug",)):
        result = push(sendgrid_issue, "--esp", "sendgrid", *debug, env={"SENDGRID_API_KEY": wrong})
        assert result.status == 1
        assert "SENDGRID_API_KEY" in result.stderr and "401" in result.stderr
        assert debug or "Traceback" not in result.stderr  # --debug shows composer's own traceback
        everything = files_and_output(tmp_path, result.raw)
        assert shown_secrets(everything, wrong, sendgrid.api_key) == []
    assert sendgrid.single_sends == {}


def test_no_secret_in_anything_printed_or_written(
    push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path, tmp_path: Path
) -> None:
    outputs = [push(sendgrid_issue, "--esp", "sendgrid", *flags) for flags in ((), ("--debug",))]
    outputs.append(push(sendgrid_issue, "--esp", "sendgrid", "--dry-run", "--debug"))
    assert [output.status for output in outputs] == [0, 0, 0]
    everything = files_and_output(tmp_path, *(output.raw for output in outputs))
    assert shown_secrets(everything, sendgrid.api_key) == []


def test_a_missing_key_makes_no_request(push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path) -> None:
    result = push(sendgrid_issue, "--esp", "sendgrid", env={"SENDGRID_API_KEY": None})
    assert result.status == 1 and "SENDGRID_API_KEY is not set" in result.stderr
    assert sendgrid.received == []


def test_sendgrids_own_message_is_shown(push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path) -> None:
    sendgrid.lists = {"7e57e57e-0000-4000-8000-000000000000"}  # the list was deleted in SendGrid
    result = push(sendgrid_issue, "--esp", "sendgrid")
    assert result.status == 1
    assert (
        f"send_to.list_ids (publication.yaml's sendgrid: list_ids:): list {fake_sendgrid.LIST_ID} does not exist"
        in result.stderr
    )
    assert not (sendgrid_issue.parent / "drafts.json").exists()


def test_a_single_send_deleted_or_scheduled_in_sendgrid_is_reported_and_new_makes_another(
    push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path
) -> None:
    assert push(sendgrid_issue, "--esp", "sendgrid").status == 0
    [first] = sendgrid.single_sends
    sendgrid.schedule(first)
    scheduled = push(sendgrid_issue, "--esp", "sendgrid")
    assert scheduled.status == 1 and "is no longer a draft (status: scheduled)" in scheduled.stderr
    assert "--new" in scheduled.stderr and sendgrid.calls("PATCH", SINGLE_SEND) == []
    sendgrid.delete(first)
    deleted = push(sendgrid_issue, "--esp", "sendgrid")
    assert deleted.status == 1 and "was deleted there" in deleted.stderr
    made = push(sendgrid_issue, "--esp", "sendgrid", "--new")
    assert made.status == 0 and len(sendgrid.single_sends) == 1 and first not in sendgrid.single_sends


def test_a_server_error_on_update_is_retried_but_never_on_creation(
    push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path, waits: list[float]
) -> None:
    sendgrid.answer_next(500, "internal error")
    made = push(sendgrid_issue, "--esp", "sendgrid")
    assert made.status == 1 and "look at the drafts in SendGrid before pushing again" in made.stderr
    assert sendgrid.calls("POST", "/v3/marketing/singlesends") != [] and waits == []
    assert push(sendgrid_issue, "--esp", "sendgrid").status == 0
    sendgrid.answer_next(502, "bad gateway", times=2)
    assert push(sendgrid_issue, "--esp", "sendgrid").status == 0
    assert len(waits) == 2 and len(sendgrid.single_sends) == 1


def test_dry_run_shows_the_requests_and_sends_nothing(
    push: PushRunner, sendgrid: FakeSendGrid, sendgrid_issue: Path
) -> None:
    result = push(sendgrid_issue, "--esp", "sendgrid", "--dry-run")
    assert result.status == 0, result.stderr
    assert f"POST {sendgrid.url}/v3/marketing/singlesends" in result.stdout
    assert '"generate_plain_content": false' in result.stdout and "characters in all" in result.stdout
    assert sendgrid.received == [] and not (sendgrid_issue.parent / "drafts.json").exists()
