"""What an answer means (commands/links/rules.py) and what the cache keeps (cache.py), for the cases
the fake web does not make: chains of redirects of both kinds, mailto: forms, a damaged or old
cache file."""

from __future__ import annotations

import json
from pathlib import Path

from composer.commands.links import cache, rules
from composer.commands.links.answer import Answer
from composer.commands.web import retry_after
from composer.errors import Place

WHERE = Place("issue.yaml", 3, 5)


def judged(url: str, answer: Answer, image: bool = False, declared: tuple[int, int] | None = None) -> list[str]:
    found = rules.findings(rules.Target(url, WHERE, image, declared), answer, 10.0, 30.0)
    return [f"{level}: {rule}: {message}" for level, rule, message in found]


def test_the_address_to_put_is_where_the_permanent_redirects_lead() -> None:
    # 301, then a temporary redirect (a paywall's, a login's): put the 301's target, not the moment's page.
    answer = Answer(
        status=200,
        hops=[(301, "https://a.org/x", "https://a.org/y"), (302, "https://a.org/y", "https://a.org/login?next=y")],
    )
    (found,) = judged("https://a.org/x", answer)
    assert found.startswith("warning: link-moved: ") and found.endswith("put https://a.org/y in its place")
    # http -> https on the same host, then a move: the final one named.
    answer = Answer(
        status=200, hops=[(301, "http://a.org/x", "https://a.org/x"), (308, "https://a.org/x", "https://b.org/x")]
    )
    assert judged("http://a.org/x", answer)[0].endswith("put https://b.org/x in its place")
    # http -> https alone, or a temporary redirect first: nothing to change.
    assert judged("http://a.org/x", Answer(status=200, hops=[(301, "http://a.org/x", "https://a.org/x")])) == []
    assert judged("https://a.org/x", Answer(status=200, hops=[(307, "https://a.org/x", "https://b.org/x")])) == []
    # http -> https to another host is a move like any other.
    assert judged("http://a.org/x", Answer(status=200, hops=[(301, "http://a.org/x", "https://www.a.org/x")]))


def test_a_redirect_to_a_missing_page_is_broken_and_names_where_it_led() -> None:
    answer = Answer(status=404, hops=[(301, "https://a.org/x", "https://a.org/y")])
    (found,) = judged("https://a.org/x", answer)
    assert found.startswith("error: link-broken: https://a.org/x (redirected to https://a.org/y) answers 404 Not Found")


def test_proportions_within_two_percent_are_the_same() -> None:
    picture = Answer(status=200, content_type="image/png", size=1000, pixels=(1200, 800))
    assert judged("https://a.org/p.png", picture, True, (552, 368)) == []
    assert judged("https://a.org/p.png", picture, True, (552, 375)) == []  # 1.8 % apart
    (found,) = judged("https://a.org/p.png", picture, True, (552, 390))  # 5.7 %
    assert "warning: image-proportions:" in found and "width: 1200 and height: 800" in found
    # Wider than the width: accepts: the size suggested keeps the proportions within it.
    wide = Answer(status=200, content_type="image/jpeg", size=1000, pixels=(4000, 3000))
    assert "give width: 2000 and height: 1500" in judged("https://a.org/p.jpg", wide, True)[0]


def test_mailto_form() -> None:
    assert rules.mailto("mailto:desk@example.com,tips@example.org?subject=Hello%20there") == []
    assert rules.mailto("mailto:desk%40example.com") == []
    assert rules.mailto("mailto:desk@example") != []
    assert rules.mailto("mailto:?subject=Hello") != []
    assert rules.mailto("mailto:desk@example.com,,") != []


def test_retry_after_as_seconds_or_a_date() -> None:
    assert retry_after("7", 1.0) == 7.0
    assert retry_after(None, 1.0) == 1.0
    assert retry_after("soon", 1.0) == 1.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1.0) == 0.0  # in the past: no wait


def test_the_cache_keeps_fine_answers_a_day_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    fine = Answer(status=200)
    picture = Answer(status=200, content_type="image/png", size=10, pixels=(3, 2))
    answers = {
        ("https://a.org/", False): fine,
        ("https://a.org/p.png", True): picture,
        ("https://a.org/page-as-picture", True): Answer(status=200, content_type="text/html"),
        ("https://a.org/gone", False): Answer(status=404),
        ("https://a.org/busy", False): Answer(status=429, retry_after=5.0),
        ("https://a.org/down", False): Answer(status=503),
        ("https://a.org/moved", False): Answer(status=200, hops=[(301, "https://a.org/moved", "https://a.org/")]),
        ("https://a.org/slow", False): Answer(failure="timeout"),
    }
    cache.write(path, answers, now=1000.0)
    assert cache.read(path, now=1000.0 + 60) == {
        ("https://a.org/", False): fine,
        ("https://a.org/p.png", True): picture,
    }
    assert cache.read(path, now=1000.0 + cache.KEEP_SECONDS + 1) == {}
    # Asked again and failing now: forgotten.
    cache.write(path, {("https://a.org/", False): Answer(status=500)}, now=2000.0)
    assert set(cache.read(path, now=2000.0)) == {("https://a.org/p.png", True)}


def test_a_damaged_cache_file_is_done_without(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    deep = "[" * 100_000 + "]" * 100_000  # deeper than Python's JSON parser follows
    for text in ("{", "[]", json.dumps({"link https://a.org/": {"at": "then"}}), json.dumps({"x": 1}), deep):
        path.write_text(text, encoding="utf-8")
        assert cache.read(path) == {}
        cache.write(path, {("https://a.org/", False): Answer(status=200)})
        assert set(cache.read(path)) == {("https://a.org/", False)}
