"""Folded YAML blocks (`summary: >-`) in Chinese and Japanese: no space where the editor broke a line
between two CJK characters (composer/core/folding.py)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from composer.core.folding import fold, unfold
from composer.core.pipeline import compose
from composer.core.source import read_yaml

from .conftest import MakeIssue

PUBLICATION_JA = "name: 東京ブリーフ\nurl: https://news.example.com\n"
PUBLICATION_ZH = "name: 北京简报\nurl: https://news.example.com\n"

JAPANESE = """\
date: 2020-02-03
lang: ja
summary: >-
  今週の主な動きを振り返ります。スエズ運河の通航料引き下げの延長、
  海運運賃の三週連続の下落です。
stories:
  - headline: 運賃の下落
    body: >
      コンテナ船の運賃は三週連続で下落しました。
      主要航路の需要が弱いためです。
"""
JAPANESE_SUMMARY = "今週の主な動きを振り返ります。スエズ運河の通航料引き下げの延長、海運運賃の三週連続の下落です。"
JAPANESE_BODY = "コンテナ船の運賃は三週連続で下落しました。主要航路の需要が弱いためです。"

CHINESE = """\
date: 2020-02-03
lang: zh
summary: >-
  本周回顾主要动态：苏伊士运河通行费下调延期，
  海运运价连续三周下跌。
stories:
  - headline: 运价下跌
    body: >-
      集装箱运价连续三周下跌。
      主要航线需求疲软。
"""
CHINESE_SUMMARY = "本周回顾主要动态：苏伊士运河通行费下调延期，海运运价连续三周下跌。"
CHINESE_BODY = "集装箱运价连续三周下跌。主要航线需求疲软。"


def shown(html: str) -> str:
    """The words a reader sees in the email, line breaks in the source as they are."""
    return str(lxml.html.document_fromstring(html).text_content())


@pytest.mark.parametrize(
    ("issue", "publication", "texts"),
    [
        (JAPANESE, PUBLICATION_JA, (JAPANESE_SUMMARY, JAPANESE_BODY)),
        (CHINESE, PUBLICATION_ZH, (CHINESE_SUMMARY, CHINESE_BODY)),
    ],
    ids=["japanese", "chinese"],
)
def test_a_folded_cjk_summary_and_body_have_no_space_where_the_line_was_broken(
    make_issue: MakeIssue, issue: str, publication: str, texts: tuple[str, str]
) -> None:
    composed = compose(make_issue(issue, publication))
    for text in texts:
        assert text in shown(composed.html)
        assert text in composed.text.replace("\n", "")  # the plain text wraps its own lines
    assert "、 " not in composed.text and "， " not in composed.text and "。 " not in composed.text
    assert "、 " not in shown(composed.html) and "， " not in shown(composed.html)


def test_a_folded_english_text_keeps_its_spaces(make_issue: MakeIssue) -> None:
    issue = (
        "date: 2020-02-03\nsummary: >-\n  Fees on the canal were cut\n  again this week.\n"
        "stories:\n  - headline: Rates fall\n    body: >\n      Container rates fell\n      for a third week.\n"
    )
    composed = compose(make_issue(issue))
    assert "Fees on the canal were cut again this week." in shown(composed.html)
    assert "Container rates fell for a third week." in shown(composed.html)
    assert "Container rates fell for a third week." in composed.text


def test_a_cjk_line_end_beside_a_latin_line_start_keeps_the_space(make_issue: MakeIssue) -> None:
    issue = (
        "date: 2020-02-03\nlang: ja\nsummary: >-\n  日本銀行の総裁は\n  Bank of Japanの方針を説明した。\n"
        "  The yen\n  上昇した。\nstories:\n  - headline: 見出し\n    body: 本文。\n"
    )
    composed = compose(make_issue(issue, PUBLICATION_JA))
    expected = "日本銀行の総裁は Bank of Japanの方針を説明した。 The yen 上昇した。"
    assert expected in shown(composed.html)
    assert expected in composed.text


def test_blank_lines_in_a_folded_text_still_make_paragraphs(make_issue: MakeIssue) -> None:
    # YAML folds one blank line into a line break, so a new paragraph takes two, as before.
    issue = """\
