"""An issue's web address: its page in the web archive, and so the email's "view in your browser".

Its own module because both the email (view.py) and the archive (archive.py) need it, and the
address must be the same in both.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date as Date
from pathlib import Path


def issue_address(day: Date, source: Path) -> str:
    """The issue's folder in the archive, relative and ending in '/': '2017/11/09/'.

    A file named after its date (2017-11-09.yaml) gets the day's folder; any other name is added
    to the day, so two issues of one date never share an address: 2017-11-09-2.yaml ->
    2017/11/09-2/, evening.yaml -> 2017/11/09-evening/. The address depends on the issue alone,
    so the email's link (composed on its own) is the archive's, and it never moves when another
    issue of the same day is added.
    """
    iso = day.isoformat()
    rest = source.stem[len(iso) :] if source.stem.startswith(iso) else source.stem
    suffix = _slug(rest)
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}{'-' + suffix if suffix else ''}/"


def issue_url(publication_url: str, day: Date, source: Path) -> str:
    """The issue's page on the web: the publication's URL plus the issue's address."""
    return f"{publication_url.rstrip('/')}/{issue_address(day, source)}"


def _slug(text: str) -> str:
    """Letters and digits of ``text`` for a URL: 'Évening Edition' -> 'evening-edition'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if slug or not text.strip("-_ ."):
        return slug
    # Nothing left of a name in another script: a short fingerprint keeps the address distinct.
    # A file name that is not UTF-8 holds its bytes as surrogates (os.fsdecode): hashed as those bytes.
    return hashlib.sha1(text.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()[:8]
