"""`compose check`: what a careful editor (or a preflight linter) looks at before sending.

check() reads a composed email and returns findings; it prints nothing and touches no file.
Each finding is one line, ``path: level: rule: message``, whose rule name stays stable for
scripts (``--format json`` gives the same fields as a dict, with the place as data too: file,
line and column).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

import lxml.html  # lxml ships no type hints (see [tool.mypy] in pyproject.toml); premailer installs it

from ..core import esp
from ..core.colours import contrast_ratio, hex_colour, luminance, rgb
from ..core.folders import shown_path
from ..core.models import PUSH_SETTINGS, Publication
from ..core.pipeline import GMAIL_CLIP_BYTES, Composed, compose
from ..core.places import Places, strings
from ..core.render import DEFAULT_OPTIONS, RenderOptions
from ..core.source import Document, Key, field_name
from ..core.view import PREHEADER_LENGTH
from ..errors import ComposerError, NoIssues, Place, Problem, TemplateProblem
from ..i18n import dates, labels, languages
from ..i18n.counting import count
from .schema import Kind, modeline

if TYPE_CHECKING:
    from .links import Settings as LinkSettings

Level = Literal["error", "warning"]
ERROR: Level = "error"
WARNING: Level = "warning"

GMAIL_WARNING_BYTES = 90 * 1024  # close enough to Gmail's limit that a service's tracking links may tip it over
SUBJECT_LENGTH = (10, 78)  # shorter says little; longer is cut in most inboxes
WCAG_AA = 4.5  # minimum contrast ratio for normal-size text (WCAG 2.x, 1.4.3)

# Every tag a mailing service fills in: as an href it is a link, not a typo.
MERGE_TAGS = frozenset(
    tag
    for service in esp.SERVICES.values()
    for tag in (service.unsubscribe, service.web_version, service.address_html, service.address_text)
    if tag
)
_FINE_SCHEMES = ("https:", "mailto:", "tel:")
# Link texts that say nothing of where they lead once read out of context (screen readers list links).
_VAGUE_TEXTS = frozenset(
    {
        "here",
        "click here",
        "tap here",
        "click",
        "tap",
        "read more here",
        "learn more here",
        "more here",
        "see here",
        "go here",
        "find out more here",
        "click this link",
        "this link",
        "link",
        "this",
        "this page",
    }
)


@dataclass(frozen=True)
class _TagFamily:
    """Merge tags of one syntax: the services that fill them in, in words and as esp.SERVICES keys."""

    pattern: str
    who: str
    services: tuple[str, ...]  # empty: a service composer cannot be told it sends with


# Merge tags an editor may type, tried in this order at each place (`{{{` before `{{`, `{%` before `%`).
_TAG_FAMILIES = (
    # *|FNAME|*, *|DATE:F j, Y|*: an upper-case name, so "**|bold|**" is not one; \* as Markdown escapes it.
    _TagFamily(r"\\?\*\|[A-Z][A-Z0-9_]{0,60}(?::[^|\n]{0,100}?)?\|\\?\*", "Mailchimp", ("mailchimp",)),
    _TagFamily(r"\{\{\{\s*[^{}\s][^{}\n]{0,100}\}\}\}", "SendGrid", ("sendgrid",)),
    _TagFamily(
        r"\{\{\s*[^{}\s][^{}\n]{0,100}\}\}", "Buttondown, SendGrid or listmonk", ("buttondown", "sendgrid", "listmonk")
    ),
    _TagFamily(r"\{%-?\s*[A-Za-z][^\n]{0,100}?%\}", "Buttondown", ("buttondown",)),
    # Not a percent-encoded byte (%C3%A9 in a URL), nor a percentage ("50% off"): %ACCOUNT% goes unseen.
    _TagFamily(r"%(?![0-9A-Fa-f]{2})[A-Za-z][\w.-]{1,60}%", "Mailgun", ("mailgun",)),
    _TagFamily(r"\{\$[A-Za-z][^{}\n]{0,100}\}", "MailerLite", ()),
    _TagFamily(r"\[\[[A-Za-z][^\[\]\n]{0,100}\]\](?!\()", "Constant Contact", ()),  # not [[Reuters]](url)
)
_MERGE_TAG = re.compile("|".join(f"(?P<family{index}>{family.pattern})" for index, family in enumerate(_TAG_FAMILIES)))
# The sample's address, "1 Example Street", and the like: no one receives mail at an example.
_EXAMPLE_ADDRESS = re.compile(r"\bexample\b", re.IGNORECASE)
_CLICK_HERE = re.compile(r"^(?:please\s+)?(?:click|tap)\s+here\b")
# One brand colour on another, in words an editor knows from the email, and the colour to change.
_COLOUR_PAIRS = (
    ("text", "paper", "the text"),
    ("muted", "paper", "the date line and captions"),
    ("muted", "background", "the notice and the footer"),
    ("accent", "paper", "links"),
    ("button_text", "accent", "button labels"),
)


@dataclass(frozen=True)
class Finding:
    """One thing an editor should look at before sending, found in ``file`` at ``line`` and ``column``
    (both 0 when it is about the whole file, or the email as a whole)."""

    file: str
    level: Level
    rule: str  # short, kebab-case and stable: scripts filter on it
    message: str
    line: int = 0
    column: int = 0

    @classmethod
    def at(cls, place: Place, level: Level, rule: str, message: str) -> Finding:
        return cls(place.file, level, rule, message, place.line, place.column)

    @property
    def place(self) -> Place:
        return Place(self.file, self.line, self.column)

    @property
    def path(self) -> str:
        """``file:line:column``, or the file alone: where the finding is, as one text."""
        return str(self.place)

    def __str__(self) -> str:
        return f"{self.path}: {self.level}: {self.rule}: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        """check's JSON: the place as one text (``path``, as printed) and as data, then the rest."""
        place: dict[str, str | int] = {"path": self.path, "file": self.file, "line": self.line, "column": self.column}
        return {**place, "level": self.level, "rule": self.rule, "message": self.message}