date: 2020-02-03
lang: ja
summary: 概要。
stories:
  - headline: 見出し
    body: >
      一段落目の文です。
      続きです。


      二段落目の文です。
      続きです。
"""
    composed = compose(make_issue(issue, PUBLICATION_JA))
    page = lxml.html.document_fromstring(composed.html)
    paragraphs = [p.text_content() for p in page.iter("p")]
    assert "一段落目の文です。続きです。" in paragraphs
    assert "二段落目の文です。続きです。" in paragraphs
    assert "一段落目の文です。続きです。\n\n二段落目の文です。続きです。" in composed.text


def read(tmp_path: Path, text: str) -> object:
    path = tmp_path / "issue.yaml"
    path.write_text(text, encoding="utf-8")
    return read_yaml(path).data


@pytest.mark.parametrize(
    ("yaml_text", "value"),
    [
        ("a: >-\n  今日は\n  晴れ。\n", "今日は晴れ。"),
        ("a: >\n  今日は\n  晴れ。\n", "今日は晴れ。\n"),  # clip: one line break kept at the end
        ("a: >+\n  今日は\n  晴れ。\n\n\nb: x\n", "今日は晴れ。\n\n\n"),  # keep: every one
        ("a: >-\n  今日は\n\n  晴れ。\n", "今日は\n晴れ。"),  # a blank line is a line break, as in YAML
        ("a: >-\n  今日は\n    晴れ。\n  明日\n", "今日は\n  晴れ。\n明日"),  # deeper lines keep their breaks
        # A plain or quoted text keeps YAML's space: tools writing YAML break its lines at spaces.
        ("a: 今日は\n  晴れ。\n", "今日は 晴れ。"),
        ("a: '今日は\n  晴れ。'\n", "今日は 晴れ。"),
        ('a: "今日は\n  晴れ。"\n', "今日は 晴れ。"),
        ("a: &s >-\n  今日は\n  晴れ。\nb: *s\n", "今日は晴れ。"),  # an anchor before the text, and its reference
        ("a: >-\n  他说：“这是第一步。”\n  市长\n", "他说：“这是第一步。”市长"),  # as a soft break in Markdown
        ("a: >-\n  한국어\n  문장입니다\n", "한국어 문장입니다"),  # Korean puts spaces between words
        ("a: >-\n  今日は \n  晴れ。\n", "今日は  晴れ。"),  # a space typed at the line's end is kept
        ("a: |-\n  今日は\n  晴れ。\n", "今日は\n晴れ。"),  # a literal block was never folded
    ],
)
def test_yaml_folding_joins_cjk_lines_and_is_otherwise_yamls(tmp_path: Path, yaml_text: str, value: str) -> None:
    data = read(tmp_path, yaml_text)
    assert isinstance(data, dict)
    assert data["a"] == value
    if "b: *s" in yaml_text:
        assert data["b"] == value


@pytest.mark.parametrize(
    "yaml_text",
    [
        "a: >2-\n  今日は\n  晴れ。\n",  # an indentation digit: not redone here
    ],
)
def test_what_is_not_refolded_keeps_yamls_value(tmp_path: Path, yaml_text: str) -> None:
    data = read(tmp_path, yaml_text)
    assert isinstance(data, dict)
    assert data["a"] == yaml.safe_load(yaml_text)["a"]


def test_a_value_the_refolding_does_not_reproduce_is_left_as_pyyaml_gave_it() -> None:
    yaml_text = "a: >-\n  今日は\n  晴れ。\n"
    node = scalar(yaml_text)
    node.value = "今日は 晴れ。 "  # as if PyYAML had folded otherwise: the redone folding no longer matches
    assert unfold(yaml_text, node) == "今日は 晴れ。 "


def test_a_space_in_a_text_written_by_a_yaml_tool_stays(tmp_path: Path) -> None:
    # yaml.safe_dump breaks a long text's line at a space, here the one between 」 and 「.
    text = "「" + "東京" * 40 + "」 「" + "大阪" * 10 + "」"
    dumped = yaml.safe_dump({"a": text}, allow_unicode=True)
    assert "」\n" in dumped
    assert read(tmp_path, dumped) == {"a": text}


# --- The folding redone equals PyYAML's, whatever the text ----------------------------------------


def scalar(yaml_text: str) -> yaml.ScalarNode:
    """The value of the first key in ``yaml_text``, as the parser composed it (the test's input must
    be a mapping of texts)."""
    root = yaml.compose(yaml_text, Loader=yaml.CSafeLoader)
    assert isinstance(root, yaml.MappingNode)
    node = root.value[0][1]
    assert isinstance(node, yaml.ScalarNode)
    return node


def refolded(yaml_text: str) -> tuple[str, str | None]:
    """PyYAML's value of the first key, and ours."""
    node = scalar(yaml_text)
    folded = fold(yaml_text[node.start_mark.index : node.end_mark.index], node.style)
    return node.value, folded[0] if folded else None


