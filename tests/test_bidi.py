"""Bidirectional text: a run that reads against the issue's direction (a Latin publication name in
an Arabic title, an English read in an Arabic issue, a Russian title in an Arabic archive) keeps
to itself, in the HTML (measured in Chromium), the subject and <title>, the archive and the plain
text."""

from __future__ import annotations

import textwrap
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from composer import limits
from composer.commands.archive import archive
from composer.commands.send import message
from composer.core import markdown
from composer.core.pipeline import compose
from composer.i18n import languages
from composer.i18n.languages import LRI, LRM, PDI, RLI, RLM

from .conftest import MakeIssue
from .test_browser import DESKTOP, PHONE, open_email

BRAND = "The Meridian Brief"
# The default title's month, as each language's long date writes it beside the day: "5 ديسمبر 2026".
MONTHS = {"ar": "ديسمبر", "he": "בדצמבר"}
SENDER = "sender:\n  name: The Meridian Brief\n  email: desk@meridian.example.org\n"


def publication(lang: str, extra: str = "") -> str:
    return f"name: {BRAND}\nurl: https://meridian.example.org/\nlang: {lang}\n{extra}"


def issue(day: str = "2026-12-05", extra: str = "", reads: str = "") -> str:
    """An issue in the publication's language (Arabic or Hebrew words alike: only their direction matters)."""
    return (
        f"date: {day}\n{extra}summary: قالت مصادر محلية إن الهدوء عاد إلى المدينة.\n"
        "stories:\n  - headline: القوات الحكومية تستعيد المدينة\n    body: |\n"
        "      Reuters قالت مصادر محلية إن الهدوء عاد إلى المدينة.\n"
        + (f"recommended_reads:\n{textwrap.indent(textwrap.dedent(reads), '  ')}" if reads else "")
    )


# --- the title, the subject and the headers ---------------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "he"])
def test_a_latin_name_is_isolated_in_a_right_to_left_title(make_issue: MakeIssue, lang: str) -> None:
    composed = compose(make_issue(issue(), publication(lang)))
    isolated = LRI + BRAND + PDI + RLM
    assert composed.title == f"{isolated}: 5\u00a0{MONTHS[lang]} 2026"
    # The subject and <title> are right to left as a whole, for inboxes laid out left to right.
    assert composed.subject == RLI + composed.title + PDI
    assert f"<title>{composed.subject}</title>" in composed.html
    assert f'<span dir="ltr">{BRAND}</span>{RLM}: 5\u00a0{MONTHS[lang]} 2026</h1>' in composed.html


def test_an_english_issue_keeps_its_title_and_subject_as_they_are(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(issue().replace("summary:", "lang: en\nsummary:"), publication("ar")))
    assert composed.subject == composed.title == f"{BRAND}: December\u00a05, 2026"


def test_an_arabic_name_is_isolated_in_an_english_title(make_issue: MakeIssue) -> None:
    composed = compose(make_issue(issue(), "name: موجز الصباح\nurl: https://meridian.example.org/\n"))
    assert composed.title == f"{RLI}موجز الصباح{PDI}{LRM}: December\u00a05, 2026"
    assert composed.subject == LRI + composed.title + PDI  # holds right-to-left words: isolated as a whole


def test_the_name_typed_in_an_issues_own_title_and_subject_is_isolated_too(make_issue: MakeIssue) -> None:
    typed = f'title: "{BRAND}: العدد الخاص 5"\nsubject: {BRAND} 5 ديسمبر\n'
    composed = compose(make_issue(issue(extra=typed), publication("ar")))
    assert composed.title == f"{LRI}{BRAND}{PDI}{RLM}: العدد الخاص 5"
    assert composed.subject == f"{RLI}{LRI}{BRAND}{PDI}{RLM} 5 ديسمبر{PDI}"


