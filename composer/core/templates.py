"""The templates: where they are found, and the Jinja environments that render them.

A templates/ folder beside the issues goes before composer's own, file by file (find_templates).
One factory, environment(), makes the Jinja environments of the email and the archive: the
"email" and "web" ones escape everything an editor typed (autoescape), the "text" one writes it
as is. All three use StrictUndefined, so a template typo fails loudly instead of leaving a hole
in thousands of inboxes. Here too are the filters and globals the templates call (markdown,
wrap, underline, colon, image_size, isolate…) and the cache of compiled templates kept between
runs. What the templates are given to render is the view (view.py).
"""

from __future__ import annotations

import hashlib
import traceback
import types
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import jinja2
import markupsafe
from markupsafe import Markup

from ..errors import CacheProblem, Problem, TemplateProblem
from ..i18n import languages, scripts
from ..package import PACKAGE_FOLDER
from . import markdown, utm
from .folders import folders_above, remembered
from .output import cache_dir

if TYPE_CHECKING:
    from .models import Image, Logo

CONTENT_WIDTH = 552  # 600 px email minus 24 px padding on each side


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
    return list(remembered("templates", issue_path, lambda: _find_templates(issue_path)))


def _find_templates(issue_path: Path) -> list[Path]:
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
        # A text the view gave with its place (utm.TaggedText) gets its links' UTM tags, in both outputs.
        env.filters["markdown"] = jinja2.pass_context(
            lambda context, source: Markup(
                markdown.to_html(source, typography(context), email=kind == "email", tag=utm.tagger_of(source))
            )
        )
    else:
        env.filters["markdown"] = jinja2.pass_context(
            lambda context, source, references: markdown.to_text(
                source, references, typography=typography(context), tag=utm.tagger_of(source)
            )
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
