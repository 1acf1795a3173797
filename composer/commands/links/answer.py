"""What asking an address led to, as plain data: the cache keeps it as JSON, rules.py judges it.
Apart from ask.py, so that reading the cache needs no httpx."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_REDIRECTS = 10
HEAVY_BYTES = 1024 * 1024  # a picture over this is slow on a phone's connection
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})


@dataclass
class Answer:
    """What one address led to: the last answer's status (None when none came: ``failure`` says why),
    the redirects on the way as (status, from, to), and for a picture its type, bytes and pixels.
    Kept as JSON in the cache, so plain values only."""

    status: int | None = None
    failure: str | None = None  # host-unknown, refused, tls, timeout, broken, loop, too-many-redirects,
    # not-web (redirected to another scheme), invalid (to an address that is none)
    hops: list[tuple[int, str, str]] = field(default_factory=list)
    retry_after: float | None = None  # a 429's wait, in seconds, when it was asked
    content_type: str | None = None
    size: int | None = None  # bytes: Content-Length, or counted up to HEAVY_BYTES and one
    pixels: tuple[int, int] | None = None

    def fine(self, image: bool) -> bool:
        """Reached a page (or, for a picture, an image) with no permanent redirect on the way: nothing
        to change, worth remembering a day. (A picture's size and weight are remembered with it.)"""
        reached = self.failure is None and self.status is not None and 200 <= self.status < 300
        kind = (self.content_type or "").lower().strip()
        return (
            reached and all(hop[0] not in PERMANENT for hop in self.hops) and (not image or kind.startswith("image/"))
        )
