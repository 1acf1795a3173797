"""What every push does, whatever the service: its gate, its failures in plain words, its secrets kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from composer.commands.push import http
from composer.commands.push.services import SERVICES
from composer.commands.push.services.buttondown import Buttondown
from composer.core.pipeline import compose
from composer.core.render import RenderOptions

from .conftest import PushRunner, Run
from .fake_buttondown import FakeButtondown
from .fake_http import files_and_output, secret_forms, shown_secrets
from .fake_mailchimp import FakeMailchimp


def rate_limited(service: FakeButtondown, seconds: str) -> None:
    service.answer_next(429, "Request was throttled.", headers={"Retry-After": seconds})


def test_a_429_is_waited_out_as_retry_after_says(
    push: PushRunner, buttondown: FakeButtondown, issue: Path, waits: list[float]
) -> None:
    rate_limited(buttondown, "1")
    run = push(issue, "--esp", "buttondown")
    assert run.status == 0, run.stderr
    assert waits == [1.0]
    assert len(buttondown.emails) == 1
    assert buttondown.paths() == ["POST /v1/emails", "POST /v1/emails"]


def test_a_retry_after_longer_than_a_minute_is_not_waited(
    push: PushRunner, buttondown: FakeButtondown, issue: Path, waits: list[float]
) -> None:
    rate_limited(buttondown, "3600")
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "Buttondown is limiting requests (429 Too Many Requests) and asks to wait 3600 seconds" in run.stderr
    assert waits == [] and not buttondown.emails


def test_a_refused_key_exits_1_naming_its_variable(push: PushRunner, issue: Path, buttondown: FakeButtondown) -> None:
    run = push(issue, "--esp", "buttondown", env={"BUTTONDOWN_API_KEY": "wrong-key"})
    assert run.status == 1
    assert "Buttondown refused the key in BUTTONDOWN_API_KEY (401 Unauthorized)" in run.stderr
    assert "set BUTTONDOWN_API_KEY to an API key from Buttondown's settings (API)" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (issue.parent / "drafts.json").exists()


def test_a_missing_key_is_named_and_no_request_is_made(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, mailchimp: FakeMailchimp
) -> None:
    for service, variable in (("buttondown", "BUTTONDOWN_API_KEY"), ("mailchimp", "MAILCHIMP_API_KEY")):
        run = push(issue, "--esp", service, env={variable: None})
        assert run.status == 1
        assert f"{variable} is not set" in run.stderr
    assert buttondown.received == [] and mailchimp.received == []


def test_an_issue_with_a_check_error_pushes_nothing(push: PushRunner, issue: Path, buttondown: FakeButtondown) -> None:
    publication = issue.parent / "publication.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8").replace('text: "#222222"', 'text: "#eeeeee"'), encoding="utf-8"
    )
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "error: contrast:" in run.stderr
    assert "nothing pushed to Buttondown: mend the errors above first" in run.stderr
    assert buttondown.received == []


def test_warnings_are_printed_before_the_push(push: PushRunner, issue: Path, buttondown: FakeButtondown) -> None:
    run = push(issue, "--esp", "buttondown")
    assert run.status == 0
    assert "warning: postal-address-example" in run.stderr  # the sample's address is an example


def test_the_service_s_own_message_is_shown_for_a_refused_draft(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, mailchimp: FakeMailchimp
) -> None:
    buttondown.answer_next(
        422, body={"detail": [{"type": "value_error", "loc": ["body", "subject"], "msg": "Subject is too long."}]}
    )
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "Buttondown refused the draft (422 Unprocessable Entity): subject: Subject is too long." in run.stderr
    invalid = mailchimp.error(
        400, "The resource submitted could not be validated.", [{"field": "settings.reply_to", "message": "bad"}]
    )
    mailchimp.answer_next(400, body=invalid.body)
    run = push(issue, "--esp", "mailchimp")
    assert run.status == 1
    assert "could not be validated; settings.reply_to (publication.yaml's sender: email:): bad" in run.stderr


def test_a_5xx_is_retried_with_backoff_then_reported(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, waits: list[float]
) -> None:
    assert push(issue, "--esp", "buttondown").status == 0
    buttondown.answer_next(502, "Server error.")
    buttondown.answer_next(500, "Server error.")
    retried = push(issue, "--esp", "buttondown")  # the update's GET, tried three times
    assert retried.status == 0 and waits == list(http.BACKOFF_SECONDS)
    # Each wait is said (without --debug too), so that a silent terminal is not taken for a hang.
    assert "Buttondown failed (502 Bad Gateway): waiting 2 seconds before asking again" in retried.stderr
    buttondown.answer_next(500, "Server error.", times=http.ATTEMPTS)
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert f"Buttondown failed {http.ATTEMPTS} times (500 Internal Server Error); nothing more was done" in run.stderr


def test_a_draft_s_creation_is_not_repeated_when_the_service_may_have_made_it(
    push: PushRunner, issue: Path, buttondown: FakeButtondown
) -> None:
    buttondown.answer_next(502, "Server error.")
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "look at the drafts in Buttondown before pushing again" in run.stderr
    assert buttondown.paths() == ["POST /v1/emails"]


def test_a_503_on_creation_is_retried(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, waits: list[float]
) -> None:
    buttondown.answer_next(503, "Server error.")
    assert push(issue, "--esp", "buttondown").status == 0
    assert len(buttondown.emails) == 1 and waits == [http.BACKOFF_SECONDS[0]]


def test_an_answer_that_never_comes_after_the_draft_was_sent_says_to_look_first(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "ANSWER_SECONDS", 0.2)
    buttondown.answer_next(201, body={}, late=1.0)
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "Buttondown did not answer in time after the draft was sent (time-out)" in run.stderr
    assert "look at the drafts in Buttondown before pushing again" in run.stderr
    assert buttondown.paths() == ["POST /v1/emails"]  # never sent twice
    assert not (issue.parent / "drafts.json").exists()


def test_a_service_that_cannot_be_reached_is_tried_again_then_reported(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, waits: list[float]
) -> None:
    run = push(issue, "--esp", "buttondown", env={"BUTTONDOWN_API_URL": "http://127.0.0.1:9"})
    assert run.status == 1
    assert "Buttondown could not be reached (no connection), 3 times (BUTTONDOWN_API_URL is http://127.0.0.1:9)" in (
        run.stderr
    )
    assert waits == list(http.BACKOFF_SECONDS)


def test_dry_run_prints_the_requests_and_sends_nothing(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, mailchimp: FakeMailchimp
) -> None:
    run = push(issue, "--esp", "mailchimp", "--dry-run")
    assert run.status == 0, run.stderr
    assert f"POST {mailchimp.url}/3.0/campaigns\n" in run.stdout
    assert f'"subject_line": "{compose(issue, RenderOptions(service="mailchimp")).subject}"' in run.stdout
    assert "/content\n" in run.stdout and "characters in all)" in run.stdout  # the HTML, shortened
    assert len(run.stdout) < 5000
    assert "dry run: nothing was sent to Mailchimp" in run.stdout
    assert "  Authorization: Basic base64(composer:$MAILCHIMP_API_KEY)\n" in run.stdout  # the key, as its variable
    assert "not set" not in run.stderr
    assert mailchimp.received == [] and buttondown.received == []
    assert not (issue.parent / "drafts.json").exists()


@pytest.mark.parametrize(
    ("service", "address", "authorization", "unset"),
    [
        ("buttondown", "https://api.buttondown.com/v1/emails", "Token $BUTTONDOWN_API_KEY", "BUTTONDOWN_API_KEY is"),
        (
            "mailchimp",
            "https://DC.api.mailchimp.com/3.0/campaigns",
            "Basic base64(composer:$MAILCHIMP_API_KEY)",
            "MAILCHIMP_API_KEY is",
        ),
        (
            "sendgrid",
            "https://api.sendgrid.com/v3/marketing/singlesends",
            "Bearer $SENDGRID_API_KEY",
            "SENDGRID_API_KEY is",
        ),
        (
            "listmonk",
            "https://lists.example.org/api/campaigns",
            "Basic base64($LISTMONK_USER:$LISTMONK_TOKEN)",
            "LISTMONK_USER and LISTMONK_TOKEN are",
        ),
    ],
)
def test_a_dry_run_needs_no_key_and_shows_it_as_its_variable(
    push: PushRunner, issue: Path, service: str, address: str, authorization: str, unset: str
) -> None:
    publication = issue.parent / "publication.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8")
        + "sendgrid:\n  sender_id: 1\n  suppression_group_id: 2\n  list_ids: [0b3a2c1d-4e5f-4a6b-8c7d-9e0f1a2b3c4d]\n"
        + "listmonk:\n  url: https://lists.example.org\n  list_ids: [3]\n",
        encoding="utf-8",
    )
    run = push(issue, "--esp", service, "--dry-run")  # no fake: no key, no address of this test's
    assert run.status == 0, run.stderr
    assert run.stdout.startswith(f"POST {address}\n  Authorization: {authorization}\n")
    assert f"{unset} not set (shown as $" in run.stderr and "before pushing for real" in run.stderr
    assert not (issue.parent / "drafts.json").exists()


def test_mailgun_is_refused_with_what_to_do_instead(push: PushRunner, issue: Path) -> None:
    run = push(issue, "--esp", "mailgun")
    assert run.status == 1
    assert "Mailgun keeps no drafts" in run.stderr
    assert "--eml" in run.stderr and "compose send" in run.stderr


def test_without_a_service_push_says_how_to_name_one(push: PushRunner, issue: Path) -> None:
    run = push(issue)
    assert run.status == 1
    assert "no mailing service to push to: add esp: to it" in run.stderr and "--esp" in run.stderr


def test_a_drafts_file_composer_cannot_read_stops_the_push_and_is_kept(
    push: PushRunner, issue: Path, buttondown: FakeButtondown
) -> None:
    drafts = issue.parent / "drafts.json"
    drafts.write_text("{not json", encoding="utf-8")
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "drafts.json:1:2: composer cannot read its remembered drafts: it is not JSON here" in run.stderr
    assert drafts.read_text(encoding="utf-8") == "{not json"
    assert buttondown.received == []


def test_a_drafts_file_nested_past_reason_stops_the_push_with_a_message_not_a_crash(
    push: PushRunner, issue: Path, buttondown: FakeButtondown
) -> None:
    drafts = issue.parent / "drafts.json"
    drafts.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")  # under the size limit, too deep to parse
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "composer cannot read its remembered drafts: it is nested far deeper than composer writes it" in run.stderr
    assert "internal error" not in run.stderr
    assert buttondown.received == []


def test_a_404_that_is_not_the_service_s_own_says_to_check_the_address_not_that_the_draft_is_gone(
    push: PushRunner, issue: Path, buttondown: FakeButtondown
) -> None:
    assert push(issue, "--esp", "buttondown").status == 0
    buttondown.answer_next(404, body=None)  # a proxy's, or another server's: no JSON of Buttondown's
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "Buttondown has nothing at /v1/emails/" in run.stderr and "is BUTTONDOWN_API_URL" in run.stderr
    assert "deleted" not in run.stderr and len(buttondown.emails) == 1


def test_drafts_of_other_issues_and_services_are_kept(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, mailchimp: FakeMailchimp
) -> None:
    drafts = issue.parent / "drafts.json"
    other = {"2017-11-08.yaml": {"buttondown": {"id": "older", "web_address": "https://buttondown.com/emails/older"}}}
    drafts.write_text(json.dumps({"drafts": other}), encoding="utf-8")
    assert push(issue, "--esp", "buttondown").status == 0
    assert push(issue, "--esp", "mailchimp").status == 0
    kept = json.loads(drafts.read_text(encoding="utf-8"))["drafts"]
    assert kept["2017-11-08.yaml"] == other["2017-11-08.yaml"]
    assert set(kept[issue.name]) == {"buttondown", "mailchimp"}


def test_no_secret_is_ever_printed_or_written(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, mailchimp: FakeMailchimp, tmp_path: Path
) -> None:
    runs: list[Run] = []
    for debug in ([], ["--debug"]):
        runs.append(push(issue, "--esp", "buttondown", "--test-to", "me@example.com", *debug))
        runs.append(push(issue, "--esp", "mailchimp", "--test-to", "me@example.com", *debug))
        runs.append(push(issue, "--esp", "mailchimp", "--dry-run", *debug))
        # A service that echoes the key back in its error, in every form, and one that refuses it.
        echoed = b" ".join(sorted(secret_forms(buttondown.api_key))).decode()
        buttondown.answer_next(400, f"bad token {echoed}")
        runs.append(push(issue, "--esp", "buttondown", "--new", *debug))
        echoed = b" ".join(sorted(secret_forms(mailchimp.api_key))).decode()
        mailchimp.answer_next(400, f"bad key {echoed}")
        runs.append(push(issue, "--esp", "mailchimp", "--new", *debug))
        runs.append(push(issue, "--esp", "buttondown", *debug, env={"BUTTONDOWN_API_KEY": buttondown.api_key + "x"}))
        runs.append(push(issue, "--esp", "buttondown", *debug, env={"BUTTONDOWN_API_KEY": "two words\n"}))
    assert [run.status for run in runs] == [0, 0, 0, 1, 1, 1, 1] * 2
    assert any("Traceback" in run.stderr for run in runs)  # --debug showed its tracebacks
    everything = files_and_output(tmp_path, *(run.raw for run in runs))
    secrets = (buttondown.api_key, mailchimp.api_key, buttondown.api_key + "x", "two words")
    assert shown_secrets(everything, *secrets) == []


def test_no_request_goes_to_a_send_or_schedule_endpoint(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, mailchimp: FakeMailchimp
) -> None:
    for service in ("buttondown", "mailchimp"):
        for _ in range(2):
            assert push(issue, "--esp", service, "--test-to", "me@example.com").status == 0
    paths = buttondown.paths() + mailchimp.paths()
    assert not [path for path in paths if path.endswith(("/actions/send", "/actions/schedule", "/send", "/schedule"))]
    bodies = [request.json() for request in buttondown.received if request.body]
    assert bodies and all(body.get("status", "draft") == "draft" for body in bodies)


def test_a_plain_compose_does_not_import_httpx() -> None:
    code = (
        "import sys\n"
        "from composer.cli import main\n"
        "from composer.commands import build, check\n"
        "from composer.core import pipeline\n"
        "assert 'httpx' not in sys.modules, 'httpx imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_key_typed_into_publication_yaml_is_refused_at_its_line(
    push: PushRunner, issue: Path, mailchimp: FakeMailchimp
) -> None:
    publication = issue.parent / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    publication.write_text(text + f"  api_key: {mailchimp.api_key}\n", encoding="utf-8")
    run = push(issue, "--esp", "mailchimp", "--debug")
    assert run.status == 1
    assert (
        "mailchimp: never put a key in publication.yaml (it would end up in git); set MAILCHIMP_API_KEY" in run.stderr
    )
    assert shown_secrets(run.raw, mailchimp.api_key) == [] and mailchimp.received == []


def test_debug_shows_each_request_and_answer(push: PushRunner, issue: Path, buttondown: FakeButtondown) -> None:
    run = push(issue, "--esp", "buttondown", "--debug")
    assert run.status == 0
    assert f"Buttondown: POST {buttondown.url}/v1/emails\nButtondown: 201 Created\n" in run.stderr


def test_a_service_without_test_sends_says_so_before_any_request(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoTests(Buttondown):
        sends_tests = False

    monkeypatch.setitem(SERVICES, "buttondown", NoTests)
    run = push(issue, "--esp", "buttondown", "--test-to", "me@example.com")
    assert run.status == 1
    assert "Buttondown has no test send of a draft: push without --test-to" in run.stderr
    assert "compose send --to ADDRESS" in run.stderr
    assert buttondown.received == []


def test_a_bad_test_address_stops_the_push(push: PushRunner, issue: Path, buttondown: FakeButtondown) -> None:
    run = push(issue, "--esp", "buttondown", "--test-to", "not an address")
    assert run.status == 1 and buttondown.received == []


def test_a_runaway_answer_is_cut_off(
    push: PushRunner, issue: Path, buttondown: FakeButtondown, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "MAX_ANSWER_BYTES", 10_000)
    buttondown.answer_next(201, body={"id": "x", "padding": "x" * 20_000})
    run = push(issue, "--esp", "buttondown")
    assert run.status == 1
    assert "Buttondown answered the draft with more than composer reads" in run.stderr