def gate(composed: Composed, nothing_done: str, refusal: type[ComposerError]) -> list[Finding]:
    """check() before an issue leaves composer (a test send, a push): an error stops it, raised as
    ``refusal`` with each error worded as `compose check` words it, then ``nothing_done``; the
    warnings are returned, to be shown first. The gate is about the email as the list will get it."""
    findings = check(composed)
    errors = [finding for finding in findings if finding.level == ERROR]
    if errors:
        problems = [
            Problem(finding.file, finding.line, finding.column, "", f"{ERROR}: {finding.rule}: {finding.message}")
            for finding in errors
        ]
        closing = Problem.whole_file(
            str(composed.source), f"{nothing_done}: mend the errors above first (see compose check)"
        )
        raise refusal([*problems, closing])
    return [finding for finding in findings if finding.level == WARNING]


def check(composed: Composed, link_settings: LinkSettings | None = None) -> list[Finding]:
    """Every finding for one composed email: errors first, then by rule (in the email's order within one).
    With ``link_settings``, whether each link and picture leads somewhere too (`compose check --links`)."""
    document = lxml.html.document_fromstring(composed.html)
    sent = [
        _Link(str(anchor.get("href")), _words(anchor.text_content()), _links_to_the_story(anchor))
        for anchor in document.iter("a")
        if anchor.get("href") is not None  # an <a> without href is an anchor, not a link
    ]
    # Each link as the editor wrote it, without the UTM tags composer added (utm: in publication.yaml):
    # so it is named, and found at its line, as typed. The plain text is compared with the links as sent.
    links = [_Link(composed.as_written(link.href), link.text, link.to_the_story) for link in sent]
    path = shown_path(composed.source)  # as load shows files: relative to here, when inside it
    read_more = labels.for_language(composed.loaded.publication.labels, composed.loaded.lang).read_more
    places = Places(composed.loaded, path)
    found = [
        *_at(path, _size(composed)),
        *_link_addresses(links, {str(name) for name in document.xpath("//@id")}, places),
        *_same_url_different_text(links, str(read_more), places),
        *_vague_link_texts(links, places),
        *_unsubscribe(composed, links, places),
        *_postal_address(composed, places),
        *_sender(composed, places),
        *_images(document, places),
        *_at(path, _quote_style(document)),
        *_subject(composed, places),
        *_preheader(composed, document, places),
        *_contrast(composed, places),
        *_at(path, _text_missing_links(composed, sent)),
    ]
    if link_settings is not None:  # asks the web: only when told to
        from .links import check_links

        asked = check_links(composed, document, places, link_settings)
        # A picture with no size: the size it really has says more than that it has none, at one place.
        measured = {where for _, rule, _, where in asked if rule == "image-real-size"}
        found = [
            (level, rule, message, where)
            for level, rule, message, where in found
            if not (rule == "image-size" and where in measured)
        ] + asked
    findings = [Finding.at(where, level, rule, message) for level, rule, message, where in _unique(found)]
    findings += _merge_tags_typed(composed, places)  # each at its own line: not through _unique
    findings += _bare_addresses(composed, places)
    findings += [_yaml_warning(warning) for warning in composed.loaded.warnings]
    findings += _stale_schemas(composed, places)
    findings += _labels_missing(composed, places)
    findings += _sources_without_links(composed, places)
    findings += _push_setting_missing(composed, places)
    return sorted(findings, key=lambda finding: (finding.level != ERROR, finding.rule))


