"""The one exception root, every error a user can cause, problems and their places as data, and
how a bug in composer is told.

Everything an editor can cause ends up as a ComposerError; the CLI catches it in one
place and prints each problem as ``path:line:column: field: message`` (Place says how). Every error class is
here, so that this file is the whole list of what can go wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Place:
    """Where in an input file: its path as shown, and a line and column, 1-based (both 0: the whole file)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        """``file:line:column``, or the file alone when it is about the whole file: the one way every
        message names a place (problems, warnings, `compose check`'s findings)."""
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, at one place in it."""

    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based
    field: str  # e.g. "stories[1].headline"; empty for problems of the file itself
    message: str

    @classmethod
    def whole_file(cls, path: str, message: str) -> Problem:
        """A problem of the file at ``path`` as a whole (no line in it); of no file when ``path`` is empty."""
        return cls(path, 0, 0, "", message)

    @property
    def place(self) -> Place:
        return Place(self.path, self.line, self.column)

    def __str__(self) -> str:
        return ": ".join(part for part in (str(self.place), self.field, self.message) if part)

    def as_warning(self) -> str:
        """``path:line:column: field: warning: message``, for what is legal but may not be meant."""
        return ": ".join(part for part in (str(self.place), self.field, "warning", self.message) if part)


def internal_error_message(error: BaseException, during: str = "", then: str = "") -> str:
    """How a bug in composer is told, wherever it happens: what failed, ``during`` what (" while
    checking the email"), and ``then`` what to do (default: run again with --debug and report it)."""
    then = then or "run the same command with --debug for the traceback, and report it"
    return f"internal error in composer{during} ({type(error).__name__}: {error}); {then}"


class ComposerError(Exception):
    """Root of every error a user can cause: bad input, missing files, template mistakes."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem.whole_file("", problems)]
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.column, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


class InvalidInput(ComposerError):
    """An issue or publication file that cannot be read or does not validate."""


class NoIssues(InvalidInput):
    """A command given nothing to work on: a folder without issues, a publication.yaml alone."""


class TemplateProblem(ComposerError):
    """A template that does not render or compile (a mistake in templates/, not in the issue)."""

    mjml: str | None = None  # the MJML that failed to compile, for `compose --mjml` to write out


class IncompleteEmail(ComposerError):
    """The email lost its end on the way (premailer's HTML parser gave up): never written."""


class EmailTooLarge(InvalidInput):
    """An email larger than limits.MAX_EMAIL_BYTES: a mistake, never written."""


class NoSender(InvalidInput):
    """publication.yaml has no sender, so the message has no From."""


class OutputProblem(ComposerError):
    """An output file that cannot be written."""

    @classmethod
    def cannot_write(cls, path: os.PathLike[str] | str, error: OSError) -> OutputProblem:
        return cls(f"{os.fspath(path)}: cannot write: {error.strerror or error}")


class StandardOutputClosed(ComposerError):
    """What composer prints on stdout can no longer be written: the program reading it stopped (a pipe
    into `head`), or the file it goes to cannot grow (a full disk). Not a bug in composer; the files it
    writes have their own errors (OutputProblem)."""

    def __init__(self, error: OSError) -> None:
        self.reader_gone = isinstance(error, BrokenPipeError)
        super().__init__(
            f"<standard output>: cannot write: {error.strerror or error}; make room, or send the output elsewhere"
        )


class OutputClash(ComposerError):
    """Two issues that would write the same output files (a/x.yaml and b/x.yaml into one folder)."""


class CacheProblem(ComposerError):
    """A cache composer cannot use. Never fatal: the caller builds without it and reports it as a warning."""

    @classmethod
    def unusable(cls, folder: os.PathLike[str] | str, reason: str) -> CacheProblem:
        return cls(f"{os.fspath(folder)}: cannot use this cache folder ({reason}); building without it")


class IssueExists(ComposerError):
    """`compose new` for a date whose issue file is already there: it is never overwritten."""


class PublicationExists(ComposerError):
    """`compose init` in a folder that already has its publication.yaml: it is never overwritten."""


class NoPublication(ComposerError):
    """`compose new` where no publication.yaml is found: `compose init` writes one."""


class NotADay(ComposerError):
    """A DATE for `compose new` that is not a day written YYYY-MM-DD."""


class NoClipboard(ComposerError):
    """This system has no clipboard composer can reach (a server, a container, CI)."""


class CannotServe(ComposerError):
    """The preview cannot listen on the port asked for."""


class BadAddress(ComposerError):
    """An e-mail address the message cannot carry."""


class NotSent(ComposerError):
    """A test send stopped before the SMTP server: the issue has errors `compose check` reports.

    Its problems stay in the order given, check's, with why nothing went out last: sorted by
    file, a finding in publication.yaml would come after that closing line.
    """

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems
        self.args = ("\n".join(str(problem) for problem in problems),)


class SmtpSettingsProblem(ComposerError):
    """The SMTP server is not configured, or configured wrongly."""


class SendFailed(ComposerError):
    """The SMTP server could not be reached, or did not take the message."""


class CannotConnect(SendFailed):
    pass


class TimedOut(SendFailed):
    pass


class AuthenticationFailed(SendFailed):
    pass


class TlsFailed(SendFailed):
    pass


class RecipientRefused(SendFailed):
    pass


class ServerDisconnected(SendFailed):
    pass


class DeliveryUncertain(SendFailed):
    """The whole message reached the server, but its answer did not come back: it may be delivered."""


class UnsafeMessage(ComposerError):
    """The message would not read back as composer wrote it (a header it did not mean, a changed
    value): it is never written nor sent."""


class NotPushed(NotSent):
    """`compose push` stopped before the mailing service: the issue has errors `compose check` reports."""


class PushSettingsProblem(ComposerError):
    """`compose push` cannot start: no service named, one it cannot make drafts in, a setting or a key missing."""


class PushFailed(ComposerError):
    """The mailing service could not be reached, or did not take the draft."""


class DraftGone(PushFailed):
    """The draft remembered for the issue was deleted in the service, or already sent or scheduled there."""
