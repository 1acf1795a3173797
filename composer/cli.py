"""The command line: a thin layer over the library. With report.py, through which every command
prints and chooses its exit status, it is the only place that prints or exits.

Every ComposerError is caught in one place, ComposeGroup.invoke: its problems are printed one a
line and the exit status is 1; any other exception is a bug in composer, exit status 2. --debug,
on every command, adds the traceback. Heavy libraries (pydantic, premailer, MRML) are imported
inside the commands, so that ``compose --help`` answers at once.
"""

from __future__ import annotations

import gc
import io
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import report
from .core.esp import SERVICES  # a table and a dataclass: cheap enough for --help
from .errors import ComposerError, internal_error_message
from .i18n.counting import count, plural
from .limits import PREVIEW_IDLE_SECONDS
from .package import DISTRIBUTION

if TYPE_CHECKING:
    from .commands.build import Job, Outcome

DEFAULT_COMMAND = "build"
DEBUG = "composer.debug"  # where --debug is kept, in click's context (shared by the group and its command)


def debug_option(command: Callable[..., Any]) -> Callable[..., Any]:
    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        ctx.meta[DEBUG] = ctx.meta.get(DEBUG, False) or value

    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=remember,
        help="Show the Python traceback of an error.",
    )(command)


def templates_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--templates",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        help="Use this templates folder first (default: a templates/ folder beside the issues, then composer's own).",
    )(command)


def esp_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--esp",
        "service",
        type=click.Choice(list(SERVICES)),
        help="Put this mailing service's merge tags in (unsubscribe, web version, address); "
        "default: publication.yaml's esp, else its own URLs.",
    )(command)


class ComposeGroup(click.Group):
    """`compose FILE...` means `compose build FILE...`; `compose preview ...` and others stay commands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; the one place where an error becomes lines on stderr and an exit status."""
        _print_names_escaped()
        try:
            return super().invoke(ctx)
        except ComposerError as error:
            report.failed(error, debug=bool(ctx.meta.get(DEBUG)))
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # a bug in composer, not the editor's doing
            report.crashed(error, debug=bool(ctx.meta.get(DEBUG)))


def _print_names_escaped() -> None:
    """A file name that is not UTF-8 (issue-\\xff.yaml) is printed with escapes, wherever a message
    names it: as raw bytes it garbles the terminal, and where the locale is strict it stops the run."""
    from .core.folders import NAME_ESCAPES

    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=NAME_ESCAPES)


@click.group(cls=ComposeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION, message="compose %(version)s")
def main() -> None:
    """Compile briefing issues written in YAML into a responsive HTML email and its plain text.

    \b
      compose issues/2017-11-09.yaml      writes build/2017-11-09.html and .txt beside publication.yaml
      compose issues/*.yaml -o public     several issues, another folder
    """


