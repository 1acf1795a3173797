"""`compose check --links`: whether every link and picture of the email leads somewhere, each
finding at the line and column of the YAML where its address was typed.

The addresses are the composed email's own (every <a href> and <img src>, so summary, stories,
pictures, recommended reads, calls to action, notice, footer and logo alike). Asked: every http(s)
address, loopback and private ones too. Looked at for form only: mailto:. Skipped: merge tags
and addresses holding one, # anchors, and the links the mailing service or the archive fills in
(unsubscribe tags, the web version, which is published only when the issue is sent).

ask.py asks (and is the only module to import httpx), pixels.py reads a picture's size from its
first bytes, cache.py remembers fine answers a day, rules.py says what each answer means.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...core import esp
from ...core.pipeline import Composed
from ...core.places import Places
from ...errors import ComposerError, Place
from . import cache, rules
from .rules import Found, Level, Target

TIMEOUT_SECONDS = 10.0  # for each request
LONGEST_WAIT_SECONDS = 30.0  # the longest Retry-After honoured: longer, and the link is not verified
BACKOFF_SECONDS = 1.0  # before the one retry of a time-out, a lost connection or a 5xx

Placed = tuple[Level, str, str, Place]  # as check.py's: level, rule, message, where


def _nothing(*_: Any) -> None:
    return None


@dataclass(frozen=True)
class Settings:
    """How `compose check --links` asks: its time-outs and waits, the cache (``use_cache`` False asks
    every address again), ``verify`` the certificates trusted (None: the system's), and whom it
    tells: ``progress(done, total)`` as answers arrive, ``warn`` a cache it cannot use."""

    timeout: float = TIMEOUT_SECONDS
    longest_wait: float = LONGEST_WAIT_SECONDS
    backoff: float = BACKOFF_SECONDS
    use_cache: bool = True
    verify: ssl.SSLContext | None = None
    sleep: Callable[[float], None] = time.sleep
    progress: Callable[[int, int], None] = _nothing
    warn: Callable[[str], None] = _nothing


def targets(composed: Composed, document: Any, places: Places) -> list[Target]:
    """Every address the email carries (``document``: its HTML, parsed by lxml), once each, in order,
    at every place it was typed (the issue as a whole for a template's own)."""
    skipped = {esp.SERVICES[key].unsubscribe for key in esp.SERVICES} | {composed.links.web_version}
    if composed.links.service:
        skipped.add(composed.links.unsubscribe)
    found: dict[tuple[str, bool], Target] = {}
    for element in document.iter("a", "img"):
        image = element.tag == "img"
        # As the editor wrote it: asked without the UTM tags composer added (a check is not a reader's
        # click), and found at its place by that form.
        url = composed.as_written(str(element.get("src" if image else "href") or "").strip())
        if not url or url in skipped or esp.holds_merge_tag(url) or (url, image) in found:
            continue
        if not url.lower().startswith(("http:", "https:", "mailto:")):
            continue  # an anchor (#top), tel:, or an address check's own rules already call no link
        declared = _declared(element) if image else None
        first, *again = places.every(url) or [places.whole]
        found[(url, image)] = Target(url, first, image, declared, tuple(again))
    return list(found.values())


def _declared(image: Any) -> tuple[int, int] | None:
    width, height = (str(image.get(name) or "").strip().removesuffix("px") for name in ("width", "height"))
    return (int(width), int(height)) if width.isdigit() and height.isdigit() else None


def check_links(composed: Composed, document: Any, places: Places, settings: Settings) -> list[Placed]:
    """The findings of every address of the email, each at its place: asked (or remembered from the
    last day) and judged by rules.py."""
    wanted = targets(composed, document, places)
    found: list[Placed] = []
    web = []
    for target in wanted:
        if target.url.lower().startswith("mailto:"):
            found += _placed(target, rules.mailto(target.url))
        else:
            web.append(target)
    answers = _answers([(target.url, target.image) for target in web], settings)
    for target in web:
        judged = rules.findings(target, answers[(target.url, target.image)], settings.timeout, settings.longest_wait)
        found += _placed(target, judged)
    return found


def _placed(target: Target, found: list[Found]) -> list[Placed]:
    """Each finding at every place the address was typed: mended at one, it would still be wrong at the next."""
    return [
        (level, rule, message, place) for place in (target.place, *target.typed_again) for level, rule, message in found
    ]


def _answers(keys: list[tuple[str, bool]], settings: Settings) -> dict[cache.Key, Any]:
    """The answers for ``keys``: the day's fine ones from the cache, the others asked (then cached)."""
    from .ask import Asking, ask_all  # httpx: only when there is something to ask

    path = None
    kept = {}
    try:
        path = cache.folder() / cache.FILE_NAME
        kept = cache.read(path) if settings.use_cache else {}
    except ComposerError as problem:
        settings.warn(str(problem))
    remembered = {key: kept[key] for key in dict.fromkeys(keys) if key in kept}
    wanted = [key for key in dict.fromkeys(keys) if key not in remembered]
    total = len(remembered) + len(wanted)
    asking = Asking(settings.timeout, settings.longest_wait, settings.backoff, settings.verify, settings.sleep)
    asked = ask_all(wanted, asking, lambda done: settings.progress(len(remembered) + done, total)) if wanted else {}
    if path is not None and asked:
        try:
            cache.write(path, asked)
        except ComposerError as problem:
            settings.warn(str(problem))
    return {**remembered, **asked}
