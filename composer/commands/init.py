"""`compose init`: start a publication, its publication.yaml commented key by key and an issues/ folder.

Like `compose new`, what the editor must still write is a ``<TODO …>`` placeholder the models
refuse at its line (models.PLACEHOLDER_MARK), and the file is created whole or not at all, never
over an existing one (new.create). Given a name and an address, it composes as it is; what a
real send still needs (sender, unsubscribe page, postal address) is marked TO FILL, and
`compose check` reports it until it is there. Beside publication.yaml and in issues/ go the schemas
an editor completes keys from, which the first line of each file names (modeline.py).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.folders import PUBLICATION_FILE
from ..errors import InvalidInput, OutputProblem, Problem, PublicationExists
from .new import copy_schema, create
from .schema.modeline import file_name, modeline

ISSUES_FOLDER = "issues"

# The words of README.md's table of publication.yaml keys. @NAME@, @URL@ and @LANG@ are filled in.
TEMPLATE = """\
# What every issue of the publication shares, started with `compose init`. Issues in this folder
# or below it (issues/) use it. Lines starting with # are comments. To use an optional key, delete
# the "# " in front of it (and in front of the lines under it), and write your own text in place of
# its <TODO …>: compose refuses a placeholder, at its line, until it is replaced.
# TO FILL before the first real send: sender, unsubscribe_url (or esp) and address, below;
# `compose check` reports them until they are there.

name: @NAME@  # the publication's name (required)
url: @URL@  # the publication's web address (required)
lang: @LANG@  # default language of issues (default en)

# The title when an issue gives none, e.g. "Executive Summary for {month} {day_ordinal}" ->
# "Executive Summary for November 9th" (default "{name}: {month} {day}, {year}" in English,
# "{name}: {date}" in other languages, with their own colon). Other placeholders: {year}
# {month_number} {weekday} {iso}.
# title_pattern: <TODO write the title pattern, or delete this line>
# The date line, e.g. "{month_ap} {day}, {year}" -> "Nov. 9, 2017" (AP style, the English default)
# or "long" (the default in other languages).
# date_format: <TODO write the date format, or delete this line>
# words_per_minute: 238  # reading speed for "Read time: about N minutes" (default 238)
# characters_per_minute: 500  # the same in characters, for Chinese, Japanese, Thai… (default 500 ja, 330 zh)
# contents: true  # an "In this issue" list of the headlines after the summary (default false)
# typography: true  # curly quotes, dashes and … in the issue's language's style, in every text (default false)

# notice: <TODO write the Markdown shown above the title, or delete this line>
# contact: <TODO write the publication's e-mail address, shown in the footer, or delete this line>
# footer: <TODO write the Markdown closing the email, or delete this line>

# calls_to_action:  # buttons, shown two per row
#   - heading: <TODO write the button's heading>
#     text: <TODO write a line under the heading, or delete this line>
#     label: <TODO write the button's label>
#     url: <TODO paste the button's address, https://…>

# colours:  # as #rrggbb; these are the defaults
#   text: "#222222"
#   background: "#f4f4f4"
#   paper: "#ffffff"
#   accent: "#b3261e"
#   muted: "#666666"
#   button_text: "#ffffff"

# logo:
#   src: <TODO paste the logo's address, https://…>
#   alt: <TODO write what the logo says, for readers who cannot see it>
#   width: <TODO give its width in pixels, or delete this line>
#   height: <TODO give its height in pixels, or delete this line>

# labels:  # your own words in place of composer's, key by key (README: Languages)
#   read_more: <TODO write the words of "Read more", or delete this line>

# TO FILL: the name and e-mail address the issue is sent from (the From of `compose send` and --eml).
# sender:
#   name: <TODO write the sender's name>
#   email: <TODO write the address the issues are sent from>

# The mailing service the issues are for (mailchimp, buttondown, sendgrid, mailgun, listmonk):
# its merge tags give the unsubscribe link, web version and postal address (README: Mailing services).
# esp: <TODO name the mailing service, or delete this line>
# TO FILL (unless esp fills it in): the publication's own unsubscribe page.
# unsubscribe_url: <TODO paste the unsubscribe page's address, https://…>
# The web version ({iso} and the other date placeholders allowed); without it, the issue's page in
# the web archive, url plus YYYY/MM/DD/.
# web_version_url: <TODO paste the web version's address, or delete this line>
# TO FILL (unless esp fills it in): the postal address the US CAN-SPAM Act and most mailing
# services require in every email.
# address: <TODO write the publication's postal address>

# smtp:  # for `compose send` (never the password: COMPOSE_SMTP_PASSWORD in the environment)
#   host: <TODO write the SMTP server's name>
#   port: <TODO give the server's port, such as 587>
#   user: <TODO write the user name on the server, or delete this line>
#   starttls: <TODO write yes or no, or delete this line>

