"""Generated issues: whatever an editor writes, every headline, paragraph and link reaches both parts.

Words mix ASCII and other scripts' letters with & < > " ' (which HTML must escape and the plain
text must keep); each word starts with a letter, so none of them turns into Markdown syntax
(a list marker, a quote, an entity) by accident. The YAML is written by yaml.safe_dump, as a
tool generating issues would, so quoting is always right.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.core.pipeline import compose
from composer.i18n import languages

PUBLICATION = {
    "name": "The Daily Test",
    "url": "https://news.example.com",
    "contact": "desk@example.com",
    "calls_to_action": [{"heading": "Tip us off.", "label": "Send", "url": "mailto:desk@example.com"}],
}

letters = st.characters(categories=["Lu", "Ll", "Lo"], exclude_characters="\ufeff")
word = st.builds(
    lambda first, rest: first + rest,
    letters,
    st.text(st.one_of(letters, st.sampled_from("&<>\"'")), max_size=10),
)
# "<TODO" is reserved: it marks the skeleton's placeholders (compose new), which never validate.
words = st.lists(word, min_size=1, max_size=25).map(" ".join).filter(lambda text: "<TODO" not in text)

LOWERCASE = "abcdefghijklmnopqrstuvwxyz"
alphanumeric = st.text(LOWERCASE + "0123456789", min_size=1, max_size=8)
slug = st.lists(alphanumeric, min_size=1, max_size=3).map("-".join)
web_address = st.builds(
    lambda host, tld, path, query: (
        f"https://{host}.{tld}/{'/'.join(path)}" + (f"?a={query[0]}&b={query[1]}" if query else "")
    ),
    st.builds(str.__add__, st.sampled_from(LOWERCASE), st.text(LOWERCASE + "0123456789", max_size=10)),
    st.sampled_from(["com", "org", "net", "example"]),
    st.lists(slug, max_size=3),
    st.none() | st.tuples(alphanumeric, alphanumeric),
)


@dataclass(frozen=True)
class Paragraph:
    text: str
    link: tuple[str, str] | None  # (its words, its address), put after the paragraph's words

    def markdown(self) -> str:
        return self.text + (f" [{self.link[0]}]({self.link[1]})" if self.link else "")


paragraphs = st.builds(Paragraph, words, st.none() | st.tuples(words, web_address))
stories = st.fixed_dictionaries(
    {"headline": words, "paragraphs": st.lists(paragraphs, min_size=1, max_size=4)},
    optional={"url": web_address},
)
reads = st.fixed_dictionaries({"title": words, "url": web_address}, optional={"source": words, "note": words})
issues = st.fixed_dictionaries(
    {
        "date": st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)),
        "summary": paragraphs,
        "stories": st.lists(stories, min_size=1, max_size=4),
        "recommended_reads": st.lists(reads, max_size=3),
    }
)


def as_yaml(issue: dict[str, Any]) -> dict[str, Any]:
    """The generated issue as the issue file holds it: Markdown bodies, ISO date text."""
    data = {
        "date": issue["date"].isoformat(),
        "summary": issue["summary"].markdown(),
        "stories": [
            {
                "headline": story["headline"],
                "body": "\n\n".join(paragraph.markdown() for paragraph in story["paragraphs"]) + "\n",
                **({"url": story["url"]} if "url" in story else {}),
            }
            for story in issue["stories"]
        ],
    }
    if issue["recommended_reads"]:
        data["recommended_reads"] = issue["recommended_reads"]
    return data


def normalised(text: str) -> str:
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """``text`` without its whitespace: the plain text may break a line between two wide (CJK)
    characters where the source has no space, so spaces cannot be compared there, only the rest; nor the
    invisible direction marks it puts where a line starts against the issue's direction (languages.mark_line)."""
    return languages.without_controls("".join(text.split()))


@settings(max_examples=40, deadline=None)
@given(issues)
def test_every_headline_paragraph_and_link_reaches_both_parts(issue: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "publication.yaml").write_text(yaml.safe_dump(PUBLICATION), encoding="utf-8")
        path = Path(folder) / "issue.yaml"
        path.write_text(yaml.safe_dump(as_yaml(issue), allow_unicode=True), encoding="utf-8")
        composed = compose(path)

    document = lxml.html.document_fromstring(composed.html)
    html_text = normalised(document.text_content())
    plain_text = squeezed(composed.text)
    hrefs = {anchor.get("href") for anchor in document.iter("a")}

    # The title is the one h1, and each story has its h2 holding exactly its headline.
    assert len(document.findall(".//h1")) == 1
    assert [normalised(h2.text_content()) for h2 in document.find_class("story") for h2 in h2.iter("h2")] == [
        story["headline"] for story in issue["stories"]
    ]

    every_paragraph = [issue["summary"]] + [p for story in issue["stories"] for p in story["paragraphs"]]
    for paragraph in every_paragraph:
        assert paragraph.text in html_text
        assert squeezed(paragraph.text) in plain_text
        if paragraph.link:
            link_words, address = paragraph.link
            assert f"{paragraph.text} {link_words}" in html_text
            assert squeezed(f"{paragraph.text} {link_words} [") in plain_text  # followed by its note number
            assert address in hrefs
            assert address in composed.text.split()

    for story in issue["stories"]:
        assert squeezed(story["headline"]) in plain_text
        if "url" in story:
            assert story["url"] in hrefs and story["url"] in composed.text.split()

    for read in issue["recommended_reads"]:
        for part in ("title", "source", "note"):
            if part in read:
                assert read[part] in html_text and squeezed(read[part]) in plain_text
        assert read["url"] in hrefs and read["url"] in composed.text.split()
