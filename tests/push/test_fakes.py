"""The fake services answer as the services do, and hold composer to their schemas; the schemas name
what they were written from."""

from __future__ import annotations

import base64
import json
import re

import httpx
from jsonschema import Draft202012Validator
from pytest_httpserver import HTTPServer

from composer.core.pipeline import compose
from composer.core.render import RenderOptions

from ..conftest import SAMPLE
from . import fake_listmonk, fake_mailchimp, fake_sendgrid
from .fake_buttondown import FakeButtondown
from .fake_http import SCHEMAS, schema_errors
from .fake_listmonk import FakeListmonk
from .fake_mailchimp import FakeMailchimp
from .fake_sendgrid import FakeSendGrid

SINGLE_SEND = {
    "name": "Briefing",
    "send_to": {"list_ids": [fake_sendgrid.LIST_ID]},
    "email_config": {"subject": "S", "html_content": "<p>H</p>", "plain_content": "P", "generate_plain_content": False},
}
CAMPAIGN = {
    "name": "N",
    "subject": "S",
    "lists": [fake_listmonk.LIST_ID],
    "type": "regular",
    "content_type": "html",
    "body": "<p>B</p>",
}


def test_fake_sendgrid_keeps_a_single_send_and_refuses_what_its_schema_refuses(httpserver: HTTPServer) -> None:
    fake = FakeSendGrid()
    client = httpx.Client(base_url=fake.install(httpserver), headers={"Authorization": f"Bearer {fake.api_key}"})
    made = client.post("/v3/marketing/singlesends", json=SINGLE_SEND)
    assert made.status_code == 201 and made.json()["status"] == "draft"
    path = f"/v3/marketing/singlesends/{made.json()['id']}"
    assert (
        client.patch(path, json={"name": "Again", "email_config": {"subject": "T"}}).json()["email_config"]["subject"]
        == "T"
    )
    assert client.get(path).json()["name"] == "Again" and fake.problems == []
    # A field Single Sends do not have, a schedule, a wrong key: each seen.
    assert client.post("/v3/marketing/singlesends", json={**SINGLE_SEND, "status": "draft"}).status_code == 400
    assert client.put(f"{path}/schedule", json={"send_at": "now"}).status_code == 404
    assert [problem.split(":")[0] for problem in fake.problems] == [
        "POST /v3/marketing/singlesends",
        f"PUT {path}/schedule",
    ]
    refused = httpx.post(f"{fake.install(httpserver)}/v3/marketing/singlesends", json=SINGLE_SEND)
    assert refused.status_code == 401 and refused.json()["errors"][0]["message"] == "authorization required"


def test_fake_listmonk_answers_like_listmonk(httpserver: HTTPServer) -> None:
    fake = FakeListmonk()
    client = httpx.Client(base_url=fake.install(httpserver), auth=(fake.user, fake.token))
    made = client.post("/api/campaigns", json=CAMPAIGN).json()["data"]
    assert (made["id"], made["status"]) == (1, "draft")
    assert client.put("/api/campaigns/1", json={**CAMPAIGN, "subject": "T"}).json()["data"]["subject"] == "T"
    assert client.post(
        "/api/campaigns/1/test", json={**CAMPAIGN, "subscribers": [fake_listmonk.SUBSCRIBER]}
    ).json() == {"data": True}
    assert fake.test_sends[0]["to"] == [fake_listmonk.SUBSCRIBER] and fake.problems == []
    assert client.get("/api/campaigns/9").json() == {"message": "Campaign not found"}
    tagged = client.post("/api/campaigns", json={**CAMPAIGN, "body": '<a href="{{ unsubscribe_url }}">x</a>'})
    assert tagged.status_code == 400 and 'function "unsubscribe_url" not defined' in tagged.json()["message"]
    wrong = httpx.get(f"{fake.install(httpserver)}/api/campaigns/1", auth=(fake.user, "nope"))
    assert (wrong.status_code, wrong.json()) == (403, {"message": "invalid API credentials"})
    fake.answer_next(429, "slow down", headers={"Retry-After": "1"})
    busy = client.get("/api/campaigns/1")
    assert (busy.status_code, busy.headers["Retry-After"]) == (429, "1")


