"""The email's own words ("Read more", "Unsubscribe"…) in the issue's language.

Each language composer knows has a file here, ``<language>.yaml``, with every key of Labels (the
model of these words, defined here: publication.yaml's ``labels:`` is one too) and ``read_time``
per CLDR plural category; a language written in two scripts has a file for the
other one too, ``<language>-<Script>.yaml`` (zh-Hant: the traditional characters of zh-TW and
zh-HK, which CLDR infers from the region). An issue's words come, key by key (and read_time
category by category), from publication.yaml's ``labels:`` (a text for every language, or the one
given for the issue's language), else the file of the language in its script, else the language's
file, else English (publication.yaml's English words first).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BeforeValidator, Discriminator, Tag

from ...package import PACKAGE_FOLDER
from .. import dates
from ..languages import pick, primary
from ..texts import KnownLanguage, PerLanguage, Strict, Text, one_language_at_least

FOLDER = PACKAGE_FOLDER / "i18n" / "labels"


def _label(**samples: object) -> AfterValidator:
    """Checks a label's {placeholders} against ``samples``, its only ones."""
    return AfterValidator(lambda text: dates.check_pattern(text, samples))


MinutesLabel = Annotated[Text, _label(minutes=3)]


class ReadTime(Strict):
    """ "Read time: about {minutes} minutes" for each CLDR plural category the language uses (English:
    one, other; Russian: one, few, many, other); a category not given takes ``other``."""

    zero: MinutesLabel | None = None
    one: MinutesLabel | None = None
    two: MinutesLabel | None = None
    few: MinutesLabel | None = None
    many: MinutesLabel | None = None
    other: MinutesLabel | None = None


PLURAL_CATEGORIES = frozenset(ReadTime.model_fields)


def _one_text_for_every_number(value: Any) -> Any:
    # read_time as one text, as publication.yaml had it before plural forms: the "other" category.
    if isinstance(value, str):
        dates.check_pattern(value, {"minutes": 3})  # its problem at read_time itself, not read_time.other
        return {"other": value}
    return value


def _categories_or_per_language(value: Any) -> str:
    # read_time is a mapping itself, by plural category ({one: …, other: …}); one by language names none.
    if isinstance(value, dict) and not PLURAL_CATEGORIES & set(value):
        return "per_language"
    return "every_language"


ReadTimes = Annotated[ReadTime, BeforeValidator(_one_text_for_every_number)]
# read_time for every language, or per language: `read_time: {en: {one: …, other: …}, he: {…}}`.
PerLanguageReadTime = Annotated[
    Annotated[ReadTimes, Tag("every_language")] | Annotated[dict[KnownLanguage, ReadTimes], Tag("per_language")],
    Discriminator(_categories_or_per_language),
    BeforeValidator(one_language_at_least),
]


class Labels(Strict):
    """The email's own words around the editor's. A key not given comes from the language's file
    (composer/i18n/labels/), else from English: see labels.for_language. In publication.yaml each key
    takes one text for every language, or one per language (`unsubscribe: {en: …, he: …}`)."""

    published: PerLanguage[Annotated[Text, _label(date="Nov. 9, 2017")]] | None = None
    read_time: PerLanguageReadTime | None = None
    read_time_one: Annotated[Text, _label(minutes=1)] | None = None  # before plural forms: for exactly one minute
    read_more: PerLanguage[Text] | None = None
    read_more_at: PerLanguage[Annotated[Text, _label(source="AP")]] | None = None
    source: PerLanguage[Annotated[Text, _label(source="AP")]] | None = None  # a story's source without url:
    photo_credit: PerLanguage[Annotated[Text, _label(credit="AP")]] | None = None
    image: PerLanguage[Annotated[Text, _label(alt="A street")]] | None = None  # the plain text's [Image: {alt}]
    in_this_issue: PerLanguage[Text] | None = None
    recommended_reads: PerLanguage[Text] | None = None
    unsubscribe: PerLanguage[Text] | None = None
    web_version: PerLanguage[Text] | None = None
    # A label and what follows it, in the plain text ("Unsubscribe: https://…") and the default title:
    # French puts a no-break space before the colon, Chinese and Japanese a full-width one.
    colon: PerLanguage[Annotated[Text, AfterValidator(dates.check_colon)]] | None = None
    # The web archive's own words (compose archive).
    previous_issue: PerLanguage[Text] | None = None
    next_issue: PerLanguage[Text] | None = None
    all_issues: PerLanguage[Text] | None = None
    feed: PerLanguage[Text] | None = None


def languages() -> list[str]:
    """The languages (and scripts) with a file of their own: ["ar", "de", "en", …, "zh", "zh-Hant"]."""
    return sorted(path.stem for path in FOLDER.glob("*.yaml"))


@lru_cache(maxsize=32)
def built_in(language: str) -> Labels | None:
    """The words of ``language``'s file (validated as a publication's are), or None without one."""
    path = FOLDER / f"{language}.yaml"
    if not path.is_file():
        return None
    # libyaml (CSafeLoader), as source.py reads issues: the same data, five times faster than Python's
    return Labels.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))


def for_language(given: Labels, lang: str) -> Labels:
    """``given`` (publication.yaml's labels) completed from the language's file, then English's.

    A key given per language counts for the languages it names (``languages.pick``'s matching: he-IL
    takes he's); for another language it leaves the key to that language's file, else to English,
    where the publication's own English words (`en: …`) come first. read_time is taken whole from
    the words of the issue's language when they give its ``other``: a Swedish read_time given as
    one text is not mixed with English's words for one minute.
    """
    words, read_time_words, _ = _chosen_words(given, lang, "")
    # Built from values already validated (publication.yaml's, the files'): no need to validate again.
    return Labels.model_construct(None, **words, read_time=ReadTime.model_construct(None, **read_time_words))


