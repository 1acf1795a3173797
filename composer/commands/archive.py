"""The web archive: a static site of every issue, built one issue at a time.

``archive(paths, site)`` writes

- ``site/index.html``: every issue, newest first, grouped by year (title, date, summary, read time);
- ``site/YYYY/MM/DD/index.html``: one page per issue, the email's content laid out for a browser,
  with links to the previous (older) and next (newer) issue;
- ``site/feed.xml``: an Atom feed, one entry per issue; ``site/style.css``: the site's one stylesheet.

The site holds exactly the issues given: the pages of issues removed since the last run, or that
no longer validate, are removed. Only files composer wrote are ever removed: it lists them in
``site/.composer-archive.json``, and a file it did not write (a CNAME, a page of the editor's own)
stays, whatever its name.

Every link between pages names a file (``2017/11/09/index.html``), never a folder, so the site
works opened from disk as well as served. No page needs a script.

Memory: two passes, never every issue at once. The first loads each issue and keeps only a small
``Entry`` (title, date, summary HTML, read time, address); sorting those gives every page its
neighbours. The second loads each issue again and writes its page straight away. Loading costs
about a millisecond an issue, much less than holding a thousand issues' stories would cost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any

import jinja2

from ..core import load, markdown, view
from ..core.folders import shown_path
from ..core.models import Publication
from ..core.output import write_atomically
from ..core.templates import environment, render_template, take_cache_warnings, template_dirs
from ..core.web_address import issue_address, issue_url
from ..errors import ComposerError, InvalidInput, OutputProblem, Problem
from ..i18n import languages, scripts

INDEX_TEMPLATE = "archive/index.html.j2"
ISSUE_TEMPLATE = "archive/issue.html.j2"
FEED_TEMPLATE = "archive/feed.xml.j2"
STYLE_TEMPLATE = "archive/style.css.j2"
PAGE = "index.html"  # each issue's folder holds one page, linked by its file name
ISSUE_ROOT = "../../../"  # from YYYY/MM/DD/index.html back to the site's top
SITE_FOLDER = "site"  # beside publication.yaml, unless `compose archive -o` names another folder
MANIFEST = ".composer-archive.json"  # what composer wrote in the site: all it may ever remove
SITE_FILES = ("index.html", "feed.xml", "style.css")
ISSUE_PAGE = re.compile(r"\d{4}/\d{2}/[A-Za-z0-9-]+/index\.html")  # the only other files composer writes


@dataclass(frozen=True)
class Entry:
    """What the index, the feed and a neighbour's links need of one issue; nothing more."""

    source: Path
    date: Date
    address: str  # "2017/11/09/"
    title: str
    summary_html: str
    date_line: str  # "Nov. 9, 2017", in the publication's date format
    read_time_line: str
    read_minutes: int
    lang: str = "en"  # the issue's: its entry in the index and the feed says so

    @property
    def dir(self) -> str:
        return languages.direction(self.lang)

    @property
    def page(self) -> str:
        """The page, relative to the site's top: '2017/11/09/index.html'."""
        return self.address + PAGE

    @property
    def sort_key(self) -> tuple[Date, str]:
        # By date, then by address: the day's own folder (09) before 09-2 and 09-evening.
        return (self.date, self.address.rstrip("/"))


@dataclass
class ArchiveResult:
    site: Path
    pages: list[Path] = field(default_factory=list)  # one per issue built, newest first
    index: Path | None = None  # None when no issue could be built
    feed: Path | None = None
    stylesheet: Path | None = None
    failed: list[Path] = field(default_factory=list)  # issues left out of the site
    problems: list[Problem] = field(default_factory=list)  # why, each as path:line:column: message
    removed: list[Path] = field(default_factory=list)  # pages of an earlier run whose issue is gone or bad
    warnings: list[str] = field(default_factory=list)  # what went wrong without changing the site (a cache)
    future: list[Path] = field(default_factory=list)  # valid issues dated after today, held back (oldest first)

    @property
    def ok(self) -> bool:
        return not self.failed


