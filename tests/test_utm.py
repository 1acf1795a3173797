"""Counting clicks: utm: in publication.yaml tags every link of the email with its place (core/utm.py).

The rewriting is tested on any address (hypothesis): it only ever adds the tags at the end of the
query, so what the editor wrote stays, byte for byte, and tagging twice changes nothing. Then the
email: every link in the HTML and the plain text alike, the links never tagged, check's findings at
their lines, the web archive without tags, and the plain text's lines around the longer addresses.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

import lxml.html
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from composer.commands.archive import archive
from composer.commands.check import check_files
from composer.core import esp, markdown, utm
from composer.core.models import Utm
from composer.core.pipeline import Composed, compose
from composer.limits import MAX_TAGGED_URL_CHARACTERS

from .conftest import SAMPLE, MakeIssue

TAGS = "utm_source=the-daily&utm_medium=email&utm_campaign=2020-02-03&utm_content=summary"

# --- any address ------------------------------------------------------------------------------------

unreserved = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~", min_size=1, max_size=8)
escape = st.sampled_from(["%20", "%C3%A9", "%2F", "%3D", "%26", "%e2%80%99", "%25"])
# Letters of other scripts, typed as they are (a browser encodes them): é, ß, ü, 東京, עברית.
letters = st.sampled_from(["é", "ß", "ü", "東京", "עברית", "ё"])
piece = st.lists(
    st.one_of(unreserved, escape, letters, st.sampled_from(["+", "!", "$", "'", "(", ")", "*", ",", "@", ":"])),
    min_size=1,
    max_size=4,
).map("".join)
label = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
host = st.one_of(
    st.lists(label, min_size=1, max_size=3).map(lambda labels: ".".join([*labels, "example"])),
    st.sampled_from(
        ["bücher.example", "xn--bcher-kva.example", "東京.example", "WWW.Example.ORG", "127.0.0.1", "[::1]"]
    ),
)
port = st.none() | st.integers(1, 65535).map(str)
path = st.lists(piece, max_size=4).map(lambda pieces: "".join("/" + each for each in pieces))
parameter = st.one_of(
    st.builds(lambda name, value: f"{name}={value}", piece, st.one_of(st.just(""), piece)),
    piece,  # a name without a value
)
query = st.none() | st.lists(parameter, max_size=4).map("&".join) | st.sampled_from(["", "a=1&", "a=1;b=2", "q=a?b"])
fragment = st.none() | st.one_of(piece, st.sampled_from(["", "top", "/page?x=1&y=2", "a#b", "section-2"]))


@st.composite
def web_addresses(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https", "http", "HTTPS", "Http"]))
    user = draw(st.none() | st.just("user:secret@"))
    found_port = draw(port)
    address = f"{scheme}://{user or ''}{draw(host)}{':' + found_port if found_port else ''}{draw(path)}"
    found_query, found_fragment = draw(query), draw(fragment)
    if found_query is not None:
        address += "?" + found_query
    if found_fragment is not None:
        address += "#" + found_fragment
    return address


def without_fragment(address: str) -> str:
    return address.partition("#")[0]


@given(web_addresses())
def test_tags_go_at_the_end_of_the_query_and_everything_written_stays(address: str) -> None:
    assume(not esp.holds_merge_tag(address))  # those are left as written: see the test below
    tagged = utm.with_tags(address, TAGS)
    written, tagged_parts = urlsplit(address), urlsplit(tagged)
    assert (tagged_parts.scheme, tagged_parts.netloc, tagged_parts.path) == (
        written.scheme,
        written.netloc,
        written.path,
    )
    # The fragment stays at the end, as written (or its absence: no "#" appears).
    assert tagged_parts.fragment == written.fragment
    assert ("#" in tagged) == ("#" in address)
    # The query as written, then the tags: every parameter in its order and its encoding.
    assert tagged_parts.query.startswith(written.query)
    added = tagged_parts.query[len(written.query) :].lstrip("&")
    assert added == TAGS
    assert without_fragment(tagged).startswith(without_fragment(address))
    assert parse_qsl(added) == [
        ("utm_source", "the-daily"),
        ("utm_medium", "email"),
        ("utm_campaign", "2020-02-03"),
        ("utm_content", "summary"),
    ]
    # Nothing was decoded or re-encoded on the way: the editor's text is the tagged address minus the tags.
    removed = tagged.replace(("&" if written.query and not written.query.endswith("&") else "") + TAGS, "", 1)
    assert removed.replace("?#", "#").rstrip("?") == address.rstrip("?").replace("?#", "#")


@given(web_addresses())
def test_tagging_twice_changes_nothing(address: str) -> None:
    once = utm.with_tags(address, TAGS)
    assert utm.with_tags(once, TAGS) == once
    assert utm.with_tags(once, TAGS.replace("summary", "footer")) == once


@given(web_addresses(), st.sampled_from(["utm_source=friend", "UTM_Medium=x", "utm%5Fcampaign=y", "utm_id"]))
def test_an_address_with_any_utm_parameter_is_left_exactly_as_written(address: str, own: str) -> None:
    written = urlsplit(address)
    with_own = address.partition("#")[0] + ("&" if written.query else "?") + own
    if written.fragment or address.endswith("#"):
        with_own += "#" + written.fragment
    assert utm.with_tags(with_own, TAGS) == with_own
    in_fragment = without_fragment(address) + "#/page?" + own
    assert utm.with_tags(in_fragment, TAGS) == in_fragment


@pytest.mark.parametrize(
    "address",
    [
        "mailto:desk@example.com",
        "mailto:desk@example.com?subject=Hello",
        "#story-2",
        "tel:+123456",
        "ftp://example.com/file",
        "/relative/page",
        "*|ARCHIVE|*",
        "{{ unsubscribe_url }}",
        "%unsubscribe_url%",
        "https://example.com/?email=*|EMAIL|*",
        "https://example.com/?id={{ subscriber.id }}",
        "https://example.com/?who=%recipient%",
    ],
)
def test_mailto_anchors_and_merge_tags_are_never_tagged(address: str) -> None:
    assert utm.with_tags(address, TAGS) == address


def test_an_address_too_long_once_tagged_stays_as_written() -> None:
    room = MAX_TAGGED_URL_CHARACTERS - len(TAGS) - 1
    fits = "https://example.com/" + "a" * (room - len("https://example.com/"))
    assert utm.with_tags(fits, TAGS) == fits + "?" + TAGS
    too_long = fits + "a"
    assert utm.with_tags(too_long, TAGS) == too_long


def tagger(**settings: object) -> utm.Tagger:
    return utm.Tagger(Utm.model_validate({"source": "the-daily", **settings}), date(2020, 2, 3), "The Daily Test", "en")


@pytest.mark.parametrize(
    ("address", "tagged"),
    [
        ("https://partner.example/x", False),
        ("https://www.partner.example/x?a=1", False),  # a subdomain
        ("https://PARTNER.example./x", False),
        ("https://user@deep.www.partner.example:8443/x", False),
        ("https://notpartner.example/x", True),
        ("https://partner.example.org/x", True),
        ("https://bücher.example/x", False),  # excluded as xn--bcher-kva.example: the same host
        ("https://xn--bcher-kva.example/x", False),
        ("https://shop.bücher.example/x", False),
        ("https://example.com/bücher.example", True),  # the path is no host
    ],
)
def test_excluded_domains_and_their_subdomains_are_never_tagged(address: str, tagged: bool) -> None:
    tags = tagger(exclude=["partner.example", "xn--bcher-kva.example"])
    assert (tags.tag(address, "summary") != address) is tagged
    tags = tagger(exclude=["Partner.Example", "bücher.example"])
    assert (tags.tag(address, "summary") != address) is tagged


def test_the_campaign_fills_the_title_pattern_placeholders_and_is_encoded() -> None:
    tags = tagger(campaign="{name} {month} {day}, {year}", medium="e-mail news")
    tagged = tags.tag("https://example.com/", "read-3")
    assert tagged == (
        "https://example.com/?utm_source=the-daily&utm_medium=e-mail%20news"
        "&utm_campaign=The%20Daily%20Test%20February%203%2C%202020&utm_content=read-3"
    )
    assert parse_qs(urlsplit(tagged).query)["utm_campaign"] == ["The Daily Test February 3, 2020"]
    assert tags.written == {tagged: "https://example.com/"}
    assert tagger().tag("https://example.com/", "cta-1").endswith("utm_campaign=2020-02-03&utm_content=cta-1")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "source\n  Field required"),
        ({"source": ""}, "at least 1 character"),
        ({"source": "x" * 201}, "201 characters long, more than 200"),
        ({"source": "a", "campaign": "{isodate}"}, "isodate"),
        ({"source": "a", "exclude": ["https://partner.example/"]}, "write the site's name alone"),
        ({"source": "a", "exclude": ["*.partner.example"]}, "a domain takes its subdomains with it"),
        ({"source": "a", "mediums": "email"}, "Extra inputs are not permitted"),
        ({"source": "a", "exclude": ["a.example"] * 1001}, "at most 1000 items"),
    ],
)
def test_utm_settings_are_checked(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Utm.model_validate(settings)
    assert message in str(caught.value)


def test_the_defaults() -> None:
    settings = Utm.model_validate({"source": "the-daily"})
    assert (settings.medium, settings.campaign, settings.exclude) == ("email", "{iso}", [])


# --- the email --------------------------------------------------------------------------------------

PUBLICATION = """\
name: The Daily Test
url: https://news.example.com
contact: desk@example.com
notice: Read [our notice](https://example.com/notice) first.
footer: You subscribed at [our site](https://example.com/footer?from=email).
logo:
  src: https://news.example.com/logo.png
  alt: The Daily Test
calls_to_action:
  - heading: Tip us off.
    label: Send
    url: mailto:desk@example.com
  - heading: Write for us.
    label: Learn more
    url: https://example.com/cta-2
unsubscribe_url: https://news.example.com/unsubscribe
web_version_url: https://news.example.com/archive/{iso}
"""
UTM = """\
utm:
  source: the-daily
  exclude: [partner.example]
"""

# Each address names its place in its path, so that a test reads the place it must carry off the address.
ISSUE = """\
date: 2020-02-03
summary: |
  A summary with [a link](https://example.com/summary?b=2&a=1#top) and <https://example.com/summary/auto>.
stories:
  - headline: First headline
    url: https://example.com/story-1#comments
    image:
      src: https://example.com/photo.jpg
      alt: A photo
    body: |
      See [the report](https://bücher.example/story-1-body/straße?q=%C3%A9), [a partner](https://www.partner.example/page),
      a [friend's link](https://example.com/own?utm_source=friend&x=1) and [us](mailto:desk@example.com).
  - headline: Second headline
    url: https://example.com/story-2
    source: The Example
    body: And [another](https://example.com/story-2-body?x=1&y=2).
recommended_reads:
  - title: A long read
    url: https://example.com/read-1
  - title: Another read
    url: http://example.com/read-2?page=2
"""


def hrefs(composed: Composed) -> list[str]:
    document = lxml.html.document_fromstring(composed.html)
    return [str(anchor.get("href")) for anchor in document.iter("a") if anchor.get("href") is not None]


def place_of(href: str) -> str | None:
    found = parse_qs(urlsplit(href).query).get("utm_content")
    return found[0] if found else None


def expected_place(written: str) -> str | None:
    """The place an address of ISSUE and PUBLICATION must carry, read off its path; None: never tagged."""
    if not written.startswith("http") or "utm_" in written or "partner.example" in written:
        return None
    if written.startswith("https://news.example.com"):
        return None if written.rstrip("/") != "https://news.example.com" else "masthead or footer"
    segment = unquote(urlsplit(written).path).split("/")[1]
    return segment if segment != "photo.jpg" else None


@pytest.fixture
def counted(make_issue: MakeIssue) -> Composed:
    return compose(make_issue(ISSUE, PUBLICATION + UTM))


def test_every_link_carries_its_place_in_the_html_and_the_plain_text_alike(counted: Composed) -> None:
    places: dict[str, str] = {}
    for href in hrefs(counted):
        written = counted.as_written(href)
        expected = expected_place(written)
        if expected is None:
            assert href == written, href
        elif expected == "masthead or footer":
            assert place_of(href) in ("masthead", "footer")
        else:
            assert place_of(href) == expected, href
            assert parse_qs(urlsplit(href).query)["utm_source"] == ["the-daily"]
            assert parse_qs(urlsplit(href).query)["utm_campaign"] == ["2020-02-03"]
        places[href] = place_of(href) or ""
    assert sorted(set(places.values()) - {""}) == [
        "cta-2",
        "footer",
        "masthead",
        "notice",
        "read-1",
        "read-2",
        "story-1",
        "story-1-body",
        "story-2",
        "story-2-body",
        "summary",
    ]
    # The story's headline, its picture and its "Read more": one place, story-1, before the fragment.
    story_1 = "https://example.com/story-1?utm_source=the-daily&utm_medium=email&utm_campaign=2020-02-03"
    assert hrefs(counted).count(story_1 + "&utm_content=story-1#comments") == 3
    # The plain text carries the same tagged addresses as the HTML: all of them but the masthead's,
    # which the plain text has not (its address is there, as the footer's).
    in_text = {address.rstrip(".,") for address in re.findall(r"https?://\S+", counted.text)}  # "<address>." too
    in_html = {href for href in hrefs(counted) if href.startswith("http") and place_of(href) != "masthead"}
    assert in_text == in_html


def test_links_never_tagged_stay_as_written(counted: Composed) -> None:
    links = hrefs(counted)
    for written in (
        "https://news.example.com/unsubscribe",
        "https://news.example.com/archive/2020-02-03",
        "https://www.partner.example/page",
        "https://example.com/own?utm_source=friend&x=1",
        "mailto:desk@example.com",
    ):
        assert written in links
        assert written in counted.text or written.removeprefix("mailto:") in counted.text
    assert "#story-1" not in [href for href in links if "utm_" in href]
    # The picture's own address is no link: it is never tagged.
    assert 'src="https://example.com/photo.jpg"' in counted.html


def test_addresses_keep_their_encoding_and_host(counted: Composed) -> None:
    tags = "utm_source=the-daily&utm_medium=email&utm_campaign=2020-02-03"
    links = hrefs(counted)
    # Markdown writes the host in punycode and percent-encodes the path, as it always did; the tags follow.
    assert f"https://xn--bcher-kva.example/story-1-body/stra%C3%9Fe?q=%C3%A9&{tags}&utm_content=story-1-body" in links
    assert f"https://example.com/summary?b=2&a=1&{tags}&utm_content=summary#top" in links
    assert f"https://example.com/story-2-body?x=1&y=2&{tags}&utm_content=story-2-body" in links
    assert f"http://example.com/read-2?page=2&{tags}&utm_content=read-2" in links


def test_without_utm_nothing_is_tagged(make_issue: MakeIssue, sample: Composed) -> None:
    composed = compose(make_issue(ISSUE, PUBLICATION))
    assert "utm_" not in composed.html.replace("utm_source=friend", "")
    assert "utm_" not in composed.text.replace("utm_source=friend", "")
    assert composed.tagged == {}
    # The sample is as its golden files have it, byte for byte (tests/test_golden.py reads them too).
    golden = SAMPLE.parent.parent / "tests" / "golden"
    assert sample.html == (golden / "2017-11-09.html").read_text(encoding="utf-8")
    assert sample.text == (golden / "2017-11-09.txt").read_text(encoding="utf-8")


def test_the_sample_with_utm_tags_every_link_by_its_place(tmp_path: Path) -> None:
    folder = tmp_path / "issues"
    folder.mkdir()
    shutil.copy(SAMPLE, folder)
    publication = (SAMPLE.parent / "publication.yaml").read_text(encoding="utf-8")
    (folder / "publication.yaml").write_text(publication + "utm:\n  source: syria-deeply\n", encoding="utf-8")
    composed = compose(folder / SAMPLE.name)
    never = {"https://www.newsdeeply.com/syria/unsubscribe", "https://www.newsdeeply.com/syria/2017/11/09/"}
    places: dict[str, str | None] = {}
    for href in hrefs(composed):
        if href.startswith("http") and href not in never:
            places[href] = place_of(href)
            assert parse_qs(urlsplit(href).query)["utm_source"] == ["syria-deeply"]
            assert parse_qs(urlsplit(href).query)["utm_medium"] == ["email"]
            assert parse_qs(urlsplit(href).query)["utm_campaign"] == ["2017-11-09"]
            if places[href] != "masthead":
                assert href in composed.text
    assert sorted(map(str, places.values())) == ["cta-2", "footer", "masthead"]  # the footer's link and the site's: one
    # The rest of the plain text is as it was: only the tagged addresses differ from the golden file, and
    # where its lines break (a longer address takes a line of its own).
    golden = SAMPLE.parent.parent / "tests" / "golden"
    untagged_text = composed.text
    for tagged, written in composed.tagged.items():
        untagged_text = untagged_text.replace(tagged, written)
    assert untagged_text.split() == (golden / "2017-11-09.txt").read_text(encoding="utf-8").split()


def test_check_finds_links_as_written_at_their_lines(make_issue: MakeIssue) -> None:
    issue = ISSUE + textwrap.dedent("""\
        preheader: A preheader long enough for the inbox to show it in full, or so.
        """).replace("preheader:", "subject: Our test briefing\npreheader:")
    issue = issue.replace(
        "[another](https://example.com/story-2-body?x=1&y=2)", "[click here](https://example.com/story-2-body?x=1&y=2)"
    )
    plain = make_issue(issue, PUBLICATION, name="2020-02-03.yaml")
    without = [str(finding) for finding in check_files([plain])]
    counted_path = make_issue(issue, PUBLICATION + UTM, name="2020-02-03.yaml")
    with_utm = [str(finding) for finding in check_files([counted_path])]
    assert with_utm == without
    assert any("link-not-https: http://example.com/read-2?page=2 is not a secure link" in line for line in with_utm)
    line = next(number for number, text in enumerate(issue.splitlines(), 1) if "http://example.com/read-2" in text)
    assert any(f"2020-02-03.yaml:{line}:10: warning: link-not-https" in finding for finding in with_utm)
    assert any("link-click-here" in line and "(https://example.com/story-2-body?x=1&y=2)" in line for line in with_utm)
    assert not any("utm_" in finding.replace("utm_source=friend", "") for finding in with_utm)
    assert not any("text-missing-link" in finding for finding in with_utm)


def test_the_web_archive_carries_no_tags(make_issue: MakeIssue, tmp_path: Path) -> None:
    make_issue(ISSUE, PUBLICATION + UTM, name="2020-02-03.yaml")
    result = archive([tmp_path / "issues"], tmp_path / "site", today=date(2026, 12, 7))
    assert not result.failed
    pages = [path for path in (tmp_path / "site").rglob("*") if path.is_file()]
    assert len(pages) >= 3
    for page in pages:
        assert "utm_" not in page.read_text(encoding="utf-8").replace("utm_source=friend", ""), page


def test_the_plain_text_keeps_each_longer_address_whole_on_its_line(counted: Composed) -> None:
    for line in counted.text.splitlines():
        addresses = re.findall(r"https?://\S+", line)
        if markdown.display_width(line) <= markdown.WIDTH:
            continue
        # A line past the width is an address alone: a note "[n] address", an indented read's, or one
        # that wrap() moved off its label's line (never cut in two).
        assert len(addresses) == 1, line
        assert re.fullmatch(r"(?:\[\d+\] |\s*)https?://\S+", line), line
    assert "Read more at The Example:\nhttps://example.com/story-2?" in counted.text
    for href in counted.tagged:
        if "masthead" not in href:
            assert href in counted.text


def test_an_address_in_chinese_or_japanese_is_never_cut_by_the_wrap(make_issue: MakeIssue) -> None:
    # Tagged, it is longer than a line: wrap() moves it whole to a line of its own, never breaking it
    # between two of its characters, as it breaks Chinese and Japanese text.
    issue = ISSUE.replace("url: https://example.com/story-2", "url: https://東京.example/ニュース/記事")
    composed = compose(make_issue(issue, PUBLICATION + UTM))
    tagged = next(href for href in composed.tagged if "utm_content=story-2" in href)
    assert tagged.startswith("https://東京.example/ニュース/記事?utm_source=the-daily&")
    assert f"Read more at The Example:\n{tagged}\n" in composed.text


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/?u=%recipient.name%",  # Mailgun's, as typed
        "https://example.org/?u=%25recipient.name%25",  # the same as markdown-it writes it
        "https://0.example/%25AG%25",  # hypothesis found it: decoded, it reads like a Mailgun tag
        "https://example.org/?e=*|EMAIL|*",
    ],
)
def test_an_address_holding_a_merge_tag_even_encoded_is_left_as_written(address: str) -> None:
    assert esp.holds_merge_tag(address)
    assert utm.with_tags(address, TAGS) == address
