"""Text in scripts other than Latin: read time by characters, soft breaks between CJK characters,
kinsoku in the plain text, faces and upright quotes by script (composer/i18n/scripts.py)."""

from __future__ import annotations

import textwrap

import lxml.html
import pytest

from composer.core import markdown
from composer.core.markdown import References
from composer.core.pipeline import compose
from composer.i18n import scripts

from .conftest import MakeIssue

# 2,300 characters of Japanese, as an editor writes it: kanji, kana, punctuation, a line break
# inside each paragraph (a soft break), sentences of about 46 characters.
SENTENCE = "東京都は三日、来年度の予算案を発表し、子育て支援と防災対策に重点を置くと説明しました。"
assert len(SENTENCE) == 43


def japanese_issue(characters: int, publication_extra: str = "") -> tuple[str, str]:
    """An issue whose texts hold ``characters`` Japanese characters in all (title included)."""
    title = "今日のニュース"
    summary = "政府は三日、新しい経済対策を決めた。\n賃上げを後押しする。"
    headline = "東京の予算"
    rest = characters - len(title) - len(summary.replace("\n", "")) - len(headline)
    sentences, remainder = divmod(rest, len(SENTENCE))
    lines = [SENTENCE] * sentences + [SENTENCE[:remainder]]
    body = "\n".join(lines)
    issue = f"date: 2020-02-03\nlang: ja\ntitle: {title}\nsummary: |\n  {summary.replace(chr(10), chr(10) + '  ')}\n"
    issue += f"stories:\n  - headline: {headline}\n    body: |\n" + textwrap.indent(body, "      ") + "\n"
    publication = "name: 東京ブリーフ\nurl: https://news.example.com\n" + publication_extra
    return issue, publication


# --- Read time ---------------------------------------------------------------------------------


def test_a_japanese_issue_of_2300_characters_reads_in_four_to_six_minutes(make_issue: MakeIssue) -> None:
    issue, publication = japanese_issue(2300)
    composed = compose(make_issue(issue, publication))
    assert 4 <= composed.read_minutes <= 6, composed.read_minutes
    assert f"約{composed.read_minutes}分" in composed.html  # what readers see


def test_characters_read_at_the_languages_rate() -> None:
    japanese, chinese = "日本語" * 500, "中文字" * 110  # 1,500 and 330 characters
    assert scripts.read_minutes([japanese], "ja", 238) == 3  # 500 a minute
    assert scripts.read_minutes([chinese], "zh-Hant", 238) == 1  # 330 a minute
    assert scripts.read_minutes([chinese * 2], "zh", 238) == 2


def test_a_mixed_text_adds_words_and_characters() -> None:
    # 238 English words (one minute) and 500 Japanese characters (one minute) make two.
    text = " ".join(["word"] * 238) + "日本語のニュース" * 62 + "日本語の"
    assert scripts.read_minutes([text], "ja", 238) == 2
    # Korean puts spaces between its words: it is read by the word.
    assert scripts.read_minutes(["한국어 단어 " * 238], "ko", 238) == 2
    assert scripts.read_minutes(["한국어 단어 " * 119], "ko", 238) == 1


def test_the_publication_may_give_its_own_rate_in_characters(make_issue: MakeIssue) -> None:
    issue, publication = japanese_issue(2300, "characters_per_minute: 1150\n")
    assert compose(make_issue(issue, publication)).read_minutes == 2


def test_words_per_minute_still_counts_words_in_a_latin_text() -> None:
    assert scripts.read_minutes(["word " * 476], "en", 238) == 2
    assert scripts.read_minutes(["word " * 477], "en", 238) == 3


