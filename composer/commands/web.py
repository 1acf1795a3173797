"""What the commands that talk to the web share (compose push, compose check --links).

Only the standard library here: reading it must not load httpx, which those commands import themselves.
"""

from __future__ import annotations

import email.utils
import time


def retry_after(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (seconds, or an HTTP date; 0 for a date gone by);
    ``default`` without one, or with one no server should send."""
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        return max(0.0, when.timestamp() - time.time())
    return default
