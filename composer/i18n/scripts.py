"""How text of each writing system is set and read: its typefaces, whether it has italics, how
its lines may break, and how fast it is read.

An issue's script comes from its language tag: a script subtag when given (zh-Hant), else the
script CLDR says the language (and region: zh-TW) is most likely written in (Babel's likely
subtags). The email takes the settings of its issue's script (view.build_view: ``script``); the
web archive's one stylesheet keys the same settings on :lang(), for every page and every run of
another language inside one (stylesheet_rules).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

# Scripts with true italic faces. In the others (Arabic, Hebrew, Chinese, Japanese, Korean, the
# Indic scripts, Thai…) a browser would only slant the letters, which their readers never see in
# print: quotes stay upright there.
ITALIC_SCRIPTS = frozenset({"Latn", "Cyrl", "Grek", "Armn"})

# Font stacks: the faces of Apple's systems first (iOS and macOS Mail), then Windows' (Outlook),
# then the Noto faces of Android and Linux, then the generic family. Names in single quotes, as the
# stacks go into HTML attributes. Latin, Cyrillic and Greek keep the serif body and sans labels.
_SERIF = "Georgia, 'Times New Roman', serif"
_SANS = "Helvetica, Arial, sans-serif"
_JAPANESE = (
    "'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Yu Gothic', YuGothic, Meiryo, "
    "'Noto Sans JP', 'Noto Sans CJK JP', sans-serif"
)
_SIMPLIFIED_CHINESE = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans SC', 'Noto Sans CJK SC', sans-serif"
_TRADITIONAL_CHINESE = "'PingFang TC', 'Microsoft JhengHei', 'Noto Sans TC', 'Noto Sans CJK TC', sans-serif"
_KOREAN = "'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', 'Noto Sans CJK KR', sans-serif"
_ARABIC = "'Geeza Pro', 'Noto Naskh Arabic', 'Segoe UI', Tahoma, Arial, sans-serif"
_HEBREW = "'Arial Hebrew', 'Noto Sans Hebrew', 'Segoe UI', Arial, sans-serif"
_THAI = "Thonburi, 'Leelawadee UI', Leelawadee, 'Noto Sans Thai', Tahoma, sans-serif"
_DEVANAGARI = "'Kohinoor Devanagari', 'Nirmala UI', 'Noto Sans Devanagari', Mangal, sans-serif"


@dataclass(frozen=True)
class Faces:
    body: str  # running text
    sans: str  # the masthead, labels, buttons, captions
    # CSS for line breaking, when the browser's default is not the script's own: "line-break: strict"
    # keeps ー、。」 and small kana off a line's start (kinsoku); Korean is broken between words, as it
    # is printed (keep-all), and then a long address may still break anywhere rather than overflow.
    breaks: str = ""


_KINSOKU = "line-break: strict;"

# CJK newsletters are set in sans faces, body and labels alike.
_FACES: dict[str, Faces] = {
    "Jpan": Faces(_JAPANESE, _JAPANESE, _KINSOKU),
    "Hans": Faces(_SIMPLIFIED_CHINESE, _SIMPLIFIED_CHINESE, _KINSOKU),
    "Hant": Faces(_TRADITIONAL_CHINESE, _TRADITIONAL_CHINESE, _KINSOKU),
    "Kore": Faces(_KOREAN, _KOREAN, "word-break: keep-all; overflow-wrap: anywhere;"),
    "Arab": Faces(_ARABIC, _ARABIC),
    "Hebr": Faces(_HEBREW, _HEBREW),
    "Thai": Faces(_THAI, _THAI),
    "Deva": Faces(_DEVANAGARI, _DEVANAGARI),
}
_DEFAULT = Faces(_SERIF, _SANS)


@dataclass(frozen=True)
class Script:
    """What the templates need to set an issue's text (the view's ``script``)."""

    code: str  # ISO 15924: Latn, Jpan, Hans…
    body: Markup  # font stacks: composer's own data, safe in an attribute or a stylesheet
    sans: Markup
    italic: bool
    breaks: Markup

    @property
    def quote_style(self) -> str:
        """The font-style of a quote (and what else is slanted in Latin): upright without italics."""
        return "italic" if self.italic else "normal"


_SCRIPT_SUBTAG = re.compile("[A-Za-z]{4}")
_REGION_SUBTAG = re.compile("[A-Za-z]{2}|[0-9]{3}")


def script_code(lang: str) -> str:
    """The ISO 15924 script ``lang`` is written in: "ja" -> "Jpan", "zh-TW" -> "Hant", "sr-Latn"
    -> "Latn"; "Latn" for a language CLDR does not know."""
    subtags = lang.replace("_", "-").split("-")
    for subtag in subtags[1:]:
        if _SCRIPT_SUBTAG.fullmatch(subtag):
            return subtag.title()
    if subtags[0].lower() == "en":
        return "Latn"  # known without CLDR's data: an English issue never loads Babel
    from babel.core import get_global

    regions = [subtag.upper() for subtag in subtags[1:] if _REGION_SUBTAG.fullmatch(subtag)]
    likely: Mapping[str, str] = get_global("likely_subtags")
    for key in [f"{subtags[0].lower()}_{region}" for region in regions] + [subtags[0].lower()]:
        if key in likely:
            return likely[key].split("_")[1]
    return "Latn"


@lru_cache(maxsize=64)
def script(lang: str) -> Script:
    """The settings for text in ``lang``."""
    code = script_code(lang)
    faces = _FACES.get(code, _DEFAULT)
    return Script(code, Markup(faces.body), Markup(faces.sans), code in ITALIC_SCRIPTS, Markup(faces.breaks))


def faces_of_a_run(lang: str, shown_in: str) -> Markup:
    """CSS for a run in ``lang`` inside an email in ``shown_in`` (a Japanese read in an English issue):
    its own script's faces and line breaking where they are not the email's; nothing where they are.
    Without it the run takes the email's faces, and a phone draws the missing letters in whatever
    face it falls back to (a serif Mincho for Japanese inside Georgia)."""
    own, email = script(lang), script(shown_in)
    if (own.body, own.breaks) == (email.body, email.breaks):
        return Markup("")
    return Markup(f"font-family:{own.body};{own.breaks}")


@dataclass(frozen=True)
class Rule:
    """One rule of the archive's stylesheet: the languages it matches and the settings it gives."""

    languages: tuple[str, ...]  # CSS :lang() ranges
    faces: Faces | None  # None: only quotes upright

    @property
    def selector(self) -> str:
        return ", ".join(f":lang({tag})" for tag in self.languages)

    @property
    def body(self) -> Markup:
        return Markup(self.faces.body if self.faces else _DEFAULT.body)

    @property
    def sans(self) -> Markup:
        return Markup(self.faces.sans if self.faces else _DEFAULT.sans)

    @property
    def breaks(self) -> Markup:
        return Markup(self.faces.breaks if self.faces else "")