# --- Soft breaks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "joined"),
    [
        ("決めた。\n賃上げ", "決めた。賃上げ"),
        ("*決めた。*\n賃上げ", "決めた。賃上げ"),  # across the emphasis mark
        ("市政府发布了\n新的规划", "市政府发布了新的规划"),
        ("ｶﾀｶﾅ\n日本", "ｶﾀｶﾅ日本"),  # halfwidth forms join too
        ("他说：“这是第一步。”\n市长", "他说：“这是第一步。”市长"),  # a Chinese quotation mark, of ambiguous width
    ],
)
def test_a_soft_break_between_cjk_characters_is_dropped(source: str, joined: str) -> None:
    assert joined in lxml.html.fragment_fromstring(markdown.to_html(source)).text_content()
    assert joined in markdown.to_html(source, email=True).replace("<em>", "").replace("</em>", "")
    assert markdown.to_text(source, References()) == joined
    assert markdown.to_inline_text(source) == joined


@pytest.mark.parametrize(
    ("source", "spaced"),
    [
        ("日本語の\nNews today", "日本語の News today"),  # a Latin word beside: CommonMark's space
        ("News\n今日", "News 今日"),
        ("한국어\n문장입니다", "한국어 문장입니다"),  # Korean puts spaces between words
        ("「引用」\nthen", "「引用」 then"),
    ],
)
def test_a_soft_break_beside_other_scripts_stays_a_space(source: str, spaced: str) -> None:
    assert markdown.to_text(source, References()) == spaced
    assert markdown.to_inline_text(source) == spaced
    assert markdown.to_html(source) == f"<p>{spaced.replace(' ', chr(10), 1)}</p>\n"


def test_the_preheader_and_plain_text_of_a_japanese_issue_have_no_space_between_sentences(
    make_issue: MakeIssue,
) -> None:
    issue, publication = japanese_issue(400)
    composed = compose(make_issue(issue, publication))
    page = lxml.html.document_fromstring(composed.html)
    preview = page.xpath("//div[contains(@style, 'display:none')]")[0].text_content()
    assert preview.startswith("政府は三日、新しい経済対策を決めた。賃上げを後押しする。")
    assert "決めた。賃上げ" in composed.text and "しました。東京都" in composed.text.replace("\n", "")
    assert "。 " not in composed.text


def test_a_long_japanese_preheader_is_cut_between_characters_not_at_its_one_space(make_issue: MakeIssue) -> None:
    summary = "日本銀行は五日、Bank of Japanの総裁が会見し、" + "金融政策の現状維持を決めたと発表した。" * 10
    issue = f"date: 2020-02-03\nlang: ja\nsummary: {summary}\nstories:\n  - headline: 見出し\n    body: 本文。\n"
    preheader = compose(make_issue(issue, "name: 東京ブリーフ\nurl: https://news.example.com\n")).preheader
    assert len(preheader) == 140 and summary.startswith(preheader.removesuffix("…"))


# --- Kinsoku in the plain text -----------------------------------------------------------------

NO_LINE_START = "、。，．ー）」』ッャュョっゃゅょ"


@pytest.mark.parametrize("width", range(20, 41))
def test_plain_text_lines_never_start_with_closing_marks_or_the_prolonged_sound_mark(width: int) -> None:
    text = "コーヒーとケーキ、ゲームのルール。「スーパー」のセール、チョッとニュース。" * 4
    lines = markdown.wrap(text, width).split("\n")
    assert "".join(lines) == text
    assert [line for line in lines if line[0] in NO_LINE_START] == []
    assert [line for line in lines if line[-1] in "「『（"] == []
    assert max(markdown.display_width(line) for line in lines) <= width


def test_the_plain_text_of_a_japanese_issue_keeps_kinsoku(make_issue: MakeIssue) -> None:
    body = "コーヒーとケーキ、ゲームのルール、スーパーのセール、チョコレートっぽいバター。" * 6
    issue = f"date: 2020-02-03\nlang: ja\nsummary: 今日のニュース。\nstories:\n  - headline: 東京\n    body: {body}\n"
    text = compose(make_issue(issue, "name: 東京ブリーフ\nurl: https://news.example.com\n")).text
    paragraph = [line for line in text.split("\n") if "ケーキ" in line or "ルール" in line or "セール" in line]
    assert len(paragraph) > 5
    assert [line for line in paragraph if line[0] in NO_LINE_START] == []


