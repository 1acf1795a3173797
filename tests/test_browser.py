"""The compiled email as a reader sees it: headless Chromium (Debian's) opens the HTML file.

One browser (conftest's) serves the whole run; each test opens its own page at the width it needs. No page
may reach the network: every request that is not file:// or data: is aborted and recorded, and
only the email's own image URLs may be among them.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from lxml import html as lxml_html
from playwright.sync_api import Browser, FloatRect, Page, Request, Route

from composer.core.colours import oklch
from composer.core.pipeline import Composed, compose

from .conftest import SAMPLE, SEED, MakeIssue

pytestmark = pytest.mark.browser

SMALLEST_PHONE, PHONE, NARROW, DESKTOP = 320, 375, 600, 800
PHONE_SCREEN_HEIGHT = 667  # a 375 x 667 phone: what a reader sees before scrolling
CONTENT_WIDTH = 600
TITLE = "Executive Summary for November\u00a09th"  # a no-break space holds the day to its month
HEADLINES = [
    "Pro-Government Forces Capture Last ISIS Stronghold in Syria",
    "Iran: Syrian Government Will Recapture Idlib Soon",
    "Fierce Clashes Rock Hama’s Northern Countryside",
]
MINIMUM_CONTRAST = 4.5  # WCAG 2 AA for body text
# Chromium paints the canvas this colour when the page opts into dark mode (color-scheme: light dark).
CANVAS = {"light": (255, 255, 255), "dark": (18, 18, 18)}

ColorScheme = Literal["light", "dark"]


@dataclass
class Opened:
    page: Page
    offline_requests: list[str] = field(default_factory=list)  # URLs that tried to leave the machine


@pytest.fixture(scope="module")
def sample_file(sample: Composed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "2017-11-09.html"
    path.write_text(sample.html, encoding="utf-8")
    return path


def image_urls(email_html: str) -> set[str]:
    """The URLs the email itself asks to load (its pictures); nothing else may be requested."""
    return {str(src) for src in lxml_html.fromstring(email_html).xpath("//img/@src")}


@contextmanager
def open_email(browser: Browser, path: Path, width: int, color_scheme: ColorScheme = "light") -> Iterator[Opened]:
    """Open ``path`` at ``width`` px; on a clean exit, check it tried no network but its own images."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=color_scheme)
    opened = Opened(context.new_page())

    def stay_offline(route: Route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    def record(request: Request) -> None:
        if not request.url.startswith(("file:", "data:")):
            opened.offline_requests.append(request.url)

    context.route("**/*", stay_offline)
    opened.page.on("request", record)
    try:
        opened.page.goto(path.as_uri(), wait_until="load")
        yield opened
        allowed = image_urls(path.read_text(encoding="utf-8"))
        strays = [url for url in opened.offline_requests if url not in allowed]
        assert not strays, f"the email tried to reach the network: {strays}"
    finally:
        context.close()


# Shared by the checks below: a short, findable description of an element.
DESCRIBE_JS = """() => {
window.describe = (el) => {
  const named = typeof el.className === 'string' && el.className.trim();
  const classes = named ? '.' + named.split(/\\s+/).join('.') : '';
  const text = (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 50);
  return `<${el.tagName.toLowerCase()}${classes}> "${text}"`;
};
window.ownText = (el) => Array.from(el.childNodes)
  .filter((node) => node.nodeType === Node.TEXT_NODE)
  .map((node) => node.textContent).join('').replace(/[\\s\\u00a0\\u200c\\u034f]+/g, ' ').trim();
window.isShown = (el) => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && el.checkVisibility({opacityProperty: true, visibilityProperty: true});
};
}"""


def evaluate(page: Page, script: str, argument: Any = None) -> Any:
    page.evaluate(DESCRIBE_JS)
    return page.evaluate(script, argument)


# --- 1. nothing scrolls sideways -------------------------------------------------------------


@pytest.mark.parametrize("width", [SMALLEST_PHONE, PHONE, NARROW, DESKTOP])
def test_nothing_is_wider_than_the_screen(browser: Browser, sample_file: Path, width: int) -> None:
    with open_email(browser, sample_file, width) as opened:
        scroll_width = evaluate(opened.page, "() => document.documentElement.scrollWidth")
        assert scroll_width <= width, f"the page scrolls sideways at {width} px: scrollWidth {scroll_width}"
        too_wide = evaluate(
            opened.page,
            """(width) => Array.from(document.body.querySelectorAll('*')).flatMap((el) => {
                 const box = el.getBoundingClientRect();
                 if (box.width === 0 && box.height === 0) return [];
                 if (box.width <= width + 0.5 && box.left >= -0.5 && box.right <= width + 0.5) return [];
                 return [`${describe(el)} spans ${box.left.toFixed(1)}..${box.right.toFixed(1)} px`];
               })""",
            width,
        )
        assert not too_wide, f"at {width} px these elements stick out of the screen:\n" + "\n".join(too_wide[:10])


# --- 2. two-column rows stack on a phone -------------------------------------------------------

COLUMN_PAIRS = {
    "calls to action": ("Suggest your story or issue.", "Share Your Story."),
}


def boxes_of(page: Page, first: str, second: str) -> tuple[FloatRect, FloatRect]:
    boxes = []
    for text in (first, second):
        found = page.get_by_text(text, exact=True)
        assert found.count() == 1, f"expected one element reading {text!r}, found {found.count()}"
        box = found.bounding_box()
        assert box is not None, f"{text!r} is not rendered"
        boxes.append(box)
    return boxes[0], boxes[1]


@pytest.mark.parametrize("row", COLUMN_PAIRS)
def test_columns_sit_side_by_side_at_600_px(browser: Browser, sample_file: Path, row: str) -> None:
    with open_email(browser, sample_file, NARROW) as opened:
        first, second = boxes_of(opened.page, *COLUMN_PAIRS[row])
    assert abs(first["y"] - second["y"]) < 1, f"{row}: not on one line at {NARROW} px: {first} vs {second}"
    assert second["x"] >= first["x"] + first["width"] - 0.5, f"{row}: the columns overlap: {first} vs {second}"


@pytest.mark.parametrize("row", COLUMN_PAIRS)
def test_columns_stack_on_a_phone(browser: Browser, sample_file: Path, row: str) -> None:
    with open_email(browser, sample_file, PHONE) as opened:
        first, second = boxes_of(opened.page, *COLUMN_PAIRS[row])
    assert second["y"] >= first["y"] + first["height"] - 0.5, f"{row}: not stacked at {PHONE} px: {first} vs {second}"
    assert abs(first["x"] - second["x"]) < 1, f"{row}: stacked columns should share a left edge: {first} vs {second}"


# --- 3. 600 px wide on a desktop ---------------------------------------------------------------


def test_content_is_600_px_wide_and_centred_on_a_desktop(browser: Browser, sample_file: Path) -> None:
    with open_email(browser, sample_file, DESKTOP) as opened:
        sections = evaluate(
            opened.page,
            """() => Array.from(document.querySelectorAll('[role=article] > div')).filter(isShown)
                 .map((el) => ({what: describe(el), left: el.getBoundingClientRect().left,
                                width: el.getBoundingClientRect().width}))""",
        )
    assert sections, "found no content sections inside the email's article"
    wrong = [s for s in sections if abs(s["width"] - CONTENT_WIDTH) > 0.5]
    assert not wrong, f"sections not {CONTENT_WIDTH} px wide at {DESKTOP} px: {wrong}"
    off_centre = [s for s in sections if abs(s["left"] - (DESKTOP - CONTENT_WIDTH) / 2) > 0.5]
    assert not off_centre, f"sections not centred at {DESKTOP} px: {off_centre}"


# --- 4. the structure a reader (and a screen reader) meets ----------------------------------


def test_headings_language_and_title(browser: Browser, sample_file: Path) -> None:
    with open_email(browser, sample_file, NARROW) as opened:
        page = opened.page
        assert page.get_attribute("html", "lang") == "en"
        assert page.title() == TITLE  # the sample sets no subject, so the subject is the title
        headings_1 = page.locator("h1").all_inner_texts()
        assert [h.strip() for h in headings_1] == [TITLE]
        headings_2 = [h.strip() for h in page.locator("h2").all_inner_texts()]
        # One outline: the title, then each story and each call to action as a section of it.
        assert headings_2 == [*HEADLINES, "Suggest your story or issue.", "Share Your Story."]


def test_preheader_is_in_the_html_but_not_on_screen(browser: Browser, sample_file: Path) -> None:
    with open_email(browser, sample_file, NARROW) as opened:
        holders = evaluate(
            opened.page,
            """() => {
                 const h1 = document.querySelector('h1');
                 return Array.from(document.body.querySelectorAll('*'))
                   .filter((el) => ownText(el).startsWith('We review the key developments in Syria'))
                   .map((el) => ({what: describe(el), shown: isShown(el),
                                  beforeTitle: !!(el.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING)}));
               }""",
        )
    hidden = [h for h in holders if not h["shown"]]
    shown = [h for h in holders if h["shown"]]
    assert len(hidden) == 1, f"expected one hidden preheader holding the summary's start, found {holders}"
    assert hidden[0]["beforeTitle"], "the preheader must come first, where inboxes take their preview from"
    assert len(shown) == 1, f"the summary itself should show once: {holders}"


def test_calls_to_action_are_links(browser: Browser, sample_file: Path) -> None:
    with open_email(browser, sample_file, NARROW) as opened:
        for label, href in [
            ("Send", "mailto:syria@example.com"),
            ("Learn more", "https://example.com/share-your-story"),
        ]:
            button = opened.page.get_by_role("link", name=label, exact=True)
            assert button.count() == 1, f"expected one link named {label!r}"
            assert button.is_visible()
            assert button.get_attribute("href") == href


def test_footer_closes_the_email(browser: Browser, sample_file: Path) -> None:
    with open_email(browser, sample_file, NARROW) as opened:
        texts = evaluate(
            opened.page,
            """() => Array.from(document.body.querySelectorAll('*'))
                 .filter((el) => ownText(el) && isShown(el))
                 .map((el) => ({text: ownText(el), bottom: el.getBoundingClientRect().bottom,
                                inFooter: !!el.closest('.footer')}))""",
        )
        footer_text = opened.page.locator(".footer").inner_text()
    assert "You receive this briefing because you subscribed" in footer_text
    assert "Syria Deeply" in footer_text and "syria@example.com" in footer_text
    last = texts[-1]
    assert last["inFooter"], f"the last text of the email is not in the footer: {last['text']!r}"
    lowest = max(texts, key=lambda text: text["bottom"])
    assert lowest["inFooter"], f"text is drawn below the footer: {lowest['text']!r}"


# --- 5. every text readable, light and dark --------------------------------------------------

COLOURS_JS = """
(canvas) => {
  const parse = (value) => {
    const match = value.match(/^rgba?\\(([^)]*)\\)$/);
    if (!match) throw new Error('unexpected colour ' + value);
    const parts = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const backgroundOf = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    return layers.reduceRight((below, layer) => over(layer, below), canvas);
  };
  return Array.from(document.body.querySelectorAll('*'))
    .filter((el) => ownText(el) && isShown(el))
    .map((el) => {
      const background = backgroundOf(el);
      const colour = parse(getComputedStyle(el).color);
      return {what: describe(el), colour: over(colour, background), background};
    });
}
"""


def luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: list[float], other: list[float]) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def hex_of(rgb: list[float]) -> str:
    return "#" + "".join(f"{round(v):02x}" for v in rgb[:3])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_has_enough_contrast(browser: Browser, sample_file: Path, scheme: ColorScheme) -> None:
    with open_email(browser, sample_file, NARROW, color_scheme=scheme) as opened:
        texts = evaluate(opened.page, COLOURS_JS, list(CANVAS[scheme]))
    assert len(texts) > 20, f"too few texts found to judge: {texts}"
    rated = sorted(((contrast(t["colour"], t["background"]), t) for t in texts), key=lambda rated: rated[0])
    failing = [(ratio, t) for ratio, t in rated if ratio < MINIMUM_CONTRAST]
    worst_ratio, worst = rated[0]
    assert not failing, (
        f"{len(failing)} texts under {MINIMUM_CONTRAST}:1 in {scheme} mode; worst {worst_ratio:.2f}:1 "
        f"{worst['what']} {hex_of(worst['colour'])} on {hex_of(worst['background'])}"
    )


