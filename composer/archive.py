"""The web archive: a static site of every issue, built one issue at a time.

``archive(paths, site)`` writes

- ``site/index.html``: every issue, newest first, grouped by year (title, date, summary, read time);
- ``site/YYYY/MM/DD/index.html``: one page per issue, the email's content laid out for a browser,
  with links to the previous (older) and next (newer) issue;
- ``site/feed.xml``: an Atom feed, one entry per issue; ``site/style.css``: the site's one stylesheet.

Every link between pages names a file (``2017/11/09/index.html``), never a folder, so the site
works opened from disk as well as served. No page needs a script.

Memory: two passes, never every issue at once. The first loads each issue and keeps only a small
``Entry`` (title, date, summary HTML, read time, address); sorting those gives every page its
neighbours. The second loads each issue again and writes its page straight away. Loading costs
about a millisecond an issue, much less than holding a thousand issues' stories would cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any

import jinja2

from . import load, markdown, render
from .errors import ComposerError, InvalidInput, Problem
from .models import Publication, is_right_to_left
from .output import write_atomically
from .web_address import issue_address, issue_url

INDEX_TEMPLATE = "archive/index.html.j2"
ISSUE_TEMPLATE = "archive/issue.html.j2"
FEED_TEMPLATE = "archive/feed.xml.j2"
STYLE_TEMPLATE = "archive/style.css.j2"
PAGE = "index.html"  # each issue's folder holds one page, linked by its file name
ISSUE_ROOT = "../../../"  # from YYYY/MM/DD/index.html back to the site's top


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

    @property
    def ok(self) -> bool:
        return not self.failed


def archive(paths: Iterable[Path], site: Path, templates: Path | None = None) -> ArchiveResult:
    """Write the web archive of the issues in ``paths`` (files, or folders of *.yaml) into ``site``.

    An issue that does not validate is reported in the result (``failed``, ``problems``) and left
    out; the others are built. A template that does not render raises TemplateProblem, and a file
    that cannot be written OutputProblem: neither is one issue's fault.
    """
    sources = load.issue_files(paths)
    result = ArchiveResult(site)
    if not sources:
        return result
    template_dirs = render.template_dirs(sources[0], templates)
    env = render.environment(template_dirs, "html")

    entries, publication = _index_entries(sources, result)
    if publication is None:
        return result

    site_view = {
        "publication": publication,
        "colours": publication.colours,
        "lang": publication.lang,
        "dir": "rtl" if is_right_to_left(publication.lang) else "ltr",
        "root": "",
    }
    result.stylesheet = site / "style.css"
    write_atomically(result.stylesheet, render.render_template(env, STYLE_TEMPLATE, site_view))

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
    write_atomically(result.index, render.render_template(env, INDEX_TEMPLATE, {**site_view, "years": years}))
    result.feed = site / "feed.xml"
    write_atomically(result.feed, render.render_template(env, FEED_TEMPLATE, _feed_view(publication, built)))
    return result


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
            _fail(result, source, InvalidInput([Problem(str(source), 0, 0, "", message)]))
            continue
        entry = _entry(loaded)
        if entry.address in by_address:
            message = (
                f"would have the archive address {entry.address} of {by_address[entry.address]}; "
                "rename one of the two files"
            )
            _fail(result, source, InvalidInput([Problem(str(source), 0, 0, "", message)]))
            continue
        by_address[entry.address] = source
        entries.append(entry)
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries, publication


def _entry(loaded: load.Loaded) -> Entry:
    view = render.build_view(loaded)
    issue = loaded.issue
    return Entry(
        source=loaded.path,
        date=issue.date,
        address=issue_address(issue.date, loaded.path),
        title=view["title"],
        summary_html=markdown.to_html(issue.summary),
        date_line=view["date_line"],
        read_time_line=view["read_time_line"],
        read_minutes=view["read_minutes"],
    )


def _render_page(
    env: jinja2.Environment, loaded: load.Loaded, entry: Entry, newer: Entry | None, older: Entry | None
) -> str:
    """One issue's page: the email's content, with links to its neighbours."""
    view = render.build_view(loaded)
    return render.render_template(
        env,
        ISSUE_TEMPLATE,
        {
            **view,
            "entry": entry,
            "root": ISSUE_ROOT,
            "newer": newer,
            "older": older,
            "url": issue_url(loaded.publication.url, entry.date, entry.source),
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