# For `compose push`, the IDs of the draft's audience in the service esp names (README: Push to
# your mailing service); its key only ever in the environment (MAILCHIMP_API_KEY, ...).
# mailchimp:
#   audience_id: <TODO paste the Audience ID (in the audience's settings), or delete these lines>
# sendgrid:
#   sender_id: <TODO give the sender's ID (Marketing, Senders), or delete these lines>
#   suppression_group_id: <TODO give the unsubscribe group's ID>
#   list_ids: <TODO give the contact lists' IDs, as ["id", "id"]>
# listmonk:
#   url: <TODO paste the listmonk server's address, https://…, or delete these lines>
#   list_ids: <TODO give the lists' IDs, as [1, 2]>

# Counting clicks (README): every link of the email tagged utm_source, utm_medium, utm_campaign
# and utm_content, its place (summary, story-2, story-2-body, read-3, cta-1, notice, footer).
# utm:
#   source: <TODO write the name your analytics knows the briefing by, such as the-daily, or delete these lines>
#   medium: email
#   campaign: "{iso}"  # the issue's date; the title_pattern placeholders work too: {name}, {year}…
#   exclude: []  # domains never tagged, with their subdomains, such as [partner.example.org]
"""

NAME_TO_WRITE = "<TODO write the publication's name>"
URL_TO_WRITE = "<TODO paste the publication's web address, https://…>"


@dataclass(frozen=True)
class Started:
    """What `compose init` wrote."""

    publication: Path
    issues: Path
    schemas: list[Path]  # those written: a schema file already there is left as it is


def publication_text(name: str | None = None, url: str | None = None, lang: str | None = None) -> str:
    """publication.yaml for a new publication: the values given, a placeholder for each one not."""
    return modeline(file_name("publication")) + (
        TEMPLATE.replace("@NAME@", _quoted(name) if name is not None else NAME_TO_WRITE)
        .replace("@URL@", _quoted(url) if url is not None else URL_TO_WRITE)
        .replace("@LANG@", _quoted(lang) if lang is not None else "en")
    )


def init(folder: Path, name: str | None = None, url: str | None = None, lang: str | None = None) -> Started:
    """Write ``folder/publication.yaml`` and its schema beside it, and make ``folder/issues/`` with the
    issues' schema in it.

    Everything it will write is checked first: raises InvalidInput when a value given would not
    validate, PublicationExists when publication.yaml is there already (it is left untouched),
    OutputProblem when a folder it needs is a file; then nothing is written. If writing fails
    half-way (a full disk), what it had written is removed again, and OutputProblem says why.
    """
    _refuse_invalid(name, url, lang)
    publication = folder / PUBLICATION_FILE
    issues = folder / ISSUES_FOLDER
    if os.path.lexists(publication):  # a dangling link too: writing would follow it
        raise _exists(publication)
    for needed in (issues, folder, *folder.parents):
        if needed.is_dir():
            break
        if os.path.lexists(needed):  # a file (or a link to none) where a folder must be
            raise OutputProblem(
                f"{needed}: a file, not a folder; compose init needs a folder here"
                + (" for the issues" if needed == issues else "")
                + ": rename or move that file, then run compose init again"
            )
    made: list[Path] = []  # what this run made, removed again should a later write fail
    try:
        made.extend(_folders_to_make(issues))
        issues.mkdir(parents=True, exist_ok=True)
        create(publication, publication_text(name, url, lang), _exists(publication))
        made.append(publication)
        written = [copy_schema(folder, "publication"), copy_schema(issues, "issue")]
        made.extend(path for path in written if path is not None)
    except BaseException:
        _remove_made(made)
        raise
    return Started(publication, issues, [path for path in written if path is not None])


def _folders_to_make(folder: Path) -> list[Path]:
    """The folders mkdir(parents=True) will make for ``folder``, outermost first."""
    missing = []
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate):
            break
        missing.append(candidate)
    return missing[::-1]


def _remove_made(made: list[Path]) -> None:
    """Undo a run that failed half-way: its files, then its folders, newest first; never anything else."""
    for path in reversed(made):
        with contextlib.suppress(OSError):  # not empty (something else appeared there), or gone: left as it is
            path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()


def _quoted(value: str) -> str:
    # A JSON string is a YAML double-quoted scalar: `name: 1984` or `lang: no` stay text.
    return json.dumps(value, ensure_ascii=False)


def _refuse_invalid(name: str | None, url: str | None, lang: str | None) -> None:
    """The values given, checked as publication.yaml's own fields are, so that a slip is said now."""
    given = {"name": name, "url": url, "lang": lang}
    if not any(value is not None for value in given.values()):
        return  # `compose init` alone: nothing to check, and no need to load the models
    from pydantic import ValidationError

    from ..core.models import Publication

    try:
        Publication.model_validate(
            {"name": "x", "url": "https://example.org/"}
            | {key: value for key, value in given.items() if value is not None}
        )
    except ValidationError as error:
        raise InvalidInput(
            [
                Problem("", 0, 0, f"--{detail['loc'][0]}", str(detail["msg"]).removeprefix("Value error, "))
                for detail in error.errors()
            ]
        ) from None


def _exists(path: Path) -> PublicationExists:
    return PublicationExists(
        f"{path} already exists; compose init never overwrites it: edit that file, or start in another folder"
    )
