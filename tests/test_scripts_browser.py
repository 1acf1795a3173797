"""Scripts as readers see them, in headless Chromium: upright quotes where a script has no italics,
CJK set in sans faces, no space for a soft break between Japanese sentences, kinsoku at 375 px; in
the email and in the web archive."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from composer.commands.archive import archive
from composer.core.pipeline import compose

from .conftest import MakeIssue
from .test_browser import NARROW, PHONE, open_email

pytestmark = pytest.mark.browser

QUOTES = {
    "en": ("A summary.", "Words", "> The minister *said* it would wait."),
    "ar": ("ملخص قصير.", "عنوان", "> قال *الوزير* إن الأمر سينتظر."),
    "he": ("תקציר קצר.", "כותרת", "> השר *אמר* שזה יחכה."),
    "ja": ("今日の要約。", "見出し", "> 「都民の暮らしを守る」と*知事*は述べた。"),
    "zh": ("今日摘要。", "标题", "> 市长*表示*将继续推进。"),
}

# A Japanese paragraph full of the marks kinsoku keeps off a line's start (ー、。っ): at 375 px,
# Chromium's default line breaking starts lines with ー and っ here; line-break: strict never does.
KINSOKU = "コーヒーとケーキ、ゲームのルール、スーパーのセール、ニュースのデータ、チョコレートっぽいバター、" * 8
NO_LINE_START = "、。ーっゃゅょッャュョ」）"


def issue_in(lang: str, body: str, summary: str = "今日の要約。", headline: str = "見出し") -> str:
    indented = body.replace("\n", "\n      ")
    story = f"  - headline: {headline}\n    body: |\n      {indented}\n"
    return f"date: 2020-02-03\nlang: {lang}\nsummary: {summary}\nstories:\n{story}"


def email_file(make_issue: MakeIssue, tmp_path: Path, issue: str) -> Path:
    path = tmp_path / "email.html"
    path.write_text(compose(make_issue(issue)).html, encoding="utf-8")
    return path


@contextmanager
def open_archive_page(
    browser: Browser,
    make_issue: MakeIssue,
    tmp_path: Path,
    issue: str,
    width: int,
) -> Iterator[Page]:
    """The issue's page in the web archive, with the site's stylesheet, offline."""
    make_issue(issue, name="2020-02-03.yaml")
    result = archive([tmp_path / "issues"], tmp_path / "site")
    assert result.ok, result.problems
    context = browser.new_context(viewport={"width": width, "height": 900})

    def offline(route: Route) -> None:
        (route.continue_ if route.request.url.startswith("file:") else route.abort)()

    context.route("**/*", offline)
    try:
        page = context.new_page()
        page.goto((tmp_path / "site" / "2020/02/03/index.html").as_uri(), wait_until="load")
        yield page
    finally:
        context.close()


STYLES_JS = """() => {
  const style = (selector) => { const found = document.querySelector(selector);
    return found && {style: getComputedStyle(found).fontStyle, weight: getComputedStyle(found).fontWeight}; };
  return {quote: style('blockquote'), em: style('blockquote em')};
}"""


@pytest.mark.parametrize("lang", list(QUOTES))
def test_quotes_are_upright_where_the_script_has_no_italics(
    browser: Browser,
    make_issue: MakeIssue,
    tmp_path: Path,
    lang: str,
) -> None:
    summary, headline, quote = QUOTES[lang]
    issue = issue_in(lang, quote, summary, headline)
    with open_email(browser, email_file(make_issue, tmp_path, issue), NARROW) as opened:
        in_email = opened.page.evaluate(STYLES_JS)
    with open_archive_page(browser, make_issue, tmp_path, issue, NARROW) as page:
        in_archive = page.evaluate(STYLES_JS)
    # No slanted letters in a script without italics: the quote upright, its emphasis bold instead.
    expected = (
        {"quote": {"style": "italic", "weight": "400"}, "em": {"style": "italic", "weight": "400"}}
        if lang == "en"
        else {"quote": {"style": "normal", "weight": "400"}, "em": {"style": "normal", "weight": "700"}}
    )
    assert in_email == expected
    assert in_archive == expected


def platform_fonts(page: Page, selector: str) -> list[str]:
    """The faces Chromium actually drew the element's text with, most glyphs first."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts: list[dict[str, Any]] = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [font["familyName"] for font in sorted(fonts, key=lambda font: -font["glyphCount"])]


