"""The web archive: an index of every issue, a page per issue, an Atom feed; works opened from disk."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from playwright.sync_api import Browser, Route

from composer.commands.archive import ArchiveResult, archive
from composer.core.colours import oklch
from composer.core.pipeline import compose
from composer.core.render import RenderOptions
from composer.core.web_address import issue_address

from .conftest import PUBLICATION, SAMPLE, MakeIssue
from .test_browser import MINIMUM_CONTRAST, contrast, hex_of, hue_difference, hue_of, luminance

ATOM = "{http://www.w3.org/2005/Atom}"


def issue_yaml(
    day: str, headline: str = "A headline", summary: str = "A summary.", story: str = "", extra: str = ""
) -> str:
    """An issue of one story; ``story`` holds more keys of the story, ``extra`` more keys of the issue."""
    return f"""\
date: {day}
summary: {summary}
{textwrap.dedent(extra)}
stories:
  - headline: {headline}
    body: |
      A paragraph about {headline}.
{textwrap.indent(textwrap.dedent(story), "    ")}"""


def page(site: Path, relative: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / relative).read_text(encoding="utf-8"))


def atom(parent: ElementTree.Element, path: str) -> ElementTree.Element:
    """The first element at ``path`` under ``parent`` (ElementTree's find), which must be there."""
    found = parent.find(path)
    assert found is not None, f"no {path} in {parent.tag}"
    return found


def text_of(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def build(make_issue: MakeIssue, tmp_path: Path, issues: dict[str, str]) -> ArchiveResult:
    """Write each issue (file name -> YAML) beside the test publication and archive the folder."""
    for name, yaml in issues.items():
        make_issue(yaml, name=name)
    result = archive([tmp_path / "issues"], tmp_path / "site")
    assert result.ok, result.problems
    return result


# --- The index --------------------------------------------------------------------------------


def test_the_index_lists_every_issue_newest_first_grouped_by_year(make_issue: MakeIssue, tmp_path: Path) -> None:
    build(
        make_issue,
        tmp_path,
        {  # file names in another order than the dates, so the order shown must come from the dates
            "a.yaml": issue_yaml("2019-12-31", summary="The year's *last* issue."),
            "b.yaml": issue_yaml("2020-02-03"),
            "c.yaml": issue_yaml("2019-06-01"),
            "d.yaml": issue_yaml("2020-01-15", "Read twice", "Long. " + "word " * 600),
        },
    )
    index = page(tmp_path / "site", "index.html")
    years = index.cssselect("section.year")
    assert [text_of(year.cssselect("h2")[0]) for year in years] == ["2020", "2019"]
    titles = [[text_of(h3) for h3 in year.cssselect("li h3")] for year in years]
    assert titles == [
        ["Briefing for February 3rd", "Briefing for January 15th"],
        ["Briefing for December 31st", "Briefing for June 1st"],
    ]
    last_of_2019 = years[1].cssselect("li")[0]
    assert "Dec. 31, 2019" in text_of(last_of_2019)  # the publication's date format
    assert "Read time: about 1 minute" in text_of(last_of_2019)
    assert last_of_2019.cssselect(".summary em")[0].text == "last"  # the summary's Markdown, as HTML
    assert "Read time: about 3 minutes" in text_of(years[0].cssselect("li")[1])  # 600 words at 238 a minute


def test_an_issue_page_holds_the_emails_content_for_a_browser(tmp_path: Path) -> None:
    result = archive([SAMPLE], tmp_path / "site")
    assert result.ok, result.problems
    issue = page(tmp_path / "site", "2017/11/09/index.html")
    email = lxml.html.fromstring(compose(SAMPLE).html)
    assert text_of(issue.cssselect("h1")[0]) == "Executive Summary for November 9th"
    # The stories' headlines (the email's calls to action are headings too, and stay in the email).
    assert [text_of(h2) for h2 in issue.cssselect("h2")] == [text_of(h2) for h2 in email.cssselect(".story h2")]
    # Every paragraph of the email's stories and notice, in the same order.
    page_text, email_text = text_of(issue), text_of(email)
    paragraphs = [text_of(p) for p in email.cssselect(".story p, .notice p, .summary p") if text_of(p)]
    assert len(paragraphs) > 20
    assert all(paragraph in page_text for paragraph in paragraphs)
    assert "Published on Nov. 9, 2017" in page_text and "Read time: about 3 minutes" in page_text
    assert [link.get("href") for link in issue.cssselect("a.button")] == [
        "mailto:syria@example.com",
        "https://example.com/share-your-story",
    ]
    # What only an email needs stays in the email.
    assert "Unsubscribe" in email_text and "Unsubscribe" not in page_text
    assert "View this email in your browser" not in page_text
    assert issue.get("lang") == "en" and issue.find(".//meta[@name='viewport']") is not None


def test_a_quote_on_the_web_is_a_blockquote_without_the_emails_table(make_issue: MakeIssue, tmp_path: Path) -> None:
    # The table that keeps a quote's bar in Outlook is the email's alone: the site's CSS styles the blockquote.
    build(make_issue, tmp_path, {"2020-02-03.yaml": issue_yaml("2020-02-03", summary='"> Quoted words."')})
    summary = page(tmp_path / "site", "2020/02/03/index.html").cssselect(".summary")[0]
    assert [child.tag for child in summary] == ["blockquote"] and not summary.cssselect("table")
    email = lxml.html.fromstring(compose(tmp_path / "issues" / "2020-02-03.yaml").html)
    assert email.cssselect(".summary td.quote > blockquote")


def test_no_page_holds_a_script_even_when_an_editor_types_one(make_issue: MakeIssue, tmp_path: Path) -> None:
    build(
        make_issue,
        tmp_path,
        {
            "2020-02-03.yaml": issue_yaml(
                "2020-02-03", summary="<script>x()</script>", extra='title: "<script>alert(1)</script> & co"'
            )
        },
    )
    site = tmp_path / "site"
    for html in site.rglob("*.html"):
        assert not lxml.html.fromstring(html.read_text(encoding="utf-8")).xpath("//script"), html
    # Shown as the editor typed it: text, not markup.
    assert "<script>alert(1)</script> & co" in text_of(page(site, "index.html"))
    assert "<script>x()</script>" in text_of(page(site, "2020/02/03/index.html").cssselect(".summary")[0])


# --- Addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("2017-11-09.yaml", "2017/11/09/"),
        ("2017-11-09-2.yaml", "2017/11/09-2/"),
        ("2017-11-09-Evening Edition.yaml", "2017/11/09-evening-edition/"),
        ("Édition spéciale.yaml", "2017/11/09-edition-speciale/"),
        ("2017-11-08.yaml", "2017/11/09-2017-11-08/"),  # a file named after another day keeps its own name
    ],
)
def test_an_issues_address_comes_from_its_date_and_file_name(name: str, address: str) -> None:
    assert issue_address(date(2017, 11, 9), Path("issues") / name) == address