def archive(
    paths: Iterable[Path],
    site: Path,
    templates: Path | None = None,
    include_future: bool = False,
    today: Date | None = None,
) -> ArchiveResult:
    """Write the web archive of the issues in ``paths`` (files, or folders of *.yaml) into ``site``.

    An issue that does not validate is reported in the result (``failed``, ``problems``) and left
    out; the others are built. So are the issues dated after ``today`` (by default this computer's
    date, in its local time zone: composer knows no publication's zone), unless ``include_future``:
    an issue written ahead waits for its day, listed in ``future``. A template that does not render
    raises TemplateProblem, and a file that cannot be written OutputProblem: neither is one issue's
    fault.
    """
    sources = load.issues_named(paths)
    result = ArchiveResult(site)
    env = environment(template_dirs(sources[0], templates), "web")

    entries, publication = _index_entries(sources, result)
    if not include_future:
        last_day = today or Date.today()
        result.future = [entry.source for entry in reversed(entries) if entry.date > last_day]
        entries = [entry for entry in entries if entry.date <= last_day]
    if publication is None:  # no issue valid: the site is left as it is, rather than emptied
        result.warnings.extend(take_cache_warnings())
        return result
    # The site's own words (index, feed) in the publication's language; each issue's page has its own.
    publication = view.shown_publication(publication, publication.lang)
    earlier = _read_manifest(site, result)
    planned = {*SITE_FILES, *(entry.page for entry in entries)}
    _refuse_links_on_the_way(site, planned)  # before anything is written
    # Before writing: a run stopped half-way leaves no file of composer's that the manifest forgets.
    _write_manifest(site, earlier | planned)

    site_view = {
        **view.page(publication, publication.lang),
        "root": "",
        "scripts": scripts.stylesheet_rules(),  # each script's faces and breaks, keyed on :lang()
        # The front page is in the publication's language: its notice in that language too.
        "notice": view.chosen(publication.notice, publication, publication.lang).text if publication.notice else None,
    }
    result.stylesheet = site / "style.css"
    write_atomically(result.stylesheet, render_template(env, STYLE_TEMPLATE, site_view))

    built: list[Entry] = []
    for position, entry in enumerate(entries):
        newer = entries[position - 1] if position > 0 else None
        older = entries[position + 1] if position + 1 < len(entries) else None
        try:
            loaded = load.load(entry.source)
        except InvalidInput as error:  # spoilt on disk since the first pass
            _fail(result, entry.source, error)
            continue
        write_atomically(site / entry.page, _render_page(env, loaded, entry, newer, older))
        result.pages.append(site / entry.page)
        built.append(entry)

    # Written last, so that while the pages are written the old index still links to whole pages.
    years = [(year, [entry for entry in built if entry.date.year == year]) for year in _years(built)]
    result.index = site / PAGE
    write_atomically(result.index, render_template(env, INDEX_TEMPLATE, {**site_view, "years": years}))
    result.feed = site / "feed.xml"
    write_atomically(result.feed, render_template(env, FEED_TEMPLATE, _feed_view(publication, built)))
    written = {*SITE_FILES, *(entry.page for entry in built)}
    result.removed = _remove(site, (earlier | planned) - written, result.warnings)
    _write_manifest(site, written)
    result.warnings.extend(take_cache_warnings())
    return result


def _read_manifest(site: Path, result: ArchiveResult) -> set[str]:
    """The files an earlier run wrote, relative to ``site``; only names composer itself writes are
    believed, so that a hand-edited manifest can never make it remove another file."""
    path = site / MANIFEST
    try:
        if path.is_symlink():  # composer writes it as a file: a link is someone else's, never followed
            raise ValueError("a link")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError, RecursionError):
        data = None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        result.warnings.append(
            f"{path}: damaged, ignored; pages of issues no longer in the archive, if any, stay (remove them by hand)"
        )
        return set()
    return {name for name in files if isinstance(name, str) and _composers(name)}


def _composers(name: str) -> bool:
    """A file name composer writes into a site (never a dot in a folder's name: nothing above the site)."""
    return name in SITE_FILES or ISSUE_PAGE.fullmatch(name) is not None


def _write_manifest(site: Path, files: set[str]) -> None:
    note = "Files composer wrote here; `compose archive` removes those whose issue is gone. Do not edit."
    write_atomically(site / MANIFEST, json.dumps({"about": note, "files": sorted(files)}, indent=1) + "\n")


def _link_on_the_way(site: Path, name: str) -> Path | None:
    """The first folder of ``name`` below ``site`` that is a link (2017/ -> elsewhere), or None.

    composer makes these folders itself, never as links: one that is a link was put there by someone
    else, and a page written or removed through it would land outside the site (or on another page).
    """
    folder = site
    for part in Path(name).parent.parts:
        folder = folder / part
        if folder.is_symlink():
            return folder
    return None


def _refuse_links_on_the_way(site: Path, names: set[str]) -> None:
    """OutputProblem, before anything is written, when a page would be written through a link."""
    links = dict.fromkeys(link for name in sorted(names) if (link := _link_on_the_way(site, name)) is not None)
    if links:
        raise OutputProblem(
            [
                Problem.whole_file(
                    shown_path(link),
                    f"is a link, not a folder; compose archive writes pages only inside {shown_path(site)}/, "
                    "never through a link: remove the link (and move what it points to here, if it belongs "
                    "to the site), then run it again",
                )
                for link in links
            ]
        )