def test_dark_mode_darkens_the_page(browser: Browser, sample_file: Path) -> None:
    where = "() => ({page: getComputedStyle(document.body).backgroundColor})"
    backgrounds: dict[str, dict[str, list[float]]] = {}
    for scheme in ("light", "dark"):
        with open_email(browser, sample_file, NARROW, color_scheme=scheme) as opened:
            texts = evaluate(opened.page, COLOURS_JS, list(CANVAS[scheme]))
            body = evaluate(opened.page, where)["page"]
        behind_title = next(t["background"] for t in texts if t["what"].startswith("<h1"))
        body_rgb = [float(v) for v in re.findall(r"[\d.]+", body)[:3]]
        backgrounds[scheme] = {"page": body_rgb, "title": behind_title}
    for part in ("page", "title"):
        light, dark = backgrounds["light"][part], backgrounds["dark"][part]
        assert luminance(light) > 0.5, f"the {part} background is not light in light mode: {hex_of(light)}"
        assert luminance(dark) < 0.05, f"dark mode left the {part} background at {hex_of(dark)}"


# --- 6. the text reads as written ---------------------------------------------------------------

ARCHIVE_HID = "[email protected]"  # the seed's hidden address; the sample has a placeholder there


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def seed_passages() -> list[str]:
    """Every paragraph of the seed, split around the address the archive hid."""
    passages = []
    for paragraph in SEED.read_text(encoding="utf-8").replace("\xa0", " ").split("\n\n"):
        if normalise(paragraph) == "Recommended Reads:":  # the archive lost them: the sample has none
            continue
        # The seed's "Read time Approx. 3 minutes" has a stray capital, which composer's words leave out.
        paragraph = paragraph.replace("Read time Approx.", "Read time: about")
        passages += [normalise(part) for part in paragraph.split(ARCHIVE_HID) if normalise(part) not in ("", ".")]
    return passages