def test_composers_listmonk_email_compiles_in_listmonks_templates() -> None:
    composed = compose(SAMPLE, RenderOptions(service="listmonk"))
    assert fake_listmonk._template_problem(composed.html) is None
    assert fake_listmonk._template_problem(composed.text) is None
    assert fake_listmonk._template_problem(compose(SAMPLE, RenderOptions(service="buttondown")).html) is not None


def test_every_schema_is_one_style_and_names_the_file_and_commit_it_was_written_from() -> None:
    schemas = sorted(SCHEMAS.iterdir())
    assert len(schemas) >= 4 * 3  # each service's requests, answers and errors
    for path in schemas:
        assert re.fullmatch(r"(buttondown|mailchimp|sendgrid|listmonk)(-[a-z]+)+\.schema\.json", path.name), path.name
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert list(schema)[:3] == ["$schema", "$comment", "title"], path.name
        assert re.search(r"\b[0-9a-f]{40}\b", schema["$comment"]), f"{path.name} names no commit"
        assert re.search(r"\w+\.(json|yaml|md|go)\b", schema["$comment"]), f"{path.name} names no file"


def test_fake_buttondown_refuses_a_body_it_would_wrap_or_render_as_markdown(httpserver: HTTPServer) -> None:
    fake = FakeButtondown()
    client = httpx.Client(
        base_url=fake.install(httpserver),
        headers={"Authorization": f"Token {fake.api_key}", "X-API-Version": "2026-04-01"},
    )
    email = {
        "subject": "S",
        "body": "<!-- buttondown-editor-mode: fancy --><!doctype html><p>H</p>",
        "template": "naked",
        "status": "draft",
    }
    assert client.post("/v1/emails", json=email).status_code == 201 and fake.problems == []
    for wrong in ({"template": "modern"}, {"body": "<!doctype html><p>H</p>"}, {"status": "about_to_send"}):
        assert client.post("/v1/emails", json={**email, **wrong}).status_code == 400
    assert len(fake.problems) == 3 and len(fake.emails) == 1


def test_fake_mailchimp_answers_only_the_fields_asked_and_holds_a_campaign_to_the_spec(httpserver: HTTPServer) -> None:
    fake = FakeMailchimp()
    key = base64.b64encode(f"composer:{fake.api_key}".encode()).decode()
    client = httpx.Client(base_url=fake.install(httpserver), headers={"Authorization": f"Basic {key}"})
    settings = {"subject_line": "S", "preview_text": "P", "title": "T", "from_name": "F", "reply_to": "r@example.com"}
    made = client.post(
        "/3.0/campaigns",
        json={"type": "regular", "recipients": {"list_id": fake_mailchimp.AUDIENCE}, "settings": settings},
    ).json()
    assert client.get(f"/3.0/campaigns/{made['id']}", params={"fields": "id,web_id,status,type"}).json() == {
        key: made[key] for key in ("id", "web_id", "status", "type")
    }
    assert fake.problems == []
    # Mailchimp's spec requires type of every campaign: a GET that leaves it out is an answer the schema refuses.
    client.get(f"/3.0/campaigns/{made['id']}", params={"fields": "id,web_id,status"})
    assert [problem for problem in fake.problems if "'type' is a required property" in problem]


def test_mailchimps_schemas_keep_the_spec_apart_from_what_composer_adds() -> None:
    update = {"settings": {"subject_line": "S"}}  # the spec requires nothing of an update: composer does
    assert schema_errors("mailchimp-update-campaign", update) != []
    update_schema = json.loads((SCHEMAS / "mailchimp-update-campaign.schema.json").read_text(encoding="utf-8"))
    assert "required" not in update_schema and update_schema["allOf"][0]["required"] == ["recipients", "settings"]
    campaign = json.loads((SCHEMAS / "mailchimp-campaign.schema.json").read_text(encoding="utf-8"))
    assert campaign["required"] == ["type"]
    assert schema_errors("mailchimp-send-test", {"test_emails": ["e@example.com"], "send_type": "mime"}) != []
    assert schema_errors("mailchimp-error", {"type": "t", "title": "T", "status": 400, "detail": "D"}) != []