def test_two_issues_of_one_date_get_their_own_pages(make_issue: MakeIssue, tmp_path: Path) -> None:
    build(
        make_issue,
        tmp_path,
        {
            "2020-02-03.yaml": issue_yaml("2020-02-03", "Morning news"),
            "2020-02-03-2.yaml": issue_yaml("2020-02-03", "Evening news"),
        },
    )
    site = tmp_path / "site"
    assert text_of(page(site, "2020/02/03/index.html").cssselect("h2")[0]) == "Morning news"
    assert text_of(page(site, "2020/02/03-2/index.html").cssselect("h2")[0]) == "Evening news"
    links = [a.get("href") for a in page(site, "index.html").cssselect(".issues h3 a")]
    assert links == ["2020/02/03-2/index.html", "2020/02/03/index.html"]  # the later edition first


def test_two_files_claiming_one_address_are_reported(make_issue: MakeIssue, tmp_path: Path) -> None:
    make_issue(issue_yaml("2020-02-03", "First"), name="2020-02-03-extra.yaml")
    make_issue(issue_yaml("2020-02-03", "Second"), name="extra.yaml")
    result = archive([tmp_path / "issues"], tmp_path / "site")
    second = tmp_path / "issues" / "extra.yaml"
    assert result.failed == [second]
    [problem] = result.problems
    assert problem.path == str(second) and "2020/02/03-extra/" in problem.message and "rename" in problem.message
    assert text_of(page(tmp_path / "site", "2020/02/03-extra/index.html").cssselect("h2")[0]) == "First"


