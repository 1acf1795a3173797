"""What the command line tells whoever runs it, and how it ends: every command prints its problems,
warnings and outcomes through these functions, and chooses its exit status with them.

What a command made (the files written, check's findings) goes to stdout; what went wrong and
what to look at goes to stderr: problems in red, warnings in yellow, notes plain. The exit status
is 0 when all went well, FAILED (1) when the editor has something to mend, BUG (2) for a bug in
composer (click gives 2 to a wrong command line too). The messages are English: i18n/counting.py's
count() says every number (the commands use it too).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterable
from typing import TYPE_CHECKING, NoReturn

import click

from .errors import ComposerError, Problem, StandardOutputClosed, internal_error_message

if TYPE_CHECKING:
    from .commands.build import Outcome
    from .commands.check import Finding

OK = 0
FAILED = 1  # a problem the editor (or the machine) caused: mend it and run again
BUG = 2  # a bug in composer


def data(text: str | bytes) -> None:
    """A command's product as it is, on stdout: check's JSON, a schema."""
    _to_stdout(text, newline=False)


def outcome(line: str) -> None:
    """What a command did or made, on stdout: a script reads it."""
    _to_stdout(line, newline=True)


def _to_stdout(text: str | bytes, newline: bool) -> None:
    try:
        click.echo(text, nl=newline)
    except OSError as error:  # a pipe whose reader stopped, a full disk: said once, by failed()
        raise StandardOutputClosed(error) from None


def note(line: str) -> None:
    """What the editor should know, on stderr: not a result, not a problem."""
    click.echo(line, err=True)


def problem(line: str) -> None:
    """One line of what went wrong, in red on stderr."""
    click.secho(line, fg="red", err=True)


def problems(found: Iterable[Problem]) -> None:
    """Each problem on its line, ``path:line:column: field: message``."""
    for each in found:
        problem(str(each))


def warning(text: str) -> None:
    """A trouble that changed nothing in the result (a cache composer did without), as ``warning: text``."""
    click.secho(f"warning: {text}", fg="yellow", err=True)


def warnings(texts: Iterable[str]) -> None:
    for text in texts:
        warning(text)


def input_warnings(found: Iterable[Problem]) -> None:
    """What an input file may not say as meant (named after another day than its date), at its place."""
    for each in found:
        click.secho(each.as_warning(), fg="yellow", err=True)


def findings(found: Iterable[Finding]) -> None:
    """`compose check`'s findings, one a line on stdout (they are its result): errors red, warnings yellow."""
    for finding in found:
        click.secho(str(finding), fg="red" if finding.level == "error" else "yellow")


def progress(done: int, total: int) -> None:
    """How many of ``total`` links have their answer, on one line of stderr rewritten in place, on a
    terminal only (a log or a script gets the findings alone); cleared when all have it."""
    if not sys.stderr.isatty():
        return
    if done >= total:
        click.echo("\r\x1b[K", nl=False, err=True)
    else:
        click.echo(f"\rchecking links: {done} of {total}", nl=False, err=True)


def finding_warnings(found: Iterable[Finding]) -> None:
    """Findings that do not stop a command (`compose send` goes on), on stderr in yellow."""
    for finding in found:
        click.secho(str(finding), fg="yellow", err=True)


def issue(done: Outcome) -> None:
    """An issue of a build as it finishes: its problems, or the line of what was written."""
    if done.problems:
        issue_problems(done)
    else:
        issue_built(done)


def issue_built(done: Outcome) -> None:
    """One line for a built issue, with the Gmail warning; one for an unchanged one."""
    if done.status == "skipped":
        outcome(f"{done.path}: unchanged since its last build, skipped (--force rebuilds it)")
        return
    html, text, *extras = done.written
    input_warnings(done.input_warnings)
    outcome(
        f"{html} ({done.html_bytes / 1024:.1f} KB), {text} ({done.text_bytes / 1024:.1f} KB)"
        f"{''.join(f', {extra}' for extra in extras)}; read time {done.read_minutes} min"
    )
    if done.clipped_by_gmail:
        warning(
            f"{html} is {done.html_bytes / 1024:.1f} KB; Gmail clips emails over 102 KB and hides "
            "the rest behind 'View entire message'. Shorten the issue."
        )


def issue_problems(done: Outcome) -> None:
    """What went wrong with an issue of a build: its traceback (with --debug), its problems, what
    was kept of it, and its input's warnings."""
    if done.traceback:
        click.echo(done.traceback, err=True, nl=False)
    problems(done.problems)
    for line in done.notes:
        note(line)
    input_warnings(done.input_warnings)


def build_status(outcomes: Iterable[Outcome]) -> int:
    """BUG when composer crashed on an issue, else FAILED when one was not built, else OK."""
    statuses = {done.status for done in outcomes}
    return BUG if "crashed" in statuses else FAILED if "failed" in statuses else OK


def finish(status: int) -> None:
    """End the command with ``status``; with OK, return and let it end as usual."""
    if status != OK:
        sys.exit(status)


def failed(error: ComposerError, debug: bool) -> NoReturn:
    """A command stopped by what the editor can mend: its problems (after the traceback, with --debug).
    A pipe whose reader stopped (`compose issues/ | head -1`) ends the command without a word, as
    other command-line tools do: what it wanted was read."""
    if isinstance(error, StandardOutputClosed) and error.reader_gone:
        _stdout_to_nowhere()
        sys.exit(FAILED)
    if debug:
        traceback.print_exc()
    problems(error.problems)
    sys.exit(FAILED)


def _stdout_to_nowhere() -> None:
    """Standard output pointed at os.devnull, so that the interpreter's last flush at exit does not
    fail on the closed pipe again (and print an exception of its own)."""
    try:
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, sys.stdout.fileno())
        os.close(nowhere)
    except (OSError, ValueError):  # stdout without a descriptor (a test's capture): nothing to flush
        pass


def crashed(error: Exception, debug: bool) -> NoReturn:
    """A command stopped by a bug in composer: the one line that says so (after the traceback, with --debug)."""
    if debug:
        traceback.print_exc()
    problem(internal_error_message(error))
    sys.exit(BUG)
