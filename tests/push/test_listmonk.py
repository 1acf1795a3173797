"""compose push --esp listmonk: the issue as a draft campaign, made once and then updated, tested through
listmonk's own test send, against a listmonk played on 127.0.0.1 (fake_listmonk.py) that checks every
request against listmonk's schemas and compiles the body as listmonk's Go templates would."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from composer.core.pipeline import compose
from composer.core.render import RenderOptions

from ..conftest import cli
from . import fake_listmonk
from .conftest import PushRunner
from .fake_http import files_and_output, shown_secrets
from .fake_listmonk import FakeListmonk

TEMPLATE_ID = 7  # a campaign template whose body is only {{ template "content" . }}


def with_listmonk(issue: Path, url: str = "https://lists.example.org") -> Path:
    publication = issue.parent / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    block = f"listmonk:\n  url: {url}\n  list_ids: [{fake_listmonk.LIST_ID}]\n  template_id: {TEMPLATE_ID}\n"
    # A sender's name with a comma: quoted in listmonk's from_email.
    text = text.replace("  name: Syria Deeply\n", "  name: Syria Deeply, the desk\n")
    publication.write_text(text + block, encoding="utf-8")
    return issue


@pytest.fixture
def listmonk_issue(issue: Path) -> Path:
    """The sample issue; its publication.yaml names listmonk's address (replaced by LISTMONK_URL in tests) and list."""
    return with_listmonk(issue)


def test_pushed_twice_one_campaign_is_made_then_updated(
    push: PushRunner, listmonk: FakeListmonk, listmonk_issue: Path
) -> None:
    first = push(listmonk_issue, "--esp", "listmonk")
    assert first.status == 0, first.stderr
    address = f"{listmonk.url}/admin/campaigns/1"
    assert f"made a new draft of {listmonk_issue} in listmonk: {address}" in first.stdout
    [campaign] = listmonk.campaigns.values()
    composed = compose(listmonk_issue, RenderOptions(service="listmonk"))
    assert (campaign["status"], campaign["name"], campaign["subject"]) == ("draft", composed.title, composed.subject)
    assert (campaign["body"], campaign["altbody"]) == (composed.html, composed.text)
    assert 'href="{{ UnsubscribeURL }}"' in campaign["body"]  # listmonk's tags, as --esp listmonk writes them
    assert (campaign["content_type"], campaign["type"], campaign["template_id"]) == ("html", "regular", TEMPLATE_ID)
    assert campaign["lists"] == [{"id": fake_listmonk.LIST_ID, "name": "Daily briefing"}]
    assert campaign["from_email"] == '"Syria Deeply, the desk" <newsletter@example.com>'
    [made] = listmonk.received
    credentials = base64.b64encode(f"{listmonk.user}:{listmonk.token}".encode()).decode()
    assert made.headers["Authorization"] == f"Basic {credentials}"
    remembered = json.loads((listmonk_issue.parent / "drafts.json").read_text(encoding="utf-8"))
    assert remembered["drafts"][listmonk_issue.name]["listmonk"] == {"id": "1", "web_address": address}

    listmonk_issue.write_text(
        listmonk_issue.read_text(encoding="utf-8").replace("We review the key", "We review today's key"),
        encoding="utf-8",
    )
    second = push(listmonk_issue, "--esp", "listmonk")
    assert second.status == 0, second.stderr
    assert f"updated the draft of {listmonk_issue} in listmonk: {address}" in second.stdout
    again = compose(listmonk_issue, RenderOptions(service="listmonk"))
    assert again.html != composed.html and list(listmonk.campaigns) == [1]
    assert (listmonk.campaigns[1]["subject"], listmonk.campaigns[1]["body"], listmonk.campaigns[1]["altbody"]) == (
        again.subject,
        again.html,
        again.text,
    )
    # Made, read, changed: never started nor scheduled (PUT …/status would be among fake.problems).
    assert [(request.method, request.path) for request in listmonk.received] == [
        ("POST", "/api/campaigns"),
        ("GET", "/api/campaigns/1"),
        ("PUT", "/api/campaigns/1"),
    ]


def test_test_to_asks_listmonk_for_its_test_send(
    push: PushRunner, listmonk: FakeListmonk, listmonk_issue: Path
) -> None:
    result = push(listmonk_issue, "--esp", "listmonk", "--test-to", fake_listmonk.SUBSCRIBER)
    assert result.status == 0, result.stderr
    assert f"asked listmonk to send a test of it to {fake_listmonk.SUBSCRIBER}" in result.stdout
    [sent] = listmonk.test_sends
    assert sent["to"] == [fake_listmonk.SUBSCRIBER] and sent["body"] == listmonk.campaigns[1]["body"]
    assert sent["subject"] == listmonk.campaigns[1]["subject"] and sent["altbody"] == listmonk.campaigns[1]["altbody"]
    # listmonk sends tests to its own subscribers only, and says so in its own words.
    stranger = push(listmonk_issue, "--esp", "listmonk", "--test-to", "someone@example.org")
    assert stranger.status == 1
    assert "No known subscribers to test. (listmonk sends tests only to addresses that are its subscribers)" in (
        stranger.stderr
    )
    assert len(listmonk.test_sends) == 1