def test_every_sentence_of_the_seed_is_on_screen(browser: Browser, sample_file: Path) -> None:
    with open_email(browser, sample_file, NARROW) as opened:
        shown = normalise(opened.page.locator("body").inner_text())
    passages = seed_passages()
    assert len(passages) > 30
    missing = [passage for passage in passages if passage not in shown]
    assert not missing, "not on screen as written:\n" + "\n".join(missing)


# --- 7. right-to-left -------------------------------------------------------------------------

ARABIC_ISSUE = """\
date: 2020-02-03
lang: ar
summary: ملخص قصير لأخبار اليوم.
stories:
  - headline: القوات الحكومية تستعيد المدينة
    body: |
      قالت مصادر محلية إن الهدوء عاد إلى المدينة.
"""
ARABIC_PARAGRAPH = "قالت مصادر محلية إن الهدوء عاد إلى المدينة."


def test_right_to_left_issue(browser: Browser, make_issue: MakeIssue, tmp_path: Path) -> None:
    path = tmp_path / "arabic.html"
    path.write_text(compose(make_issue(ARABIC_ISSUE)).html, encoding="utf-8")
    with open_email(browser, path, NARROW) as opened:
        page = opened.page
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.get_attribute("html", "lang") == "ar"
        paragraph = page.get_by_text(ARABIC_PARAGRAPH, exact=True)
        assert paragraph.count() == 1
        layout = paragraph.evaluate(
            """(p) => {
                 const style = getComputedStyle(p);
                 const range = document.createRange();
                 range.selectNodeContents(p);
                 const text = range.getBoundingClientRect(), box = p.getBoundingClientRect();
                 return {direction: style.direction, align: style.textAlign,
                         gapLeft: text.left - box.left, gapRight: box.right - text.right};
               }"""
        )
    assert layout["direction"] == "rtl", f"the Arabic paragraph runs {layout['direction']}"
    assert layout["align"] in ("right", "start", "-webkit-right"), f"the Arabic paragraph is aligned {layout}"
    # Seen, not just declared: the short line hugs the right edge and leaves the left one empty.
    assert layout["gapRight"] < 1 < layout["gapLeft"], f"the Arabic paragraph is not right-aligned: {layout}"


