"""Hostile issues whose text composer once changed or dropped without a word (issue 17): each now
ends in correct output, a located error or a warning. Run as an editor runs compose, a real process."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from .test_hostile_content import HEAD, PUBLICATION, TIME_LIMIT, compose, refused


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "issues").mkdir()
    shutil.copy(PUBLICATION, tmp_path / "issues")
    return tmp_path


# --- typography does what the README says, and nothing more -----------------------------------------


def test_typography_leaves_c_tm_and_plus_minus_as_typed(folder: Path) -> None:
    publication = folder / "issues" / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "typography: true\n", encoding="utf-8")
    typed = 'Under paragraphs (a), (b) and (c) -- "fees" (tm) of 3 +- 1 %...'
    text = HEAD.replace("A headline", "Rules (a) to (c)") + f"'{typed}'\n"
    (folder / "issues" / "rules.yaml").write_text(text, encoding="utf-8")
    result = compose(folder, "rules")
    assert result.returncode == 0, result.stderr
    wanted = "Under paragraphs (a), (b) and (c) – “fees” (tm) of 3 +- 1 %…"
    plain = (folder / "out" / "rules.txt").read_text(encoding="utf-8")
    html = (folder / "out" / "rules.html").read_text(encoding="utf-8")
    assert wanted in plain and wanted in html and "Rules (a) to (c)" in plain
    assert not {"©", "™", "±"} & set(plain + html)


# --- a text of invisible characters alone is an empty one ------------------------------------------

_INVISIBLE = (
    "the text has only invisible characters, {}, as text pasted from a web page or Word may: write it, or delete "
    "the invisible characters"
)


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("\\u200b", "ZERO WIDTH SPACE (U+200B)"),
        ("\\u200d\\u200c", "ZERO WIDTH JOINER (U+200D), ZERO WIDTH NON-JOINER (U+200C)"),
        (
            "\\u200e \\u200f\\u2067",
            "LEFT-TO-RIGHT MARK (U+200E), RIGHT-TO-LEFT MARK (U+200F), RIGHT-TO-LEFT ISOLATE (U+2067)",
        ),
        ("\\u00ad\\u2060\\ufeff", "SOFT HYPHEN (U+00AD), WORD JOINER (U+2060), ZERO WIDTH NO-BREAK SPACE (U+FEFF)"),
        (
            "\\u3164\\u2800\\ufe0f",
            "HANGUL FILLER (U+3164), BRAILLE PATTERN BLANK (U+2800), VARIATION SELECTOR-16 (U+FE0F)",
        ),
        (
            "\\u200b\\u200c\\u200d\\u2060\\u2061\\u2062",
            "ZERO WIDTH SPACE (U+200B), ZERO WIDTH NON-JOINER (U+200C), ZERO WIDTH JOINER (U+200D), WORD JOINER "
            "(U+2060) and 2 more",
        ),
    ],
    ids=["zero-width-space", "joiners", "direction-marks", "soft-hyphen-word-joiner-bom", "fillers", "many"],
)
def test_a_headline_of_invisible_characters_is_refused_at_its_line(typed: str, names: str, folder: Path) -> None:
    text = HEAD.replace("A headline", f'"{typed}"') + "A body.\n"
    (folder / "issues" / "blank.yaml").write_text(text, encoding="utf-8")
    assert refused(compose(folder, "blank")) == [
        f"issues/blank.yaml:4:15: stories[1].headline: {_INVISIBLE.format(names)}"
    ]


def test_every_required_text_of_invisible_characters_is_refused(folder: Path) -> None:
    publication = folder / "issues" / "publication.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8")
        + 'calls_to_action:\n  - heading: "\\u200b"\n    label: {en: "\\u2060"}\n    url: https://example.com/give\n',
        encoding="utf-8",
    )
    text = (
        'date: 2020-02-03\ntitle: "\\u200b"\nsummary: "\\u200b\\n\\n\\u00ad"\nstories:\n  - headline: A headline\n'
        '    body: A body.\nrecommended_reads:\n  - title: "\\u200e"\n    url: https://example.com/read\n'
    )
    (folder / "issues" / "blank.yaml").write_text(text, encoding="utf-8")
    space, hyphen, mark, joiner = (
        "ZERO WIDTH SPACE (U+200B)",
        "ZERO WIDTH SPACE (U+200B), SOFT HYPHEN (U+00AD)",
        "LEFT-TO-RIGHT MARK (U+200E)",
        "WORD JOINER (U+2060)",
    )
    assert refused(compose(folder, "blank")) == [
        f"issues/blank.yaml:2:8: title: {_INVISIBLE.format(space)}",
        f"issues/blank.yaml:3:10: summary: {_INVISIBLE.format(hyphen)}",
        f"issues/blank.yaml:8:12: recommended_reads[1].title: {_INVISIBLE.format(mark)}",
        f"issues/publication.yaml:7:14: calls_to_action[1].heading: {_INVISIBLE.format(space)}",
        f"issues/publication.yaml:8:17: calls_to_action[1].label.en: {_INVISIBLE.format(joiner)}",
    ]


def test_invisible_characters_inside_words_are_kept(folder: Path) -> None:
    # Thai separates words with zero-width spaces; Persian needs its zero-width non-joiner.
    text = HEAD.replace("A headline", '"ภาษา\\u200bไทย and می\\u200cخواهم"') + "A body.\n"
    (folder / "issues" / "words.yaml").write_text(text, encoding="utf-8")
    result = compose(folder, "words")
    assert result.returncode == 0, result.stderr
    assert "ภาษา\u200bไทย and می\u200cخواهم" in (folder / "out" / "words.txt").read_text(encoding="utf-8")


# --- a story's source without its url ---------------------------------------------------------------


def test_a_source_without_url_is_shown_and_checked(folder: Path) -> None:
    text = HEAD + "A body.\n    source: Associated Press\n"
    (folder / "issues" / "2020-02-03.yaml").write_text(text, encoding="utf-8")
    result = compose(folder, "2020-02-03")
    assert result.returncode == 0, result.stderr
    plain = (folder / "out" / "2020-02-03.txt").read_text(encoding="utf-8")
    html = (folder / "out" / "2020-02-03.html").read_text(encoding="utf-8")
    assert "A body.\n\nSource: Associated Press\n" in plain
    assert re.search(r'<p class="source"[^>]*>Source: Associated Press</p>', html)
    assert "Read more" not in plain + html
    command = [sys.executable, "-m", "composer", "check", "issues/2020-02-03.yaml"]
    checked = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIME_LIMIT, check=False)
    assert (
        "issues/2020-02-03.yaml:6:13: warning: source-without-link: stories[1].source: the story has no url:, so its "
        'source shows as "Source: Associated Press", with no link; add the story\'s url: to link to it ("Read more '
        'at Associated Press")'
    ) in checked.stdout.splitlines()


def test_a_source_without_url_reads_in_the_issues_language(folder: Path) -> None:
    text = HEAD.replace("summary:", "lang: ar\nsummary:") + "A body.\n    source: Reuters\n"
    (folder / "issues" / "arabic.yaml").write_text(text, encoding="utf-8")
    result = compose(folder, "arabic")
    assert result.returncode == 0, result.stderr
    plain = (folder / "out" / "arabic.txt").read_text(encoding="utf-8")
    html = (folder / "out" / "arabic.html").read_text(encoding="utf-8")
    # The Latin name isolated in the Arabic words, so the colon stays on the Arabic side.
    assert "\n\nالمصدر: \u2066Reuters\u2069\u200f\n" in plain
    assert re.search(r'<p class="source"[^>]*>المصدر: <span dir="ltr">Reuters</span>\u200f</p>', html)


# --- a label in another language than the issue's ----------------------------------------------------

_LABELLED = """\
name: The Daily Test
url: https://news.example.com
lang: {lang}
unsubscribe_url: https://news.example.com/unsubscribe
contents: true
labels:
  unsubscribe: Unsubscribe
  in_this_issue: {{en: In this issue, ar: في هذا العدد}}