@lru_cache(maxsize=1)
def stylesheet_rules() -> tuple[tuple[Rule, ...], Rule]:
    """The archive's :lang() rules, from the same data as the email's: the faces and line breaking of
    each script that has its own, languages first and then the regions and script subtags that
    change their script (zh-TW, zh-Hant after zh: the later rule wins), and the languages whose
    quotes stay upright."""
    languages, variants = _language_tags()
    rules: list[Rule] = []
    for tags in (languages, variants):
        by_script: dict[str, list[str]] = {}
        for tag in tags:
            by_script.setdefault(script_code(tag), []).append(tag)
        rules.extend(Rule(tuple(by_script[code]), _FACES[code]) for code in _FACES if code in by_script)
    upright = tuple(tag for tag in languages + variants if script_code(tag) not in ITALIC_SCRIPTS)
    return tuple(rules), Rule(upright, None)


def _language_tags() -> tuple[list[str], list[str]]:
    """Every language CLDR has data for, and each of its regions and script subtags that CLDR says
    is written in another script than the language (zh-TW, zh-Hant: traditional characters), as
    BCP 47 tags."""
    from babel.core import get_global
    from babel.localedata import locale_identifiers

    languages = sorted({identifier.split("_")[0] for identifier in locale_identifiers()} - {"root"})
    likely: Mapping[str, str] = get_global("likely_subtags")
    variants = sorted(
        key.replace("_", "-")
        for key in likely
        if key.count("_") == 1
        and key.split("_")[0] in languages
        and script_code(key.replace("_", "-")) != script_code(key.split("_")[0])
    )
    return languages, variants