def test_listmonk_url_wins_over_publication_yaml_which_serves_without_it(
    push: PushRunner, listmonk: FakeListmonk, issue: Path
) -> None:
    with_listmonk(issue, url=listmonk.url)
    result = push(issue, "--esp", "listmonk", env={"LISTMONK_URL": None})
    assert result.status == 0, result.stderr
    assert f"{listmonk.url}/admin/campaigns/1" in result.stdout


def test_a_429_is_waited_out(
    push: PushRunner, listmonk: FakeListmonk, listmonk_issue: Path, waits: list[float]
) -> None:
    listmonk.answer_next(429, "slow down", headers={"Retry-After": "1"})
    result = push(listmonk_issue, "--esp", "listmonk")
    assert result.status == 0, result.stderr
    assert waits == [1.0] and len(listmonk.campaigns) == 1


@pytest.mark.parametrize("refusal", ["listmonk's 403", "a proxy's 401"])
def test_refused_credentials_name_the_variable_and_show_no_secret(
    push: PushRunner, listmonk: FakeListmonk, listmonk_issue: Path, tmp_path: Path, refusal: str
) -> None:
    proxy = refusal == "a proxy's 401"
    wrong = listmonk.token if proxy else "lm-wrong-token-0123"
    for debug in ((), ("--debug",)):
        if proxy:
            listmonk.answer_next(401, "Unauthorized")
        result = push(listmonk_issue, "--esp", "listmonk", *debug, env={"LISTMONK_TOKEN": wrong})
        assert result.status == 1
        assert "LISTMONK_TOKEN" in result.stderr and ("401" if proxy else "403") in result.stderr
        assert debug or "Traceback" not in result.stderr  # --debug shows composer's own traceback
        pairs = (f"{listmonk.user}:{wrong}", f"{listmonk.user}:{listmonk.token}")
        everything = files_and_output(tmp_path, result.raw)
        assert shown_secrets(everything, wrong, listmonk.token, *pairs) == []
    assert listmonk.campaigns == {}


def test_no_secret_in_anything_printed_or_written(
    push: PushRunner, listmonk: FakeListmonk, listmonk_issue: Path, tmp_path: Path
) -> None:
    flags = ((), ("--debug",), ("--debug", "--test-to", fake_listmonk.SUBSCRIBER), ("--dry-run", "--debug"))
    outputs = [push(listmonk_issue, "--esp", "listmonk", *more) for more in flags]
    assert [output.status for output in outputs] == [0, 0, 0, 0]
    everything = files_and_output(tmp_path, *(output.raw for output in outputs))
    pair = f"{listmonk.user}:{listmonk.token}"
    assert shown_secrets(everything, listmonk.token, pair) == []


def test_a_missing_user_makes_no_request(push: PushRunner, listmonk: FakeListmonk, listmonk_issue: Path) -> None:
    result = push(listmonk_issue, "--esp", "listmonk", env={"LISTMONK_USER": None})
    assert result.status == 1 and "LISTMONK_USER is not set" in result.stderr
    assert listmonk.received == []


def test_a_campaign_deleted_or_started_in_listmonk_is_reported(
    push: PushRunner, listmonk: FakeListmonk, listmonk_issue: Path
) -> None:
    assert push(listmonk_issue, "--esp", "listmonk").status == 0
    listmonk.set_status(1, "running")
    started = push(listmonk_issue, "--esp", "listmonk")
    assert started.status == 1 and "--new" in started.stderr
    assert "is no longer a draft (status: running)" in started.stderr
    listmonk.delete(1)
    deleted = push(listmonk_issue, "--esp", "listmonk")
    assert deleted.status == 1 and "was deleted there (Campaign not found)" in deleted.stderr
    assert listmonk.calls("PUT", r"/api/campaigns/\d+") == []
    assert push(listmonk_issue, "--esp", "listmonk", "--new").status == 0
    assert list(listmonk.campaigns) == [2]


def test_listmonks_own_message_is_shown(push: PushRunner, listmonk: FakeListmonk, listmonk_issue: Path) -> None:
    # A Buttondown tag typed in an issue for listmonk: listmonk's Go templates cannot compile it.
    listmonk_issue.write_text(
        listmonk_issue.read_text(encoding="utf-8").replace("We review the key", "We review {{ subscriber.email }} key"),
        encoding="utf-8",
    )
    result = push(listmonk_issue, "--esp", "listmonk")
    assert result.status == 1
    assert 'Error compiling campaign body: template: content:1: function "subscriber" not defined' in result.stderr
    assert listmonk.campaigns == {} and not (listmonk_issue.parent / "drafts.json").exists()


def test_without_its_settings_nothing_is_pushed_and_check_names_the_required_ones(
    push: PushRunner, listmonk: FakeListmonk, issue: Path
) -> None:
    publication = issue.parent / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "esp: listmonk\n", encoding="utf-8")
    wanted = "add listmonk: with url:, list_ids: (see README"  # template_id: is optional
    checked = cli("check", issue)
    assert "warning: push-setting-missing: esp: listmonk" in checked.output and wanted in checked.output
    result = push(issue)
    assert result.status == 1 and wanted in result.stderr and listmonk.received == []