DIRECTIONS_JS = """() => {
  const paragraphs = (selector) => Array.from(document.querySelectorAll(selector)).map((p) => ({
    text: p.textContent.replace(/\\s+/g, ' ').trim(), direction: getComputedStyle(p).direction,
  }));
  return {
    notice: paragraphs('.notice p'), footer: paragraphs('.footer p'),
    summary: paragraphs('.summary p'), story: paragraphs('.story p'),
  };
}"""


def test_an_arabic_issue_of_an_english_publication_reads_each_paragraph_its_own_way(
    browser: Browser, tmp_path: Path
) -> None:
    # The sample publication, in English, with an issue in Arabic: its notice and footer stay English.
    issues = tmp_path / "issues"
    issues.mkdir()
    (issues / "publication.yaml").write_bytes((SAMPLE.parent / "publication.yaml").read_bytes())
    (issues / "2020-02-03.yaml").write_text(ARABIC_ISSUE, encoding="utf-8")
    path = tmp_path / "arabic.html"
    path.write_text(compose(issues / "2020-02-03.yaml").html, encoding="utf-8")
    with open_email(browser, path, DESKTOP) as opened:
        found = opened.page.evaluate(DIRECTIONS_JS)
        first = opened.page.locator(".notice p").first.evaluate(
            """(p) => {
                 const range = document.createRange();
                 range.setStart(p.firstChild, 0);
                 range.setEnd(p.firstChild, 4);
                 const left = range.getBoundingClientRect().left - p.getBoundingClientRect().left;
                 return {word: range.toString(), left};
               }"""
        )
    assert [p["text"][:4] for p in found["notice"]] == ["Dear", "Welc", "We c"]
    # The footer's own text and the publication's address; its name and the email's own words
    # (Unsubscribe: composer's labels, in the issue's language) follow the email.
    footer = [p for p in found["footer"] if p["text"].startswith(("Syria Deeply covers", "Syria Deeply, 1 Example"))]
    english = found["notice"] + footer
    assert len(footer) == 2 and [p["direction"] for p in english] == ["ltr"] * len(english), english
    arabic = found["summary"] + found["story"]
    assert arabic and [p["direction"] for p in arabic] == ["rtl"] * len(arabic), arabic
    # The punctuation test: "Dear Deeply Readers," starts at the left edge, its comma at its end.
    assert found["notice"][0]["text"] == "Dear Deeply Readers,"
    assert first["word"] == "Dear" and abs(first["left"]) < 1, first