def _yaml_warning(warning: Problem) -> Finding:
    """A file that validates but may not say what was meant, at its place: a file named after another
    day than its date. (A ' #' cutting a text short, once a warning here, is an error: source.py.)"""
    message = f"{warning.field}: {warning.message}" if warning.field else warning.message
    rule = "date-unlike-file-name"
    return Finding.at(warning.place, WARNING, rule, message)


def _stale_schemas(composed: Composed, places: Places) -> list[Finding]:
    """The schema file the issue's or publication.yaml's first line names for the editor, when it is
    missing or another composer's, at that line, with the command that writes it anew."""
    files: tuple[tuple[Path, Document | None, Kind], ...] = (
        (composed.loaded.path, places.issue, "issue"),
        (composed.loaded.publication_path, places.publication, "publication"),
    )
    top = composed.loaded.publication_path.parent  # no command writes outside the publication's folder
    stale = [modeline.stale_schema(path, document, kind, top) for path, document, kind in files if document]
    return [Finding.at(found.where, WARNING, found.rule, found.message) for found in stale if found]


def push_setting_missing(publication: Publication) -> str | None:
    """Why `compose push` cannot make a draft in the service publication.yaml's esp: names, when its
    block of settings (models.PUSH_SETTINGS) is missing; None when it has what it needs."""
    service = publication.esp
    settings = PUSH_SETTINGS.get(service or "")
    if service is None or settings is None or getattr(publication, service, None) is not None:
        return None
    keys = ", ".join(f"{name}:" for name, field in settings.model_fields.items() if field.is_required())
    return (
        f"esp: {service}, but publication.yaml has no {service}: settings, which compose push needs to make "
        f"the draft: add {service}: with {keys} (see README, Push to your mailing service)"
    )


def _push_setting_missing(composed: Composed, places: Places) -> list[Finding]:
    """At the line of esp:, the settings compose push needs for that service and publication.yaml lacks."""
    message = push_setting_missing(composed.loaded.publication)
    if message is None:
        return []
    where = places.at(places.publication, "esp") or Place(shown_path(composed.loaded.publication_path))
    return [Finding.at(where, WARNING, "push-setting-missing", message)]


def _labels_missing(composed: Composed, places: Places) -> list[Finding]:
    """An issue in a language composer has no words for (no composer/i18n/labels/<lang>.yaml) shows English
    ones ("Read more", "Unsubscribe") among its own, unless publication.yaml's labels give them for it."""
    publication = composed.loaded.publication
    lang = composed.loaded.lang
    keys = labels.missing(publication.labels, lang)
    if not keys:
        return []
    tag = dates.base_language(lang)
    name = dates.locale(lang).english_name if dates.locale(lang).language == tag else None
    language = f"{name} ({tag})" if name else tag
    document = places.publication
    given = document.keys.get(("labels",)) if document else None
    where = Place(document.path, *given) if document and given else places.to_add(document, "labels")
    message = (
        f'composer has no words of its own in {language}, so this issue shows English ones ("Read more", '
        f'"Unsubscribe") among yours: give them in labels: in publication.yaml, for {tag} (e.g. `unsubscribe: '
        f"{{{tag}: ...}}`) or as one text for every language: {', '.join(keys)}"
    )
    return [Finding.at(where, WARNING, "labels-missing", message)]


def _sources_without_links(composed: Composed, places: Places) -> list[Finding]:
    """A story's source: without its url: is shown as "Source: AP", with no link to the story: most often
    the url was forgotten, as the source's words say where the full story is."""
    issue, publication = composed.loaded.issue, composed.loaded.publication
    words = labels.for_language(publication.labels, composed.loaded.lang)
    document, findings = places.issue, []
    for number, story in enumerate(issue.stories, 1):
        if story.source is None or story.url is not None:
            continue
        place = document.values.get(("stories", number - 1, "source")) if document else None
        where = Place(document.path, *place) if document and place else places.whole
        shown, linked = (str(label).format(source=story.source) for label in (words.source, words.read_more_at))
        message = (
            f'stories[{number}].source: the story has no url:, so its source shows as "{shown}", with no link; '
            f'add the story\'s url: to link to it ("{linked}")'
        )
        findings.append(Finding.at(where, WARNING, "source-without-link", message))
    return findings


