"""Templates: the validated issue becomes MJML (for the email) and plain text.

One factory, environment(), makes the Jinja environments of the email and the archive: the
"email" and "web" ones escape everything an editor typed (autoescape), the "text" one writes it as is.
Both use StrictUndefined, so a template typo fails loudly instead of leaving a hole in
thousands of inboxes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
import markupsafe
from markupsafe import Markup

from .. import PACKAGE_FOLDER
from ..errors import CacheProblem, Problem, TemplateProblem
from ..i18n import dates, labels, languages, scripts
from . import colours, esp, markdown, typeset
from .folders import folders_above
from .load import Loaded
from .models import Image, Logo
from .output import cache_dir
from .web_address import issue_url

EMAIL_TEMPLATE = "email.mjml.j2"
TEXT_TEMPLATE = "email.txt.j2"
CONTENT_WIDTH = 552  # 600 px email minus 24 px padding on each side
PREHEADER_LENGTH = 140  # inbox previews show 40-140 characters


def default_templates() -> Path:
    """The templates that ship with composer: inside the installed package, or the repository's."""
    packaged = PACKAGE_FOLDER / "templates"
    return packaged if packaged.is_dir() else PACKAGE_FOLDER.parent / "templates"


def find_templates(issue_path: Path) -> list[Path]:
    """Template folders by precedence: a templates/ beside the issues, then composer's own.

    "Beside the issues" is the nearest templates/ folder in the issue's folder or above it (as
    far as publication.yaml is looked for), so the usual layout, issues/ and templates/ side by
    side, needs no option. A partial override
    works: a template missing there is taken from composer's own.
    """
    default = default_templates().resolve()
    for folder in folders_above(issue_path):
        candidate = folder / "templates"
        if candidate.is_dir():
            return [candidate] if candidate.resolve() == default else [candidate, default]
    return [default]


def template_dirs(issue_path: Path, templates: Path | None = None) -> tuple[Path, ...]:
    """The template folders for an issue: ``templates`` (--templates) then composer's own, or else
    find_templates()'s choice."""
    return (templates, default_templates()) if templates else tuple(find_templates(issue_path))


@dataclass(frozen=True)
class Rendered:
    mjml: str
    text: str
    read_minutes: int
    title: str
    subject: str
    preheader: str
    links: esp.Links


def render(loaded: Loaded, template_dirs: tuple[Path, ...], service: str | None = None) -> Rendered:
    """The MJML source and the plain text of one issue, with ``service``'s merge tags (esp.py)."""
    view = build_view(loaded, service)
    mjml = render_template(environment(template_dirs, "email"), EMAIL_TEMPLATE, view)
    text = tidy_text(
        render_template(
            environment(template_dirs, "text"), TEXT_TEMPLATE, {**view, "references": markdown.References()}
        )
    )
    # Last, once wrapped: direction marks are zero-width, and go where a line starts against the issue.
    text = languages.mark_lines(text, view["lang"])
    return Rendered(mjml, text, view["read_minutes"], view["title"], view["subject"], view["preheader"], view["links"])


def render_template(env: jinja2.Environment, name: str, view: dict[str, Any]) -> str:
    """``name`` rendered with ``view``; Jinja's errors become TemplateProblems with file and line."""
    try:
        return env.get_template(name).render(view)
    except jinja2.TemplateSyntaxError as error:
        where = error.filename or name
        raise TemplateProblem([Problem(where, error.lineno, 1, "", f"template error: {error.message}")]) from None
    except jinja2.TemplateNotFound as error:
        folders = ", ".join(getattr(env.loader, "searchpath", []))
        raise TemplateProblem(f"template {error.name} not found in {folders}") from None
    except (jinja2.UndefinedError, TypeError, ValueError) as error:
        # Jinja puts the template's own file and line into the traceback: the last one is the culprit.
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".j2")]
        where, line = (frames[-1].filename, frames[-1].lineno or 0) if frames else (name, 0)
        raise TemplateProblem([Problem(where, line, 1, "", f"template error: {error}")]) from None