def test_a_japanese_issue_is_set_in_a_sans_cjk_face(browser: Browser, make_issue: MakeIssue, tmp_path: Path) -> None:
    issue = issue_in("ja", "東京都は三日、来年度の予算案を発表した。")
    family = 'getComputedStyle(document.querySelector(".story p")).fontFamily'
    with open_email(browser, email_file(make_issue, tmp_path, issue), NARROW) as opened:
        assert opened.page.evaluate(family).startswith('"Hiragino Sans"')
        # Drawn, not just asked for: this machine has Noto's sans and serif CJK faces, and the sans is used.
        assert platform_fonts(opened.page, ".story p")[0] == "Noto Sans CJK JP"
    with open_archive_page(browser, make_issue, tmp_path, issue, NARROW) as page:
        assert page.evaluate('getComputedStyle(document.querySelector(".story p")).fontFamily').startswith(
            '"Hiragino Sans"'
        )
        assert platform_fonts(page, ".story p")[0] == "Noto Sans CJK JP"


def test_a_japanese_read_in_an_english_issue_is_set_in_its_own_sans_face(
    browser: Browser,
    make_issue: MakeIssue,
    tmp_path: Path,
) -> None:
    reads = (
        "recommended_reads:\n"
        "  - title: 東京都、来年度の予算案を発表\n    url: https://example.com/ja\n    lang: ja\n"
        "  - title: A read in English\n    url: https://example.com/en\n"
    )
    issue = "date: 2020-02-03\nsummary: A summary.\nstories:\n  - headline: Words\n    body: Text.\n" + reads
    with open_email(browser, email_file(make_issue, tmp_path, issue), NARROW) as opened:
        japanese, english = "ul.reads > li:first-child a", "ul.reads > li:last-child a"
        assert opened.page.evaluate(f"getComputedStyle(document.querySelector('{japanese}')).fontFamily").startswith(
            '"Hiragino Sans"'
        )
        assert platform_fonts(opened.page, japanese)[0] == "Noto Sans CJK JP"  # not a serif Mincho
        assert opened.page.evaluate(f"getComputedStyle(document.querySelector('{english}')).fontFamily").startswith(
            "Georgia"
        )


def test_a_soft_break_between_japanese_sentences_shows_no_space(
    browser: Browser,
    make_issue: MakeIssue,
    tmp_path: Path,
) -> None:
    issue = issue_in("ja", "政府は三日、新しい経済対策を決めた。\n賃上げを後押しする。\nThe plan follows.")
    with open_email(browser, email_file(make_issue, tmp_path, issue), NARROW) as opened:
        shown = opened.page.evaluate('document.querySelector(".story p").innerText')
    assert shown == "政府は三日、新しい経済対策を決めた。賃上げを後押しする。 The plan follows."


LINE_STARTS_JS = """(p) => {
  const node = p.firstChild, starts = [];
  let top = null;
  for (let i = 0; i < node.length; i++) {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const rect = range.getClientRects()[0];
    if (!rect) continue;
    if (top === null || rect.top > top + 1) starts.push(node.data[i]);
    top = rect.top;
  }
  return starts;
}"""


def test_no_japanese_line_starts_with_a_closing_mark_at_375_px(
    browser: Browser,
    make_issue: MakeIssue,
    tmp_path: Path,
) -> None:
    issue = issue_in("ja", KINSOKU)
    with open_email(browser, email_file(make_issue, tmp_path, issue), PHONE) as opened:
        in_email = opened.page.locator(".story p").evaluate(LINE_STARTS_JS)
    with open_archive_page(browser, make_issue, tmp_path, issue, PHONE) as page:
        in_archive = page.locator(".story p").evaluate(LINE_STARTS_JS)
    for starts in (in_email, in_archive):
        assert len(starts) > 10  # many lines, so many chances
        assert [start for start in starts if start in NO_LINE_START] == [], starts
