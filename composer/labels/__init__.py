"""The email's own words ("Read more", "Unsubscribe"…) in the issue's language.

Each language composer knows has a file here, ``<language>.yaml``, with every key of models.Labels
and ``read_time`` per CLDR plural category; a language written in two scripts has a file for the
other one too, ``<language>-<Script>.yaml`` (zh-Hant: the traditional characters of zh-TW and
zh-HK, which CLDR infers from the region). An issue's words come, key by key (and read_time
category by category), from publication.yaml's ``labels:``, else the file of the language in its
script, else the language's file, else English.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import dates
from ..models import Labels, ReadTime

FOLDER = Path(__file__).parent


def languages() -> list[str]:
    """The languages (and scripts) with a file of their own: ["ar", "de", "en", …, "zh", "zh-Hant"]."""
    return sorted(path.stem for path in FOLDER.glob("*.yaml"))


@lru_cache(maxsize=32)
def built_in(language: str) -> Labels | None:
    """The words of ``language``'s file (validated as a publication's are), or None without one."""
    path = FOLDER / f"{language}.yaml"
    if not path.is_file():
        return None
    return Labels.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def for_language(given: Labels, lang: str) -> Labels:
    """``given`` (publication.yaml's labels) completed from the language's file, then English's."""
    base = dates.base_language(lang)
    in_its_script = built_in(f"{base}-{script}") if base != "en" and (script := dates.locale(lang).script) else None
    layers = [layer for layer in (built_in("en"), built_in(base), in_its_script, given) if layer]
    words: dict[str, Any] = {}
    read_time: dict[str, str] = {}
    for layer in layers:
        words.update({key: getattr(layer, key) for key in layer.model_fields_set if key != "read_time"})
        if layer.read_time is not None:
            read_time.update({key: getattr(layer.read_time, key) for key in layer.read_time.model_fields_set})
    # Built from values already validated (publication.yaml's, the files'): no need to validate again.
    return Labels.model_construct(None, **words, read_time=ReadTime.model_construct(None, **read_time))


def read_time_line(labels: Labels, lang: str, minutes: int) -> str:
    """ "Read time Approx. 3 minutes" in ``labels`` (from for_language), by ``lang``'s plural rules."""
    if minutes == 1 and labels.read_time_one:  # an older publication.yaml's own words for one minute
        return labels.read_time_one
    texts = labels.read_time
    assert texts is not None and texts.other is not None  # English gives every category it uses
    pattern: str = getattr(texts, plural_category(lang, minutes)) or texts.other
    return pattern.format(minutes=minutes)


def plural_category(lang: str, number: int) -> str:
    """CLDR's plural category of a whole ``number`` in ``lang``: zero, one, two, few, many or other."""
    if dates.base_language(lang) == "en":  # spares an English issue Babel's locale data
        return "one" if number == 1 else "other"
    return str(dates.locale(lang).plural_form(number))
