"""`compose new`: start an issue from a skeleton that shows every field an issue can have.

Each field the editor must write holds a placeholder, ``<TODO what to write>``, which the models
refuse (models.PLACEHOLDER_MARK) with that instruction at its line: a skeleton not filled in
never composes, so it can never be sent. Optional fields are there too, commented out, each
with its own placeholder should the editor uncomment it and forget it. Its first line names the
schema an editor completes keys from (modeline.py).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..core.folders import PUBLICATION_FILE, find_publication, shown_path
from ..core.output import write_atomically
from ..errors import ComposerError, IssueExists, NoPublication, NotADay, OutputProblem
from ..i18n import dates
from . import schema
from .schema import Kind
from .schema.modeline import file_name, modeline, nearest_issue_schema

SKELETON = """\
# {weekday}, {month} {day}, {year}: an issue started with `compose new`.
# Write your own text in place of every <TODO …>: until none is left, compose refuses this file
# and names each one with its line. Lines starting with # are comments. To use an optional key,
# delete the "# " in front of it (and in front of the lines under it).

date: {iso}                        # the issue's date, YYYY-MM-DD
# title: <TODO write the title, or delete this line>  # optional; default: publication.yaml's title_pattern
# subject: <TODO write the subject, or delete this line>  # optional e-mail subject; default: the title
# preheader: <TODO write the preheader, or delete this line>  # optional line inboxes show after the subject
# lang: <TODO write the language tag, or delete this line>  # optional: en, fr-CA, ar…; default: the publication's

# Markdown: paragraphs, [links](https://…), *emphasis*, **bold**, > quotes, lists. For several
# paragraphs, write "summary: |" and the text on the lines below it, indented by two spaces.
summary: <TODO write the summary that opens the issue>

stories:                                # one or more: copy the "- headline:" block for each
  - headline: <TODO write the headline> # plain text, one line
    body: <TODO write the story>        # Markdown, as the summary above
    # Optional: the full story, linked from the headline and "Read more". Delete the line if there is none.
    url: <TODO paste the full story's address, https://…, or delete this line>
    # source: <TODO name who published the full story, or delete this line>  # optional: its link says "Read more at …"
    # image:                            # optional: a picture above the story
    #   src: <TODO paste the picture's address, https://…>
    #   alt: <TODO say what the picture shows, for readers who cannot see it>
    #   width: <TODO give its width in pixels, or delete this line>  # optional, with height: its proportions
    #   height: <TODO give its height in pixels, or delete this line>  #   then hold in every mail client
    #   caption: <TODO write the caption, or delete this line>  # optional
    #   credit: <TODO name who made the picture, or delete this line>  # optional

