"""The texts an editor types, in any language, as the pydantic types every model is built of.

A Text is stripped, holds something visible (not only zero-width or format characters, as text
pasted from Word may) and no placeholder of `compose new`'s skeleton (PLACEHOLDER_MARK); a Language
is a tag such as en, ar or fr-CA (KnownLanguage: one CLDR knows); PerLanguage a text given once or
one per language (`notice: {en: …, ar: …}`). Strict is every model's base: unknown keys are errors.
Here, below core/, so that the labels' models (labels/) and the issue's (core/models.py) share them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, StringConstraints, Tag


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# What `compose new` writes where the editor has yet to write: `<TODO write the headline>`.
# No editor types "<TODO" in a briefing, so refusing it in every field never catches their own
# words, and a placeholder half deleted ("<TODO write the") is still caught: none can be sent.
PLACEHOLDER_MARK = "<TODO"
_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER_MARK) + r"\s*(?P<instruction>[^<>]*?)\s*>")


def not_placeholder(value: Any) -> Any:
    """Refuse a value that still holds a skeleton placeholder, with the placeholder's own instruction."""
    if not isinstance(value, str) or PLACEHOLDER_MARK not in value:
        return value
    whole = _PLACEHOLDER.search(value)
    instruction = whole.group("instruction") if whole and whole.group("instruction") else "write your own text"
    if whole and whole.group(0) == value.strip():
        raise ValueError(f"still the skeleton's placeholder; {instruction}")
    shown = whole.group(0) if whole else PLACEHOLDER_MARK
    raise ValueError(f"still holds the skeleton's placeholder '{shown}'; {instruction} in its place")


# Characters that show nothing on their own: format characters (zero-width spaces and joiners, direction
# marks, soft hyphens, U+2060, U+FEFF: category Cf), the combining grapheme joiner, Hangul fillers, the
# blank Braille pattern and variation selectors. Inside words they are fine; a text of them alone is empty.
_SHOWS_NOTHING = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800" + "".join(map(chr, range(0xFE00, 0xFE10))))


def visible(text: str) -> str:
    """Refuse a text that holds something but shows nothing, as an empty one is refused."""
    if text and all(
        character.isspace() or character in _SHOWS_NOTHING or unicodedata.category(character) == "Cf"
        for character in text
    ):
        kinds = list(dict.fromkeys(character for character in text if not character.isspace()))
        names = ", ".join(
            f"{unicodedata.name(character, 'a format character')} (U+{ord(character):04X})" for character in kinds[:4]
        ) + (f" and {len(kinds) - 4} more" if len(kinds) > 4 else "")
        raise ValueError(
            f"the text has only invisible characters, {names}, as text pasted from a web page or Word may: "
            "write it, or delete the invisible characters"
        )
    return text


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(visible),
    AfterValidator(not_placeholder),
]


def _language(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
        raise ValueError(f"{value!r} is not a language tag such as en, en-GB, ar or fr-CA")
    return value


def _known_language(value: str) -> str:
    # A tag of the right shape can still be a slip ("arr", "eng"): a language CLDR does not know is one.
    from babel import localedata

    if not localedata.exists(value.split("-")[0].lower()):
        raise ValueError(f"{value!r} is not a language composer knows; write its tag, such as en, ar or fr-CA")
    return value


def one_language_at_least(value: Any) -> Any:
    if isinstance(value, dict) and not value:
        raise ValueError("give the text in at least one language, e.g. 'en: ...', or write the text itself")
    return value


def _one_or_per_language(value: Any) -> str:
    return "per_language" if isinstance(value, dict) else "every_language"


Language = Annotated[Text, AfterValidator(_language)]
KnownLanguage = Annotated[Language, AfterValidator(_known_language)]

_T = TypeVar("_T")
# The union's two tags, which pydantic puts into an error's location; load.py leaves them out. Not
# "one": labels' read_time has a key of that name (a plural category), which must stay in the location.
PER_LANGUAGE_TAGS = ("every_language", "per_language")
# A publication text given once (in the publication's lang) or per language:
# `notice: {en: "...", ar: "..."}`. languages.pick() chooses the one an issue shows.
PerLanguage = Annotated[
    Annotated[_T, Tag("every_language")] | Annotated[dict[KnownLanguage, _T], Tag("per_language")],
    Discriminator(_one_or_per_language),
    BeforeValidator(one_language_at_least),
]