def check_files(
    paths: list[Path], options: RenderOptions = DEFAULT_OPTIONS, link_settings: LinkSettings | None = None
) -> list[Finding]:
    """Every finding for each issue file: check()'s (with ``link_settings``, the links asked too), or
    the reasons it does not compose.

    A finding in a file the issues share (publication.yaml's missing sender) is listed once, not
    once per issue."""
    findings = []
    for path in paths:
        try:
            findings += check(compose(path, options), link_settings)
        except ComposerError as error:  # an issue that does not compose is a finding like any other
            findings += findings_from_error(error, str(path))
    return list(dict.fromkeys(findings))


def findings_from_error(error: ComposerError, path: str) -> list[Finding]:
    """An issue at ``path`` that does not compose, as error findings in check's own format.

    Each problem keeps its place; one of no file gets ``path``, as a whole.
    """
    rule = "template" if isinstance(error, TemplateProblem) else "invalid"
    rule = "no-issues" if isinstance(error, NoIssues) else rule  # nothing to check: an empty folder
    findings = []
    for problem in error.problems:
        where = problem.place if problem.line else Place(problem.path or path)
        message = f"{problem.field}: {problem.message}" if problem.field else problem.message
        findings.append(Finding.at(where, ERROR, rule, message))
    return findings


def internal_error(message: str) -> Finding:
    """A bug in composer, as a finding (for --format json, which always prints its findings)."""
    return Finding("", ERROR, "internal-error", message)


def as_json(findings: list[Finding]) -> bytes:
    """``findings`` as check's JSON document, in UTF-8 whatever the terminal's encoding. A text that
    cannot be written (a file name that is not UTF-8, kept by Python as lone surrogates) gets U+FFFD
    in place of each bad byte: the document is always written whole."""
    text = json.dumps([finding.as_dict() for finding in findings], ensure_ascii=False, indent=2) + "\n"
    return _SURROGATE.sub("\ufffd", text).encode("utf-8")


_SURROGATE = re.compile("[\ud800-\udfff]")  # in a str, always one alone: no encoder writes it


def counts(findings: list[Finding]) -> tuple[int, int]:
    """How many errors, and how many warnings."""
    errors = sum(finding.level == ERROR for finding in findings)
    return errors, len(findings) - errors


def summary(findings: list[Finding]) -> str:
    """The counts in words, for a glance: "2 errors, 1 warning", "1 warning", "no findings"."""
    numbers = zip(counts(findings), ("error", "warning"), strict=True)
    said = [count(number, noun) for number, noun in numbers if number]
    return ", ".join(said) or "no findings"


def exit_status(findings: list[Finding], strict: bool = False) -> int:
    """1 on any error (and on any warning when strict), else 0."""
    return int(any(finding.level == ERROR or strict for finding in findings))


_Found = tuple[Level, str, str]  # level, rule, message
_Placed = tuple[Level, str, str, Place]  # and where


def _at(path: str, found: Iterator[_Found]) -> Iterator[_Placed]:
    """Findings about the email as a whole (or its templates), at the issue's file as a whole."""
    for level, rule, message in found:
        yield level, rule, message, Place(path)


@dataclass(frozen=True)
class _Link:
    href: str
    text: str  # its words, whitespace collapsed; empty for a picture that links
    to_the_story: bool = False  # a story's headline or its "Read more": composer's own links to its url


def _links_to_the_story(anchor: Any) -> bool:
    parent = anchor.getparent()
    return "headline" in anchor.get("class", "").split() or (
        parent is not None and "more" in parent.get("class", "").split()
    )


def _words(text: str) -> str:
    return " ".join(text.split())


def _unique(found: list[_Placed]) -> Iterator[_Placed]:
    """The same finding once: a link given twice is one thing to fix (at the place typed first)."""
    seen: set[_Placed] = set()
    for item in found:
        if item not in seen:
            seen.add(item)
            yield item


def _kilobytes(size: int) -> str:
    return f"{math.ceil(size / 1024 * 10) / 10:.1f} KB"  # rounded up: 102 KB and a byte is not "102.0 KB"


def _size(composed: Composed) -> Iterator[_Found]:
    size = composed.html_bytes
    limit = GMAIL_CLIP_BYTES // 1024
    if size > GMAIL_CLIP_BYTES:
        yield (
            ERROR,
            "gmail-clipping",
            (
                f"the HTML is {_kilobytes(size)}; Gmail clips emails over {limit} KB and hides the rest, "
                "unsubscribe link included, behind 'View entire message': shorten the issue"
            ),
        )
    elif size > GMAIL_WARNING_BYTES:
        yield (
            WARNING,
            "gmail-clipping",
            (
                f"the HTML is {_kilobytes(size)}, close to the {limit} KB at which Gmail clips emails; "
                "a mailing service's tracking links can push it over: consider shortening the issue"
            ),
        )


