"""composer: briefing issues in YAML, compiled into a responsive HTML email and its plain text.

from composer import compose
composed = compose(Path("issues/2017-11-09.yaml"))
composed.html, composed.text
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ComposerError, InvalidInput, OutputProblem, Problem, TemplateProblem

if TYPE_CHECKING:
    from .core.pipeline import Composed, compose, write

# The package's own folder: its data (i18n/labels/, commands/schema/*.json, commands/preview/assets/, the
# packaged templates/) are found from here, never from a module's own __file__, so a module moved into a
# subpackage still finds them.
PACKAGE_FOLDER = Path(__file__).resolve().parent

DISTRIBUTION = "briefing-composer"  # the name on PyPI ("composer" is another project's); the package keeps its name

__all__ = [
    "Composed",
    "ComposerError",
    "InvalidInput",
    "OutputProblem",
    "Problem",
    "TemplateProblem",
    "compose",
    "write",
]


def __getattr__(name: str) -> Any:
    # The pipeline pulls in pydantic, Jinja2, MRML and premailer: load them on first use only.
    if name in ("Composed", "compose", "write"):
        from .core import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
