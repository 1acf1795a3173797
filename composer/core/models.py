"""The issue and publication files as strict pydantic models.

Unknown keys are errors (``extra="forbid"``). Plain-text fields are stripped and must not be
empty; Markdown fields are checked further (links, images, headings) by load.py, with
``markdown.problems``.
"""

from __future__ import annotations

import functools
import re
import types
import typing
import unicodedata
from collections.abc import Iterable
from datetime import date as Date
from typing import Annotated, Any, ClassVar
from urllib.parse import unquote, urlsplit

from annotated_types import Ge
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..i18n import dates
from ..i18n.labels import Labels, ReadTime
from ..i18n.languages import RIGHT_TO_LEFT, is_right_to_left
from ..i18n.texts import (
    PLACEHOLDER_MARK,
    Language,
    PerLanguage,
    Strict,
    Text,
    not_placeholder,
    visible,
)
from ..limits import MAX_UTM_CHARACTERS, MAX_UTM_EXCLUDED
from . import headers

# Kept importable from here, where they were.
__all__ = ["PLACEHOLDER_MARK", "RIGHT_TO_LEFT", "Labels", "ReadTime", "is_right_to_left"]
LINK_SCHEMES = ("http", "https", "mailto")

# One line: a headline or subject typed over several YAML lines (`|`) is one line all the same.
Line = Annotated[Text, AfterValidator(lambda text: " ".join(text.split()))]


def _header_safe(value: Any, typed_whitespace: str = headers.TYPED_WHITESPACE) -> Any:
    if isinstance(value, str) and (problem := headers.header_problem(value, typed_whitespace)):
        raise ValueError(problem)
    return value


# Text that goes into a mail header (Subject, From): no encoded words, no control characters.
# Checked before Line joins the lines, which would hide a carriage return among the spaces.
HeaderLine = Annotated[Line, BeforeValidator(lambda value: _header_safe(value))]  # one parameter: pydantic 2.7
# reads a second one, even with a default, as a request for its ValidationInfo


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty")
    return visible(text)


class _MarkdownMark:
    """Marks a field's text as Markdown, whose links and blocks load.py checks (markdown.problems)."""

    def __repr__(self) -> str:
        return "MARKDOWN"


MARKDOWN = _MarkdownMark()
# Kept as typed: indentation is meaningful.
Markdown = Annotated[str, AfterValidator(_not_blank), AfterValidator(not_placeholder), MARKDOWN]
EVERY_ITEM = "[]"  # in a field path of markdown_fields(): each item of a list, each value of a mapping


def check_url(url: str, schemes: tuple[str, ...] = LINK_SCHEMES) -> str:
    """Raise ValueError with an editor-friendly message unless ``url`` is a usable absolute link."""
    if any(character.isspace() for character in url):
        raise ValueError(f"a link cannot contain spaces: {url!r}")
    # As typed, or percent-encoded by Markdown: either way the link leads nowhere.
    refuse_invisible(unquote(url), "link")
    if any(character in url for character in '"<>'):  # never valid unencoded in a URL (RFC 3986)
        raise ValueError(f'a link cannot contain " < or >: {url!r}; copy the address again')
    parts = urlsplit(url)
    allowed = ", ".join(f"{scheme}:" for scheme in schemes)
    if not parts.scheme:
        raise ValueError(f"{url!r} is not a full link; write it out, starting with https://")
    if parts.scheme.lower() not in schemes:
        raise ValueError(f"links must start with {allowed} — '{parts.scheme}:' is not allowed")
    if parts.scheme.lower() == "mailto":
        if "@" not in parts.path:
            raise ValueError(f"{url!r} is not an e-mail link; write mailto:name@example.com")
    elif not parts.hostname or ("." not in parts.hostname and parts.hostname != "localhost"):
        raise ValueError(f"{url!r} has no website name; write e.g. https://www.example.com/page")
    return url


def refuse_invisible(value: str, what: str) -> None:
    """Refuse an invisible character (a zero-width space, a soft hyphen, a direction mark: Unicode's
    format characters) in an address, where text copied from a web page, a CMS or Word brings them and
    they break it unseen. In words they are fine: Thai and Khmer separate words with zero-width spaces."""
    for index, character in enumerate(value):
        if unicodedata.category(character) == "Cf":
            name = unicodedata.name(character, "a format character")
            raise ValueError(
                f"the {what} {value!r} holds an invisible character, {name} (U+{ord(character):04X}), after "
                f"{value[:index]!r}, as text copied from a web page or Word often does: delete it, or type the "
                f"{what} again"
            )


def _link(value: str) -> str:
    return check_url(value)


def _web_address(value: str) -> str:
    return check_url(value, ("http", "https"))