# recommended_reads:                    # optional; the section is left out when there are none
#   - title: <TODO write the title of the read>
#     url: <TODO paste its address, https://…>
#     source: <TODO name who published it, or delete this line>  # optional
#     note: <TODO write one line on why to read it, or delete this line>  # optional
#     lang: <TODO write its language tag, or delete this line>  # optional, for a read in another language
"""


def skeleton(day: date, schema_file: str = file_name("issue")) -> str:
    """The text of a new issue for ``day``: its date filled in, every other field to write, under the
    modeline naming ``schema_file`` (relative to the issue)."""
    return modeline(schema_file) + SKELETON.format(
        weekday=dates.WEEKDAYS[day.weekday()],
        month=dates.MONTHS[day.month - 1],
        day=day.day,
        year=day.year,
        iso=day.isoformat(),
    )


@dataclass(frozen=True)
class NewIssue:
    """What `compose new` wrote."""

    path: Path
    schema: Path | None  # the schema file written beside it, when none was there for its modeline to name


def new_issue(folder: Path, day: date) -> NewIssue:
    """Write the skeleton for ``day`` to ``folder/<YYYY-MM-DD>.yaml``.

    Its modeline names the nearest issue.schema.json, up to publication.yaml's folder; without one,
    the shipped schema is written beside the issue too. Raises IssueExists if the issue is there
    already (it is left untouched, and nothing written), OutputProblem if it cannot be written. The
    folder is created if need be.
    """
    path = folder / f"{day.isoformat()}.yaml"
    publication = find_publication(path)
    if publication is None:  # the issue would not compose: say what comes first
        raise NoPublication(
            f"no {PUBLICATION_FILE} in {shown_path(folder)} or the folders above it; "
            "run `compose init` first, then `compose new`"
        )
    nearest = nearest_issue_schema(path, publication.parent)
    create(path, skeleton(day, nearest or file_name("issue")), _exists(path))
    return NewIssue(path, None if nearest else copy_schema(folder, "issue"))


def copy_schema(folder: Path, kind: Kind) -> Path | None:
    """Write the shipped schema of ``kind`` into ``folder``, for a modeline to name, and return its path;
    None when a file of that name is there already: it is left as it is (check reports an old copy)."""
    path = folder / file_name(kind)
    shipped = schema.path(kind).read_bytes().decode("utf-8")  # not read_text(): the same bytes, line ends too
    return path if create(path, shipped) else None


ISSUES_FOLDER = "issues"  # as `compose init` makes it
_ISSUE_NAME = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d).*\.yaml")


def default_folder(here: Path) -> Path:
    """Where `compose new` writes without --folder: ``here`` when it is the issues folder itself (it holds
    issues, or it is the issues/ folder of a publication.yaml in it or just above it), else issues/ below
    it. Run inside issues/, it once wrote issues/issues/DATE.yaml, a second copy of the day."""
    holds_issues = any(_ISSUE_NAME.fullmatch(path.name) and path.is_file() for path in here.glob("*.yaml"))
    folder = here.resolve()
    publication_beside = (folder / PUBLICATION_FILE).is_file() or (folder.parent / PUBLICATION_FILE).is_file()
    if holds_issues or (folder.name == ISSUES_FOLDER and publication_beside):
        return here
    return here / ISSUES_FOLDER


RELATIVE_DAYS = {"today": 0, "tomorrow": 1}  # the days an editor starts an issue for, by name


def parse_day(text: str, today: date | None = None) -> date:
    """``2024-05-01``, ``today`` or ``tomorrow`` as a date, or NotADay in the words the issue's own
    date field uses."""
    if text.strip().lower() in RELATIVE_DAYS:
        return (today or date.today()) + timedelta(days=RELATIVE_DAYS[text.strip().lower()])
    try:
        return dates.parse_iso(text)
    except ValueError as error:
        raise NotADay(str(error)) from None


def create(path: Path, content: str, exists: ComposerError | None = None) -> bool:
    """Write ``path`` whole and return True, or not at all if it exists, even if it appears while we
    write: then raise ``exists``, or return False without one.

    A check before writing would leave a moment in which another `compose new` (or the editor's
    own save) could be overwritten; a hard link is made in one step and fails if the name is
    taken. The draft is written beside it first, so the issue never appears half written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
        os.close(handle)
    except OSError as error:
        raise OutputProblem.cannot_write(path, error) from None
    draft = Path(name)
    try:
        try:
            write_atomically(draft, content)  # output's encoding, line ends and permissions
        except OutputProblem as error:  # named as the file the editor asked for, not its draft's random name
            cause = error.__context__
            raise (OutputProblem.cannot_write(path, cause) if isinstance(cause, OSError) else error) from None
        try:
            os.link(draft, path)
        except FileExistsError:
            return _taken(exists)
        except OSError:  # a file system without hard links (FAT, some network drives)
            return _create_exclusively(path, content, exists)
    finally:
        draft.unlink(missing_ok=True)
    return True


def _taken(exists: ComposerError | None) -> bool:
    if exists is not None:
        raise exists from None
    return False


def _create_exclusively(path: Path, content: str, exists: ComposerError | None) -> bool:
    """Exclusive creation without a link: never overwrites, though a reader could see it half written."""
    created = False
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as stream:
            created = True
            stream.write(content)
    except FileExistsError:
        return _taken(exists)
    except BaseException as error:
        if created:  # ours, and unfinished: no half skeleton left behind (never someone else's file)
            path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputProblem.cannot_write(path, error) from None
        raise
    return True


def _exists(path: Path) -> IssueExists:
    return IssueExists(
        f"{path} already exists; compose new never overwrites an issue: edit that file, or remove it first"
    )