def _merge_tags_typed(composed: Composed, places: Places) -> list[Finding]:
    """A merge tag the editor typed goes out as typed, for the mailing service to fill in or to show as is.

    Read from the issue and publication as loaded, never from the email, whose own tags
    (the unsubscribe link and the like, esp.py) are composer's. A tag of the service the issue
    is for is meant.
    """
    loaded = composed.loaded
    files = (
        (str(composed.source), places.issue, loaded.issue.model_dump()),
        (shown_path(loaded.publication_path), places.publication, loaded.publication.model_dump()),
    )
    findings: list[tuple[int, tuple[int, int], Finding]] = []
    for order, (shown, document, data) in enumerate(files):
        for key, text in strings(data):
            seen: dict[str, int] = {}
            for match in _MERGE_TAG.finditer(text):
                family = _TAG_FAMILIES[int(str(match.lastgroup).removeprefix("family"))]
                if composed.links.service in family.services:
                    continue
                tag = match.group()
                seen[tag] = seen.get(tag, 0) + 1  # the second same tag in a value is further on
                place = _place_of(document, key, tag, seen[tag])
                where = Place(shown, *place) if place else Place(shown)
                message = f"{field_name(key)}: {_typed_tag_message(tag, family, composed.links.service)}"
                findings.append((order, place or (0, 0), Finding.at(where, WARNING, "merge-tag-typed", message)))
    return [finding for *_, finding in sorted(findings, key=lambda item: item[:2])]


def _bare_addresses(composed: Composed, places: Places) -> list[Finding]:
    """A web address typed bare in a Markdown text (www.example.org) reaches readers unlinked: at its place."""
    from ..core.bare_links import bare_addresses, link_for
    from ..core.models import EVERY_ITEM, Issue, Publication, markdown_fields

    loaded = composed.loaded
    files = (
        (str(composed.source), places.issue, loaded.issue.model_dump(), markdown_fields(Issue)),
        (
            shown_path(loaded.publication_path),
            places.publication,
            loaded.publication.model_dump(),
            markdown_fields(Publication),
        ),
    )
    findings = []
    for shown, document, data, fields in files:
        for key, text in strings(data):
            if not any(
                len(path) == len(key) and all(step in (part, EVERY_ITEM) for step, part in zip(path, key, strict=True))
                for path in fields
            ):
                continue
            seen: dict[str, int] = {}
            for address in bare_addresses(text):
                seen[address] = seen.get(address, 0) + 1
                place = _place_of(document, key, address, seen[address])
                where = Place(shown, *place) if place else Place(shown)
                link = link_for(address)
                message = (
                    f"{field_name(key)}: {address} is not a link (some mail apps link it, others do not): write it "
                    f"as <{link}>, or link words to it: [the full story]({link})"
                )
                findings.append(Finding.at(where, WARNING, "link-bare-address", message))
    return findings


def _place_of(document: Document | None, key: Key, tag: str, occurrence: int) -> tuple[int, int] | None:
    """The line and column of a tag as typed, else of its value (a tag split by YAML's escapes or line folding)."""
    if document is None or key not in document.values:
        return None
    return document.find_in_value(key, tag, occurrence) or document.values[key]


def _typed_tag_message(tag: str, family: _TagFamily, service: str | None) -> str:
    said = (
        f'"{tag}" is a {family.who} merge tag: composer leaves it as typed, and {family.who} replaces it '
        "for each reader when it sends the email"
    )
    if service is not None:
        name = esp.SERVICES[service].name
        return (
            f"{said}; but this issue is for {name}, which does not, so readers may see it as typed: "
            "write it differently, or remove it"
        )
    if not family.services:
        return (
            f"{said}. If you meant these words, write them differently; keep the tag only if you send the issue "
            f"with {family.who} (composer cannot be told so, and will keep warning)"
        )
    choices = " or ".join(f"esp: {key}" for key in family.services)
    return (
        f"{said}. If you meant these words, write them differently; if you meant the tag, say the issue is for "
        f"{family.who}: {choices} in publication.yaml (or compose check --esp {family.services[0]})"
    )


def _is_merge_tag(href: str) -> bool:
    return href in MERGE_TAGS