@main.command(DEFAULT_COMMAND)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the email files into (default: build/ beside the issue's publication.yaml).",
)
@click.option("--mjml", "with_mjml", is_flag=True, help="Also write the intermediate .mjml, for template work.")
@click.option(
    "--eml",
    "with_eml",
    is_flag=True,
    help="Also write <name>.eml: the whole message (text and HTML parts, headers), for any mail client.",
)
@templates_option
@esp_option
@click.option("--copy", "to_clipboard", is_flag=True, help="Also put the HTML on the clipboard (one issue only).")
@click.option("--force", is_flag=True, help="Rebuild issues whose files and templates have not changed.")
@click.option(
    "-j", "--jobs", "workers", type=click.IntRange(min=1), help="Issues built at once (default: one per core)."
)
@debug_option
def build(
    files: tuple[Path, ...],
    output: Path | None,
    with_mjml: bool,
    with_eml: bool,
    templates: Path | None,
    service: str | None,
    to_clipboard: bool,
    force: bool,
    workers: int | None,
) -> None:
    """Compile each issue FILE into OUTPUT/<name>.html and OUTPUT/<name>.txt.

    OUTPUT is build/ beside the issue's publication.yaml unless -o names another folder.

    publication.yaml files are skipped, so `compose issues/*.yaml` works. A folder stands for
    the issues in it. Issues are built in parallel; those whose issue file, publication.yaml and
    templates have not changed since their last build are skipped (--force rebuilds them). On a
    problem nothing is written for that issue: each problem is printed as
    path:line:column: field: message, the other issues are built, and the exit status is 1.
    """
    from .core.stack import paused_collection

    with paused_collection():  # the models, Jinja2, Markdown: see stack.py
        from .commands.build import Job, build_one, refuse_clashes, summary
        from .core.folders import BUILD_FOLDER, lookups_remembered, publication_folder
        from .core.load import issues_named
        from .core.render import RenderOptions

    click.get_current_context().with_resource(lookups_remembered())  # each issue folder's shared files, looked up once
    paths = issues_named(files)
    options = RenderOptions(templates, service)
    if to_clipboard and len(paths) != 1:
        raise click.UsageError(f"--copy takes one issue, not {len(paths)}")
    jobs = [Job(path, output or publication_folder(path, BUILD_FOLDER), options, with_mjml, with_eml) for path in paths]
    refuse_clashes(jobs)
    if click.get_current_context().meta.get(DEBUG):
        # One by one in this process, every unchanged issue too, each failure with its traceback.
        outcomes = [build_one(job, debug=True) for job in jobs]
        for outcome in outcomes:
            report.issue(outcome)
        warnings = list(dict.fromkeys(warning for outcome in outcomes for warning in outcome.warnings))
    else:
        outcomes, warnings = _build_with_progress(jobs, workers, force)
    report.warnings(warnings)
    if len(jobs) > 1:
        report.outcome(summary(outcomes))
    if to_clipboard and outcomes[0].status in ("built", "skipped"):
        from .clipboard import copy

        html_path = jobs[0].output / f"{paths[0].stem}.html"
        tool = copy(html_path.read_text(encoding="utf-8"), html_path)
        report.outcome(f"copied the HTML to the clipboard ({tool})")
    report.finish(report.build_status(outcomes))


def _build_with_progress(jobs: list[Job], workers: int | None, force: bool) -> tuple[list[Outcome], list[str]]:
    """build_all, reporting each issue as it finishes, or with a progress bar on a terminal; the
    outcomes, and the warnings about the caches."""
    from .commands.build import build_all

    if len(jobs) <= 1 or not sys.stdout.isatty():
        batch = build_all(jobs, workers, force, report.issue)
        return batch.outcomes, batch.warnings
    with click.progressbar(length=len(jobs), label="Composing", show_pos=True) as bar:
        batch = build_all(jobs, workers, force, lambda outcome: bar.update(1))
    for outcome in batch.outcomes:  # after the bar, so that it is not torn apart by the errors
        report.issue_problems(outcome)
    return batch.outcomes, batch.warnings


@main.command("archive")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the web archive into (default: site/ beside the issues' publication.yaml).",
)
@click.option(
    "--include-future",
    is_flag=True,
    help="Also publish the issues dated after today (by default they wait for their day).",
)
@templates_option
@debug_option
def archive_command(files: tuple[Path, ...], output: Path | None, include_future: bool, templates: Path | None) -> None:
    """Write a static web archive of the issues.

    OUTPUT/index.html lists every issue newest first, by year; each issue gets a page
    (OUTPUT/YYYY/MM/DD/index.html) with previous/next links; OUTPUT/feed.xml is an Atom feed.
    It needs no script and works opened from disk. Bad issues are listed and left out; the exit
    status is then 1. Issues dated after today (this computer's date) are left out until their
    day, unless --include-future.
    """
    from .commands.archive import SITE_FOLDER, archive
    from .core.folders import publication_folder
    from .core.load import issues_named

    sources = issues_named(files)
    site = output or publication_folder(sources[0], SITE_FOLDER)
    result = archive(sources, site, templates, include_future=include_future)
    report.problems(result.problems)
    report.warnings(result.warnings)
    if result.future:
        future = len(result.future)
        report.note(
            f"{count(future, 'issue dated after today was', 'issues dated after today were')} left out: "
            f"{', '.join(map(str, result.future))}; --include-future publishes {plural(future, 'it', 'them')}"
        )
    for removed in result.removed:
        report.outcome(f"{removed}: removed, as its issue is no longer in the archive")
    if result.index:
        report.outcome(f"{result.index}: {count(len(result.pages), 'issue')}; feed {result.feed}")
    if result.failed:
        report.note(f"{count(len(result.failed), 'issue')} left out")
        report.finish(report.FAILED)


