"""Which language a text is shown in, and which way it reads.

A publication's own texts (notice, footer, calls to action, title and date patterns) are either
one text in the publication's language or a mapping from language tag to text. pick() chooses the
one for an issue's language; when there is none, the text keeps its own language, and the
templates then mark its element with its lang and dir so it reads in its own direction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

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
    tag. In the mapping, ``lang``'s own tag wins, then any tag of the same language (ar-EG for
    ar), then ``own``'s, then the first given.
    """
    if not isinstance(texts, Mapping):
        return texts, own
    tags = list(texts)
    for wanted in (lang, own):
        exact = [tag for tag in tags if tag.lower() == wanted.lower()]
        alike = [tag for tag in tags if primary(tag) == primary(wanted)]
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


def chosen(texts: str | Mapping[str, str], lang: str, own: str) -> Chosen:
    text, text_lang = pick(texts, lang, own)
    return Chosen(text, text_lang, lang)


def point_the_way(text: str, lang: str) -> str:
    """``text`` with its arrows (← →) turned for a page in ``lang``: words written for a left-to-right
    page (an English label) swap them in a right-to-left one, where "previous" lies to the right.
    Words in a right-to-left script (composer/labels/ar.yaml) point the right way already."""
    written_right_to_left = any(unicodedata.bidirectional(character) in ("R", "AL") for character in text)
    return text.translate(_SWAPPED) if is_right_to_left(lang) and not written_right_to_left else text


_SWAPPED = str.maketrans({"←": "→", "→": "←"})