def parses(yaml_text: str) -> bool:
    try:
        root = yaml.compose(yaml_text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return False
    return isinstance(root, yaml.MappingNode) and isinstance(root.value[0][1], yaml.ScalarNode)


ascii_text = st.text(st.sampled_from("ab z.,'\"#:-\t"), min_size=1, max_size=12)
block_line = st.one_of(
    st.tuples(st.integers(-1, 3), ascii_text),  # text indented this much deeper than the first line (-1: less)
    st.tuples(st.integers(0, 6), st.just("")),  # a blank line, maybe with spaces
)


@given(
    chomping=st.sampled_from(["", "-", "+"]),
    indent=st.integers(1, 4),
    first=ascii_text.filter(lambda text: not text[0].isspace()),
    lines=st.lists(block_line, max_size=8),
    after=st.sampled_from(["", "b: x\n", "\nb: x\n", "  # a comment\nb: x\n"]),
    leading=st.lists(st.integers(0, 5), max_size=2),  # blank lines before the text, of so many spaces
    header_comment=st.booleans(),
)
def test_a_folded_block_is_refolded_as_pyyaml_folds_it(
    chomping: str,
    indent: int,
    first: str,
    lines: list[tuple[int, str]],
    after: str,
    leading: list[int],
    header_comment: bool,
) -> None:
    header = f"a: >{chomping}" + ("  # summary" if header_comment else "")
    body = [" " * (indent + deeper) + text if text else " " * deeper for deeper, text in lines]
    yaml_text = "\n".join([header, *[" " * spaces for spaces in leading], " " * indent + first, *body]) + "\n" + after
    assume(parses(yaml_text))
    value, ours = refolded(yaml_text)
    assert ours == value


CJK = "今日。"
mixed_line = st.text(st.sampled_from("a 今日。"), min_size=1, max_size=6).filter(lambda text: text[0] != " ")


@given(lines=st.lists(st.one_of(mixed_line, st.just("")), min_size=2, max_size=8), chomping=st.sampled_from("-+"))
def test_cjk_lines_fold_as_if_typed_on_one_line(lines: list[str], chomping: str) -> None:
    """Folding ``lines`` gives what YAML gives for the same text with each pair of lines that meet
    between two CJK characters typed as one line."""
    joined = [lines[0]]
    for line in lines[1:]:
        if line and joined[-1] and joined[-1][-1] in CJK and line[0] in CJK:
            joined[-1] += line
        else:
            joined.append(line)

    def block(block_lines: list[str]) -> str:
        return f"a: >{chomping}\n" + "".join(f"  {line}\n" if line else "\n" for line in block_lines) + "b: x\n"

    assume(parses(block(lines)))
    assert unfold(block(lines), scalar(block(lines))) == scalar(block(joined)).value


def test_the_sample_issue_reads_as_before(tmp_path: Path) -> None:
    sample = Path(__file__).parent.parent / "issues" / "2017-11-09.yaml"
    text = sample.read_text(encoding="utf-8")
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    assert root is not None
    assert read(tmp_path, text) == _plain(root)


def _plain(node: yaml.Node) -> object:
    """The node's value as text, lists and dicts, as PyYAML folded it."""
    if isinstance(node, yaml.MappingNode):
        return {key.value: _plain(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    return node.value
