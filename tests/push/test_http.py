"""http.py's pieces on their own: the forms a key takes, a request as --dry-run shows it."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from composer.commands.push import http
from composer.errors import PushSettingsProblem


@pytest.mark.parametrize("prefix", ["", "x", "xy", "composer:", "anystring:", "Token "])
def test_a_key_is_hidden_in_base64_after_any_prefix(prefix: str) -> None:
    key = "0123456789abcdef-us21"
    api = http.Api("Mailchimp", "http://127.0.0.1", "MAILCHIMP_API_URL", {}, "MAILCHIMP_API_KEY", [key])
    said = f"{base64.b64encode((prefix + key + '!').encode()).decode()} {quote(key + '/', safe='')} {key}"
    shown = api.hide(said)
    assert key not in shown and quote(key, safe="") not in shown
    assert "$MAILCHIMP_API_KEY" in shown


def test_a_service_s_words_lose_their_control_characters_and_length() -> None:
    api = http.Api("Buttondown", "http://127.0.0.1", "BUTTONDOWN_API_URL", {}, "BUTTONDOWN_API_KEY", [])
    assert api.hide("bad\x1b[31m red\u202e") == "bad [31m red"
    assert len(api.hide("x" * 10_000)) == http.SHOWN_CHARS


def test_a_dry_run_request_shortens_long_texts() -> None:
    shown = http.shown_request("PUT", "https://example.com/content", {"html": "<p>" * 1000, "subject": "Hi"})
    assert shown.startswith("PUT https://example.com/content\n  {\n")
    assert "(3000 characters in all)" in shown and '"subject": "Hi"' in shown


@pytest.mark.parametrize(
    "address", ["ftp://example.com", "https://user:pw@example.com", "https://exa mple.com", "example.com"]
)
def test_an_address_variable_that_is_no_api_address_is_refused(address: str) -> None:
    with pytest.raises(PushSettingsProblem, match="BUTTONDOWN_API_URL") as raised:
        http.service_address({"BUTTONDOWN_API_URL": address}, "BUTTONDOWN_API_URL", "https://api.buttondown.com")
    assert ":pw@" not in str(raised.value)  # a password typed into the address is not repeated


def test_a_key_with_spaces_is_refused_without_showing_it() -> None:
    with pytest.raises(PushSettingsProblem) as raised:
        http.read_secret({"KEY": "abc def"}, "KEY", "a key")
    assert "abc" not in str(raised.value)
    assert http.read_secret({"KEY": " abc\n"}, "KEY", "a key").value == "abc"  # as pasted, ends trimmed
