"""Markdown as editors write it, and exactly what each output makes of it.

One parser feeds both parts: ``to_html`` for the email, ``to_text`` for the plain text (wrapped at
78 columns, links as numbered notes), and ``problems`` for what an email cannot carry.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import wcwidth
from hypothesis import given
from hypothesis import strategies as st

from composer.core import markdown
from composer.core.load import load
from composer.core.markdown import References
from composer.core.pipeline import compose
from composer.core.templates import underline
from composer.errors import InvalidInput

from .conftest import MakeIssue

# Characters of one screen column that attach to nothing: text made of them is where textwrap's
# count of code points is right, and wrap() must agree with it exactly.
NARROW_CHARACTERS = st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc", "Mn", "Mc", "Me")).filter(
    lambda character: wcwidth.wcwidth(character) == 1
)

LONG_URL = "https://example.com/reports/2017/11/09/" + "a-very-long-slug-that-keeps-going-" * 3 + "end"


def text(source: str) -> tuple[str, str]:
    """The plain text of ``source`` and the reference notes it produced."""
    references = References()
    return markdown.to_text(source, references), references.take()


# --- HTML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>\n"),
        ("A *soft* and **strong** word.", "<p>A <em>soft</em> and <strong>strong</strong> word.</p>\n"),
        (
            "Read [the report](https://example.com/report).",
            '<p>Read <a href="https://example.com/report">the report</a>.</p>\n',
        ),
        (
            "Write to [the desk](mailto:desk@example.com).",
            '<p>Write to <a href="mailto:desk@example.com">the desk</a>.</p>\n',
        ),
        ("See <https://example.com/a>.", '<p>See <a href="https://example.com/a">https://example.com/a</a>.</p>\n'),
        ("> Quoted words.", "<blockquote>\n<p>Quoted words.</p>\n</blockquote>\n"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
        ("3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'),
        (
            "- outer\n  - inner",
            "<ul>\n<li>outer\n<ul>\n<li>inner</li>\n</ul>\n</li>\n</ul>\n",
        ),
        ("Use `x < y` here.", "<p>Use <code>x &lt; y</code> here.</p>\n"),
        ("```\nkeep  this\n```", "<pre><code>keep  this\n</code></pre>\n"),
        ("Line one  \nline two\\\nline three", "<p>Line one<br />\nline two<br />\nline three</p>\n"),
        # Raw HTML is switched off: it stays visible text.
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ('Tom & Jerry say "hi" <b>', "<p>Tom &amp; Jerry say &quot;hi&quot; &lt;b&gt;</p>\n"),
    ],
)
def test_to_html(source: str, html: str) -> None:
    assert markdown.to_html(source) == html


QUOTE_TABLE = (
    '<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%"><tr><td class="quote">'
)
QUOTE_GAP = '</td></tr><tr><td class="quote-gap">&nbsp;</td></tr></table>\n'


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("> Quoted words.", QUOTE_TABLE + "<blockquote>\n<p>Quoted words.</p>\n</blockquote>" + QUOTE_GAP),
        (
            # A quote that ends the quote around it leaves the space below to that one.
            "> Outer.\n>\n> > Inner.",
            QUOTE_TABLE
            + "<blockquote>\n<p>Outer.</p>\n"
            + QUOTE_TABLE
            + "<blockquote>\n<p>Inner.</p>\n</blockquote></td></tr></table>\n</blockquote>"
            + QUOTE_GAP,
        ),
        (
            "> Quoted words.\n\nAfter.",
            QUOTE_TABLE + "<blockquote>\n<p>Quoted words.</p>\n</blockquote>" + QUOTE_GAP + "<p>After.</p>\n",
        ),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
    ],
)
def test_to_html_for_the_email_puts_each_quote_in_a_table_outlook_keeps(source: str, html: str) -> None:
    # Outlook for Windows ignores a blockquote's padding: styles.mjml.j2 puts it on the cell.
    assert markdown.to_html(source, email=True) == html


def test_a_quote_counts_the_elements_of_its_table() -> None:
    source = "> Quoted *words*.\n>\n> Second."
    assert markdown.element_count(source) == markdown.to_html(source, email=True).count("</") == 9


def test_to_html_refuses_a_link_that_was_not_checked() -> None:
    # The renderer re-checks every href: a javascript: link can never reach the email.
    with pytest.raises(ValueError, match="'javascript:' is not allowed"):
        markdown.to_html("[x](javascript:alert(1))")


# --- plain text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("One.\n\nTwo.", "One.\n\nTwo."),
        ("A *soft* and **strong** word, `code` too.", "A soft and strong word, code too."),
        ("A &amp; B &lt;tag&gt; &copy; &#169;", "A & B <tag> © ©"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("Soft\nbreak joins.", "Soft break joins."),
        ("Line one  \nline two\\\nline three", "Line one\nline two\nline three"),
        ("> Quoted words.\n>\n> Second paragraph.", "> Quoted words.\n>\n> Second paragraph."),
        ("- one\n- two\n- three", "- one\n- two\n- three"),
        ("- one\n\n- two", "- one\n\n- two"),
        ("1. one\n2. two", "1. one\n2. two"),
        ("9. nine\n10. ten", "9. nine\n10. ten"),
        ("- outer\n  - inner one\n  - inner two\n- outer two", "- outer\n  - inner one\n  - inner two\n- outer two"),
        ("1. first\n   - detail\n2. second", "1. first\n   - detail\n2. second"),
        ("```\nfenced  code\n  keeps indent\n```", "fenced  code\n  keeps indent"),
        ("Before\n\n---\n\nafter", "Before\n\n--------------------\n\nafter"),
    ],
)
def test_to_text(source: str, expected: str) -> None:
    assert text(source) == (expected, "")


def test_paragraph_wraps_at_78_columns_between_words() -> None:
    source = (
        "Pro-government forces captured the so-called Islamic State’s last stronghold in Syria "
        "on Thursday after militants withdrew from the area, the Associated Press reported."
    )
    assert text(source)[0] == (
        "Pro-government forces captured the so-called Islamic State’s last stronghold\n"
        "in Syria on Thursday after militants withdrew from the area, the Associated\n"
        "Press reported."
    )


def test_links_become_numbered_references() -> None:
    assert text("Read [the report](https://example.com/report) and [more](https://example.com/more).") == (
        "Read the report [1] and more [2].",
        "[1] https://example.com/report\n[2] https://example.com/more",
    )


def test_reference_numbers_go_on_across_the_email() -> None:
    references = References()
    first = markdown.to_text("A [first](https://example.com/1) link.", references)
    first_notes = references.take()
    second = markdown.to_text("A [second](https://example.com/2) link.", references)
    second_notes = references.take()
    assert (first, first_notes) == ("A first [1] link.", "[1] https://example.com/1")
    # The second story's note is numbered 2 and the first note is not printed again.
    assert (second, second_notes) == ("A second [2] link.", "[2] https://example.com/2")
    assert references.take() == ""


def test_mailto_link_shows_the_address_instead_of_a_note() -> None:
    assert text("Write to [the desk](mailto:desk@example.com).") == ("Write to the desk (desk@example.com).", "")
    assert text("Write to <desk@example.com>.") == ("Write to desk@example.com.", "")


def test_a_link_that_is_its_own_text_is_shown_once() -> None:
    assert text("See [https://example.com/a](https://example.com/a).") == ("See https://example.com/a.", "")


def test_autolink_is_shown_once_and_never_broken() -> None:
    assert len(LONG_URL) > 78
    assert text(f"The full report is at <{LONG_URL}>.") == (f"The full report is at\n{LONG_URL}.", "")


def test_autolink_with_non_ascii_path_is_shown_as_typed_once() -> None:
    # The href is percent-encoded (%C3%BC...), the text is what the editor typed: show that alone.
    assert text("See <https://example.com/über>.") == ("See https://example.com/über.", "")


def test_block_quote_wraps_inside_its_marker() -> None:
    source = "> " + "word " * 30
    assert text(source)[0] == (
        "> word word word word word word word word word word word word word word word\n"
        "> word word word word word word word word word word word word word word word"
    )


def test_bullet_list_item_wraps_with_a_hanging_indent() -> None:
    source = "- " + "word " * 20 + "\n- short"
    assert text(source)[0] == (
        "- word word word word word word word word word word word word word word word\n"
        "  word word word word word\n"
        "- short"
    )


def test_ordered_list_item_wraps_with_a_hanging_indent() -> None:
    source = "1. " + "word " * 20 + "\n2. short"
    assert text(source)[0] == (
        "1. word word word word word word word word word word word word word word word\n"
        "   word word word word word\n"
        "2. short"
    )


def test_loose_list_with_a_tight_nested_list() -> None:
    source = "1. first\n\n   more about the first\n2. second\n   - a\n   - b"
    assert text(source)[0] == "1. first\n\n   more about the first\n\n2. second\n\n   - a\n   - b"


def test_links_inside_lists_and_quotes_are_numbered_in_reading_order() -> None:
    source = "> See [one](https://example.com/1).\n\n- and [two](https://example.com/2)"
    assert text(source) == (
        "> See one [1].\n\n- and two [2]",
        "[1] https://example.com/1\n[2] https://example.com/2",
    )


def test_wrap_never_breaks_a_url_or_a_hyphenated_word() -> None:
    wrapped = markdown.wrap(f"see {LONG_URL} and well-known-hyphenated-words here")
    assert wrapped.split("\n") == ["see", LONG_URL, "and well-known-hyphenated-words here"]


def test_wrap_keeps_non_breaking_spaces_together() -> None:
    wrapped = markdown.wrap("x " * 36 + "Nov.\xa09, 2017")
    assert "Nov.\xa09," in wrapped.split("\n")[-1]


def test_inline_text_has_no_markup_left() -> None:
    # Used for the inbox preview: link targets, emphasis markers and entities must not show.
    assert markdown.to_inline_text("A *short* [link](https://e.com/x) &amp; `code`\nnext  \nline") == (
        "A short link & code next line"
    )


# --- problems -------------------------------------------------------------------------------------

NOT_ALLOWED = "links must start with http:, https:, mailto: — '{}:' is not allowed"
HEADING = "headings cannot go in the text (each story has its headline); remove the '#' or the underline"
IMAGE = "images cannot go in the text; give the story an 'image:' instead"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[x](javascript:alert(1))", [(NOT_ALLOWED.format("javascript"), "javascript:alert(1)")]),
        ("[x](JavaScript:alert(1))", [(NOT_ALLOWED.format("javascript"), "JavaScript:alert(1)")]),
        # An entity or an angle-bracket destination does not hide the scheme.
        ("[x](javascript&#58;alert(1))", [(NOT_ALLOWED.format("javascript"), "javascript:alert(1)")]),
        ("[x](<javascript:alert(1)>)", [(NOT_ALLOWED.format("javascript"), "javascript:alert(1)")]),
        ("<javascript:alert(1)>", [(NOT_ALLOWED.format("javascript"), "javascript:alert(1)")]),
        ("[x][1]\n\n[1]: javascript:alert(1)", [(NOT_ALLOWED.format("javascript"), "javascript:alert(1)")]),
        ("[x](data:text/html,hi)", [(NOT_ALLOWED.format("data"), "data:text/html,hi")]),
        ("[x](vbscript:msgbox)", [(NOT_ALLOWED.format("vbscript"), "vbscript:msgbox")]),
        ("[x](/about)", [("'/about' is not a full link; write it out, starting with https://", "/about")]),
        ("[x](page.html)", [("'page.html' is not a full link; write it out, starting with https://", "page.html")]),
        (
            "[x](//evil.example/x)",
            [("'//evil.example/x' is not a full link; write it out, starting with https://", "//evil.example/x")],
        ),
        (
            "[x](mailto:nobody)",
            [("'mailto:nobody' is not an e-mail link; write mailto:name@example.com", "mailto:nobody")],
        ),
        ("![a chart](https://example.com/chart.png)", [(IMAGE, "![")]),
        ("# Heading", [(HEADING, "# Heading")]),
        ("Text\n\n> ## Quoted heading", [(HEADING, "> ## Quoted heading")]),
        # Setext headings: point at the underline, which is what the editor must remove.
        ("Heading\n=======", [(HEADING, "=======")]),
        ("Pro-government\n\nHeading\n---", [(HEADING, "---")]),
    ],
)
def test_problems(source: str, expected: list[tuple[str, str]]) -> None:
    assert markdown.problems(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "Plain words, *emphasis*, `code` and a [link](https://example.com/a?b=1&c=2).",
        "[Mail us](mailto:desk@example.com) or see <https://example.com>.",
        "> a quote\n\n- a list\n\n1. numbered\n\n```\ncode\n```",
        "Issue #5, not a heading; a - b, not one either.",
        "<script>alert(1)</script> is shown as text, not refused.",
    ],
)
def test_no_problems_in_ordinary_markdown(source: str) -> None:
    assert markdown.problems(source) == []


def test_several_problems_are_all_reported() -> None:
    assert [pointer for _, pointer in markdown.problems("[a](ftp://e.com/f) ![b](https://e.com/b.png)\n\n# H")] == [
        "ftp://e.com/f",
        "![",
        "# H",
    ]


def test_heading_problem_points_at_the_heading_line(make_issue: MakeIssue) -> None:
    # "#" occurs earlier in the body ("Issue #5"); the error must still name the heading's line.
    path: Path = make_issue(
        """\
        date: 2020-02-03
        summary: A summary.
        stories:
          - headline: First
            body: |
              Issue #5 is out.

              # A heading
        """
    )
    with pytest.raises(InvalidInput) as caught:
        load(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.field) == (8, 7, "stories[1].body")
    assert problem.message == HEADING


def test_setext_heading_problem_points_at_the_underline(make_issue: MakeIssue) -> None:
    path: Path = make_issue(
        """\
        date: 2020-02-03
        summary: A summary.
        stories:
          - headline: First
            body: |
              A well-known fact.

              A heading
              ---------
        """
    )
    with pytest.raises(InvalidInput) as caught:
        load(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.field) == (9, 7, "stories[1].body")


def test_inbox_preview_taken_from_the_summary_has_no_markdown(make_issue: MakeIssue) -> None:
    import lxml.html

    from composer.core.pipeline import compose

    # The default issue's summary is "A short summary with a [link](https://example.com/summary)."
    html = compose(make_issue()).html
    preheader = lxml.html.document_fromstring(html).find("body/div")  # hidden; the inbox shows it
    assert preheader is not None and "display:none" in preheader.get("style", "")
    assert preheader.text_content().startswith("A short summary with a link.")
    assert "[link](" not in html


def test_the_same_link_twice_keeps_one_note() -> None:
    references = markdown.References()
    source = "[One](https://a.example/x) and [two](https://b.example/) and [again](https://a.example/x)."
    text = markdown.to_text(source, references)
    assert text == "One [1] and two [2] and again [1]."
    assert references.take() == "[1] https://a.example/x\n[2] https://b.example/"


@given(
    words=st.lists(
        st.text(alphabet=NARROW_CHARACTERS, min_size=1, max_size=90),
        min_size=1,
        max_size=40,
    ),
    width=st.integers(min_value=10, max_value=100),
    indents=st.sampled_from([("", ""), ("- ", "  "), ("> ", "> ")]),
)
def test_wrap_agrees_with_textwrap(words: list[str], width: int, indents: tuple[str, str]) -> None:
    # The fast greedy wrap must lay out single-spaced text exactly as the standard library does,
    # where textwrap's count of characters is a count of columns: one column each, no marks.
    text = " ".join(words)
    expected = textwrap.fill(
        text,
        width,
        initial_indent=indents[0],
        subsequent_indent=indents[1],
        break_long_words=False,
        break_on_hyphens=False,
    )
    assert markdown.wrap(text, width, *indents) == expected


@given(
    words=st.lists(st.text(alphabet=NARROW_CHARACTERS, min_size=1, max_size=30), min_size=1, max_size=20),
    spaces=st.lists(st.sampled_from([" ", "  ", "\t", " \f ", "\v\r"]), min_size=20, max_size=20),
    width=st.integers(min_value=-5, max_value=60),
)
def test_wrap_reads_any_run_of_spaces_as_one(words: list[str], spaces: list[str], width: int) -> None:
    spaced = "".join(word + space for word, space in zip(words, spaces, strict=False))
    assert markdown.wrap("\t" + spaced, width, "> ", "  ") == markdown.wrap(" ".join(words), width, "> ", "  ")


def test_a_line_narrower_than_its_indent_holds_one_word() -> None:
    assert markdown.wrap("a b  c", 2, "> > > ", "   ") == "> > > a\n   b\n   c"


def test_wrap_keeps_no_break_spaces_and_never_breaks_a_url() -> None:
    url = "https://example.com/" + "a" * 90
    assert markdown.wrap(f"See {url} now", 40) == f"See\n{url}\nnow"
    assert markdown.wrap("Associated\xa0Press reported", 12) == "Associated\xa0Press\nreported"


def test_a_mailto_links_query_stays_out_of_the_plain_text() -> None:
    references = markdown.References()
    text = markdown.to_text("Write [to us](mailto:desk@example.com?subject=Hi%20there) today.", references)
    assert text == "Write to us (desk@example.com) today."
    assert references.take() == ""


# --- screen columns -------------------------------------------------------------------------------

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👩‍👩‍👧‍👦, one cluster, two columns
E_ACUTE = "e\u0301"  # e and a combining acute accent: one cluster, one column
CHINESE = (
    "今天上午，市政府发布了新的交通规划。规划提出，到二〇三〇年，"
    "公共交通出行比例将达到百分之六十、步行和自行车出行比例将进一步提高。"
)


def test_chinese_without_spaces_wraps_between_characters() -> None:
    assert markdown.wrap(CHINESE, 20).split("\n") == [
        "今天上午，市政府发布",
        "了新的交通规划。规划",
        "提出，到二〇三〇年，",
        "公共交通出行比例将达",
        "到百分之六十、步行和",
        "自行车出行比例将进一",
        "步提高。",
    ]


@pytest.mark.parametrize("width", range(2, 30))
def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_one(width: int) -> None:
    lines = markdown.wrap(CHINESE + "他说：“（这是）「第一步」。”", width).split("\n")
    assert [line for line in lines if line[0] in "。、，：”）」"] == []
    assert [line for line in lines if line[-1] in "“（「"] == []
    assert "".join(lines) == CHINESE + "他说：“（这是）「第一步」。”"


def test_kinsoku_keeps_the_character_before_a_full_stop_with_it() -> None:
    # 。 would start the second line: the character before it moves down with it.
    assert markdown.wrap("一二三四五。", 10) == "一二三四\n五。"
    assert markdown.wrap("「一二三」四五", 6) == "「一二\n三」四\n五"


def test_wide_characters_count_two_columns_and_marks_none() -> None:
    assert markdown.display_width("日本語") == 6
    assert markdown.display_width(f"caf{E_ACUTE}") == 4
    assert markdown.display_width(FAMILY) == 2
    assert markdown.display_width("Café’s — résumé") == 15
    assert markdown.wrap("日本語 日本語 日本語", 13) == "日本語 日本語\n日本語"


@pytest.mark.parametrize("width", range(2, 12))
def test_grapheme_clusters_are_never_split(width: int) -> None:
    text = f"日本{FAMILY}語の{E_ACUTE}本{FAMILY}{FAMILY}。한국어입니다"
    wrapped = markdown.wrap(text, width)
    assert wrapped.replace("\n", "") == text
    for line in wrapped.split("\n"):
        assert not line.startswith(("\u200d", "\u0301", "\U0001f469", "\U0001f467", "\U0001f466")) or line.startswith(
            FAMILY
        )
        assert not line.endswith("\u200d")
    assert wrapped.count(FAMILY) == 3 and wrapped.count(E_ACUTE) == 1


def test_latin_words_and_addresses_in_japanese_text_are_not_broken() -> None:
    text = "詳しくはhttps://example.com/a-long-addressを見てください"
    assert markdown.wrap(text, 20).split("\n") == [
        "詳しくは",
        "https://example.com/a-long-address",
        "を見てください",
    ]


def test_underline_is_as_wide_as_the_heading_in_columns() -> None:
    assert underline("日本語のニュース") == "日本語のニュース\n" + "-" * 16
    assert underline(f"Caf{E_ACUTE}\n{FAMILY}!", "=") == f"Caf{E_ACUTE}\n{FAMILY}!\n===="


# Letters and digits, wide characters (ideographs, kana, Hangul, a fullwidth letter, emoji
# sequences) and clusters with marks: a line may break at a space and beside every wide character.
narrow = st.sampled_from(list("abcxyz0123é"))
wide = st.sampled_from([*"日本語中文字漢字かなカナ한국어\uff21", FAMILY, "\U0001f1ef\U0001f1f5"])
combining = st.sampled_from([E_ACUTE, "a\u0308\u0323", "\u1100\u1161\u11a8"])
mixed_word = st.lists(st.one_of(narrow, wide, combining), min_size=1, max_size=12).map("".join)


@given(words=st.lists(mixed_word, min_size=1, max_size=20), width=st.integers(min_value=2, max_value=40))
def test_wrap_fits_in_columns_and_keeps_every_character(words: list[str], width: int) -> None:
    text = " ".join(words)
    lines = markdown.wrap(text, width).split("\n")
    # Nothing lost, added or reordered: only spaces become line ends.
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        # Only a piece that may not break is wider: a run of narrow letters (and their marks).
        if wcwidth.width(line) > width:
            assert " " not in line
            assert all(wcwidth.width(cluster) < 2 for cluster in wcwidth.iter_graphemes(line)), line


@given(
    text=st.text(st.sampled_from("日本語中文字。、，：」）「（"), min_size=1, max_size=60),
    width=st.integers(min_value=2, max_value=20),
)
def test_wrap_never_starts_a_line_with_closing_punctuation(text: str, width: int) -> None:
    lines = markdown.wrap(text, width).split("\n")
    assert "".join(lines) == text
    assert [line for line in lines[1:] if line[0] in "。、，：」）"] == []
    assert [line for line in lines[:-1] if line[-1] in "「（"] == []


# --- typography -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "html"),
    [
        ("en", "<p>“It’s ‘fine’,” she said – twice — and left…</p>\n"),
        ("en-GB", "<p>“It’s ‘fine’,” she said – twice — and left…</p>\n"),
        ("fr", "<p>«\u00a0It’s ‹\u00a0fine\u00a0›,\u00a0» she said – twice — and left…</p>\n"),
        ("de", "<p>„It’s ‚fine‘,“ she said – twice — and left…</p>\n"),
        ("ja", "<p>「It’s 『fine』,」 she said – twice — and left…</p>\n"),
        ("xx", "<p>&quot;It’s 'fine',&quot; she said – twice — and left…</p>\n"),  # straight quotes kept
        (None, "<p>&quot;It's 'fine',&quot; she said -- twice --- and left...</p>\n"),  # off: as typed
    ],
)
def test_typography_sets_each_languages_quotes_and_dashes(lang: str | None, html: str) -> None:
    assert markdown.to_html("\"It's 'fine',\" she said -- twice --- and left...", lang) == html


def test_typography_reaches_the_plain_text_and_leaves_code_alone() -> None:
    source = 'Read "the `"raw"` report" [here](https://example.com/a).'
    references = References()
    assert markdown.to_text(source, references, typography="de") == 'Read „the "raw" report“ here [1].'


# Every replacement markdown-it's typographer makes (its "replacements" rule), and what composer makes
# of it: only the dashes and the ellipsis the README promises; the rest stays as the editor typed it.
_REPLACEMENTS = [
    ("(c)", "©", "(c)"),
    ("(C)", "©", "(C)"),
    ("(tm)", "™", "(tm)"),
    ("(TM)", "™", "(TM)"),
    ("(r)", "®", "(r)"),
    ("(R)", "®", "(R)"),
    ("+-", "±", "+-"),
    ("..", "…", ".."),
    ("....", "…", "...."),
    ("?....", "?..", "?...."),
    ("!....", "!..", "!...."),
    ("????????", "???", "????????"),
    ("!!!!!", "!!!", "!!!!!"),
    (",,,", ",", ",,,"),
    ("...", "…", "…"),  # promised
    ("?...", "?..", "?…"),  # promised: the ellipsis, and no dot lost
    ("a -- b", "a – b", "a – b"),  # promised
    ("1990--2000", "1990–2000", "1990–2000"),  # promised
    ("a---b", "a—b", "a—b"),  # promised
]


@pytest.mark.trap("markdown-it-py", "4.3.0")
@pytest.mark.parametrize(("typed", "theirs", "_"), _REPLACEMENTS)
def test_markdown_its_typographer_makes_these_replacements(typed: str, theirs: str, _: str) -> None:
    # What composer's own rule stands in for: markdown-it's "replacements", as it is.
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"typographer": True}).enable("replacements")
    assert parser.renderInline(f"paragraphs (a), (b) and {typed} end") == f"paragraphs (a), (b) and {theirs} end"


@pytest.mark.parametrize("lang", ["en", "fr", "de", "ar", "ja", "xx"])
@pytest.mark.parametrize(("typed", "_", "ours"), _REPLACEMENTS)
def test_typography_makes_only_the_promised_replacements(typed: str, _: str, ours: str, lang: str) -> None:
    source = f"paragraphs (a), (b) and {typed} end"
    wanted = f"paragraphs (a), (b) and {ours} end"
    assert markdown.to_html(source, lang) == f"<p>{wanted}</p>\n"
    assert markdown.to_text(source, References(), typography=lang) == wanted
    assert markdown.typeset(source, lang) == wanted  # a headline: the same one list


def test_typography_leaves_autolinks_and_code_as_typed() -> None:
    source = "<https://example.com/a--b...> and `x -- y...` -- done..."
    assert markdown.to_html(source, "en") == (
        '<p><a href="https://example.com/a--b...">https://example.com/a--b...</a> and <code>x -- y...</code> '
        "– done…</p>\n"
    )


def test_typography_follows_the_publication_switch(make_issue: MakeIssue) -> None:
    issue = (
        'date: 2020-02-03\nlang: fr\nsummary: Il a dit "non".\n'
        'stories:\n  - headline: Un titre\n    body: "Elle a dit \\"oui\\"."\n'
    )
    publication = "name: Le Quotidien\nurl: https://news.example.com\nlang: fr\n"
    plain = compose(make_issue(issue, publication))
    assert 'Il a dit "non".' in plain.text and '>Il a dit "non".<' in plain.html  # off by default
    typeset = compose(make_issue(issue, publication + "typography: true\n"))
    assert "Il a dit «\u00a0non\u00a0»." in typeset.text and "Elle a dit «\u00a0oui\u00a0»." in typeset.text
    assert ">Il a dit «\u00a0non\u00a0».<" in typeset.html