def _link_addresses(links: list[_Link], ids: set[str], places: Places) -> Iterator[_Placed]:
    for link in links:
        where = places.of(link.href) or places.whole
        href = link.href.strip()
        named = f' ("{link.text}")' if link.text else ""
        if href in ("", "#"):
            yield (
                ERROR,
                "link-empty",
                (f'a link{named} has no address (href="{link.href}"): give it the page it should open'),
                (places.of(f"[{link.text}]({link.href})") if link.text else None) or places.whole,
            )
        elif _is_merge_tag(href) or href.lower().startswith(_FINE_SCHEMES):
            continue
        elif href.startswith("#") and href[1:] in ids:
            continue  # to a part of the email itself ("In this issue"): clients that cannot follow it stay put
        elif href.lower().startswith("http:"):
            yield (
                WARNING,
                "link-not-https",
                (
                    f"{href} is not a secure link: change http:// to https:// "
                    "(some mail filters distrust plain http, and browsers warn about it)"
                ),
                where,
            )
        else:
            yield (
                WARNING,
                "link-not-https",
                (f"the link{named} to {href} is not a full https:// address, so in an email it may lead nowhere"),
                where,
            )


def _names_itself(link: _Link) -> bool:
    """A link written out as its own address (example.com/page, name@example.com) names no destination."""
    bare = re.sub(r"^(?:https?://(?:www\.)?|mailto:)", "", link.href).rstrip("/")
    return link.text.lower().removeprefix("www.").rstrip("/") in (bare.lower(), link.href.lower())


def _same_url_different_text(links: list[_Link], read_more: str, places: Places) -> Iterator[_Placed]:
    """One URL behind different words is often a pasted-twice link that should lead elsewhere."""
    texts: dict[str, list[str]] = {}
    for link in links:
        # A picture's link, the address itself and a story's own links (its headline, its "Read more")
        # say nothing new.
        if not link.text or _names_itself(link) or link.to_the_story or link.text.lower() == read_more.lower():
            continue
        known = texts.setdefault(link.href, [])
        if link.text.lower() not in (text.lower() for text in known):
            known.append(link.text)
    for href, known in texts.items():
        if len(known) > 1:
            quoted = ", ".join(f'"{text}"' for text in known[:-1]) + f' and "{known[-1]}"'
            every = "both" if len(known) == 2 else "all"
            yield (
                WARNING,
                "link-same-url-different-text",
                (f"{quoted} {every} link to {href}: make sure each leads where its words say"),
                places.of(href) or places.whole,
            )


def _vague_link_texts(links: list[_Link], places: Places) -> Iterator[_Placed]:
    for link in links:
        text = link.text.lower().strip(" .,:;!?…›»→")
        if text in _VAGUE_TEXTS or _CLICK_HERE.match(text):
            yield (
                WARNING,
                "link-click-here",
                (
                    f'the link text "{link.text}" ({link.href}) says nothing about where it leads, and screen '
                    "readers list links by their text: link the words that name it instead"
                ),
                places.of(f"[{link.text}]({link.href}", f"[{link.text}]", link.href) or places.whole,
            )


def _unsubscribe(composed: Composed, links: list[_Link], places: Places) -> Iterator[_Placed]:
    unsubscribe = composed.links.unsubscribe
    if unsubscribe is None:
        yield (
            ERROR,
            "unsubscribe-missing",
            (
                "the email has no unsubscribe link, which every email must have: add unsubscribe_url to "
                "publication.yaml, or choose the mailing service that fills it in (--esp, or esp: in publication.yaml)"
            ),
            places.to_add(places.publication, "unsubscribe_url"),
        )
    elif unsubscribe not in (link.href for link in links):
        service = esp.SERVICES[composed.links.service].name if composed.links.service else None
        whose = f"{service}'s unsubscribe tag" if service else "the unsubscribe address"
        yield (
            ERROR,
            "unsubscribe-missing",
            (
                f"no link in the email leads to {whose}, {unsubscribe}: the templates must link to it "
                "(links.unsubscribe)"
            ),
            places.whole,
        )


def _postal_address(composed: Composed, places: Places) -> Iterator[_Placed]:
    """The sender's postal address, which the US CAN-SPAM Act and most mailing services require in every email."""
    address = composed.links.address_text
    required = (
        "the footer has no postal address, which the US CAN-SPAM Act and most mailing services require in every email"
    )
    if composed.links.address_html is None and address is None:
        if composed.links.service:
            name = esp.SERVICES[composed.links.service].name
            message = f"{required}, and {name} does not fill one in: add address: to publication.yaml"
        else:
            filling = ", ".join(f"--esp {key}" for key, service in esp.SERVICES.items() if service.address_text)
            message = (
                f"{required}: add address: to publication.yaml, or choose a mailing service that fills it in "
                f"({filling}, or esp: in publication.yaml)"
            )
        yield WARNING, "postal-address-missing", message, places.to_add(places.publication, "address")
    elif address and address == composed.loaded.publication.address and _EXAMPLE_ADDRESS.search(address):
        yield (
            WARNING,
            "postal-address-example",
            (
                f'the postal address "{address}" is an example, and readers would see it in the footer: '
                "put your own in address: in publication.yaml"
            ),
            places.of(address) or places.whole,
        )


