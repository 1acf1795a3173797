"""What each answer means for the editor: `compose check --links`' findings, one rule each, with
what to change. Levels as `compose check` has them: an error is a link that leads nowhere, a
warning one to look at; a site that would not let composer see (a bot wall) is a warning that says
so, never an error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal
from urllib.parse import unquote, urlsplit

from ...errors import Place
from .answer import HEAVY_BYTES, MAX_REDIRECTS, PERMANENT, Answer

Level = Literal["error", "warning"]
Found = tuple[Level, str, str]  # level, rule, message

PROPORTION_TOLERANCE = 0.02  # 2 %: less than a pixel's difference at an email's sizes
MAX_DECLARED_PIXELS = 2000  # as the width: and height: allow (models.Pixels)
GONE = frozenset({404, 410})
_ADDRESS = re.compile(r"[^@\s<>,;:()\[\]\"]+@[^@\s<>,;:()\[\]\"]+\.[^@\s<>,;:()\[\]\"]+")


@dataclass(frozen=True)
class Target:
    """An address the email carries, where it was typed, and for a picture the size the email gives it."""

    url: str
    place: Place
    image: bool = False
    declared: tuple[int, int] | None = None  # the <img>'s width and height, when it has both
    typed_again: tuple[Place, ...] = ()  # the other places the same address was typed at


def mailto(url: str) -> list[Found]:
    """A mailto: link's form: one or more addresses before any ?subject=, each name@domain.tld."""
    addresses = unquote(url.split(":", 1)[1].split("?", 1)[0])
    wrong = [each.strip() for each in addresses.split(",") if not _ADDRESS.fullmatch(each.strip())]
    if not addresses.strip() or wrong:
        said = f'"{wrong[0]}" is not an e-mail address' if wrong and wrong[0] else "it has no e-mail address"
        return [("error", "link-mailto", f"{url}: {said}: write mailto:name@example.com")]
    return []


def findings(target: Target, answer: Answer, timeout: float, longest_wait: float) -> list[Found]:
    """The findings for one address and what asking it led to."""
    url = target.url
    where = _after_redirects(answer)
    failure = _failure(url, answer, timeout)
    if failure:
        return [failure]
    status = answer.status or 0
    if status in GONE:
        gone = "was removed for good" if status == 410 else "is not there"
        return [
            (
                "error",
                "link-broken",
                f"{url}{where} answers {_said(status)}: the page {gone}; find where it is now (search the site for "
                "its title) and put that address here, or remove the link",
            )
        ]
    if 500 <= status < 600:
        return [
            (
                "warning",
                "link-server-error",
                f"{url}{where} answers {_said(status)}, and again when asked a second time: the site may be down for "
                "a while; open it in a browser before sending, and check again later",
            )
        ]
    if status >= 400 or status < 200:
        return [("warning", "link-unverified", _unverified(url, where, answer, longest_wait))]
    found = _moved(url, answer)
    if target.image:
        found += _picture(target, answer)
    return found


def _after_redirects(answer: Answer) -> str:
    return f" (redirected to {answer.hops[-1][2]})" if answer.hops else ""


def _said(status: int) -> str:
    """``404 Not Found``: the status and its standard name (999 and the like have none)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _failure(url: str, answer: Answer, timeout: float) -> Found | None:
    """A request that never got to an answer: the address's fault (an error) or perhaps the moment's (a warning)."""
    last = answer.hops[-1][2] if answer.hops else url
    host = _host(last)
    where = _after_redirects(answer)
    match answer.failure:
        case None:
            return None
        case "host-unknown":
            return (
                "error",
                "link-host-unknown",
                f"{url}{where}: no website is called {host}: look for a typo in it, or copy the address again "
                "from the page itself",
            )
        case "refused":
            return (
                "error",
                "link-refused",
                f"{url}{where}: {host} refused the connection (nothing answers at that address): check the address, "
                "or whether the site has moved",
            )
        case "tls":
            return (
                "error",
                "link-tls",
                f"{url}{where}: the secure connection to {host} failed (its certificate is not valid for it, has "
                "expired, or its encryption is refused), so readers' browsers will warn them off: link to another "
                "page, or tell the site",
            )
        case "loop":
            circle = " → ".join([*(origin for _, origin, _ in answer.hops), answer.hops[-1][2]])
            return (
                "error",
                "link-redirect-loop",
                f"{url} redirects in a circle and never arrives at a page ({circle}): open it in a browser and put "
                "the address of the page it should show here",
            )
        case "too-many-redirects":
            return (
                "error",
                "link-redirect-loop",
                f"{url} redirects more than {MAX_REDIRECTS} times without arriving at a page (browsers give up "
                "too): open it in a browser and put the address of the page it should show here",
            )
        case "not-web":
            return (
                "warning",
                "link-unverified",
                f"{url} redirects to {last}, which is not a web page: make sure it leads where its words say",
            )
        case "invalid":
            return (
                "warning",
                "link-unverified",
                f"{url}{where}: could not be verified: it leads to an address no browser can open: open it in a "
                "browser before sending to make sure readers see the page",
            )
        case "timeout":
            return (
                "warning",
                "link-timeout",
                f"{url}{where}: {host} did not answer within {timeout:g} seconds, twice: the site may be down for a "
                "while; open it in a browser before sending, and check again later",
            )
        case _:
            return (
                "warning",
                "link-unverified",
                f"{url}{where}: the connection to {host} broke off before it answered, twice: open it in a browser "
                "before sending, and check again later",
            )


def _unverified(url: str, where: str, answer: Answer, longest_wait: float) -> str:
    """Why a site's answer says nothing of the page itself: it refuses programs, or asks them to wait."""
    status = answer.status or 0
    said = f"{url}{where}: could not be verified: {_host(url)} answers {_said(status)}"
    if status == 429:
        seconds = answer.retry_after or 0.0
        if seconds > longest_wait:
            why = f"and asks to wait {seconds:g} seconds, longer than composer waits ({longest_wait:g})"
        else:
            why = f"again after waiting {seconds:g} seconds as it asked"
        return f"{said} {why}: open it in a browser before sending"
    if status in (401, 403, 999):
        return (
            f"{said}, as many sites do to programs (a login, a paywall or a wall against robots): open it in a "
            "browser before sending to make sure readers see the page"
        )
    return f"{said}, which is not a page: open it in a browser before sending to make sure readers see the page"