@lru_cache(maxsize=16)
def environment(template_dirs: tuple[Path, ...], kind: Literal["email", "web", "text"]) -> jinja2.Environment:
    """The one Jinja environment factory, for the email and the web archive alike; built once per
    template set. "email" (MJML) and "web" (the archive's pages and feed) escape everything an editor
    typed and render Markdown as HTML, the email's with its quotes in tables for Outlook; "text" (the
    plain part) writes it as is and wraps it."""
    escape = kind != "text"
    settings: dict[str, Any] = {
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "autoescape": escape,
    }
    env = jinja2.Environment(loader=_Loader(template_dirs), **settings)
    if escape:
        env.filters["markdown"] = jinja2.pass_context(
            lambda context, source: Markup(markdown.to_html(source, typography(context), email=kind == "email"))
        )
    else:
        env.filters["markdown"] = jinja2.pass_context(
            lambda context, source, references: markdown.to_text(source, references, typography=typography(context))
        )
        env.filters["wrap"] = markdown.wrap
        env.filters["underline"] = underline
        env.filters["colon"] = jinja2.pass_context(colon)
    env.globals["image_size"] = image_size
    # Bidirectional text (languages.py): isolate(name, lang) a run read the other way, standalone(text,
    # lang) a title for a window or a feed reader; in HTML, `isolates` turns isolates into <span dir>.
    env.globals["isolate"] = languages.isolate
    env.globals["faces_of_a_run"] = scripts.faces_of_a_run
    env.globals["standalone"] = languages.standalone
    if escape:
        env.filters["isolates"] = lambda text: Markup(languages.isolates_to_html(str(markupsafe.escape(text))))
    env.bytecode_cache = _bytecode_cache(settings, env.filters)
    return env


def typography(context: jinja2.runtime.Context) -> str | None:
    """The language whose quotes and dashes the markdown filter sets, read from the page being
    rendered (its ``lang``, else the publication's), so no template passes it; None when the
    publication leaves typography off."""
    publication = context.get("publication")
    if publication is None or not publication.typography:
        return None
    return str(context.get("lang") or publication.lang)


def colon(context: jinja2.runtime.Context, before: str, after: str) -> str:
    """A label and what follows it, joined as the issue's language does (labels' ``colon``):
    "Unsubscribe: https://…", "Se désinscrire : https://…", "退订：https://…"."""
    return str(context["publication"].labels.colon).format(before=before, after=after)


def is_backup_file(name: str) -> bool:
    """An editor's backup, lock or swap file (emacs, vim, most others): never a template, never a change."""
    return (
        name.endswith("~")
        or name.startswith(".#")
        or (name.startswith("#") and name.endswith("#"))
        or name.endswith((".swp", ".swo", ".swx"))
    )


def template_files(template_dirs: tuple[Path, ...]) -> list[tuple[Path, Path]]:
    """Every file an email's templates can use, as (folder, file): editors' backups and hidden files
    left out, and the web archive's own templates (archive/) too."""
    found = []
    for folder in template_dirs:
        for path in sorted(folder.rglob("*")):
            parts = path.relative_to(folder).parts
            hidden = any(part.startswith(".") for part in parts)
            if path.is_file() and parts[0] != "archive" and not hidden and not is_backup_file(path.name):
                found.append((folder, path))
    return found


class _Loader(jinja2.FileSystemLoader):
    """Templates from the folders in order; an editor's backup file is never taken for one."""

    def __init__(self, template_dirs: tuple[Path, ...]) -> None:
        super().__init__([str(folder) for folder in template_dirs])

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if is_backup_file(template.rsplit("/", 1)[-1]):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