@main.command()
@click.argument("folder", required=False, default=Path("."), type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="The publication's name (default: a <TODO …> to replace).")
@click.option("--url", help="The publication's web address (default: a <TODO …> to replace).")
@click.option("--lang", help="The default language of its issues (default: en).")
@debug_option
def init(folder: Path, name: str | None, url: str | None, lang: str | None) -> None:
    """Start a publication in FOLDER (default: this one): publication.yaml and an issues/ folder.

    publication.yaml shows every key with a comment; with --name and --url it composes as it is.
    Beside it and in issues/ go the JSON Schemas an editor completes keys from. An existing
    publication.yaml (or schema file) is never overwritten.
    """
    from .commands.init import init as start
    from .core.folders import in_a_command

    started = start(folder, name, url, lang)
    issues = "" if folder == Path(".") else f" --folder {in_a_command(started.issues)}"
    written = [str(started.publication), f"{started.issues}/", *map(str, started.schemas)]
    report.outcome(f"wrote {', '.join(written[:-1])} and {written[-1]}; next:")
    report.outcome(
        f"edit {started.publication}: replace every <TODO …>, and fill in what it marks TO FILL "
        "(an editor with a YAML extension, such as VS Code's, completes its keys)"
    )
    report.outcome(f"compose new{issues}")
    report.outcome(f"compose {in_a_command(started.issues / 'DATE.yaml')}")


@main.command()
@click.argument("day", required=False, metavar="[DATE]")
@click.option(
    "--folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the issue into (default: issues/, or this folder when it is the issues folder: "
    "it holds issues, or it is the issues/ of a publication.yaml).",
)
@debug_option
def new(day: str | None, folder: Path | None) -> None:
    """Start the issue of DATE (YYYY-MM-DD, today or tomorrow; default: today) as FOLDER/DATE.yaml, every field shown.

    Every <TODO ...> in it must be replaced before it composes, so a placeholder can never be
    sent. An existing issue is never overwritten. Its first line names the nearest issue.schema.json,
    for an editor's completion; without one, it is written beside the issue.
    """
    from datetime import date

    from .commands.new import default_folder, new_issue, parse_day
    from .core.folders import in_a_command

    new = new_issue(folder or default_folder(Path(".")), parse_day(day) if day else date.today())
    if new.schema:
        report.outcome(f"wrote {new.schema}, the schema the issue's first line names for your editor's completion")
    report.outcome(f"{new.path}: write your text in place of every <TODO …>, then: compose {in_a_command(new.path)}")


@main.command()
@click.argument("kind", type=click.Choice(["issue", "publication"]))
@debug_option
def schema(kind: str) -> None:
    """Print the JSON Schema of an issue or of publication.yaml, for an editor's completion and checks.

    compose init and compose new save it beside the files they write, and name it on their first
    line (the path relative to that file); after upgrading composer, save it again where `compose
    check` says:

    \b
      compose schema issue > issue.schema.json
      # yaml-language-server: $schema=issue.schema.json
    """
    from .commands.schema import path

    report.data(path(kind).read_text(encoding="utf-8"))