def _remove(site: Path, names: set[str], warnings: list[str]) -> list[Path]:
    """Remove the files composer wrote at ``names``, then the folders that leaves empty; the files removed.

    Never through a link: a page under a folder that has become a link is left, with a warning."""
    removed = []
    for name in sorted(names):
        path = site / name
        link = _link_on_the_way(site, name)
        if link is not None:
            warnings.append(
                f"{shown_path(path)}: not removed, though its issue is no longer in the archive: {shown_path(link)} "
                f"is a link, and compose archive removes only files inside {shown_path(site)}/, never through a link"
            )
            continue
        if path.is_symlink() or not path.is_file():
            continue  # not the file composer wrote (it writes files, by rename): not composer's to remove
        try:
            path.unlink()
        except OSError as error:
            raise OutputProblem(
                f"{path}: cannot remove this page of an issue no longer in the archive: {error.strerror}"
            ) from None
        removed.append(path)
        for folder in path.parents:  # 2017/11/09/, then 2017/11/, then 2017/, while empty
            if folder == site:
                break
            try:
                folder.rmdir()
            except OSError:
                break  # not empty: something else lives there
    return removed


def _index_entries(sources: list[Path], result: ArchiveResult) -> tuple[list[Entry], Publication | None]:
    """The first pass: every valid issue's Entry, newest first, and the site's publication."""
    entries: list[Entry] = []
    publication: Publication | None = None
    publication_path: Path | None = None
    by_address: dict[str, Path] = {}
    for source in sources:
        try:
            loaded = load.load(source)
        except ComposerError as error:
            _fail(result, source, error)
            continue
        if publication_path is None:
            publication, publication_path = loaded.publication, loaded.publication_path.resolve()
        elif loaded.publication_path.resolve() != publication_path:
            # One site, one publication: its name, address, colours and feed are the site's.
            message = (
                f"belongs to {loaded.publication_path}, not to {publication_path} like the issues before it; "
                "build each publication's archive on its own"
            )
            _fail(result, source, InvalidInput([Problem.whole_file(str(source), message)]))
            continue
        entry = _entry(loaded)
        if entry.address in by_address:
            message = (
                f"would have the archive address {entry.address} of {by_address[entry.address]}; "
                "rename one of the two files"
            )
            _fail(result, source, InvalidInput([Problem.whole_file(str(source), message)]))
            continue
        by_address[entry.address] = source
        entries.append(entry)
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries, publication


def _entry(loaded: load.Loaded) -> Entry:
    shown = view.build_view(loaded)
    issue = loaded.issue
    return Entry(
        source=loaded.path,
        date=issue.date,
        address=issue_address(issue.date, loaded.path),
        title=shown["title"],
        # Set as the issue's own page sets it (the templates' markdown filter), with typography: true.
        summary_html=markdown.to_html(issue.summary, view.typography_lang(loaded.publication, shown["lang"])),
        date_line=shown["date_line"],
        read_time_line=shown["read_time_line"],
        read_minutes=shown["read_minutes"],
        lang=shown["lang"],
    )


def _render_page(
    env: jinja2.Environment, loaded: load.Loaded, entry: Entry, newer: Entry | None, older: Entry | None
) -> str:
    """One issue's page: the email's content, with links to its neighbours."""
    shown = view.build_view(loaded)
    return render_template(
        env,
        ISSUE_TEMPLATE,
        {
            **shown,
            "entry": entry,
            "root": ISSUE_ROOT,
            "newer": newer,
            "older": older,
            "url": issue_url(loaded.publication.url, entry.date, entry.source),
            # The arrows point the way the page reads: back is to the right in a right-to-left page.
            "previous_issue": languages.point_the_way(str(shown["publication"].labels.previous_issue), shown["lang"]),
            "next_issue": languages.point_the_way(str(shown["publication"].labels.next_issue), shown["lang"]),
        },
    )


def _fail(result: ArchiveResult, source: Path, error: ComposerError) -> None:
    result.failed.append(source)
    result.problems.extend(error.problems)


def _years(entries: list[Entry]) -> list[int]:
    """The years of ``entries`` (newest first), each once, in their order."""
    return list(dict.fromkeys(entry.date.year for entry in entries))


def _feed_view(publication: Publication, entries: list[Entry]) -> dict[str, Any]:
    base = publication.url.rstrip("/") + "/"
    return {
        "publication": publication,
        "lang": publication.lang,
        "site_url": base,
        "feed_url": base + "feed.xml",
        # The newest issue's date: a rebuild that changes nothing changes no byte of the feed.
        "updated": _timestamp(entries[0].date) if entries else "1970-01-01T00:00:00Z",
        "entries": [
            {"entry": entry, "url": base + entry.address, "updated": _timestamp(entry.date)} for entry in entries
        ],
    }


def _timestamp(day: Date) -> str:
    """An issue's date as the Atom date-time it needs (RFC 3339): the day's start, UTC."""
    return f"{day.isoformat()}T00:00:00Z"