# --- 8. what a reader meets first, and what keeps its shape ------------------------------------


def test_the_masthead_is_in_the_first_screenful_of_a_phone(browser: Browser, sample_file: Path) -> None:
    with open_email(browser, sample_file, PHONE) as opened:
        name = opened.page.locator(".name").get_by_text("Syria Deeply", exact=True).bounding_box()
        # The sample's title says the date ("… for November 9th"): the masthead leaves its date line to it.
        date = opened.page.locator("h1").get_by_text(TITLE, exact=True).bounding_box()
        masthead_dates = opened.page.locator(".masthead").get_by_text("Nov.\u00a09, 2017").count()
    assert name is not None and date is not None
    assert name["y"] + name["height"] <= PHONE_SCREEN_HEIGHT and date["y"] + date["height"] <= PHONE_SCREEN_HEIGHT
    assert date["y"] >= name["y"] + name["height"] - 0.5  # the date under the name
    assert masthead_dates == 0


@pytest.mark.parametrize("width", [NARROW, DESKTOP])
def test_the_date_and_read_time_are_one_line_on_a_desktop(browser: Browser, sample_file: Path, width: int) -> None:
    with open_email(browser, sample_file, width) as opened:
        line = opened.page.locator(".meta div").first
        text, box = line.inner_text(), line.bounding_box()
    assert normalise(text) == "Published on Nov. 9, 2017 Read time: about 3 minutes"
    assert box is not None and box["height"] < 14 * 1.6 * 1.5, f"the date line wraps at {width} px: {box}"


@pytest.mark.parametrize("width", [NARROW, DESKTOP])
def test_buttons_of_a_row_line_up(browser: Browser, sample_file: Path, width: int) -> None:
    with open_email(browser, sample_file, width) as opened:
        send = opened.page.get_by_role("link", name="Send", exact=True).bounding_box()
        learn = opened.page.get_by_role("link", name="Learn more", exact=True).bounding_box()
    assert send is not None and learn is not None
    assert abs(send["y"] - learn["y"]) < 1, f"the buttons sit {abs(send['y'] - learn['y']):.0f} px apart"