def test_the_emails_web_version_is_the_issues_archive_page(make_issue: MakeIssue, tmp_path: Path) -> None:
    path = make_issue(issue_yaml("2020-02-03"), name="2020-02-03-2.yaml")
    composed = compose(path)
    url = "https://news.example.com/2020/02/03-2/"
    assert url in [a.get("href") for a in lxml.html.fromstring(composed.html).iter("a")]
    assert f"View this email in your browser: {url}" in composed.text
    # It is where the archive puts the page, and what the page and the feed call it.
    archive([path], tmp_path / "site")
    built = page(tmp_path / "site", url.removeprefix("https://news.example.com/") + "index.html")
    assert built.find(".//link[@rel='canonical']").get("href") == url
    feed = ElementTree.parse(tmp_path / "site" / "feed.xml").getroot()
    assert atom(feed, f"{ATOM}entry/{ATOM}link").get("href") == url


def test_a_mailing_services_own_web_version_tag_wins(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(issue_yaml("2020-02-03"), name="2020-02-03.yaml"), RenderOptions(service="mailchimp"))
    hrefs = [a.get("href") for a in lxml.html.fromstring(composed.html).iter("a")]
    assert "*|ARCHIVE|*" in hrefs
    assert not any("2020/02/03" in (href or "") for href in hrefs)
    assert "View this email in your browser: *|ARCHIVE|*" in composed.text


def test_web_version_url_in_publication_yaml_still_wins(make_issue: MakeIssue) -> None:
    publication = PUBLICATION + "web_version_url: https://archive.example.com/{iso}.html\n"
    composed = compose(make_issue(issue_yaml("2020-02-03"), publication, name="2020-02-03.yaml"))
    assert "View this email in your browser: https://archive.example.com/2020-02-03.html" in composed.text


# --- Links ------------------------------------------------------------------------------------


def internal_links(site: Path) -> Iterator[tuple[Path, str, Path]]:
    """(page, link as written, the file it leads to) for every href and src pointing inside the site."""
    for html in sorted(site.rglob("*.html")):
        for element in lxml.html.fromstring(html.read_text(encoding="utf-8")).iter():
            for attribute in ("href", "src"):
                link = element.get(attribute)
                if link is None:
                    continue
                parts = urlsplit(link)
                if parts.scheme or parts.netloc:
                    continue  # another site, or mailto:
                yield html, link, (html.parent / unquote(parts.path)).resolve() if parts.path else html


def test_every_link_inside_the_site_leads_to_a_file(make_issue: MakeIssue, tmp_path: Path) -> None:
    image = "image:\n  src: https://news.example.com/photo.jpg\n  alt: A photo\n  width: 1200\n  height: 800\n"
    read = "recommended_reads:\n  - title: A read\n    url: https://read.example.com\n"
    build(
        make_issue,
        tmp_path,
        {
            "2019-12-31.yaml": issue_yaml("2019-12-31"),
            "2020-02-03.yaml": issue_yaml("2020-02-03", story=image + "url: https://news.example.com/story\n"),
            "2020-02-03-2.yaml": issue_yaml("2020-02-03", extra=read),
            "2020-03-01.yaml": issue_yaml("2020-03-01"),
        },
    )
    site = tmp_path / "site"
    links = list(internal_links(site))
    # A folder would open as a file listing from disk: every link must name the file itself.
    not_files = [(str(html.relative_to(site)), link) for html, link, target in links if not target.is_file()]
    assert not not_files
    top = site.resolve()
    outside = [(str(html.relative_to(site)), link) for html, link, target in links if top not in target.parents]
    assert not outside
    # Every page is reachable, and every page links the stylesheet, the feed and the index.
    targets = {target for _, _, target in links}
    assert {html.resolve() for html in site.rglob("*.html")} <= targets
    assert {(site / "style.css").resolve(), (site / "feed.xml").resolve()} <= targets
    assert len(list(site.rglob("*.html"))) == 5