# --- Read time --------------------------------------------------------------------------------

# Chinese and Japanese are written without spaces between words: their characters (Han, kana,
# the prolonged sound mark) are counted one by one, as are the letters and marks of Thai, Lao,
# Khmer and Burmese, also written without spaces. Korean puts spaces between words: Hangul counts
# by words, like Latin, Cyrillic, Arabic or Hebrew.
_CJK = (
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u303b"  # 々 〆 〇, Suzhou numerals, kana repeat marks
    "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # hiragana, katakana (ー too), halfwidth katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # Han
)
_SOUTHEAST_ASIAN = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\uaa60-\uaa7f"
_CJK_CHARACTER = re.compile(f"[{_CJK}]")
_SOUTHEAST_ASIAN_CHARACTER = re.compile(f"[{_SOUTHEAST_ASIAN}]")
_COUNTED_CHARACTER = re.compile(f"[{_CJK}{_SOUTHEAST_ASIAN}]")
_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")

# Reading rates in characters a minute; CLDR has none. The International Reading Speed Texts
# (Trauzettel-Klosinski & Dietz, IReST, IOVS 53(9):5452-5461, 2012, table 2) measured reading
# aloud: Chinese 255 syllables a minute, one character each; Japanese 447 syllables (morae) a
# minute; across its alphabetic languages, 68 ms a character (882 a minute). Reading silently is
# faster: 238 against 183 words a minute in English (Brysbaert 2019, J. Mem. Lang. 109:104047, the
# figure behind words_per_minute's 238), 1.3 times. So Chinese: 255 x 1.3, about 330; Japanese:
# 500, the rate Japanese reading-time estimates use (400 to 600 are quoted), which the morae agree
# with; Thai, Lao, Khmer and Burmese letters: 882 x 1.3, about 1,150.
CHARACTERS_PER_MINUTE = {"ja": 500, "zh": 330}
_CJK_CHARACTERS_PER_MINUTE = 330  # Chinese's, for CJK quoted in an issue of any other language
_LETTERS_PER_MINUTE = 1150


def read_minutes(
    texts: Iterable[str], lang: str, words_per_minute: int, characters_per_minute: int | None = None
) -> int:
    """Whole minutes to read ``texts`` (at least one): words at ``words_per_minute``, and characters of
    the scripts written without spaces at their rate (``characters_per_minute`` when the publication
    gives one, else the issue's language's); a mixed text adds the two."""
    text = "\n".join(texts)
    cjk = letters = 0
    if _COUNTED_CHARACTER.search(text):  # one pass; none in English, Arabic, Russian...
        cjk = len(_CJK_CHARACTER.findall(text))
        letters = len(_SOUTHEAST_ASIAN_CHARACTER.findall(text))
        text = _SOUTHEAST_ASIAN_CHARACTER.sub(" ", _CJK_CHARACTER.sub(" ", text))
    words = len(_WORD.findall(text))
    language_rate = CHARACTERS_PER_MINUTE.get(lang.split("-")[0].lower(), _CJK_CHARACTERS_PER_MINUTE)
    cjk_rate = characters_per_minute or language_rate
    minutes = words / words_per_minute + cjk / cjk_rate + letters / (characters_per_minute or _LETTERS_PER_MINUTE)
    return max(1, math.ceil(minutes))
