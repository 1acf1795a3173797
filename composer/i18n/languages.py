"""Which language a text is shown in, and which way it reads.

A publication's own texts (notice, footer, calls to action, title and date patterns) are either
one text in the publication's language or a mapping from language tag to text. pick() chooses the
one for an issue's language; when there is none, the text keeps its own language, and the
templates then mark its element with its lang and dir so it reads in its own direction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from ..limits import MAX_ISOLATE_NESTING

# Scripts written right to left: Arabic, Persian, Hebrew, Urdu, Yiddish, Pashto, Sindhi, Uyghur,
# Dhivehi, Sorani Kurdish.
RIGHT_TO_LEFT = {"ar", "fa", "he", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"}


def primary(lang: str) -> str:
    """ "ar-EG" -> "ar": the language itself, without region or script."""
    return lang.split("-")[0].lower()


def is_right_to_left(lang: str) -> bool:
    return primary(lang) in RIGHT_TO_LEFT


def direction(lang: str) -> str:
    return "rtl" if is_right_to_left(lang) else "ltr"


def start(lang: str) -> str:
    """The side a line of ``lang`` starts on (text-align; email clients know no "start")."""
    return "right" if is_right_to_left(lang) else "left"


def pick(texts: str | Mapping[str, str], lang: str, own: str) -> tuple[str, str]:
    """The text for ``lang`` and the language it is in.

    ``texts`` is one text in the language ``own`` (the publication's) or a mapping by language
    tag. In the mapping, ``lang``'s own tag wins, then a tag of the same language, in the same
    script first (zh-Hant for zh-TW, before zh; ar-EG for ar), then ``own``'s, then the first given.
    """
    if not isinstance(texts, Mapping):
        return texts, own
    tags = list(texts)
    for wanted in (lang, own):
        exact = [tag for tag in tags if tag.lower() == wanted.lower()]
        alike = [tag for tag in tags if primary(tag) == primary(wanted)]
        if len(alike) > 1:  # Chinese in two scripts, say: Babel's likely scripts tell them apart
            from .scripts import script_code

            alike.sort(key=lambda tag: script_code(tag) != script_code(wanted))  # stable: else as given
        if exact or alike:
            tag = (exact or alike)[0]
            return texts[tag], tag
    return texts[tags[0]], tags[0]


@dataclass(frozen=True)
class Chosen:
    """A text as an email of language ``shown_in`` shows it: ``foreign`` when it is in another
    language, and then the templates give its element ``lang`` and ``dir``."""

    text: str
    lang: str
    shown_in: str

    @property
    def foreign(self) -> bool:
        return primary(self.lang) != primary(self.shown_in)

    @property
    def dir(self) -> str:
        return direction(self.lang)

    @property
    def start(self) -> str:
        return start(self.lang)


@dataclass(frozen=True)
class Unlabelled:
    """A text of no stated language whose letters read against the email's direction (an English
    read, without lang:, in an Arabic issue): the templates give its element the direction of its
    letters, as Chosen's foreign texts, and no lang."""

    text: str
    dir: str
    lang: str = ""
    foreign: bool = True

    @property
    def start(self) -> str:
        return "right" if self.dir == "rtl" else "left"


def written_in(text: str, given: str | None, shown_in: str) -> Chosen | Unlabelled:
    """An editor's ``text`` that may say its language (``given``, a read's lang:) as an email in
    ``shown_in`` shows it: in its own language when it gives one; without one, in the direction
    of its first letter when that goes against the email's, so that its full stop stays at its end."""
    if given:
        return Chosen(text, given, shown_in)
    found = strong_direction(text)
    if found is not None and found != direction(shown_in):
        return Unlabelled(text, found)
    return Chosen(text, shown_in, shown_in)


def label_in(text: str, tag: str, shown_in: str) -> Chosen | Unlabelled:
    """One of composer's labels (labels.languages_of: ``text`` is in ``tag``) as an email in ``shown_in``
    shows it: in its own language when that is another (an English "Unsubscribe" in an Arabic issue);
    said to be in the email's language but written in letters of the other direction (English words
    given once in an Arabic publication's labels), in the direction of its letters, placeholders aside."""
    if primary(tag) != primary(shown_in):
        return Chosen(text, tag, shown_in)
    way = written_in(re.sub(r"\{[^{}]*\}", "", text), None, shown_in)
    return Unlabelled(text, way.dir) if isinstance(way, Unlabelled) else Chosen(text, shown_in, shown_in)


def chosen(texts: str | Mapping[str, str], lang: str, own: str) -> Chosen:
    text, text_lang = pick(texts, lang, own)
    return Chosen(text, text_lang, lang)


def point_the_way(text: str, lang: str) -> str:
    """``text`` with its arrows (← →) turned for a page in ``lang``: words written for a left-to-right
    page (an English label) swap them in a right-to-left one, where "previous" lies to the right.
    Words in a right-to-left script (composer/i18n/labels/ar.yaml) point the right way already."""
    return text.translate(_SWAPPED) if is_right_to_left(lang) and not has_direction(text, "rtl") else text


_SWAPPED = str.maketrans({"←": "→", "→": "←"})


# Unicode's invisible direction controls (UAX #9). An isolate (LRI, RLI or FSI … PDI) makes a run
# of text a unit of its own that neither takes in nor pushes out the digits and punctuation beside
# it: "The Meridian Brief" isolated in an Arabic title no longer swallows the day after its colon.
# A mark (LRM, RLM) is an invisible letter of one direction: it gives a line its direction in mail
# readers that judge a line by its first letter, and stands in for isolates where a reader does not
# know them.
LRM, RLM = "\u200e", "\u200f"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_OPENS = {LRI: "ltr", RLI: "rtl", FSI: "auto"}
DIRECTION_CONTROLS = frozenset((LRM, RLM, LRI, RLI, FSI, PDI))