# --- Scripts and their settings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "code"),
    [
        ("ja", "Jpan"),
        ("zh", "Hans"),
        ("zh-CN", "Hans"),
        ("zh-TW", "Hant"),
        ("zh-HK", "Hant"),
        ("zh-Hant", "Hant"),
        ("zh-Hans-HK", "Hans"),
        ("ko", "Kore"),
        ("ar-EG", "Arab"),
        ("fa", "Arab"),
        ("he", "Hebr"),
        ("en-GB", "Latn"),
        ("ru", "Cyrl"),
        ("sr-Latn", "Latn"),
        ("tlh", "Latn"),  # unknown to CLDR: Latin
    ],
)
def test_the_script_of_a_language(lang: str, code: str) -> None:
    assert scripts.script_code(lang) == code


def test_faces_by_script() -> None:
    assert scripts.script("ja").body.startswith("'Hiragino Sans'")
    assert scripts.script("zh").body.startswith("'PingFang SC'")
    assert scripts.script("zh-TW").body.startswith("'PingFang TC'")
    assert "'Geeza Pro'" in scripts.script("ar").body and "'Arial Hebrew'" in scripts.script("he").body
    # Latin, Cyrillic and Greek keep the serif body and the sans labels.
    for lang in ("en", "ru", "el"):
        assert (scripts.script(lang).body, scripts.script(lang).sans) == (
            "Georgia, 'Times New Roman', serif",
            "Helvetica, Arial, sans-serif",
        )


@pytest.mark.parametrize("lang", ["ar", "he", "ja", "zh", "ko", "fa", "ur", "th", "hi"])
def test_quotes_are_upright_in_scripts_without_italics(lang: str) -> None:
    assert scripts.script(lang).quote_style == "normal"


def test_quotes_stay_italic_in_latin_cyrillic_and_greek() -> None:
    assert [scripts.script(lang).quote_style for lang in ("en", "fr", "ru", "el")] == ["italic"] * 4


def test_the_archive_stylesheet_keys_each_script_on_its_languages() -> None:
    faces, upright = scripts.stylesheet_rules()
    matched = {tag: rule for rule in faces for tag in rule.languages}
    assert matched["ja"].body.startswith("'Hiragino Sans'") and "line-break: strict" in matched["ja"].breaks
    # zh-TW's rule comes after zh's: it wins in the stylesheet.
    order = [tag for rule in faces for tag in rule.languages]
    assert order.index("zh") < order.index("zh-TW") and order.index("zh") < order.index("zh-Hant")
    assert {"ar", "he", "ja", "zh", "ko", "th"} <= set(upright.languages)
    assert not {"en", "fr", "ru", "el"} & set(upright.languages)


def test_korean_breaks_between_words_and_japanese_strictly_in_the_email(make_issue: MakeIssue) -> None:
    publication = "name: Brief\nurl: https://news.example.com\n"

    def styles_of_text(lang: str, summary: str) -> str:
        issue = f"date: 2020-02-03\nlang: {lang}\nsummary: {summary}\nstories:\n  - headline: 1\n    body: 2\n"
        page = lxml.html.document_fromstring(compose(make_issue(issue, publication)).html)
        return str(page.xpath("//td[contains(@class, 'summary')]/div")[0].get("style")).replace(" ", "")

    assert "word-break:keep-all" in styles_of_text("ko", "오늘의 뉴스입니다.")
    assert "line-break:strict" in styles_of_text("ja", "今日のニュース。")
    english = styles_of_text("en", "Today's news.")
    assert "line-break" not in english and "font-family:Georgia,'TimesNewRoman',serif" in english
