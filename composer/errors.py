"""The one exception root, and problems as data.

Everything an editor can cause ends up as a ComposerError; the CLI catches it in one
place and prints each problem as ``path:line:column: field: message``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, at one place in it."""

    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based
    field: str  # e.g. "stories[1].headline"; empty for problems of the file itself
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return ": ".join(part for part in (where, self.field, self.message) if part)


class ComposerError(Exception):
    """Root of every error a user can cause: bad input, missing files, template mistakes."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", 0, 0, "", problems)]
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.column, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


class InvalidInput(ComposerError):
    """An issue or publication file that cannot be read or does not validate."""


class TemplateProblem(ComposerError):
    """A template that does not render or compile (a mistake in templates/, not in the issue)."""

    mjml: str | None = None  # the MJML that failed to compile, for `compose --mjml` to write out


class OutputProblem(ComposerError):
    """An output file that cannot be written."""