def _sender(composed: Composed, places: Places) -> Iterator[_Placed]:
    """Who the issue is from: `compose send` and --eml refuse to go on without it, so say it before."""
    if composed.loaded.publication.sender is None:
        yield (
            WARNING,
            "sender-missing",
            (
                "publication.yaml has no sender, the name and address the issue is sent from, which "
                "`compose send` and --eml need: add sender: with name: and email: (the address your mailing "
                "service sends from)"
            ),
            places.to_add(places.publication, "sender"),
        )


def _images(document: Any, places: Places) -> Iterator[_Placed]:
    for image in document.iter("img"):
        src = str(image.get("src") or "").strip()
        where = places.of(src) or places.whole
        named = src or "an image with no src"
        if not (image.get("alt") or "").strip():
            yield (
                ERROR,
                "image-alt",
                (
                    f"{named} has no alt text, which readers see when images are blocked and screen readers read "
                    'out: give it words that say what it shows (alt: in the issue, alt="..." in a template)'
                ),
                where,
            )
        if not src.lower().startswith("https:") and not _is_merge_tag(src):
            yield (
                WARNING,
                "image-not-https",
                (
                    f"{named} is not loaded over https://, so some mail clients will not show it: "
                    "use its https:// address"
                ),
                where,
            )
        if not (image.get("height") or "").strip():
            yield (
                WARNING,
                "image-size",
                (
                    f"{named} has no size in the issue: until it arrives, mail clients cannot keep its place, so the "
                    "text jumps as it loads, and Outlook on Windows may show it at its full size: give the picture's "
                    "width: and height: (in pixels) in the issue"
                ),
                where,
            )
        if not (image.get("width") or "").strip():
            yield (
                WARNING,
                "image-width",
                (
                    f"{named} has no width attribute, so Outlook on Windows shows it at its full size and may "
                    'break the layout: give the <img> a width="..." in the template'
                ),
                where,
            )


def _quote_style(document: Any) -> Iterator[_Found]:
    """Each quote sits in a table cell that draws its bar and indent (markdown.py): templates whose
    styles predate it leave quotes flush with the text around them, in every client."""
    cells = document.xpath('//td[contains(concat(" ", normalize-space(@class), " "), " quote ")]')
    if any("border" not in str(cell.get("style") or "") for cell in cells):
        yield (
            WARNING,
            "quote-style",
            (
                "the quotes have no bar and no indent: the templates' styles do not style .quote, the table "
                "cell each quote sits in (so that Outlook keeps its indent); copy the .quote, .quote-gap and "
                "blockquote rules of composer's own partials/styles.mjml.j2 into yours"
            ),
        )


def _subject(composed: Composed, places: Places) -> Iterator[_Placed]:
    subject = languages.without_controls(composed.subject)  # as long as readers see it: no direction controls
    shortest, longest = SUBJECT_LENGTH
    where = "subject: in the issue" if composed.loaded.issue.subject else "subject: in the issue (the title stands in)"
    # The words that made the subject: the issue's subject, else its title, else the title pattern.
    place = (
        places.at(places.issue, "subject")
        or places.at(places.issue, "title")
        or places.at(places.publication, "title_pattern")
        or places.to_add(places.issue, "subject")
    )
    if len(subject) < shortest:
        yield (
            WARNING,
            "subject-length",
            (
                f'the subject "{subject}" is {len(subject)} characters; one under {shortest} tells readers little '
                f"about the issue: write a longer {where}"
            ),
            place,
        )
    elif len(subject) > longest:
        yield (
            WARNING,
            "subject-length",
            (
                f"the subject is {len(subject)} characters; most inboxes cut it after about {longest}, "
                f'showing "{subject[:longest].rstrip()}…": write a shorter {where}'
            ),
            place,
        )


