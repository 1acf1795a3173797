"""Hostile utm: settings and links: each ends in one clean, located error, or a whole email whose
links parse. The limits crossed are composer.limits' MAX_TAGGED_URL_CHARACTERS, MAX_UTM_CHARACTERS
and MAX_UTM_EXCLUDED."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html

from composer import limits

from .test_hostile_content import HEAD, compose, folder, refused

__all__ = ["folder"]  # the fixture, used by name

UTM = "utm:\n  source: the-daily\n"


def with_utm(folder: Path, settings: str = UTM) -> None:
    publication = folder / "issues" / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + settings, encoding="utf-8")


def hrefs(folder: Path, name: str) -> list[str]:
    document = lxml.html.document_fromstring((folder / "out" / f"{name}.html").read_text(encoding="utf-8"))
    return [str(anchor.get("href")) for anchor in document.iter("a") if anchor.get("href")]


def test_a_link_too_long_to_tag_is_sent_as_written(folder: Path) -> None:
    with_utm(folder)
    long_address = "https://example.com/" + "a" * 100_000
    fits = "https://example.com/" + "b" * (limits.MAX_TAGGED_URL_CHARACTERS - 200)
    (folder / "issues" / "long.yaml").write_text(
        HEAD + f"'[long]({long_address}) and [fits]({fits})'\n    url: {long_address}\n", encoding="utf-8"
    )
    result = compose(folder, "long")
    assert result.returncode == 0, result.stderr
    links = hrefs(folder, "long")
    assert links.count(long_address) == 3  # the headline, "Read more" and the link in the text
    assert any(href.startswith(fits + "?utm_source=the-daily&") for href in links)
    assert all(len(href) <= limits.MAX_TAGGED_URL_CHARACTERS or "utm_" not in href for href in links)


def test_thousands_of_links_are_each_tagged_once(folder: Path) -> None:
    with_utm(folder)
    body = " ".join(f"[{number}](https://example.com/{number}?a=1#x)" for number in range(3_000))
    (folder / "issues" / "many.yaml").write_text(HEAD + f"'{body}'\n", encoding="utf-8")
    result = compose(folder, "many")
    assert result.returncode == 0, result.stderr
    tagged = [href for href in hrefs(folder, "many") if "utm_content=story-1-body" in href]
    assert len(tagged) == 3_000
    assert all(href.count("utm_source=") == 1 and href.endswith("#x") for href in tagged)


def test_values_that_look_like_url_syntax_stay_one_value_each(folder: Path) -> None:
    with_utm(folder, "utm:\n  source: 'a&b=c#d?e/f'\n  medium: '%41 %'\n  campaign: '{name}&{iso}'\n")
    (folder / "issues" / "odd.yaml").write_text(HEAD + "'[a](https://example.com/x)'\n", encoding="utf-8")
    result = compose(folder, "odd")
    assert result.returncode == 0, result.stderr
    (href,) = [href for href in hrefs(folder, "odd") if "example.com/x" in href]
    parts = urlsplit(href)
    assert (parts.path, parts.fragment) == ("/x", "")
    assert parse_qs(parts.query) == {
        "utm_source": ["a&b=c#d?e/f"],
        "utm_medium": ["%41 %"],
        "utm_campaign": ["The Daily Test&2020-02-03"],
        "utm_content": ["story-1-body"],
    }


def test_settings_past_the_limits_are_refused_at_their_line(folder: Path) -> None:
    too_many = "".join(f"\n    - site{number}.example" for number in range(limits.MAX_UTM_EXCLUDED + 1))
    with_utm(
        folder,
        "utm:\n  source: "
        + "x" * (limits.MAX_UTM_CHARACTERS + 1)
        + "\n  medium: \"a\\x01\"\n  campaign: '{iso!r}'\n  exclude:"
        + too_many
        + "\n",
    )
    (folder / "issues" / "settings.yaml").write_text(HEAD + "A body.\n", encoding="utf-8")
    lines = refused(compose(folder, "settings"))
    found = {re.sub(r":\d+:\d+:", ":L:C:", line).split(": ", 2)[1] for line in lines if "publication.yaml:" in line}
    assert found == {"utm.source", "utm.medium", "utm.campaign", "utm.exclude"}
    assert any(
        f"more than {limits.MAX_UTM_CHARACTERS}" in line and "publication.yaml:7:11: utm.source" in line
        for line in lines
    )