def _email_address(value: str) -> str:
    refuse_invisible(value, "e-mail address")
    if not re.fullmatch(r"[^@\s<>,;:()\[\]\"]+@[^@\s<>,;:()\[\]\"]+\.[^@\s<>,;:()\[\]\"]+", value):
        raise ValueError(f"{value!r} is not an e-mail address such as editors@example.com")
    return value


def _colour(value: str) -> str:
    if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
        raise ValueError(f"{value!r} is not a colour written #rrggbb, e.g. #1a1a1a")
    return value


def _iso_date(value: Any) -> Any:
    return dates.parse_iso(value) if isinstance(value, str) else value


Link = Annotated[Text, AfterValidator(_link)]
WebAddress = Annotated[Text, AfterValidator(_web_address)]
EmailAddress = Annotated[Text, AfterValidator(_email_address), BeforeValidator(lambda value: _header_safe(value, ""))]
Colour = Annotated[Text, AfterValidator(_colour)]
IsoDate = Annotated[Date, BeforeValidator(_iso_date)]
# The placeholder first: "should be a whole number, not '<TODO …>'" would hide what to do.
Pixels = Annotated[int, BeforeValidator(not_placeholder), Field(ge=1, le=2000)]


def _date_pattern(text: str) -> str:
    # One parameter: pydantic before 2.8 reads a second one, even with a default, as a request for
    # its ValidationInfo.
    return dates.check_pattern(text)


def _date_format(text: str) -> str:
    return dates.check_pattern(text, cldr=True)


def _mailing_service(name: str) -> str:
    from .esp import SERVICES

    if name not in SERVICES:
        raise ValueError(f"unknown mailing service {name!r}; use one of {', '.join(SERVICES)}")
    return name


# What a required field is for, said when it is missing or empty (load.py): "Field required" alone
# does not tell an editor why to write it, nor what.
WHAT_FOR = {
    "alt": "describe what the picture shows, for readers who cannot see it "
    "(screen readers, and mail apps that block images)",
}


class Logo(Strict):
    """A picture: where it is, what it shows, and its own size in pixels when known."""

    src: WebAddress
    alt: Text
    width: Pixels | None = None
    height: Pixels | None = None

    @model_validator(mode="after")
    def _both_sizes_or_neither(self) -> Logo:
        # Half a size is no use: the email cannot download the picture to work out the other.
        if (self.width is None) != (self.height is None):
            raise ValueError("give both width and height (the image's size in pixels), or neither")
        return self


class Image(Logo):
    caption: Text | None = None
    credit: Text | None = None


class Story(Strict):
    headline: Line
    body: Markdown
    url: Link | None = None
    source: Line | None = None  # who published it: "Read more at {source}" with url:, else "Source: {source}"
    image: Image | None = None


class Read(Strict):
    title: Line
    url: Link
    source: Text | None = None
    note: Text | None = None
    lang: Language | None = None  # a read in another language than the issue's: it reads its own way


class Issue(Strict):
    date: IsoDate
    title: HeaderLine | None = None  # the subject when there is none
    subject: HeaderLine | None = None
    preheader: Line | None = None
    lang: Language | None = None
    summary: Markdown
    stories: list[Story] = Field(min_length=1)
    recommended_reads: list[Read] = []  # noqa: RUF012 - a pydantic field (Strict is a BaseModel), copied per model


class CallToAction(Strict):
    heading: PerLanguage[Line]
    text: PerLanguage[Text] | None = None
    label: PerLanguage[Line]
    url: Link
    lang: Language | None = None  # the language of texts given once; default the publication's


class Colours(Strict):
    text: Colour = "#222222"
    background: Colour = "#f4f4f4"
    paper: Colour = "#ffffff"
    accent: Colour = "#b3261e"
    muted: Colour = "#666666"
    button_text: Colour = "#ffffff"


class Sender(Strict):
    name: HeaderLine
    email: EmailAddress


# The rules of the SMTP settings, for publication.yaml's smtp: and COMPOSE_SMTP_* alike (smtp.py).
YES_WORDS = ("1", "true", "yes", "on")
NO_WORDS = ("0", "false", "no", "off")


def _server_name(value: str) -> str:
    if value.count(":") == 1 or any(character.isspace() or character in "/@" for character in value):
        raise ValueError(
            f"{value!r} is not a server name such as smtp.example.com (the port is a setting of its own: "
            "port: in publication.yaml, COMPOSE_SMTP_PORT in the environment)"
        )
    return value


def _port_number(value: Any) -> Any:
    number = int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        raise ValueError(f"{value!r} is not a port number from 1 to 65535, such as 587")
    return number