"""


def _labelled_elements(folder: Path, publication_lang: str, issue_lang: str) -> dict[str, dict[str, str]]:
    """The lang, dir (and text) of the elements holding the unsubscribe link, the contents' heading and a
    story's "Read more", in the email of an issue in ``issue_lang``."""
    (folder / "issues" / "publication.yaml").write_text(_LABELLED.format(lang=publication_lang), encoding="utf-8")
    text = HEAD.replace("summary:", f"lang: {issue_lang}\nsummary:") + "نص.\n    url: https://example.com/story\n"
    (folder / "issues" / "labels.yaml").write_text(text, encoding="utf-8")
    result = compose(folder, "labels")
    assert result.returncode == 0, result.stderr
    page = lxml.html.fromstring((folder / "out" / "labels.html").read_bytes())
    found = {
        "unsubscribe": page.xpath("//a[@href='https://news.example.com/unsubscribe']")[0],
        "in_this_issue": page.xpath("//h2[contains(@class, 'label')]")[0],
        "read_more": page.xpath("//p[contains(@class, 'more')]/a")[0],
    }
    return {
        key: {"text": element.text_content(), "lang": element.get("lang", ""), "dir": element.get("dir", "")}
        for key, element in found.items()
    }


def test_an_english_label_in_an_arabic_issue_is_marked_english(folder: Path) -> None:
    # A text given once is in the publication's lang; one given per language, in its own.
    assert _labelled_elements(folder, "en", "ar") == {
        "unsubscribe": {"text": "Unsubscribe", "lang": "en", "dir": "ltr"},
        "in_this_issue": {"text": "في هذا العدد", "lang": "", "dir": ""},  # the issue's own: nothing to mark
        "read_more": {"text": "اقرأ المزيد", "lang": "", "dir": ""},
    }


def test_english_words_in_a_language_without_its_own_are_marked_english(folder: Path) -> None:
    # Persian: no words of composer's own, so its labels are English ones, marked as such.
    assert _labelled_elements(folder, "en", "fa") == {
        "unsubscribe": {"text": "Unsubscribe", "lang": "en", "dir": "ltr"},
        "in_this_issue": {"text": "In this issue", "lang": "en", "dir": "ltr"},
        "read_more": {"text": "Read more", "lang": "en", "dir": "ltr"},
    }


def test_latin_words_given_as_the_issues_own_language_read_left_to_right(folder: Path) -> None:
    # An Arabic publication whose label is typed in English: its letters give its direction, not its lang.
    assert _labelled_elements(folder, "ar", "ar")["unsubscribe"] == {"text": "Unsubscribe", "lang": "", "dir": "ltr"}
