"""The nesting guard measures YAML depth without a parser: it must agree with one, in every style."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.core.nesting import too_deep

from .conftest import SAMPLE


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(item) for item in value), default=0)
    return 0


class _TextBlocks(yaml.SafeDumper):
    """Writes text of several lines as a '|' block, as editors do."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip() and not value[:1].isspace() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_TextBlocks.add_representer(str, _text)

# Text made of the characters that mean something in YAML, so that quoting and escaping are exercised.
TRICKY = st.text(alphabet=st.sampled_from(list("ab :#-[]{}'\"|>\n,&*!?%@`\\ ")), max_size=12)
KEYS = st.text(alphabet=st.sampled_from(list("ab :#-[]{}'\"|>,")), min_size=1, max_size=5)
VALUES = st.recursive(
    st.one_of(TRICKY, st.integers()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=30,
)


@settings(max_examples=1500, suppress_health_check=list(HealthCheck), deadline=None)
@given(
    st.dictionaries(KEYS, VALUES, min_size=1, max_size=3),
    st.sampled_from([None, True, False]),  # mixed, all brackets, all indentation
    st.integers(min_value=2, max_value=4),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),  # Windows editors save CR LF
)
def test_the_depth_found_is_the_parsers(
    document: dict[str, Any], flow: bool | None, indent: int, explicit_start: bool, text_blocks: bool, newline: str
) -> None:
    text = yaml.dump(
        document,
        Dumper=_TextBlocks if text_blocks else yaml.SafeDumper,
        default_flow_style=flow,
        indent=indent,
        explicit_start=explicit_start,
        allow_unicode=True,
        width=20,
        line_break=newline,
    )
    levels = depth(yaml.safe_load(text))
    assert too_deep(text, levels) is None, "refused a file that nests exactly to the limit"
    if levels > 1:
        assert too_deep(text, levels - 1) is not None, "missed a level"


def test_the_sample_nests_as_deep_as_parsed() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    levels = depth(yaml.safe_load(text))  # the file, its stories, each story's keys
    assert levels == 3
    assert too_deep(text, 3) is None
    assert too_deep(text, 2) == (13, 5)  # the first story's first key


@pytest.mark.parametrize(
    "text",
    [
        'summary: "' + "[" * 100 + '"',
        "summary: '" + "{" * 100 + "'",
        "summary: |\n  " + "[" * 100 + "\n",
        "summary: a plain text [" + "[" * 100 + "\n",
        "summary: text # a comment [" + "[" * 100 + "\n",
        "summary: >\n  " + "- " * 100 + "\n",
        "summary: ['a[[[[', \"b{{{{\", c]\n" * 30,
    ],
    ids=["double-quoted", "single-quoted", "text-block", "plain", "comment", "folded-dashes", "flow-quotes"],
)
def test_signs_inside_text_open_nothing(text: str) -> None:
    assert too_deep(text, 3) is None


@pytest.mark.parametrize(
    "text",
    [
        "a" + " " * 1_000_000 + "x",  # a long line without a colon: read once, not once a position
        "a: b\n" * 200_000,
        'summary: "' + '[x] \\" ' * 150_000 + '"',
    ],
    ids=["long-line", "many-lines", "long-quote"],
)
def test_a_megabyte_is_read_in_one_pass(text: str) -> None:
    # No timing here (machines are shared): a quadratic scan of these would not finish in a test's life.
    assert too_deep(text, 50) is None