def _yes_or_no(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word not in YES_WORDS + NO_WORDS:
        raise ValueError(f"{value!r} is not one of {', '.join(YES_WORDS + NO_WORDS)}")
    return word in YES_WORDS


class Smtp(Strict):
    """The server for test sends (`compose send`); COMPOSE_SMTP_* in the environment wins."""

    host: Annotated[Text, AfterValidator(_server_name)] | None = None
    port: Annotated[int, BeforeValidator(_port_number)] | None = None
    user: Text | None = None
    starttls: Annotated[bool, BeforeValidator(_yes_or_no)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, value: Any) -> Any:
        if isinstance(value, dict) and "password" in value:
            raise ValueError(
                "never put the SMTP password in publication.yaml (it would end up in git); "
                "set COMPOSE_SMTP_PASSWORD in the environment instead"
            )
        return value


# The settings of `compose push` for each mailing service (commands/push/), one block a service, named
# as esp: names it. IDs only: the service's key stays in the environment, never in this file.
_Identifier = Annotated[Text, AfterValidator(lambda value: _no_spaces(value, "an ID"))]
# The placeholder said first, as Pixels; Ge, not Field(ge=...), which a list's items keep out of the JSON Schema.
_Number = Annotated[int, BeforeValidator(not_placeholder), Ge(1)]


def _no_spaces(value: str, what: str) -> str:
    if any(character.isspace() for character in value):
        raise ValueError(f"{value!r} is not {what}: an ID has no spaces")
    return value


class _PushSettings(Strict):
    keys: ClassVar[str]  # the environment variables the service's keys go in

    @model_validator(mode="before")
    @classmethod
    def _no_key(cls, value: Any) -> Any:
        secret = ("key", "token", "password", "secret", "api_key", "apikey", "user")
        if isinstance(value, dict) and any(str(name).lower() in secret for name in value):
            raise ValueError(
                f"never put a key in publication.yaml (it would end up in git); set {cls.keys} in the environment "
                "instead"
            )
        return value


class MailchimpSettings(_PushSettings):
    """The audience the campaign goes to (Audience > Settings > Audience name and defaults: Audience ID)."""

    keys = "MAILCHIMP_API_KEY"
    audience_id: _Identifier


class SendgridSettings(_PushSettings):
    """The Single Send's sender, unsubscribe group and contact lists (IDs from SendGrid's Marketing pages)."""

    keys = "SENDGRID_API_KEY"
    sender_id: _Number
    suppression_group_id: _Number
    list_ids: Annotated[list[_Identifier], BeforeValidator(not_placeholder), Field(min_length=1)]


class ListmonkSettings(_PushSettings):
    """The listmonk server (its address; LISTMONK_URL in the environment wins) and the lists the campaign goes to."""

    keys = "LISTMONK_USER and LISTMONK_TOKEN"
    url: WebAddress
    list_ids: Annotated[list[Annotated[int, Ge(1)]], BeforeValidator(not_placeholder), Field(min_length=1)]
    # A campaign template whose body is only {{ template "content" . }}: without one, listmonk wraps the
    # issue in its default template's own header, footer and unsubscribe link.
    template_id: _Number | None = None


def _domain(value: str) -> str:
    if value.startswith("*."):
        raise ValueError(f"write {value[2:]!r} without '*.': a domain takes its subdomains with it")
    if "://" in value or any(character in "/?#@:\\" or character.isspace() for character in value):
        raise ValueError(
            f"{value!r} is not a domain such as example.org: write the site's name alone, without https:// or a path"
        )
    if not value.strip("."):
        raise ValueError(f"{value!r} is not a domain such as example.org")
    return value


def _utm_value(value: str) -> str:
    if len(value) > MAX_UTM_CHARACTERS:
        raise ValueError(
            f"this is {len(value):,} characters long, more than {MAX_UTM_CHARACTERS}: analytics reports show a "
            "name such as syria-deeply or email"
        )
    return value


_UtmValue = Annotated[Text, AfterValidator(_utm_value)]
_Domain = Annotated[Text, AfterValidator(_domain)]


class Utm(Strict):
    """utm: the tags every http(s) link of the email gets, for counting clicks by place (README: Counting clicks)."""

    source: _UtmValue  # the publication, as analytics reports name it: syria-deeply
    medium: _UtmValue = "email"
    # The issue, as a pattern of the title_pattern's placeholders ({iso}, {name}, {year}...): its date by default.
    campaign: Annotated[Text, AfterValidator(_date_pattern)] = "{iso}"
    # Sites whose links are never tagged, with their subdomains: a partner that refuses unknown parameters.
    exclude: Annotated[list[_Domain], Field(max_length=MAX_UTM_EXCLUDED)] = []  # noqa: RUF012 - a pydantic field


# esp: names -> the block compose push needs for that service; a service not listed needs none.
PUSH_SETTINGS: dict[str, type[_PushSettings]] = {
    "mailchimp": MailchimpSettings,
    "sendgrid": SendgridSettings,
    "listmonk": ListmonkSettings,
}


class Publication(Strict):
    name: HeaderLine  # in the title_pattern's subject
    url: WebAddress
    lang: Language = "en"
    # Without them, the language's own (dates.default_title_pattern, dates.default_date_format).
    title_pattern: PerLanguage[Annotated[Text, AfterValidator(_date_format)]] | None = None
    date_format: PerLanguage[Annotated[Text, AfterValidator(_date_format)]] | None = None
    words_per_minute: Annotated[int, Field(ge=50, le=1000)] = 238
    # Chinese and Japanese characters (Thai, Lao, Khmer, Burmese letters) a minute; default by language (scripts.py).
    characters_per_minute: Annotated[int, Field(ge=50, le=3000)] | None = None
    notice: PerLanguage[Markdown] | None = None
    contact: EmailAddress | None = None
    calls_to_action: list[CallToAction] = []  # noqa: RUF012 - a pydantic field, copied per model
    contents: bool = False  # an "In this issue" list of the headlines, after the summary
    typography: bool = False  # curly quotes, dashes and … in the issue's language's style, in every text (typeset.py)
    colours: Colours = Colours()
    logo: Logo | None = None
    footer: PerLanguage[Markdown] | None = None
    sender: Sender | None = None
    labels: Labels = Labels()
    esp: Annotated[Text, AfterValidator(_mailing_service)] | None = None
    unsubscribe_url: Link | None = None
    web_version_url: Annotated[Link, AfterValidator(_date_pattern)] | None = None
    address: Text | None = None
    smtp: Smtp | None = None
    mailchimp: MailchimpSettings | None = None  # compose push --esp mailchimp
    sendgrid: SendgridSettings | None = None  # compose push --esp sendgrid
    listmonk: ListmonkSettings | None = None  # compose push --esp listmonk
    utm: Utm | None = None  # tags on every link, naming its place: counting clicks (core/utm.py)

    @field_validator("title_pattern")
    @classmethod
    def _title_can_be_a_subject(
        cls, pattern: str | dict[str, str] | None, info: ValidationInfo
    ) -> str | dict[str, str] | None:
        # An issue without title nor subject is sent with this pattern's title as its subject.
        name = info.data.get("name")
        for tag, each in pattern.items() if isinstance(pattern, dict) else [("", pattern)]:
            if each is not None and name is not None and (problem := headers.title_problem(each, name)):
                raise ValueError(f"{tag}: {problem}" if tag else problem)
        return pattern

    @field_validator("web_version_url")
    @classmethod
    def _web_version_fills_to_a_link(cls, url: str | None, info: ValidationInfo) -> str | None:
        # Checked as typed, the pattern is a link; filled in with a date and the name, it must stay one.
        name = info.data.get("name")
        if url is None or name is None:
            return url
        for day in dates.EDGE_DAYS:
            try:
                check_url(dates.fill(url, day, name))
            except ValueError as error:
                raise ValueError(f"filled in for {day.isoformat()}, {error}") from None
        return url

    @field_validator("labels")
    @classmethod
    def _default_title_can_be_a_subject(cls, labels: Labels, info: ValidationInfo) -> Labels:
        # Without a title_pattern, the title joins the name and the date with the colon: a subject too.
        name, colon = info.data.get("name"), labels.colon
        for tag, each in colon.items() if isinstance(colon, dict) else [("", colon)]:
            pattern = dates.default_title_pattern("en", each) if each is not None else None
            if pattern is not None and name is not None and (problem := headers.title_problem(pattern, name)):
                raise ValueError(f"colon: {tag}: {problem}" if tag else f"colon: {problem}")
        return labels


@functools.cache  # a fact about the model, asked for by every file loaded: a batch or an archive loads thousands
def markdown_fields(model: type[BaseModel]) -> tuple[tuple[str, ...], ...]:
    """The path of every Markdown field of ``model``, read from its annotations, so a new Markdown
    field can never go unchecked: ("summary",), ("stories", EVERY_ITEM, "body"), ..."""
    found: list[tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        found += [(name, *rest) for rest in _markdown_in(info.annotation, info.metadata)]
    return tuple(found)


def _markdown_in(annotation: Any, metadata: Iterable[Any] = ()) -> list[tuple[str, ...]]:
    if any(item is MARKDOWN for item in metadata):
        return [()]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _markdown_in(args[0], annotation.__metadata__)
    if origin in (typing.Union, types.UnionType):
        return list(dict.fromkeys(path for arg in args for path in _markdown_in(arg)))
    if origin is list:
        return [(EVERY_ITEM, *rest) for rest in _markdown_in(args[0])]
    if origin is dict:
        return [(EVERY_ITEM, *rest) for rest in _markdown_in(args[1])]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(markdown_fields(annotation))
    return []