def png(width: int, height: int) -> bytes:
    """A real grey PNG of ``width`` x ``height``, for the email's pictures to load."""
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def without_styles(html: str) -> str:
    """``html`` as Gmail (with other accounts) and some Outlook views show it: every <style> dropped."""
    return re.sub(r"<style\b.*?</style>", "", html, flags=re.S)


PICTURES = {"https://example.com/wide.png": (1200, 800), "https://example.com/tall.png": (300, 400)}
PICTURE_ISSUE = """\
date: 2020-02-03
summary: Pictures.
stories:
  - headline: A wide photo, larger than the email
    body: Text.
    image: {src: "https://example.com/wide.png", alt: A wide photo, width: 1200, height: 800,
            caption: Caption, credit: AP}
  - headline: A tall photo, smaller than the email
    body: Text.
    image: {src: "https://example.com/tall.png", alt: A tall photo, width: 300, height: 400}
"""


@pytest.mark.parametrize("styles", ["kept", "stripped"])
@pytest.mark.parametrize("width", [SMALLEST_PHONE, PHONE, NARROW, DESKTOP])
def test_photos_keep_their_proportions(
    browser: Browser, make_issue: MakeIssue, tmp_path: Path, width: int, styles: str
) -> None:
    # Without its <style> blocks, the inline styles alone must keep a photo's proportions at every width.
    html = compose(make_issue(PICTURE_ISSUE)).html
    if styles == "stripped":
        html = without_styles(html)
    path = tmp_path / "pictures.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900})

    def serve(route: Route) -> None:
        size = PICTURES.get(route.request.url)
        if size:
            route.fulfill(body=png(*size), content_type="image/png")
        elif route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", serve)
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        shown = page.evaluate(
            "() => Array.from(document.images).map((img) => ({src: img.src, complete: img.complete,"
            " width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height}))"
        )
    finally:
        context.close()
    assert sorted(image["src"] for image in shown) == sorted(PICTURES)
    for image in shown:
        natural_width, natural_height = PICTURES[image["src"]]
        assert image["complete"] and image["width"] > 0
        ratio, expected = image["width"] / image["height"], natural_width / natural_height
        assert abs(ratio / expected - 1) < 0.02, (
            f"{image['src']} at {width} px shows as {image['width']} x {image['height']}"
        )
        assert image["width"] <= min(natural_width, width) + 0.5  # never wider than itself or the screen


PARTS_JS = """() => {
  const colour = (value) => (value.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const card = getComputedStyle(document.querySelector('.paper > table')).backgroundColor;
  const all = (selector, property) =>
    Array.from(document.querySelectorAll(selector)).map((el) => colour(getComputedStyle(el)[property]));
  return {
    card: colour(card),
    buttons: all('.button td[bgcolor]', 'backgroundColor'),
    labels: all('.button a', 'color'),
    dividers: all('.divided > table > tbody > tr > td', 'borderTopColor'),
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_buttons_stand_out_and_dividers_stay_subtle(browser: Browser, sample_file: Path, scheme: ColorScheme) -> None:
    with open_email(browser, sample_file, NARROW, color_scheme=scheme) as opened:
        parts = opened.page.evaluate(PARTS_JS)
    card = parts["card"]
    assert len(parts["buttons"]) == 2 and len(parts["dividers"]) >= 4
    for button, label in zip(parts["buttons"], parts["labels"], strict=True):
        assert contrast(button, card) >= 3, f"a button {hex_of(button)} on the card {hex_of(card)} ({scheme})"
        assert contrast(label, button) >= MINIMUM_CONTRAST, f"a label {hex_of(label)} on {hex_of(button)} ({scheme})"
    for divider in parts["dividers"]:
        # Seen, but quiet: a line that separates, not one that glares.
        assert 1.1 <= contrast(divider, card) <= 2, f"a divider {hex_of(divider)} on the card {hex_of(card)} ({scheme})"


# --- 9. quotes in Outlook for Windows -----------------------------------------------------------

QUOTE_ISSUES = {
    "en": """\
date: 2020-02-03
summary: A summary.
stories:
  - headline: A story that quotes
    body: |
      Before the quote.

      > A quoted paragraph, long enough to wrap onto a second line on a phone.
      >
      > > A quote inside the quote.

      After the quote.
""",
    "ar": """\