def _upgrade(origin: str, target: str) -> bool:
    """http://host/page to https://host/page (the same host): the site's own move to https, fine."""
    before, after = urlsplit(origin), urlsplit(target)
    return (
        before.scheme.lower() == "http"
        and after.scheme.lower() == "https"
        and (before.hostname or "").lower() == (after.hostname or "").lower()
    )


def _moved(url: str, answer: Answer) -> list[Found]:
    """A permanent redirect (301, 308) at the start of the way: the address to put instead is where the
    permanent redirects lead. A temporary one (302, 303, 307) is the site's business: fine."""
    final, moved = None, False
    for status, origin, target in answer.hops:
        if status not in PERMANENT:
            break
        final = target
        moved = moved or not _upgrade(origin, target)
    if not moved or final is None:
        return []
    return [
        (
            "warning",
            "link-moved",
            f"{url} has moved for good ({_said(answer.hops[0][0])}) to {final}: put {final} in its place",
        )
    ]


def _picture(target: Target, answer: Answer) -> list[Found]:
    """A picture must be one, in the proportions the email gives it, and light enough for a phone."""
    url = target.url
    kind = (answer.content_type or "").split(";")[0].strip().lower()
    if not kind.startswith("image/"):
        served = f"a {kind} file" if kind else "something of no declared type"
        if kind in ("text/html", "application/xhtml+xml"):
            served = "a web page"
        return [
            (
                "error",
                "image-not-image",
                f"{url} is not a picture: it serves {served}, so the email shows a broken image: put the address "
                "of the picture file itself (in a browser, right-click the picture and copy the image address)",
            )
        ]
    found: list[Found] = []
    if answer.pixels:
        found += _proportions(target, answer.pixels)
    if answer.size is not None and answer.size > HEAVY_BYTES:
        found.append(
            (
                "warning",
                "image-heavy",
                f"{url} is {answer.size / 1024 / 1024:.1f} MB, slow to load on a phone: save it smaller, under 1 MB "
                "(1200 pixels wide is enough for an email, and JPEG at 80 % quality for a photo)",
            )
        )
    return found


def _proportions(target: Target, pixels: tuple[int, int]) -> list[Found]:
    width, height = pixels
    if width <= 0 or height <= 0:
        return []
    suggested = _within_limits(width, height)
    give = f"width: {suggested[0]} and height: {suggested[1]}"
    if target.declared is None:
        return [
            (
                "warning",
                "image-real-size",
                f"{target.url} is {width}×{height} pixels, and the issue gives no size: give {give} (the image's "
                "own) so that mail clients keep its place while it loads",
            )
        ]
    shown_width, shown_height = target.declared
    if shown_width <= 0 or shown_height <= 0:
        return []
    real, shown = width / height, shown_width / shown_height
    if abs(shown - real) / real <= PROPORTION_TOLERANCE:
        return []
    return [
        (
            "warning",
            "image-proportions",
            f"{target.url} is {width}×{height} pixels, but the email shows it {shown_width}×{shown_height}, in "
            f"other proportions, so it looks squashed: give {give} (the image's own) in its place",
        )
    ]


def _within_limits(width: int, height: int) -> tuple[int, int]:
    """The picture's size, scaled down into what the issue's width: and height: accept."""
    scale = min(1.0, MAX_DECLARED_PIXELS / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))
