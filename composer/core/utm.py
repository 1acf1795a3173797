"""Counting clicks: UTM tags on the email's links, naming each link's place in the briefing.

With ``utm:`` in publication.yaml, every http(s) link of the email and of its plain text gets
utm_source, utm_medium, utm_campaign and utm_content, its place: ``summary``, ``story-2`` (the
headline, its picture and its "Read more"), ``story-2-body`` (links in story 2's text), ``read-3``,
``cta-1``, ``notice``, ``footer``, ``masthead``. The view (view.py) tags the addresses it hands the
templates, and gives each Markdown text as a TaggedText, whose links the markdown filter tags as it
renders them, in the HTML and in the plain text alike.

A tag is only ever added at the end of the query, before the fragment: the rest of the address
stays byte for byte as the editor wrote it (its parameters, their order and encoding, an IDN host,
percent-escapes). Left exactly as written: every address but http(s) (mailto:, #anchors), one
already carrying any utm_ parameter, one holding a mailing service's merge tag, the unsubscribe and
web-version links, a site under ``exclude:`` (and its subdomains), and one that would grow past
limits.MAX_TAGGED_URL_CHARACTERS. The web archive's pages are built without tags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date as Date
from functools import partial
from urllib.parse import quote, unquote

from ..i18n import dates
from ..limits import MAX_TAGGED_URL_CHARACTERS
from . import esp
from .models import Utm

SUMMARY = "summary"
NOTICE = "notice"
FOOTER = "footer"
MASTHEAD = "masthead"  # the publication's name (or logo) at the top, which links to its site


def story(number: int) -> str:
    """The place of story ``number``'s own links: its headline, its picture, its "Read more"."""
    return f"story-{number}"


def story_body(number: int) -> str:
    """The place of the links in story ``number``'s text."""
    return f"story-{number}-body"


def read(number: int) -> str:
    return f"read-{number}"


def call_to_action(number: int) -> str:
    return f"cta-{number}"


_WEB_LINK = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://")
# A parameter named utm_…, in the query or in the fragment (where single-page sites keep theirs).
_UTM_PARAMETER = re.compile(r"(?:^|[?&;#])utm_", re.IGNORECASE)


def encoded(name: str, value: str) -> str:
    """One parameter, its value percent-encoded whole (a space is %20, a slash %2F)."""
    return f"{name}={quote(value, safe='')}"


def has_utm(url: str) -> bool:
    """Whether ``url`` carries a utm_ parameter already (percent-encoded or not), in its query or fragment."""
    query_and_fragment = url[min((url.find(mark) for mark in "?#" if mark in url), default=len(url)) :]
    return bool(_UTM_PARAMETER.search(unquote(query_and_fragment)))


def with_tags(url: str, tags: str) -> str:
    """``url`` with ``tags`` ("utm_source=…&utm_medium=…", encoded) added at the end of its query,
    before its fragment; the rest as written. Unchanged when it is not an http(s) address, when it
    carries a utm_ parameter already (so tagging twice changes nothing), when it holds a merge tag,
    or when it would grow past MAX_TAGGED_URL_CHARACTERS."""
    if not _WEB_LINK.match(url) or has_utm(url) or esp.holds_merge_tag(url):
        return url
    address, hash_mark, fragment = url.partition("#")
    # No query yet: one starts; a query goes on after an "&", unless its "?" or "&" ends the address already.
    separator = "?" if "?" not in address else "" if address.endswith(("?", "&")) else "&"
    tagged = address + separator + tags + hash_mark + fragment
    return url if len(tagged) > MAX_TAGGED_URL_CHARACTERS else tagged


def host(url: str) -> str:
    """The host of an http(s) ``url``, lower case, without a final dot, in its ASCII (punycode) form
    where it has one: www.example.org, xn--bcher-kva.example."""
    authority = re.split(r"[/?#\\]", url.partition("://")[2], maxsplit=1)[0]
    name = authority.rpartition("@")[2]
    name = name[1 : name.find("]")] if name.startswith("[") else name.partition(":")[0]
    return domain_key(unquote(name))


def domain_key(name: str) -> str:
    """A domain as host() gives it: lower case, no final dot, ASCII where IDNA can spell it."""
    name = name.strip().lower().rstrip(".")
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:  # a label IDNA 2003 refuses (too long, odd characters): compared as typed
        return name


def excluded(url: str, domains: Iterable[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` (given as domain_key() writes them) or under one."""
    name = host(url)
    return any(name == domain or name.endswith("." + domain) for domain in domains)


class Tagger:
    """The tags of one issue, and every address it tagged: ``written`` maps each tagged address back
    to the one the editor wrote, for `compose check` to report and place links as written."""

    def __init__(self, settings: Utm, day: Date, name: str, lang: str, never: Iterable[str | None] = ()) -> None:
        # The campaign as title_pattern fills its placeholders, in the publication's language (``lang``):
        # one language for every issue, so that a report lists an Arabic issue's beside an English one's.
        campaign = dates.fill(settings.campaign, day, name, lang)
        # The no-break spaces and word joiners that hold a date together in a title mean nothing here.
        campaign = campaign.replace(dates.NO_BREAK, " ").replace(dates.WORD_JOINER, "")
        self.tags = "&".join(
            encoded(key, value)
            for key, value in (
                ("utm_source", settings.source),
                ("utm_medium", settings.medium),
                ("utm_campaign", campaign),
            )
        )
        self.exclude = tuple(domain_key(domain) for domain in settings.exclude)
        self.never = frozenset(form for address in never if address for form in (address, unquote(address)))
        self.written: dict[str, str] = {}

    def tag(self, url: str, place: str) -> str:
        """``url`` tagged for ``place`` (utm_content), or as written where it is never tagged."""
        if url in self.never or unquote(url) in self.never or excluded(url, self.exclude):
            return url
        tagged = with_tags(url, f"{self.tags}&{encoded('utm_content', place)}")
        if tagged != url:
            self.written[tagged] = url
        return tagged

    def at(self, place: str) -> Callable[[str], str]:
        """tag() for the links of one place: what a TaggedText carries."""
        return partial(self.tag, place=place)

    def text(self, markdown: str, place: str) -> TaggedText:
        """A Markdown text whose links the markdown filter tags for ``place``."""
        return TaggedText(markdown, self.at(place))


class TaggedText(str):
    """A Markdown text (a summary, a story's body, the notice, the footer) whose links get their
    place's tags when the templates' markdown filter renders it. A str, so that every template, a
    publication's own among them, shows and filters it as the text it is."""

    tag: Callable[[str], str]

    def __new__(cls, text: str, tag: Callable[[str], str]) -> TaggedText:
        made = super().__new__(cls, text)
        made.tag = tag
        return made


def tagger_of(text: object) -> Callable[[str], str] | None:
    """How the links of ``text`` are tagged (a TaggedText's), or None: left as written."""
    return text.tag if isinstance(text, TaggedText) else None