date: 2020-02-03
lang: ar
summary: ملخص قصير.
stories:
  - headline: القوات الحكومية تستعيد المدينة
    body: |
      قبل الاقتباس.

      > قالت مصادر محلية إن الهدوء عاد إلى المدينة، وإن الأسواق فتحت أبوابها من جديد.
      >
      > > اقتباس داخل الاقتباس.

      بعد الاقتباس.
""",
}
AFTER_THE_QUOTE = {"en": "After the quote.", "ar": "بعد الاقتباس."}

# Outlook for Windows lays the email out with Word, which ignores padding on every element but a
# table cell, and margins on tables.
AS_OUTLOOK_JS = """() => {
  for (const el of document.body.querySelectorAll('*')) {
    if (el.tagName !== 'TD' && el.tagName !== 'TH') el.style.setProperty('padding', '0', 'important');
    if (el.tagName === 'TABLE') el.style.setProperty('margin', '0', 'important');
  }
}"""

# Each quote's bar (the border on the side lines start, on the quote or around it) and its first
# paragraph's text: how far the text starts from the bar's inner edge, and where the bar ends.
QUOTES_JS = """([start, after]) => {
  const barWidth = (el) => parseFloat(getComputedStyle(el).getPropertyValue(`border-${start}-width`)) || 0;
  const textBox = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect();
  };
  const quotes = Array.from(document.querySelectorAll('blockquote')).map((quote) => {
    let bar = quote;
    while (bar && !barWidth(bar)) bar = bar.parentElement;
    const text = textBox(quote.querySelector('p'));
    if (!bar) return {text: quote.textContent.trim(), bar: 0};
    const box = bar.getBoundingClientRect(), width = barWidth(bar);
    const gap = start === 'left' ? text.left - (box.left + width) : box.right - width - text.right;
    return {text: quote.textContent.trim(), bar: width, gap, bottom: box.bottom};
  });
  const next = Array.from(document.querySelectorAll('p')).find((p) => p.textContent.trim() === after);
  return {quotes, after: textBox(next).top};
}"""


@pytest.mark.parametrize("styles", ["kept", "stripped"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_quote_keeps_its_bar_and_indent_where_outlook_drops_padding(
    browser: Browser, make_issue: MakeIssue, tmp_path: Path, lang: str, styles: str
) -> None:
    html = compose(make_issue(QUOTE_ISSUES[lang])).html
    path = tmp_path / "quotes.html"
    path.write_text(without_styles(html) if styles == "stripped" else html, encoding="utf-8")
    start = "right" if lang == "ar" else "left"
    with open_email(browser, path, PHONE) as opened:
        opened.page.evaluate(AS_OUTLOOK_JS)
        found = opened.page.evaluate(QUOTES_JS, [start, AFTER_THE_QUOTE[lang]])
    quotes = found["quotes"]
    assert len(quotes) == 2, quotes
    for quote in quotes:
        assert quote["bar"] >= 3, f"no bar on the {start} of the quote {quote['text'][:30]!r}"
        assert quote["gap"] >= 12, f"the quote's text starts {quote['gap']:.0f} px from its bar: {quote}"
    # The outer quote's bar ends, and space follows it, before the next paragraph's text.
    assert found["after"] - quotes[0]["bottom"] >= 12, f"the next paragraph touches the quote: {found}"


# --- 10. dark mode in the brand's colours -------------------------------------------------------

BRAND_ISSUE = """\
date: 2020-02-03
summary: A summary with a [link](https://example.com/summary).
stories:
  - headline: A story that quotes
    image: {src: "https://example.com/photo.png", alt: A photo, width: 600, height: 400,
            caption: A caption., credit: AP}
    body: |
      Before the quote, a [link](https://example.com/story).

      > A quoted paragraph.

      After the quote.
recommended_reads:
  - title: A long read
    url: https://example.com/read
    source: The Example
    note: Worth your time.
"""
SAMPLE_PUBLICATION = SAMPLE.parent / "publication.yaml"
BLUE = "#1a56db"

# Computed colours of what carries the brand, and of the texts around it.
BRAND_PARTS_JS = """() => {
  // A source in another language comes wrapped in a span of its own: it stays muted too.
  document.querySelector('.source').insertAdjacentHTML('beforeend', ' <span lang="fr">(Paris)</span>');
  const colour = (value) => (value.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const style = (selector) => getComputedStyle(document.querySelector(selector));
  const all = (selector, property) =>
    Array.from(document.querySelectorAll(selector)).map((el) => colour(getComputedStyle(el)[property]));
  return {
    card: colour(style('.paper > table').backgroundColor),
    links: all('.text p a, .text li a', 'color'),
    buttons: all('.button td[bgcolor]', 'backgroundColor'),
    labels: all('.button a', 'color'),
    masthead: colour(style('.masthead > table > tbody > tr > td').borderBottomColor),
    quote: colour(style('td.quote').borderLeftColor),
    body: colour(style('.text.body p').color),
    muted: all('.source, .source span, .note, .credit', 'color'),
  };
}"""


MARK_AS_OUTLOOK_DARK_JS = """() => {
  document.body.setAttribute('data-ogsc', '');
  document.body.setAttribute('data-ogsb', '');
}"""


def hue_of(rgb: list[float]) -> float:
    return oklch(hex_of(rgb)).hue


def hue_difference(one: float, other: float) -> float:
    return abs((one - other + 180) % 360 - 180)


@pytest.mark.parametrize("dark_by", ["prefers-color-scheme", "outlook.com"])
@pytest.mark.parametrize("accent", [BLUE, None], ids=["blue brand", "the sample's red"])
def test_dark_mode_keeps_the_brands_hue_and_passes_contrast(
    browser: Browser, make_issue: MakeIssue, tmp_path: Path, accent: str | None, dark_by: str
) -> None:
    publication = SAMPLE_PUBLICATION.read_text(encoding="utf-8")
    if accent:
        publication = re.sub(r'accent: "#[0-9a-f]{6}"', f'accent: "{accent}"', publication)
    brand = re.search(r'accent: "(#[0-9a-f]{6})"', publication)
    assert brand and (accent is None or brand[1] == accent)
    path = tmp_path / "brand.html"
    path.write_text(compose(make_issue(BRAND_ISSUE, publication)).html, encoding="utf-8")
    scheme: ColorScheme = "dark" if dark_by == "prefers-color-scheme" else "light"
    with open_email(browser, path, NARROW, color_scheme=scheme) as opened:
        if dark_by == "outlook.com":
            # Outlook.com marks what its dark mode recolours: the email's own rules for it then apply.
            opened.page.evaluate(MARK_AS_OUTLOOK_DARK_JS)
        parts = opened.page.evaluate(BRAND_PARTS_JS)
    card = parts["card"]
    assert luminance(card) < 0.05, f"the card is not dark: {hex_of(card)}"
    brand_hue = oklch(brand[1]).hue
    assert len(parts["links"]) >= 4 and len(parts["buttons"]) == 2
    for link in parts["links"]:
        assert hue_difference(hue_of(link), brand_hue) <= 10, f"a link {hex_of(link)} strays from the brand {brand[1]}"
        assert contrast(link, card) >= MINIMUM_CONTRAST, f"a link {hex_of(link)} on the card {hex_of(card)}"
    for button, label in zip(parts["buttons"], parts["labels"], strict=True):
        assert hue_difference(hue_of(button), brand_hue) <= 10, f"a button {hex_of(button)} strays from {brand[1]}"
        assert contrast(button, card) >= 3 and contrast(label, button) >= MINIMUM_CONTRAST
    for bar, what in ((parts["quote"], "quote bar"), (parts["masthead"], "masthead rule")):
        assert hue_difference(hue_of(bar), brand_hue) <= 10, f"the {what} {hex_of(bar)} strays from {brand[1]}"
        assert contrast(bar, card) >= 3, f"the {what} {hex_of(bar)} on the card {hex_of(card)}"
    body = parts["body"]
    assert len(parts["muted"]) == 5  # the source, its name (a span that reads its own way), a span added, note, credit
    for muted in parts["muted"]:
        # A read's source and note, a photo's credit: readable, and quieter than the text around them.
        assert contrast(muted, card) >= MINIMUM_CONTRAST, f"a muted text {hex_of(muted)} on {hex_of(card)}"
        louder = contrast(body, card) - contrast(muted, card)
        assert louder >= 2, f"a muted text {hex_of(muted)} as loud as the text {hex_of(body)}"