class CheckCommand(click.Command):
    """`compose check`, whose --format json prints a JSON document even when its command line is wrong
    (no FILE, an unknown option): the usage error as a finding, with click's exit status, 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        wants_json = _asks_for_json(args)  # before click consumes the list
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            if wants_json:
                from .commands.check import ERROR, Finding, as_json

                report.data(as_json([Finding("", ERROR, "usage", error.format_message())]))
            raise


def _asks_for_json(args: list[str]) -> bool:
    options = args[: args.index("--")] if "--" in args else args
    pairs = zip(options, [*options[1:], ""], strict=True)
    return "--format=json" in options or any(pair == ("--format", "json") for pair in pairs)


@main.command(cls=CheckCommand)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Exit with status 1 on warnings too.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: a list of {path, file, line, column, level, rule, message} for scripts.",
)
@click.option(
    "--links",
    "ask_links",
    is_flag=True,
    help="Also ask the web whether each link and picture leads somewhere (404s, moved pages, picture sizes).",
)
@click.option("--no-cache", is_flag=True, help="Ask every link again, even those fine a day ago (implies --links).")
@templates_option
@esp_option
@debug_option
def check(
    files: tuple[Path, ...],
    strict: bool,
    output_format: str,
    ask_links: bool,
    no_cache: bool,
    templates: Path | None,
    service: str | None,
) -> None:
    """Check each issue FILE as a careful editor would before sending.

    Validation, then the email itself: size against Gmail's clipping, links (https, empty, vague
    texts, the unsubscribe link), images, subject and preheader lengths, colour contrast, links
    the plain text lacks, and mailing-service merge tags typed in the text. One line per finding,
    path: level: rule: message. Exit status 1 on any error, and on any warning with --strict.
    With --links, every link and picture is asked for too (README: Checking links).
    """
    from .commands.check import as_json, check_files, counts, exit_status, findings_from_error, internal_error
    from .core.load import issues_named
    from .core.render import RenderOptions

    link_settings = None
    if ask_links or no_cache:
        from .commands.links import Settings

        link_settings = Settings(use_cache=not no_cache, progress=report.progress, warn=report.warning)
    try:
        findings = check_files(issues_named(files), RenderOptions(templates, service), link_settings)
    except ComposerError as error:  # nothing to check: an empty folder, a publication.yaml alone
        if output_format == "json":  # the reasons are findings too, printed as JSON, then on stderr as usual
            report.data(as_json(findings_from_error(error, "")))
        raise
    except Exception as error:  # a bug in composer: reported as every command reports one, after the JSON
        if output_format == "json":
            report.data(as_json([internal_error(internal_error_message(error))]))
        raise
    if output_format == "json":
        report.data(as_json(findings))
    else:
        report.findings(findings)
        errors, warnings = counts(findings)
        report.note(f"{count(errors, 'error')}, {count(warnings, 'warning')}")
    report.finish(exit_status(findings, strict))


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--to",
    "recipients",
    required=True,
    multiple=True,
    help="An address to send the test to; repeat it, or separate addresses with commas.",
)
@click.option(
    "--test-prefix/--no-test-prefix",
    default=True,
    show_default=True,
    help='Start the subject with "[Test] ".',
)
@templates_option
@esp_option
@debug_option
def send(
    file: Path, recipients: tuple[str, ...], test_prefix: bool, templates: Path | None, service: str | None
) -> None:
    """Send FILE to each --to over SMTP, to read it as readers will: one message to all of them.

    The server comes from COMPOSE_SMTP_HOST, COMPOSE_SMTP_PORT, COMPOSE_SMTP_USER,
    COMPOSE_SMTP_PASSWORD and COMPOSE_SMTP_STARTTLS, or from smtp: in publication.yaml (never
    the password). Nothing is sent when the issue does not validate or `compose check` finds an
    error; its warnings are shown first. A mailing service's merge tags are left out of a test.
    """
    from .commands.send.send import TAGS_LEFT_OUT, prepare_test
    from .core.render import RenderOptions

    prepared = prepare_test(file, recipients, RenderOptions(templates, service), test_prefix=test_prefix)
    report.finding_warnings(prepared.warnings)
    if prepared.tags_left_out:
        report.note(TAGS_LEFT_OUT)
    sent = prepared.send()
    report.outcome(f"sent {sent.path} to {sent.to} through {sent.server}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--esp",
    "service",
    type=click.Choice(list(SERVICES)),
    help="The mailing service to make the draft in (default: publication.yaml's esp).",
)
@click.option(
    "--test-to",
    "test_to",
    multiple=True,
    metavar="ADDRESS",
    help="Ask the service to send its own test of the draft to this address; repeat it, or separate with commas.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the requests (method, address, headers, fields) and send nothing; no key needed.",
)
@click.option("--new", is_flag=True, help="Make a new draft even when one was made for this issue before.")
@templates_option
@debug_option
def push(
    file: Path, service: str | None, test_to: tuple[str, ...], dry_run: bool, new: bool, templates: Path | None
) -> None:
    """Make FILE a draft in the mailing service: subject, preview text, HTML, plain text, sender, audience.

    The service's key comes from the environment (BUTTONDOWN_API_KEY, MAILCHIMP_API_KEY, ...; a
    --dry-run needs none and shows it as $BUTTONDOWN_API_KEY), its settings from publication.yaml.
    Nothing is pushed when `compose check` finds an error; its warnings are shown first. Pushing
    the issue again updates the same draft: its id is kept in drafts.json beside the issue (commit
    it). Open the draft's address it prints, look, and schedule it there: compose push never sends
    to your list nor schedules.
    """
    from .commands.push.push import prepare_push
    from .core.render import RenderOptions

    options = RenderOptions(templates, service)
    prepared = prepare_push(file, options, test_to, dry_run=dry_run, new=new)
    report.finding_warnings(prepared.warnings)
    debug = bool(click.get_current_context().meta.get(DEBUG))
    pushed = prepared.push(report.outcome, report.note if debug else None, report.note)
    if pushed.dry_run:
        report.outcome(f"dry run: nothing was sent to {pushed.service}")
        if pushed.unset:
            report.note(pushed.unset_note())
        return
    done = "made a new draft" if pushed.made else "updated the draft"
    report.outcome(f"{done} of {file} in {pushed.service}: {pushed.draft.web_address}")
    if pushed.replaced:
        report.outcome(f"the draft made before stays in {pushed.service} as it was: {pushed.replaced.web_address}")
    if pushed.tested:
        report.outcome(f"asked {pushed.service} to send a test of it to {', '.join(pushed.tested)}")
    if pushed.remembered_in:
        report.outcome(
            f"its id is kept in {pushed.remembered_in}: commit it with the issue, so the next push updates it"
        )


@main.command()
@click.argument("target", type=click.Path(path_type=Path, exists=True))
@click.option(
    "-p",
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser.")
@click.option(
    "--idle-seconds",
    default=PREVIEW_IDLE_SECONDS,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Close a connection that sends nothing this long (the page's own event stream is never idle).",
)
@templates_option
@esp_option
@debug_option
def preview(
    target: Path, port: int, open_browser: bool, idle_seconds: float, templates: Path | None, service: str | None
) -> None:
    """Preview TARGET (an issue, or a folder of issues) in the browser, live.

    Shows the email on a desktop and on a phone, in dark mode, as plain text and as an inbox
    lists it, with what `compose check` finds beside it. Every save of the issue,
    publication.yaml or a template rebuilds it and refreshes the page; a save with problems
    shows them over the last good version. Serves this machine only (127.0.0.1). Ctrl+C stops.
    """
    from .commands.preview.server import serve
    from .core.load import issues_named
    from .core.render import RenderOptions

    issues = issues_named((target,))  # says what it will not do: an empty folder, publication.yaml alone

    def log(line: str, is_error: bool) -> None:
        (report.problem if is_error else report.outcome)(line)

    def ready(url: str) -> None:
        report.outcome(f"Previewing {target} at {url} (Ctrl+C to stop)")

    debug = bool(click.get_current_context().meta.get(DEBUG))
    folder = target if target.is_dir() else None
    options = RenderOptions(templates, service)
    serve(issues, port, folder, options, open_browser, log, ready, idle_seconds=idle_seconds, debug=debug)


def run() -> None:
    """The `compose` console script and `python -m composer`."""
    from .core.regex_cache import keep_compiled_patterns, remember_compiled_patterns

    remember_compiled_patterns()  # before the stack is imported: its patterns, compiled in an earlier run
    try:
        main(prog_name="compose")
    except SystemExit as done:
        keep_compiled_patterns()
        _end_now(done.code)
        raise
    finally:
        # What the libraries built lives until the process ends anyway: freezing it spares the
        # garbage collection at interpreter shutdown, ~100 ms, a sixth of a whole run.
        gc.freeze()


def _end_now(code: object) -> None:
    """End the process at once with ``code``, its output flushed: the interpreter's teardown would
    free the stack's objects one by one (~5 ms of a one-issue run) for a system that takes the
    memory back anyway, and composer leaves nothing to its exit handlers (every file is written and
    closed, a batch's workers are joined). The usual exit instead while another thread still runs,
    for an exit with a message, and when the output cannot be flushed (Python then says why)."""
    others = [thread for thread in threading.enumerate() if thread is not threading.main_thread()]
    if not (code is None or isinstance(code, int)) or any(not thread.daemon for thread in others):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code or 0)