@pytest.mark.parametrize("prefix", ["", "[Test] "])
def test_the_isolated_subject_reads_back_from_the_message_headers(make_issue: MakeIssue, prefix: str) -> None:
    composed = compose(make_issue(issue(), publication("ar", SENDER)))
    data = message.as_bytes(message.message(composed, subject_prefix=prefix))
    assert data.isascii()
    subject_lines = [line for line in data.split(b"\r\n\r\n")[0].split(b"\r\n") if line.startswith(b"Subject:")]
    assert subject_lines and b"=?utf-8?" in subject_lines[0], "the subject is not encoded (RFC 2047)"
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == prefix + RLI + LRI + BRAND + PDI + RLM + ": 5\u00a0ديسمبر 2026" + PDI


# --- the plain text ---------------------------------------------------------------------------


def test_plain_text_lines_that_start_against_the_issue_get_its_mark(make_issue: MakeIssue) -> None:
    reads = "- title: A long read about the city.\n  url: https://example.com/read\n  source: The Example\n"
    text = compose(make_issue(issue(reads=reads), publication("ar"))).text
    lines = text.split("\n")
    # The title and a paragraph opening with "Reuters" start with a right-to-left mark...
    assert f"{RLM}{LRI}{BRAND}{PDI}{RLM}: 5\u00a0ديسمبر 2026" in lines
    assert any(line.startswith(RLM + "Reuters قالت") for line in lines)
    # ...their underline is as wide as the title looks; an all-English line reads its own way.
    title_at = lines.index(f"{RLM}{LRI}{BRAND}{PDI}{RLM}: 5\u00a0ديسمبر 2026")
    assert lines[title_at + 1] == "=" * len(f"{BRAND}: 5\u00a0ديسمبر 2026")
    assert "- A long read about the city. — The Example" in lines
    assert f"  {'https://example.com/read'}" in lines  # links stay as typed, with nothing glued to them
    assert all(not line.startswith((RLM, LRM)) or "http" not in line.split()[0] for line in lines)


def test_an_english_issue_marks_lines_that_start_in_arabic(make_issue: MakeIssue) -> None:
    english = (
        "date: 2026-12-05\nsummary: |\n  القدس is where the talks were held, said the envoy.\n"
        "stories:\n  - headline: Talks\n    body: Words.\n"
    )
    text = compose(make_issue(english, "name: Brief\nurl: https://meridian.example.org/\n")).text
    assert f"{LRM}القدس is where the talks were held, said the envoy." in text.split("\n")


@pytest.mark.parametrize(
    ("line", "marked"),
    [
        ("Reuters قالت مصادر", RLM + "Reuters قالت مصادر"),
        ("قالت Reuters", "قالت Reuters"),  # starts in its own direction
        ("A long read.", "A long read."),  # nothing right to left in it: read its own way
        ("  https://example.com/a", "  https://example.com/a"),
        ("- 5 Reuters قالت", RLM + "- 5 Reuters قالت"),
        (LRM + "Reuters قالت", LRM + "Reuters قالت"),  # a mark of its own already says its direction
        ("", ""),
    ],
)
def test_mark_line(line: str, marked: str) -> None:
    assert languages.mark_line(line, "ar") == marked


def test_marks_and_isolates_take_no_columns_when_wrapping() -> None:
    line = RLM + LRI + BRAND + PDI + RLM + ": 5\u00a0ديسمبر 2026"
    assert markdown.display_width(line) == len(f"{BRAND}: 5\u00a0ديسمبر 2026")
    wrapped = markdown.wrap((RLM + "كلمة ") * 20, 40)
    assert max(markdown.display_width(each) for each in wrapped.split("\n")) <= 40


def test_isolates_become_spans_in_html() -> None:
    assert languages.isolates_to_html(f"a{LRI}b{PDI}c{RLI}d") == 'a<span dir="ltr">b</span>c<span dir="rtl">d</span>'
    assert languages.isolates_to_html(f"{PDI}x") == "x"  # a stray closing isolate is dropped


# --- in Chromium: where the day is drawn ------------------------------------------------------

# The boxes of words inside ``selector`` (the first text that holds each), as Range rects: where
# a reader sees them, whatever the source order.
WORDS_JS = """([selector, words]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  const box = (word) => {
    for (const node of nodes) {
      const at = node.textContent.indexOf(word);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      const rects = [...range.getClientRects()];
      return {left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
              top: rects[0].top, lines: rects.length, direction: getComputedStyle(node.parentElement).direction};
    }
    return null;
  };
  return Object.fromEntries(words.map((word) => [word, box(word)]));
}"""


