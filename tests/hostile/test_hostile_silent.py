"""Hostile issues whose text composer once changed or dropped without a word (issue 17): each now
ends in correct output, a located error or a warning. Run as an editor runs compose, a real process."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .test_hostile_content import HEAD, TIME_LIMIT, compose, folder, refused  # noqa: F401 (folder: the fixture)


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

_INVISIBLE = "the text has only invisible characters, {}, as text pasted from a web page or Word may: write it, or delete the invisible characters"


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