def languages_of(given: Labels, lang: str, own: str) -> dict[str, str]:
    """The language each word for_language(given, lang) gives is in, by key (read_time by category,
    "read_time.few"): a file's own language; for publication.yaml's labels, the tag a text is given
    for, and ``own`` (the publication's lang) for one given once, as its other texts given once are."""
    return _chosen_words(given, lang, own)[2]


_Words = tuple[dict[str, Any], dict[str, str], dict[str, str]]


def _chosen_words(given: Labels, lang: str, own: str) -> _Words:
    """for_language's words and read_time categories, with the language each is in (languages_of)."""
    base = dates.base_language(lang)
    in_its_script = built_in(f"{base}-{script}") if base != "en" and (script := dates.locale(lang).script) else None
    english = [_words(built_in("en"), "en"), _words(given, "en", own)] if base != "en" else []
    mine = [_words(built_in(base), lang), _words(in_its_script, lang), _words(given, lang, own)]
    words = {key: text for layer_words, _, _ in english + mine for key, text in layer_words.items()}
    read_time_words = {category: text for _, read_time, _ in english + mine for category, text in read_time.items()}
    in_the_language = {category: text for _, read_time, _ in mine for category, text in read_time.items()}
    read_time_layers = mine if "other" in in_the_language else english + mine
    if "other" in in_the_language:
        read_time_words = in_the_language
    tags = {key: tag for _, _, layer_tags in english + mine for key, tag in layer_tags.items() if "." not in key}
    tags |= {key: tag for _, _, layer_tags in read_time_layers for key, tag in layer_tags.items() if "." in key}
    return words, read_time_words, tags


def _words(layer: Labels | None, lang: str, once_in: str | None = None) -> _Words:
    """The words ``layer`` gives ``lang`` (each key given once, or per language naming it), its
    read_time by plural category, and the language of each (read_time's as "read_time.one"…): the
    tag it is given for, else ``once_in`` (a file's words: ``lang``'s)."""
    if layer is None:
        return {}, {}, {}
    words: dict[str, Any] = {}
    tags: dict[str, str] = {}
    read_time: ReadTime | None = None
    read_time_tag = ""
    for key in layer.model_fields_set:
        value, tag = getattr(layer, key), once_in or lang
        if isinstance(value, dict):
            value, tag = pick(value, lang, lang)
            if primary(tag) != primary(lang):
                continue  # given for other languages only
        if key == "read_time":
            read_time, read_time_tag = value, tag
        elif value is not None:
            words[key], tags[key] = value, tag
    categories = {key: getattr(read_time, key) for key in read_time.model_fields_set} if read_time else {}
    tags.update({f"read_time.{category}": read_time_tag for category in categories})
    return words, categories, tags


def missing(given: Labels, lang: str) -> list[str]:
    """The words a ``lang`` issue would show in English: those neither a file of its own (composer/i18n/labels/)
    nor publication.yaml's labels give it. read_time is named with the plural categories it takes
    ("read_time (one, other)"). Empty for English and every language with a file; ``colon``, punctuation
    alone, is never asked for."""
    if dates.base_language(lang) == "en" or built_in(dates.base_language(lang)) is not None:
        return []
    words, read_time, _ = _words(given, lang)
    if read_time:
        words["read_time"] = read_time
    keys = [key for key in Labels.model_fields if key not in ("colon", "read_time_one", *words)]
    if "read_time" in keys:
        categories = [category for category in ReadTime.model_fields if category in plural_categories(lang)]
        keys[keys.index("read_time")] = f"read_time ({', '.join(categories)})"
    return keys


def plural_categories(lang: str) -> set[str]:
    """The CLDR plural categories ``lang`` uses, ``other`` always among them."""
    return {*dates.locale(lang).plural_form.tags, "other"}


def read_time_line(labels: Labels, lang: str, minutes: int) -> str:
    """ "Read time: about 3 minutes" in ``labels`` (from for_language), by ``lang``'s plural rules."""
    key = read_time_key(labels, lang, minutes)
    if key == "read_time_one":  # a pattern, checked as read_time's are
        return str(labels.read_time_one).format(minutes=minutes)
    pattern: str = getattr(labels.read_time, key.removeprefix("read_time."))
    return pattern.format(minutes=minutes)


def read_time_key(labels: Labels, lang: str, minutes: int) -> str:
    """Which words read_time_line takes, as languages_of names them: "read_time_one" (an older
    publication.yaml's own words for one minute), else "read_time." and the plural category used."""
    if minutes == 1 and labels.read_time_one:
        return "read_time_one"
    texts = labels.read_time
    assert isinstance(texts, ReadTime) and texts.other is not None  # for_language's; English gives every category
    category = plural_category(lang, minutes)
    return f"read_time.{category if getattr(texts, category) else 'other'}"


def plural_category(lang: str, number: int) -> str:
    """CLDR's plural category of a whole ``number`` in ``lang``: zero, one, two, few, many or other."""
    if dates.base_language(lang) == "en":  # spares an English issue Babel's locale data
        return "one" if number == 1 else "other"
    return str(dates.locale(lang).plural_form(number))