def words_at(page: Page, selector: str, words: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(WORDS_JS, [selector, words])
    assert all(found.values()), f"not found in {selector}: {found}"
    return found


def assert_day_beside_its_month(found: dict[str, Any], day: str, month: str) -> None:
    """Right to left: the brand at the right, then (leftwards) the day, then its month, on one line."""
    brand, day_box, month_box = found["Brief"], found[day], found[month]
    assert abs(day_box["top"] - month_box["top"]) < 2 and abs(brand["top"] - day_box["top"]) < 2, found
    gap = day_box["left"] - month_box["right"]
    assert 0 <= gap < 16, f"the day is not drawn beside its month (gap {gap:.1f} px): {found}"
    assert brand["left"] >= day_box["right"], f"the day is drawn on the brand's side, as an issue number: {found}"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ar", "he"])
def test_the_titles_day_is_drawn_beside_its_month(
    browser: Browser, make_issue: MakeIssue, tmp_path: Path, lang: str
) -> None:
    path = tmp_path / "title.html"
    path.write_text(compose(make_issue(issue(), publication(lang))).html, encoding="utf-8")
    with open_email(browser, path, DESKTOP) as opened:
        found = words_at(opened.page, "h1", ["Brief", "5", MONTHS[lang]])
    assert_day_beside_its_month(found, "5", MONTHS[lang])


@pytest.mark.browser
@pytest.mark.parametrize("inbox", ["ltr", "rtl", "auto"])
def test_the_subject_keeps_its_day_beside_its_month_in_any_inbox(
    browser: Browser, make_issue: MakeIssue, inbox: str
) -> None:
    # An inbox line laid out left to right (an English mail app), right to left, or by its text.
    subject = compose(make_issue(issue(), publication("ar"))).subject
    page = browser.new_page(viewport={"width": DESKTOP, "height": 200})
    try:
        page.set_content('<!DOCTYPE html><div id="subject" style="font: 20px sans-serif"></div>')
        page.evaluate("([text, inbox]) => Object.assign(subject, {textContent: text, dir: inbox})", [subject, inbox])
        found = words_at(page, "#subject", ["Brief", "5", "ديسمبر"])
    finally:
        page.close()
    assert_day_beside_its_month(found, "5", "ديسمبر")


READS = """\
- title: A long read about the city.
  url: https://example.com/read
- title: Another, with lang.
  url: https://example.com/read2
  source: The Example
  lang: en-GB
- title: قراءة طويلة عن المدينة.
  url: https://example.com/read3
"""


@pytest.mark.browser
def test_an_english_read_in_an_arabic_issue_keeps_its_full_stop_at_its_end(
    browser: Browser, make_issue: MakeIssue, tmp_path: Path
) -> None:
    path = tmp_path / "reads.html"
    path.write_text(compose(make_issue(issue(reads=READS), publication("ar"))).html, encoding="utf-8")
    with open_email(browser, path, PHONE) as opened:
        reads = opened.page.evaluate(
            """() => [...document.querySelectorAll('ul.reads > li')].map((li) => {
                 const text = li.querySelector('a').firstChild, range = document.createRange();
                 const at = (offset) => { range.setStart(text, offset); range.setEnd(text, offset + 1);
                                          return range.getBoundingClientRect(); };
                 const first = at(0), stop = at(text.length - 1), box = li.getBoundingClientRect();
                 return {lang: li.getAttribute('lang'), direction: getComputedStyle(li).direction,
                         stopAfterFirst: stop.left > first.right, leftGap: first.left - box.left,
                         rightGap: box.right - stop.right};
               })"""
        )
    english, tagged, arabic = reads
    for read in (english, tagged):
        assert read["direction"] == "ltr" and read["stopAfterFirst"], read
        # Set from the left, its bullet beside its first word (inside the item, not hanging to its left).
        assert read["leftGap"] < 30 < read["rightGap"], f"an English read is not set from the left: {read}"
    assert english["lang"] is None and tagged["lang"] == "en-GB"
    assert arabic == {**arabic, "lang": None, "direction": "rtl", "stopAfterFirst": False}


def test_a_call_to_action_in_its_own_language(make_issue: MakeIssue) -> None:
    action = (
        "calls_to_action:\n  - heading: Write to us.\n    label: Write\n    url: https://example.com/w\n    lang: en\n"
    )
    html = compose(make_issue(issue(), publication("ar", action))).html
    assert 'lang="en" dir="ltr"' in html and "Write to us." in html


# --- the archive ------------------------------------------------------------------------------


def build_archive(tmp_path: Path, issues: dict[str, tuple[str, str]]) -> Path:
    """Issues by file name, each (lang, YAML), beside an Arabic publication; the site's folder."""
    folder = tmp_path / "issues"
    folder.mkdir()
    (folder / "publication.yaml").write_text(publication("ar"), encoding="utf-8")
    for name, (lang, text) in issues.items():
        (folder / name).write_text(text.replace("summary:", f"lang: {lang}\nsummary:"), encoding="utf-8")
    assert archive([folder], tmp_path / "site").ok
    return tmp_path / "site"


@pytest.mark.browser
def test_the_arabic_archive_keeps_days_titles_and_links_together(browser: Browser, tmp_path: Path) -> None:
    site = build_archive(
        tmp_path, {"2026-12-04.yaml": ("ru", issue("2026-12-04")), "2026-12-05.yaml": ("ar", issue("2026-12-05"))}
    )
    page = browser.new_page(viewport={"width": DESKTOP, "height": 900})
    try:
        page.goto((site / "index.html").as_uri())
        index = words_at(page, "li.issue h3", ["Brief", "5", "ديسمبر"])
        # The feed's words "خلاصة RSS" and the site's address: each link drawn whole, in reading order.
        links = page.evaluate(
            """() => [...document.querySelectorAll('.colophon a')].map((a) => {
                 const rects = [...a.getClientRects()];
                 return {left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right))};
               })"""
        )
        page.goto((site / "2026/12/05/index.html").as_uri())
        own = words_at(page, "h1", ["Brief", "5", "ديسمبر"])
        # The previous issue is Russian: "… 4 декабря 2026 г." keeps its full stop at its (right) end.
        older = words_at(page, ".pager .older .title", ["Brief", "г."])
        older_lang = page.get_attribute(".pager .older .title", "lang")
    finally:
        page.close()
    assert_day_beside_its_month(index, "5", "ديسمبر")
    assert_day_beside_its_month(own, "5", "ديسمبر")
    all_issues, feed, address = links
    assert all_issues["left"] >= feed["right"] >= feed["left"] >= address["right"], links
    assert older_lang == "ru" and older["г."]["left"] > older["Brief"]["right"], older


def test_check_counts_the_subject_and_preheader_as_readers_see_them(make_issue: MakeIssue) -> None:
    from composer.commands import check

    subject = " ".join(["كلمات"] * 12) + " عربية"  # 77 characters on screen: under the 78 of an inbox
    preheader = "Reuters " + "ا" * 132  # 140 on screen, with a right-to-left mark before it
    typed = f"subject: {subject}\npreheader: {preheader}\n"
    composed = compose(make_issue(issue(extra=typed), publication("ar")))
    assert len(composed.subject) == 79 and len(composed.preheader) == 141  # RLI … PDI, and RLM
    rules = [finding.rule for finding in check.check(composed)]
    assert "subject-length" not in rules and "preheader-length" not in rules, rules


def test_a_name_inside_a_longer_word_is_left_whole() -> None:
    assert (
        languages.isolate_within("Briefing: Brief 5 ديسمبر", "Brief", "ar")
        == f"Briefing: {LRI}Brief{PDI}{RLM} 5 ديسمبر"
    )


def test_isolates_past_the_limit_are_dropped_with_their_ends() -> None:
    deep = limits.MAX_ISOLATE_NESTING + 4
    html = languages.isolates_to_html(LRI * deep + "inside" + PDI * deep + "after")
    assert (
        html
        == '<span dir="ltr">' * limits.MAX_ISOLATE_NESTING + "inside" + "</span>" * limits.MAX_ISOLATE_NESTING + "after"
    )
