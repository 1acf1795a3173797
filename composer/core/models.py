"""The issue and publication files as strict pydantic models.

Unknown keys are errors (``extra="forbid"``). Plain-text fields are stripped and must not be
empty; Markdown fields are checked further (links, headings) by ``markdown.check``.
"""

from __future__ import annotations

import functools
import re
import types
import typing
import unicodedata
from collections.abc import Iterable
from datetime import date as Date
from typing import Annotated, Any, ClassVar, TypeVar
from urllib.parse import unquote, urlsplit

from annotated_types import Ge
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..i18n import dates
from ..i18n.languages import RIGHT_TO_LEFT, is_right_to_left
from . import headers

__all__ = ["RIGHT_TO_LEFT", "is_right_to_left"]  # kept importable from here, where they were
LINK_SCHEMES = ("http", "https", "mailto")

# What `compose new` writes where the editor has yet to write: `<TODO write the headline>`.
# No editor types "<TODO" in a briefing, so refusing it in every field never catches their own
# words, and a placeholder half deleted ("<TODO write the") is still caught: none can be sent.
PLACEHOLDER_MARK = "<TODO"
_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER_MARK) + r"\s*(?P<instruction>[^<>]*?)\s*>")


def _not_placeholder(value: Any) -> Any:
    """Refuse a value that still holds a skeleton placeholder, with the placeholder's own instruction."""
    if not isinstance(value, str) or PLACEHOLDER_MARK not in value:
        return value
    whole = _PLACEHOLDER.search(value)
    instruction = whole.group("instruction") if whole and whole.group("instruction") else "write your own text"
    if whole and whole.group(0) == value.strip():
        raise ValueError(f"still the skeleton's placeholder; {instruction}")
    shown = whole.group(0) if whole else PLACEHOLDER_MARK
    raise ValueError(f"still holds the skeleton's placeholder '{shown}'; {instruction} in its place")


# Characters that show nothing on their own: format characters (zero-width spaces and joiners, direction
# marks, soft hyphens, U+2060, U+FEFF: category Cf), the combining grapheme joiner, Hangul fillers, the
# blank Braille pattern and variation selectors. Inside words they are fine; a text of them alone is empty.
_SHOWS_NOTHING = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800" + "".join(map(chr, range(0xFE00, 0xFE10))))


def _visible(text: str) -> str:
    """Refuse a text that holds something but shows nothing, as an empty one is refused."""
    if text and all(
        character.isspace() or character in _SHOWS_NOTHING or unicodedata.category(character) == "Cf"
        for character in text
    ):
        kinds = list(dict.fromkeys(character for character in text if not character.isspace()))
        names = ", ".join(
            f"{unicodedata.name(character, 'a format character')} (U+{ord(character):04X})" for character in kinds[:4]
        ) + (f" and {len(kinds) - 4} more" if len(kinds) > 4 else "")
        raise ValueError(
            f"the text has only invisible characters, {names}, as text pasted from a web page or Word may: "
            "write it, or delete the invisible characters"
        )
    return text


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_visible),
    AfterValidator(_not_placeholder),
]
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
    return _visible(text)


class _MarkdownMark:
    """Marks a field's text as Markdown, whose links and blocks load.py checks (markdown.problems)."""

    def __repr__(self) -> str:
        return "MARKDOWN"


MARKDOWN = _MarkdownMark()
# Kept as typed: indentation is meaningful.
Markdown = Annotated[str, AfterValidator(_not_blank), AfterValidator(_not_placeholder), MARKDOWN]
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


def _language(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
        raise ValueError(f"{value!r} is not a language tag such as en, en-GB, ar or fr-CA")
    return value


def _known_language(value: str) -> str:
    # A tag of the right shape can still be a slip ("arr", "eng"): a language CLDR does not know is one.
    from babel import localedata

    if not localedata.exists(value.split("-")[0].lower()):
        raise ValueError(f"{value!r} is not a language composer knows; write its tag, such as en, ar or fr-CA")
    return value


def _one_language_at_least(value: Any) -> Any:
    if isinstance(value, dict) and not value:
        raise ValueError("give the text in at least one language, e.g. 'en: ...', or write the text itself")
    return value


def _one_or_per_language(value: Any) -> str:
    return "per_language" if isinstance(value, dict) else "every_language"


def _colour(value: str) -> str:
    if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
        raise ValueError(f"{value!r} is not a colour written #rrggbb, e.g. #1a1a1a")
    return value


def _iso_date(value: Any) -> Any:
    return dates.parse_iso(value) if isinstance(value, str) else value


Link = Annotated[Text, AfterValidator(_link)]
WebAddress = Annotated[Text, AfterValidator(_web_address)]
EmailAddress = Annotated[Text, AfterValidator(_email_address), BeforeValidator(lambda value: _header_safe(value, ""))]
Language = Annotated[Text, AfterValidator(_language)]
KnownLanguage = Annotated[Language, AfterValidator(_known_language)]
Colour = Annotated[Text, AfterValidator(_colour)]
IsoDate = Annotated[Date, BeforeValidator(_iso_date)]
# The placeholder first: "should be a whole number, not '<TODO …>'" would hide what to do.
Pixels = Annotated[int, BeforeValidator(_not_placeholder), Field(ge=1, le=2000)]

_T = TypeVar("_T")
# The union's two tags, which pydantic puts into an error's location; load.py leaves them out. Not
# "one": labels' read_time has a key of that name (a plural category), which must stay in the location.
PER_LANGUAGE_TAGS = ("every_language", "per_language")
# A publication text given once (in the publication's lang) or per language:
# `notice: {en: "...", ar: "..."}`. languages.pick() chooses the one an issue shows.
PerLanguage = Annotated[
    Annotated[_T, Tag("every_language")] | Annotated[dict[KnownLanguage, _T], Tag("per_language")],
    Discriminator(_one_or_per_language),
    BeforeValidator(_one_language_at_least),
]


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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    recommended_reads: list[Read] = []


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
    BeforeValidator(_one_language_at_least),
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
_Number = Annotated[int, BeforeValidator(_not_placeholder), Ge(1)]


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
    list_ids: Annotated[list[_Identifier], BeforeValidator(_not_placeholder), Field(min_length=1)]


class ListmonkSettings(_PushSettings):
    """The listmonk server (its address; LISTMONK_URL in the environment wins) and the lists the campaign goes to."""

    keys = "LISTMONK_USER and LISTMONK_TOKEN"
    url: WebAddress
    list_ids: Annotated[list[Annotated[int, Ge(1)]], BeforeValidator(_not_placeholder), Field(min_length=1)]


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
    calls_to_action: list[CallToAction] = []
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