def strong_direction(text: str, *, inside_isolates: bool = False) -> str | None:
    """ "ltr" or "rtl": the direction of ``text``'s first letter of either direction (a mark counts as
    one), as a browser's dir="auto" reads it; None when it has none (digits, punctuation). Text inside
    isolates is skipped, as the Unicode algorithm skips it, unless ``inside_isolates`` (for readers
    that do not know isolates and see their letters)."""
    first = _first_strong(text, inside_isolates)
    return None if first is None else "ltr" if unicodedata.bidirectional(first) == "L" else "rtl"


def _first_strong(text: str, inside_isolates: bool) -> str | None:
    depth = 0
    for character in text:
        if character in _OPENS:
            depth += not inside_isolates
        elif character == PDI:
            depth = max(0, depth - 1)
        elif not depth and unicodedata.bidirectional(character) in ("L", "R", "AL"):
            return character
    return None


def has_direction(text: str, way: str) -> bool:
    """Whether ``text`` holds a letter written ``way`` ("ltr" or "rtl")."""
    kinds = ("L",) if way == "ltr" else ("R", "AL")
    return any(unicodedata.bidirectional(character) in kinds for character in text)


def mark(lang: str) -> str:
    """The invisible letter of ``lang``'s direction: RLM for Arabic, LRM for English."""
    return RLM if is_right_to_left(lang) else LRM


def isolate(text: str, lang: str) -> str:
    """``text`` as a run of its own inside a text in ``lang``, when it reads the other way (a Latin
    publication name in an Arabic title): between LRI or RLI and PDI, then ``lang``'s mark, which
    keeps the digits after it on ``lang``'s side where a reader knows marks but not isolates. Text
    that reads ``lang``'s way, or has no letters, is returned as it is."""
    own = strong_direction(text)
    if own is None or own == direction(lang):
        return text
    return (LRI if own == "ltr" else RLI) + text + PDI + mark(lang)


def isolate_within(text: str, run: str, lang: str) -> str:
    """``text`` (in ``lang``) with each occurrence of ``run`` as words of their own isolated (isolate()):
    "Brief" in "The Brief: …", never inside "Briefing", which an isolate would cut in two."""
    isolated = isolate(run, lang)
    if not run or isolated == run:
        return text
    return re.sub(rf"(?<!\w){re.escape(run)}(?!\w)", lambda _: isolated, text)


def standalone(text: str, lang: str) -> str:
    """``text`` (in ``lang``) for a place whose direction nobody knows: an inbox's subject line, a
    window's title, a feed reader. Right-to-left text, or left-to-right text holding right-to-left
    words, goes between an isolate of ``lang``'s direction (RLI or LRI … PDI), so it is laid out as
    it reads in a left-to-right inbox and a right-to-left one alike; plain left-to-right text, the
    common case, is left as it is."""
    if not is_right_to_left(lang) and not has_direction(text, "rtl"):
        return text
    return (RLI if is_right_to_left(lang) else LRI) + text + PDI


def without_controls(text: str) -> str:
    """``text`` without its invisible direction controls: what a reader sees of it."""
    return "".join(character for character in text if character not in DIRECTION_CONTROLS)


def mark_line(line: str, lang: str) -> str:
    """A line of plain text in ``lang``, with ``lang``'s mark in front when it starts with a word of
    the other direction ("Reuters قالت…" in Arabic) yet holds words of ``lang``'s: mail readers lay
    out each line of plain text by its first letter, and would set it left to right. A line with no
    word of ``lang``'s direction (an English read's title, an address) is left to read its own way."""
    own, first = direction(lang), _first_strong(line, inside_isolates=True)
    if first is None or first in (LRM, RLM) or strong_direction(first) == own or not has_direction(line, own):
        return line  # a line that starts with a mark already says its direction
    return mark(lang) + line


def mark_lines(text: str, lang: str) -> str:
    """Every line of a plain text in ``lang`` through mark_line()."""
    if not is_right_to_left(lang) and not MAY_READ_RIGHT_TO_LEFT.search(text):
        return text  # no line can start with a right-to-left letter: one search, not a look at each line
    return "\n".join(mark_line(line, lang) for line in text.split("\n"))


# Every character whose direction is right to left (R or AL: Hebrew, Arabic, Syriac, Thaana, N'Ko,
# their presentation forms, the right-to-left scripts of the SMP, RLM), and a few unassigned ones.
MAY_READ_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def isolates_to_html(escaped: str) -> str:
    """Already escaped HTML with its isolates turned into elements, which email clients know better
    than the characters: LRI … PDI becomes <span dir="ltr">…</span> (a span with dir is isolated,
    as <bdi> is), FSI <span dir="auto">. An isolate left open is closed at the end; a stray PDI
    is dropped. Isolates inside more than MAX_ISOLATE_NESTING others are dropped, with their PDI:
    composer nests two, and thousands typed in a title would nest spans past what MRML survives."""
    pieces, open_spans, dropped = [], 0, 0
    for character in escaped:
        if character in _OPENS:
            if open_spans < MAX_ISOLATE_NESTING:
                pieces.append(f'<span dir="{_OPENS[character]}">')
                open_spans += 1
            else:
                dropped += 1
        elif character == PDI:
            if dropped:
                dropped -= 1
            elif open_spans:
                pieces.append("</span>")
                open_spans -= 1
        else:
            pieces.append(character)
    return "".join(pieces) + "</span>" * open_spans