def _preheader(composed: Composed, document: Any, places: Places) -> Iterator[_Placed]:
    preheader = languages.without_controls(composed.preheader).strip()
    shortest, longest = PREHEADER_LENGTH
    place = places.at(places.issue, "preheader") or places.to_add(places.issue, "preheader")
    if not preheader:
        yield (
            WARNING,
            "preheader-missing",
            (
                "the email has no preheader, the line inboxes show after the subject, so they show whatever "
                "text comes first: add preheader: to the issue"
            ),
            place,
        )
        return
    hidden = (
        _words(element.text_content())
        for element in document.iter()
        if isinstance(element.tag, str) and "display:none" in str(element.get("style") or "").replace(" ", "")
    )
    if not any(_words(preheader) in text for text in hidden):
        yield (
            WARNING,
            "preheader-missing",
            (
                "the templates do not put the preheader into the email, so inboxes show whatever text comes first "
                "after the subject: keep <mj-preview>{{ preheader }}</mj-preview> in email.mjml.j2"
            ),
            places.whole,
        )
    if len(preheader) < shortest:
        yield (
            WARNING,
            "preheader-length",
            (
                f'the preheader "{preheader}" is {len(preheader)} characters; inboxes show {shortest}–{longest} '
                "after the subject and fill the rest with whatever text comes first: write a longer preheader: "
                "in the issue"
            ),
            place,
        )
    elif len(preheader) > longest:
        yield (
            WARNING,
            "preheader-length",
            (
                f"the preheader is {len(preheader)} characters; inboxes show at most about {longest}: "
                "write a shorter preheader: in the issue"
            ),
            place,
        )


def _passing_colour(foreground: str, backgrounds: list[str]) -> tuple[str, str] | None:
    """The foreground made just dark (or light) enough to pass on every one of its backgrounds,
    and which way it went: one suggestion that fixes each finding about that colour."""
    start = rgb(foreground)
    ways = [("darker", 0), ("lighter", 255)]
    if luminance(start) > luminance(rgb(backgrounds[0])):
        ways.reverse()  # a light colour on a dark one: lighter first
    for way, target in ways:
        for step in range(1, 101):
            mixed = tuple(round(channel + (target - channel) * step / 100) for channel in start)
            candidate = hex_colour((mixed[0], mixed[1], mixed[2]))
            if all(contrast_ratio(candidate, background) >= WCAG_AA for background in backgrounds):
                return candidate, way
    return None


def _contrast(composed: Composed, places: Places) -> Iterator[_Placed]:
    colours = composed.loaded.publication.colours
    for foreground_name, background_name, what in _COLOUR_PAIRS:
        foreground, background = getattr(colours, foreground_name), getattr(colours, background_name)
        ratio = contrast_ratio(foreground, background)
        if ratio >= WCAG_AA:
            continue
        shown = math.floor(ratio * 10) / 10  # never "4.5:1, below 4.5:1"
        change = f"change colours.{foreground_name} or colours.{background_name} in publication.yaml"
        backgrounds = [getattr(colours, under) for over, under, _ in _COLOUR_PAIRS if over == foreground_name]
        suggestion = _passing_colour(foreground, backgrounds)
        if suggestion:
            colour, way = suggestion
            change = f'make colours.{foreground_name} {way} in publication.yaml, e.g. "{colour}"'
        yield (
            ERROR,
            "contrast",
            (
                f"the contrast of {what} is {shown:.1f}:1 (colours.{foreground_name} {foreground} on "
                f"colours.{background_name} {background}); WCAG AA asks for at least {WCAG_AA}:1: {change}"
            ),
            places.at(places.publication, "colours", foreground_name)
            or places.at(places.publication, "colours", background_name)
            or places.at(places.publication, "colours")
            or places.whole,
        )


def _text_missing_links(composed: Composed, links: list[_Link]) -> Iterator[_Found]:
    """Readers of the plain-text part (and spam filters comparing both parts) need every link too."""
    text = composed.text
    for link in links:
        href = link.href.strip()
        lowered = href.lower()
        if not (lowered.startswith(("https:", "http:", "mailto:")) or _is_merge_tag(href)):
            continue
        named = f' ("{link.text}")' if link.text else ""
        candidates = {href, unquote(href)}  # an autolink's text keeps the characters its href encodes
        # The masthead's link has no place of its own in the plain text: its address, tagged for the footer, is there.
        written = composed.as_written(href)
        candidates |= {written, unquote(written)}
        if lowered.startswith("mailto:"):
            address = href[len("mailto:") :].split("?")[0]
            candidates |= {address, unquote(address)}
        if not any(candidate and candidate in text for candidate in candidates):
            yield (
                ERROR,
                "text-missing-link",
                (
                    f"the HTML links to {href}{named} but the plain text does not: "
                    "add it to email.txt.j2 where the HTML template has it"
                ),
            )