def test_pages_link_to_the_previous_and_next_issue(make_issue: MakeIssue, tmp_path: Path) -> None:
    build(
        make_issue,
        tmp_path,
        {
            "2020-01-01.yaml": issue_yaml("2020-01-01"),
            "2020-01-02.yaml": issue_yaml("2020-01-02"),
            "2020-01-03.yaml": issue_yaml("2020-01-03"),
        },
    )
    site = tmp_path / "site"

    def neighbours(relative: str) -> dict[str, str]:
        """rel -> the title of the page it leads to, followed as a reader would."""
        found = {}
        for link in page(site, relative).cssselect(".pager a"):
            target = (site / relative).parent / link.get("href")
            found[link.get("rel")] = text_of(lxml.html.fromstring(target.read_text()).cssselect("h1")[0])
        return found

    assert neighbours("2020/01/02/index.html") == {
        "prev": "Briefing for January 1st",
        "next": "Briefing for January 3rd",
    }
    assert neighbours("2020/01/01/index.html") == {"next": "Briefing for January 2nd"}
    assert neighbours("2020/01/03/index.html") == {"prev": "Briefing for January 2nd"}


# --- The feed ---------------------------------------------------------------------------------


def test_the_feed_is_atom_with_one_entry_per_issue(make_issue: MakeIssue, tmp_path: Path) -> None:
    build(
        make_issue,
        tmp_path,
        {
            "2019-12-31.yaml": issue_yaml("2019-12-31", summary="Ends <well> & *truly*."),
            "2020-02-03.yaml": issue_yaml("2020-02-03"),
            "2020-02-03-2.yaml": issue_yaml("2020-02-03"),
        },
    )
    feed = ElementTree.parse(tmp_path / "site" / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "The Daily Test"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "The Daily Test"
    assert feed.findtext(f"{ATOM}id") == "https://news.example.com/feed.xml"
    assert atom(feed, f"{ATOM}link[@rel='self']").get("href") == "https://news.example.com/feed.xml"
    assert feed.findtext(f"{ATOM}updated") == "2020-02-03T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}id") for entry in entries] == [
        "https://news.example.com/2020/02/03-2/",
        "https://news.example.com/2020/02/03/",
        "https://news.example.com/2019/12/31/",
    ]
    for entry in entries:
        assert entry.findtext(f"{ATOM}title", "").startswith("Briefing for ")
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated", "")).tzinfo is not None  # RFC 3339
        assert atom(entry, f"{ATOM}link[@rel='alternate']").get("href") == entry.findtext(f"{ATOM}id")
    summary = atom(entries[2], f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "<p>Ends &lt;well&gt; &amp; <em>truly</em>.</p>\n"  # HTML, escaped once in the XML


# --- Problems ---------------------------------------------------------------------------------


def test_a_bad_issue_is_reported_and_the_others_built(make_issue: MakeIssue, tmp_path: Path) -> None:
    make_issue(issue_yaml("2020-01-01"), name="2020-01-01.yaml")
    bad = make_issue("date: 2020-01-02\nsummary: Nothing else.\n", name="2020-01-02.yaml")
    make_issue(issue_yaml("2020-01-03"), name="2020-01-03.yaml")
    result = archive([tmp_path / "issues"], tmp_path / "site")
    site = tmp_path / "site"
    assert result.failed == [bad] and not result.ok
    assert [(problem.path, problem.line, problem.field) for problem in result.problems] == [(str(bad), 1, "stories")]
    assert result.pages == [site / "2020/01/03/index.html", site / "2020/01/01/index.html"]
    assert not (site / "2020/01/02").exists()
    assert [a.get("href") for a in page(site, "index.html").cssselect(".issues a")] == [
        "2020/01/03/index.html",
        "2020/01/01/index.html",
    ]
    # The neighbours skip the bad issue.
    assert page(site, "2020/01/03/index.html").cssselect(".pager a[rel=prev]")[0].get("href") == (
        "../../../2020/01/01/index.html"
    )
    assert len(ElementTree.parse(site / "feed.xml").getroot().findall(f"{ATOM}entry")) == 2


def test_an_issue_of_another_publication_is_reported(make_issue: MakeIssue, tmp_path: Path) -> None:
    make_issue(issue_yaml("2020-01-01"), name="2020-01-01.yaml")
    other = tmp_path / "other"
    other.mkdir()
    (other / "publication.yaml").write_text("name: Other\nurl: https://other.example.com\n", encoding="utf-8")
    stranger = other / "2020-01-02.yaml"
    stranger.write_text(issue_yaml("2020-01-02"), encoding="utf-8")
    result = archive([tmp_path / "issues", stranger], tmp_path / "site")
    assert result.failed == [stranger]
    assert "build each publication's archive on its own" in result.problems[0].message
    assert len(result.pages) == 1


def test_a_rebuild_changes_no_byte(make_issue: MakeIssue, tmp_path: Path) -> None:
    build(make_issue, tmp_path, {"2020-01-01.yaml": issue_yaml("2020-01-01")})
    site = tmp_path / "site"
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    archive([tmp_path / "issues"], site)
    assert {path: path.read_bytes() for path in site.rglob("*") if path.is_file()} == before


def test_a_right_to_left_issue_reads_right_to_left(make_issue: MakeIssue, tmp_path: Path) -> None:
    build(make_issue, tmp_path, {"2020-01-01.yaml": issue_yaml("2020-01-01", "عنوان", extra="lang: ar")})
    html = page(tmp_path / "site", "2020/01/01/index.html")
    assert (html.get("lang"), html.get("dir")) == ("ar", "rtl")


# --- In a browser -----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("relative", ["index.html", "2020/02/03/index.html"])
def test_the_site_fits_a_phone(browser: Browser, make_issue: MakeIssue, tmp_path: Path, relative: str) -> None:
    """375 px: long titles, an unbroken link and a wide picture must not make the page scroll sideways."""
    image = "image:\n  src: https://news.example.com/wide.jpg\n  alt: Wide\n  width: 1600\n  height: 400\n"
    long_link = "https://news.example.com/" + "a-very-long-path-segment-" * 8
    build(
        make_issue,
        tmp_path,
        {
            "2020-02-03.yaml": issue_yaml(
                "2020-02-03",
                "Supercalifragilisticexpialidocious-Antidisestablishmentarianism headline",
                f"See <{long_link}> and Pneumonoultramicroscopicsilicovolcanoconiosis.",
                story=image,
                extra="title: An unusually long title with Donaudampfschifffahrtsgesellschaftskapitän",
            ),
            "2020-02-02.yaml": issue_yaml("2020-02-02"),
            "2019-02-01.yaml": issue_yaml("2019-02-01"),
        },
    )
    context = browser.new_context(viewport={"width": 375, "height": 800})

    def offline(route: Route) -> None:
        (route.continue_ if route.request.url.startswith("file:") else route.abort)()

    context.route("**/*", offline)
    try:
        phone = context.new_page()
        phone.goto((tmp_path / "site" / relative).as_uri(), wait_until="load")
        assert phone.evaluate("() => getComputedStyle(document.body).marginTop") == "0px"  # style.css applied
        scroll_width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= 375, f"{relative} scrolls sideways on a phone: {scroll_width} px wide"
        wider = phone.evaluate(
            "() => [...document.querySelectorAll('body *')]"
            ".filter((el) => el.getBoundingClientRect().right > 375.5).map((el) => el.outerHTML.slice(0, 80))"
        )
        assert not wider
    finally:
        context.close()


ARCHIVE_COLOURS_JS = """() => {
  const colour = (value) => (value.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const all = (selector, property) =>
    Array.from(document.querySelectorAll(selector)).map((el) => colour(getComputedStyle(el)[property]));
  return {
    card: all('.paper', 'backgroundColor')[0],
    body: all('.paper p', 'color')[0],
    links: all('.paper p a:not(.button), .reads li > a', 'color'),
    buttons: all('.button', 'backgroundColor'),
    labels: all('.button', 'color'),
    bars: all('blockquote', 'borderInlineStartColor'),
    muted: all('.source, .note', 'color'),
  };
}"""


@pytest.mark.browser
def test_the_sites_dark_mode_takes_the_brands_hue(browser: Browser, make_issue: MakeIssue, tmp_path: Path) -> None:
    blue = "#1a56db"
    reads = "recommended_reads:\n  - {title: A read, url: https://example.com/r, source: The Example, note: A note.}\n"
    issue = issue_yaml("2020-02-03", extra=reads).replace("      A paragraph about", "      > A quote.\n\n      About")
    make_issue(issue + "\n", PUBLICATION + f'colours: {{accent: "{blue}"}}\n', name="2020-02-03.yaml")
    assert archive([tmp_path / "issues"], tmp_path / "site").ok
    context = browser.new_context(viewport={"width": 800, "height": 800}, color_scheme="dark")
    context.route("**/*", lambda route: (route.continue_ if route.request.url.startswith("file:") else route.abort)())
    try:
        dark = context.new_page()
        dark.goto((tmp_path / "site" / "2020/02/03/index.html").as_uri(), wait_until="load")
        parts = dark.evaluate(ARCHIVE_COLOURS_JS)
    finally:
        context.close()
    card, body = parts["card"], parts["body"]
    assert luminance(card) < 0.05, f"the page's card is not dark: {hex_of(card)}"
    assert parts["links"] and len(parts["buttons"]) == 2 and len(parts["bars"]) == 1 and len(parts["muted"]) == 2
    for link in parts["links"]:
        assert hue_difference(hue_of(link), oklch(blue).hue) <= 10, f"a link {hex_of(link)} strays from {blue}"
        assert contrast(link, card) >= MINIMUM_CONTRAST, f"a link {hex_of(link)} on {hex_of(card)}"
    for button, label in zip(parts["buttons"], parts["labels"], strict=True):
        assert hue_difference(hue_of(button), oklch(blue).hue) <= 10, f"a button {hex_of(button)} strays from {blue}"
        assert contrast(button, card) >= 3 and contrast(label, button) >= MINIMUM_CONTRAST
    assert contrast(parts["bars"][0], card) >= 3, f"the quote bar {hex_of(parts['bars'][0])} on {hex_of(card)}"
    for muted in parts["muted"]:
        assert contrast(muted, card) >= MINIMUM_CONTRAST and contrast(body, card) - contrast(muted, card) >= 2


def test_the_sites_own_words_can_be_translated(make_issue: MakeIssue, tmp_path: Path) -> None:
    labels = (
        "labels:\n  previous_issue: ← Numéro précédent\n  next_issue: Numéro suivant →\n"
        "  all_issues: Tous les numéros\n  feed: Flux\n"
    )
    make_issue(issue_yaml("2020-01-01"), PUBLICATION + labels, name="2020-01-01.yaml")
    make_issue(issue_yaml("2020-01-02"), PUBLICATION + labels, name="2020-01-02.yaml")
    assert archive([tmp_path / "issues"], tmp_path / "site").ok
    first = text_of(page(tmp_path / "site", "2020/01/01/index.html"))
    assert "Numéro suivant →" in first and "Tous les numéros" in first and "Flux" in first
    assert "Next issue" not in first and "All issues" not in first
    assert "← Numéro précédent" in text_of(page(tmp_path / "site", "2020/01/02/index.html"))


# --- An issue in another language -------------------------------------------------------------


def test_an_arabic_issue_in_an_english_archive_reads_right_to_left(make_issue: MakeIssue, tmp_path: Path) -> None:
    build(
        make_issue,
        tmp_path,
        {
            "2020-01-01.yaml": issue_yaml("2020-01-01"),
            "2020-01-02.yaml": issue_yaml("2020-01-02", "عنوان", "ملخص.", extra="lang: ar\ntitle: موجز"),
            "2020-01-03.yaml": issue_yaml("2020-01-03"),
        },
    )
    site = tmp_path / "site"

    def pager(relative: str) -> list[tuple[str, str]]:
        return [
            (link.get("rel"), text_of(link.cssselect(".direction")[0]))
            for link in page(site, relative).cssselect(".pager a")
        ]

    # Back is to the right in a right-to-left page: the arrows point the way it reads.
    # The Arabic page speaks Arabic (composer/i18n/labels/ar.yaml), its arrows pointing the way it reads.
    assert pager("2020/01/02/index.html") == [("prev", "→ العدد السابق"), ("next", "العدد التالي ←")]
    assert pager("2020/01/03/index.html") == [("prev", "← Previous issue")]
    arabic = page(site, "2020/01/02/index.html")
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")

    entries = page(site, "index.html").cssselect("li.issue")
    assert [(text_of(entry.cssselect("h3")[0]), entry.get("lang"), entry.get("dir")) for entry in entries] == [
        ("Briefing for January 3rd", None, None),
        ("موجز", "ar", "rtl"),
        ("Briefing for January 1st", None, None),
    ]

    feed = ElementTree.parse(site / "feed.xml").getroot()
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert feed.get(xml_lang) == "en"
    assert [(atom(entry, f"{ATOM}title").text, entry.get(xml_lang)) for entry in feed.iter(f"{ATOM}entry")] == [
        ("Briefing for January\u00a03rd", None),  # the feed's titles as the email's, day and month held together
        ("\u2067موجز\u2069", "ar"),  # isolated: a feed reader may lay it out left to right
        ("Briefing for January\u00a01st", None),
    ]