def _bytecode_cache(settings: dict[str, Any], filters: dict[str, Any]) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: saves compiling every template on each start.

    Jinja keys its cache by template file only, not by the settings it was compiled with, so
    each set of settings (escaping or not, for instance) gets a folder of its own. So does each
    way of calling the filters: whether a filter is handed the context is compiled in.
    """
    calls = sorted((name, str(getattr(function, "jinja_pass_arg", ""))) for name, function in filters.items())
    fingerprint = hashlib.sha1(repr((sorted(settings.items()), calls)).encode(), usedforsecurity=False).hexdigest()[:12]
    try:
        folder = cache_dir(f"jinja-{jinja2.__version__}-{fingerprint}")
    except CacheProblem as problem:
        _cache_warnings.append(str(problem))
        return None  # compile every time
    return _ForgivingBytecodeCache(str(folder))


# Warnings about the cache of compiled templates, waiting for take_cache_warnings(). Kept here because
# the cache is met deep inside a render, in whichever process builds the issue; build_one collects them.
_cache_warnings: list[str] = []


def take_cache_warnings() -> list[str]:
    """The cache warnings since the last call, each once (the caller shows or returns them)."""
    taken = list(dict.fromkeys(_cache_warnings))
    _cache_warnings.clear()
    return taken


class _ForgivingBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, where any trouble means "compile the template": a damaged file (truncated,
    garbage) is a miss, and Jinja then rewrites it; a failed write leaves the template uncached.
    Jinja itself lets pickle's and marshal's errors on a damaged file escape and break every render."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception as error:  # pickle and marshal raise almost anything on garbage: all mean "a miss"
            self._damaged(bucket, f"{type(error).__name__}")
            return
        if bucket.code is not None and not isinstance(bucket.code, types.CodeType):
            self._damaged(bucket, "not compiled code")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except Exception as error:  # a full disk, a read-only folder: the template is just not cached
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            _cache_warnings.append(
                f"{self._root}: cannot keep compiled templates here ({reason}); building without them"
            )

    def _damaged(self, bucket: jinja2.bccache.Bucket, reason: str) -> None:
        bucket.reset()
        _cache_warnings.append(f"{self._root}: damaged files of compiled templates ({reason}), ignored and rewritten")

    @property
    def _root(self) -> Path:
        # composer's cache folder, above each template set's own: one warning for all of them.
        return Path(self.directory).parent


def build_view(loaded: Loaded, service: str | None = None) -> dict[str, Any]:
    """Everything the templates need, computed once: titles, dates, read time, links."""
    issue, lang = loaded.issue, loaded.issue.lang or loaded.publication.lang
    # The templates read publication.labels: every word there, in the issue's language.
    publication = loaded.publication.model_copy(update={"labels": labels.for_language(loaded.publication.labels, lang)})
    # typography: true sets the plain texts as well as the Markdown ones, in the issue's language
    # (typeset.py): headlines, titles, reads, captions, the subject, and the publication's name.
    typography = lang if publication.typography else None
    issue = typeset.issue(issue, typography)
    publication = publication.model_copy(update={"name": markdown.typeset(publication.name, typography)})
    web_version = publication.web_version_url
    links = esp.links(
        service or publication.esp,
        publication.unsubscribe_url,
        # Without a web_version_url of its own, the email links to its page in the web archive.
        dates.fill(web_version, issue.date, publication.name)
        if web_version
        else issue_url(publication.url, issue.date, loaded.path),
        publication.address,
    )

    def chosen(texts: str | dict[str, str], own: str | None = None) -> languages.Chosen:
        # The publication's text in the issue's language, or in its own (``own``: a call to action's
        # lang:, else the publication's), marked so (languages.py).
        return languages.chosen(texts, lang, own or publication.lang)

    def typeset_chosen(text: languages.Chosen) -> languages.Chosen:
        # A plain text of the publication's (a call to action's), set in the quotes of its own language.
        return dataclasses.replace(text, text=markdown.typeset(text.text, typography and text.lang))

    def chosen_or(texts: str | dict[str, str] | None, default: str) -> languages.Chosen:
        # A pattern the publication gives, else the language's own (dates.default_*).
        return chosen(texts) if texts else languages.Chosen(default, lang, lang)

    # Filled in the language the pattern is written in, so its month names match its words.
    title_pattern = chosen_or(
        publication.title_pattern, dates.default_title_pattern(lang, str(publication.labels.colon))
    )
    # The publication's name isolated where it reads the other way (a Latin name in an Arabic title), so
    # that the day after it stays with its month: languages.isolate. The HTML turns isolates into spans.
    name = publication.name
    title = (
        languages.isolate_within(issue.title, name, lang)
        if issue.title
        else dates.fill(
            title_pattern.text, issue.date, languages.isolate(name, title_pattern.lang), title_pattern.lang, cldr=True
        )
    )
    if not issue.title:  # the title_pattern's own words, set in its own language's quotes
        title = markdown.typeset(title, typography and title_pattern.lang)
    # Words, and the characters of languages written without spaces, at their own rates (scripts.py).
    minutes = scripts.read_minutes(
        [title, issue.summary, *(part for story in issue.stories for part in (story.headline, story.body))],
        lang,
        publication.words_per_minute,
        publication.characters_per_minute,
    )
    right_to_left = languages.is_right_to_left(lang)
    date_format = chosen_or(publication.date_format, dates.default_date_format(lang))
    if date_format.foreign and not dates.has_words(date_format.text):
        # A format of placeholders or CLDR fields alone ("{month_ap} {day}, {year}") holds no word of its
        # language: an issue in another language gets its own language's date, not an English one.
        date_format = languages.Chosen(
            date_format.text if dates.is_cldr(date_format.text) else dates.default_date_format(lang), lang, lang
        )
    date_line = dates.fill(date_format.text, issue.date, lang=date_format.lang, cldr=True)
    actions: list[dict[str, Any]] = [
        {
            "heading": typeset_chosen(chosen(action.heading, action.lang)),
            "text": typeset_chosen(chosen(action.text, action.lang)) if action.text else None,
            "label": typeset_chosen(chosen(action.label, action.lang)),
            "url": action.url,
        }
        for action in publication.calls_to_action
    ]
    own_words = publication.labels
    read_time_line = labels.read_time_line(own_words, lang, minutes)
    # The language of each label as shown, so that an English "Unsubscribe" in an Arabic issue gets its
    # lang and dir (templates: attributes(labels_in.unsubscribe)); read_time's is that of its category used.
    label_languages = labels.languages_of(loaded.publication.labels, lang, loaded.publication.lang)
    label_languages["read_time"] = label_languages.get(labels.read_time_key(own_words, lang, minutes), lang)
    labels_in = {
        key: languages.label_in(read_time_line if key == "read_time" else str(getattr(own_words, key)), tag, lang)
        for key, tag in label_languages.items()
        if "." not in key
    }
    return {
        "issue": issue,
        "publication": publication,
        "colours": publication.colours,
        "dark": colours.dark_palette(publication.colours),
        "lang": lang,
        "dir": "rtl" if right_to_left else "ltr",
        "start": "right" if right_to_left else "left",
        "end": "left" if right_to_left else "right",
        # The faces, line breaking and quote style of the language's script (scripts.py).
        "script": scripts.script(lang),
        "title": title,
        # The language the title is in: the issue's own, or that of the title_pattern it came from.
        "title_in": languages.Chosen(title, lang, lang) if issue.title else title_pattern,
        "date_in": date_format,
        "notice": chosen(publication.notice) if publication.notice else None,
        "footer": chosen(publication.footer) if publication.footer else None,
        # The publication's texts given only once (its address) are in its own language.
        "publication_lang": languages.Chosen("", publication.lang, lang),
        "actions": actions,
        # Each recommended read's language and direction, in the order of issue.recommended_reads.
        "reads_in": [languages.written_in(read.title, read.lang, lang) for read in issue.recommended_reads],
        # Inbox lines and window titles have no direction of their own: see languages.standalone.
        "subject": languages.standalone(
            languages.isolate_within(issue.subject, name, lang) if issue.subject else title,
            lang if issue.subject or issue.title else title_pattern.lang,
        ),
        "preheader": languages.mark_line(
            issue.preheader or markdown.typeset(preview_text(issue.summary), typography), lang
        ),
        "date_line": date_line,
        # A title that says the day already ("… for November 9th"): the masthead leaves its date line out,
        # so the top of the email says the date twice (title, "Published on"), not three times.
        "date_in_title": dates.mentions(title, issue.date, lang if issue.title else title_pattern.lang),
        "published_line": str(own_words.published).format(date=date_line),
        "read_time_line": read_time_line,
        "labels_in": labels_in,
        "read_minutes": minutes,
        "links": links,
        "action_rows": action_rows(
            [(action["heading"].text, action["text"].text if action["text"] else None) for action in actions]
        ),
    }


def action_rows(actions: list[tuple[str, str | None]]) -> list[dict[str, int]]:
    """Each row of two calls to action (heading, text), with the height its texts get on a desktop: the tallest
    text's, estimated from its length with narrow characters (so no text ever needs more), so the
    buttons under them line up."""
    rows = []
    for number, start in enumerate(range(0, len(actions), 2), 1):
        heights = [
            math.ceil(len(heading) / _HEADING_CHARACTERS) * 21
            + 12
            + (math.ceil(len(text) / _TEXT_CHARACTERS) * 28 + 16 if text else 0)
            for heading, text in actions[start : start + 2]
        ]
        rows.append({"number": number, "height": max(heights)})
    return rows


# Characters a line of a call to action's heading (15 px bold) and text (17 px) hold in its 252 px
# column, counted low, as if every letter were wide.
_HEADING_CHARACTERS = 22
_TEXT_CHARACTERS = 26


def preview_text(summary: str) -> str:
    """The inbox preview: the summary's opening, cut at a word before PREHEADER_LENGTH."""
    text = markdown.to_inline_text(summary)
    if len(text) <= PREHEADER_LENGTH:
        return text
    end = PREHEADER_LENGTH - 1
    # Between two CJK characters near the end, as Chinese and Japanese have no spaces; else at a space.
    within = [place for place in range(end, end - 8, -1) if markdown.may_break_between(text[place - 1], text[place])]
    cut = text[: within[0]] if within else text[:end].rsplit(" ", 1)[0]
    return cut.rstrip(",;:、，；：") + "…"


def image_size(image: Image | Logo, widest: int = CONTENT_WIDTH) -> dict[str, int | None]:
    """The displayed width, and the height that keeps the image's proportions (when known)."""
    if image.width is None or image.height is None:
        return {"width": widest, "height": None}
    width = min(image.width, widest)
    return {"width": width, "height": round(image.height * width / image.width)}


def underline(text: str, character: str = "-") -> str:
    """A headline set apart in plain text: the text, then a rule as wide as its widest line, in
    screen columns (a Japanese headline of 10 characters takes 20)."""
    return text + "\n" + character * max(markdown.display_width(line) for line in text.split("\n"))


def tidy_text(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one newline at the end."""
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
