"""The JSON Schemas of an issue and of publication.yaml, for completion and checks in an editor.

Generated from the models, then made to describe the YAML as an editor's YAML language server
reads it (YAML 1.2): composer reads every value as text, so `title: 1984` is a title, while the
editor sees a number there. Each key gets the README's words and an example. The generated files
ship in composer/commands/schema/ (`compose schema` prints them); tests/test_schema.py keeps them current.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ...core.esp import SERVICES
from ...package import PACKAGE_FOLDER

Kind = Literal["issue", "publication"]
KINDS: tuple[Kind, ...] = ("issue", "publication")
FOLDER = PACKAGE_FOLDER / "commands" / "schema"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Free text: composer takes a number or true/false as the words typed.
TEXT_TYPES = ["string", "number", "boolean"]
LINK = {"type": "string", "pattern": "^(https?://|mailto:)"}
WEB_ADDRESS = {"type": "string", "pattern": "^https?://"}
EMAIL = {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"}
COLOUR = {"type": "string", "pattern": "^#([0-9a-fA-F]{3}){1,2}$"}
LANGUAGE = {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"}


class Key(NamedTuple):
    description: str
    example: Any
    rule: dict[str, Any] | None = None  # what a text value must look like; None: any text


_PICTURE = {
    "src": Key("required, a full http(s) address", "https://www.example.com/photo.jpg", WEB_ADDRESS),
    "alt": Key("required: what the picture shows, for readers who cannot see it", "Smoke over Boukamal"),
    "width": Key("optional, with height: the picture's size in pixels", 1200),
    "height": Key("optional, with width: the picture's size in pixels", 800),
}
_PER_LANGUAGE = " (once, or per language: `en: ...`, `ar: ...`)"

# "Model.key": the README's words for each key (its issue example and its publication table).
KEYS: dict[str, Key] = {
    "Issue.date": Key("required, YYYY-MM-DD", "2017-11-09", {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}),
    "Issue.title": Key("optional: by default the publication's title_pattern", "Executive Summary for November 9th"),
    "Issue.subject": Key("optional e-mail subject; default: the title", "Syria: the last ISIS stronghold falls"),
    "Issue.preheader": Key(
        "optional inbox preview text; default: the summary's opening", "Boukamal retaken; clashes in Hama"
    ),
    "Issue.lang": Key(
        "optional language tag; default: the publication's. ar, fa, he, ur… read right to left", "en", LANGUAGE
    ),
    "Issue.summary": Key("required, Markdown", "We review the key developments in Syria, ..."),
    "Issue.stories": Key(
        "required, one or more", [{"headline": "Pro-Government Forces Capture Last ISIS Stronghold", "body": "..."}]
    ),
    "Issue.recommended_reads": Key(
        "optional; the section is left out when there are none",
        [{"title": "A long read", "url": "https://www.example.com/read"}],
    ),
    "Story.headline": Key("required, plain text", "Pro-Government Forces Capture Last ISIS Stronghold in Syria"),
    "Story.body": Key(
        "required, Markdown: paragraphs, links, *emphasis*, > quotes, lists",
        "Pro-government forces captured the so-called Islamic State’s last stronghold ...",
    ),
    "Story.url": Key(
        'optional: the full story, linked from the headline and "Read more"', "https://www.example.com/story", LINK
    ),
    "Story.source": Key(
        'optional: who published it; its link then says "Read more at …" (without url: "Source: …")', "Associated Press"
    ),
    "Story.image": Key("optional", {"src": "https://www.example.com/photo.jpg", "alt": "Smoke over Boukamal"}),
    **{f"Image.{key}": value for key, value in _PICTURE.items()},
    "Image.caption": Key("optional", "Boukamal on Thursday."),
    "Image.credit": Key("optional", "AP"),
    "Read.title": Key("required", "A long read"),
    "Read.url": Key("required", "https://www.example.com/read", LINK),
    "Read.source": Key("optional", "The Example"),
    "Read.note": Key("optional one-line blurb", "Worth your time."),
    "Read.lang": Key(
        "optional language tag, for a read in another language than the issue's: it reads its own way", "en", LANGUAGE
    ),
    "Publication.name": Key("the publication's name (required)", "Syria Deeply"),
    "Publication.url": Key("the publication's web address (required)", "https://www.newsdeeply.com/syria", WEB_ADDRESS),
    "Publication.lang": Key("default language of issues (default `en`)", "en", LANGUAGE),
    "Publication.title_pattern": Key(
        "the title when an issue gives none, e.g. `Executive Summary for {month} {day_ordinal}` → "
        '"Executive Summary for November 9th"' + _PER_LANGUAGE,
        "Executive Summary for {month} {day_ordinal}",
    ),
    "Publication.date_format": Key(
        'the date line, e.g. `{month_ap} {day}, {year}` → "Nov. 9, 2017" (AP style, the English default) '
        "or `long` (the default in other languages)" + _PER_LANGUAGE,
        "{month_ap} {day}, {year}",
    ),
    "Publication.words_per_minute": Key('reading speed for "Read time: about N minutes" (default 238)', 238),
    "Publication.characters_per_minute": Key(
        "reading speed in characters for languages written without spaces (Chinese, Japanese, Thai…); "
        "default 500 in Japanese, 330 in Chinese",
        500,
    ),
    "Publication.notice": Key(
        'Markdown shown above the title ("Dear Deeply Readers, …")' + _PER_LANGUAGE, "Dear Deeply Readers, ..."
    ),
    "Publication.contact": Key("the publication's e-mail address, in the footer", "syria@example.com", EMAIL),
    "Publication.calls_to_action": Key(
        "buttons: `heading`, optional `text`, `label`, `url` (shown two per row)",
        [{"heading": "Suggest your story or issue.", "label": "Send", "url": "mailto:syria@example.com"}],
    ),
    "Publication.contents": Key('`true` for an "In this issue" list of the headlines after the summary', True),
    "Publication.typography": Key(
        "`true` for curly quotes, dashes and ellipses in the issue's language's style, in every text: Markdown, "
        "titles, the subject, headlines, captions, reads",
        True,
    ),
    "Publication.colours": Key(
        "`text`, `background`, `paper`, `accent`, `muted`, `button_text`, as `#rrggbb`", {"accent": "#a3262a"}
    ),
    "Publication.logo": Key(
        "optional `src`, `alt`, `width`, `height`", {"src": "https://www.example.com/logo.png", "alt": "Syria Deeply"}
    ),
    "Publication.footer": Key("Markdown closing the email" + _PER_LANGUAGE, "You subscribed at ..."),
    "Publication.sender": Key(
        "`name` and `email` the issue is sent from", {"name": "Syria Deeply", "email": "newsletter@example.com"}
    ),
    "Publication.labels": Key(
        "your own words in place of composer's, key by key" + _PER_LANGUAGE, {"read_more": "Continue reading"}
    ),
    "Publication.esp": Key(
        "the mailing service the issues are for", "mailchimp", {"type": "string", "enum": list(SERVICES)}
    ),
    "Publication.unsubscribe_url": Key(
        "the publication's own unsubscribe page, used when no service fills it in",
        "https://www.newsdeeply.com/syria/unsubscribe",
        LINK,
    ),
    "Publication.web_version_url": Key(
        "the web version (`{iso}` and the other date placeholders allowed; without it, the issue's page in the "
        "web archive, `url` plus `YYYY/MM/DD/`), used when no service fills it in",
        "https://www.newsdeeply.com/syria/archive/{iso}",
        LINK,
    ),
    "Publication.address": Key(
        "postal address, used when no service fills it in", "Syria Deeply, 1 Example Street, New York, NY 10001"
    ),
    "Publication.smtp": Key(
        "`host`, `port`, `user`, `starttls` for `compose send` (never the password)",
        {"host": "smtp.example.com", "port": 587},
    ),
    "Publication.mailchimp": Key(
        "`audience_id` for `compose push --esp mailchimp` (the key only in MAILCHIMP_API_KEY)",
        {"audience_id": "a1b2c3d4e5"},
    ),
    "Publication.sendgrid": Key(
        "`sender_id`, `suppression_group_id`, `list_ids` for `compose push --esp sendgrid` (the key only in "
        "SENDGRID_API_KEY)",
        {"sender_id": 1234567, "suppression_group_id": 12345, "list_ids": ["0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"]},
    ),
    "Publication.listmonk": Key(
        "`url`, `list_ids` for `compose push --esp listmonk` (the user and token only in LISTMONK_USER and "
        "LISTMONK_TOKEN)",
        {"url": "https://lists.example.com", "list_ids": [3]},
    ),
    "Publication.utm": Key(
        "tags on every link of the email, for counting clicks by place: `source` (required), `medium` (default "
        "`email`), `campaign` (default `{iso}`, the issue's date), `exclude` (domains never tagged)",
        {"source": "syria-deeply"},
    ),
    "Utm.source": Key("required: utm_source, the publication as your analytics names it", "syria-deeply"),
    "Utm.medium": Key("utm_medium (default `email`)", "email"),
    "Utm.campaign": Key(
        "utm_campaign (default `{iso}`, the issue's date): the title_pattern placeholders, such as `{name}`, "
        "`{year}`, `{month}`",
        "{iso}",
    ),
    "Utm.exclude": Key("domains whose links are never tagged, nor their subdomains' links", ["partner.example.org"]),
    "CallToAction.heading": Key("the button's heading" + _PER_LANGUAGE, "Suggest your story or issue."),
    "CallToAction.text": Key("optional words under the heading" + _PER_LANGUAGE, "Have a story idea?"),
    "CallToAction.label": Key("the button's words" + _PER_LANGUAGE, "Send"),
    "CallToAction.url": Key("where the button leads", "mailto:syria@example.com", LINK),
    "CallToAction.lang": Key(
        "optional language tag of the texts given once; default the publication's `lang`", "en", LANGUAGE
    ),
    **{
        f"Colours.{key}": Key(f"as #rrggbb (default {default})", default, COLOUR)
        for key, default in [
            ("text", "#222222"),
            ("background", "#f4f4f4"),
            ("paper", "#ffffff"),
            ("accent", "#b3261e"),
            ("muted", "#666666"),
            ("button_text", "#ffffff"),
        ]
    },
    **{f"Logo.{key}": value for key, value in _PICTURE.items()},
    "Sender.name": Key("the name the issue is sent from", "Syria Deeply"),
    "Sender.email": Key("the address the issue is sent from", "newsletter@example.com", EMAIL),
    "Smtp.host": Key("the server for `compose send`", "smtp.example.com"),
    "Smtp.port": Key("its port", 587),
    "Smtp.user": Key("the user name (the password only in COMPOSE_SMTP_PASSWORD)", "editor@example.com"),
    "Smtp.starttls": Key("`true` to encrypt with STARTTLS", True),
    "MailchimpSettings.audience_id": Key(
        "the Audience ID (Audience > Settings > Audience name and defaults)", "a1b2c3d4e5"
    ),
    "SendgridSettings.sender_id": Key("the ID of the verified sender (Marketing > Senders)", 1234567),
    "SendgridSettings.suppression_group_id": Key("the ID of the unsubscribe group (Suppressions)", 12345),
    "SendgridSettings.list_ids": Key(
        "the IDs of the contact lists the Single Send goes to", ["0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"]
    ),
    "ListmonkSettings.url": Key(
        "the listmonk server's address (LISTMONK_URL wins)", "https://lists.example.com", WEB_ADDRESS
    ),
    "ListmonkSettings.list_ids": Key("the IDs of the lists the campaign goes to", [3]),
    "ListmonkSettings.template_id": Key(
        'optional: the ID of a campaign template whose body is only {{ template "content" . }} (else listmonk '
        "wraps the issue in its default template)",
        5,
    ),
    "Labels.published": Key('"Published on {date}"', "Published on {date}"),
    "Labels.read_time": Key(
        '"Read time: about {minutes} minutes", or one per plural category', "Read time: about {minutes} minutes"
    ),
    "Labels.read_time_one": Key("the words for exactly one minute", "Read time: about 1 minute"),
    "Labels.read_more": Key('"Read more"', "Read more"),
    "Labels.read_more_at": Key('"Read more at {source}"', "Read more at {source}"),
    "Labels.source": Key('"Source: {source}", under a story that has a source but no url', "Source: {source}"),
    "Labels.photo_credit": Key('"Photo: {credit}"', "Photo: {credit}"),
    "Labels.image": Key('"Image: {alt}", the plain text\'s stand-in for a picture', "Image: {alt}"),
    "Labels.in_this_issue": Key('"In this issue"', "In this issue"),
    "Labels.recommended_reads": Key('"Recommended Reads"', "Recommended Reads"),
    "Labels.unsubscribe": Key('"Unsubscribe"', "Unsubscribe"),
    "Labels.web_version": Key('"View this email in your browser"', "View this email in your browser"),
    "Labels.colon": Key(
        'a label and what follows it in the plain text and the default title, "{before}: {after}"', "{before}: {after}"
    ),
    "Labels.previous_issue": Key("the web archive's link to the previous issue", "Previous issue"),
    "Labels.next_issue": Key("the web archive's link to the next issue", "Next issue"),
    "Labels.all_issues": Key("the web archive's link to its index", "All issues"),
    "Labels.feed": Key("the web archive's link to its feed", "Feed"),
    **{
        f"ReadTime.{category}": Key(f"for the CLDR plural category {category}", "Read time: about {minutes} minutes")
        for category in ("zero", "one", "two", "few", "many", "other")
    },
}


def generate(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of an issue or of publication.yaml."""
    from ...core.models import Issue, Publication

    model = Issue if kind == "issue" else Publication
    schema = model.model_json_schema()
    for name, definition in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        for key, value in definition["properties"].items():
            _describe(value, KEYS[f"{name}.{key}"])
    if kind == "publication":
        # read_time as one text (every number of minutes alike) is still read, for every language or per language.
        read_time = schema["$defs"]["Labels"]["properties"]["read_time"]
        one_text = {"type": TEXT_TYPES, "minLength": 1}
        read_time["anyOf"].insert(1, one_text)
        choices = read_time["anyOf"][0]
        choices["anyOf"] = choices.pop("oneOf")  # {one: "…"} is plural categories and, to a schema, languages
        per_language = choices["anyOf"][1]
        per_language["additionalProperties"] = {"anyOf": [per_language["additionalProperties"], one_text]}
    title = "A composer issue" if kind == "issue" else "A composer publication.yaml"
    return {"$schema": DRAFT, **schema, "title": title}


def _describe(value: dict[str, Any], key: Key) -> None:
    value.pop("title", None)
    value["description"] = key.description
    value["examples"] = [key.example]
    for part in _parts(value):
        for limit, keyword in (("ge", "minimum"), ("le", "maximum")):  # pydantic leaves Field(ge=) in a union so
            if limit in part:
                part[keyword] = part.pop(limit)
        if part.get("type") == "string":
            if key.rule is None:
                part["type"] = TEXT_TYPES
            else:
                part.update(key.rule)
                part.pop("format", None)


def _parts(value: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The schema and those inside it (a union's choices, a per-language mapping's values), not $refs."""
    yield value
    for choice in value.get("anyOf", []) + value.get("oneOf", []):
        yield from _parts(choice)
    if isinstance(value.get("additionalProperties"), dict):
        yield from _parts(value["additionalProperties"])


def text(kind: Kind) -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(generate(kind), ensure_ascii=False, indent=2) + "\n"


def path(kind: str) -> Path:
    return FOLDER / f"{kind}.schema.json"
