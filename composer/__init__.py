"""composer: briefing issues in YAML, compiled into a responsive HTML email and its plain text.

from composer import compose
composed = compose(Path("issues/2017-11-09.yaml"))
composed.html, composed.text
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ComposerError, InvalidInput, OutputProblem, Problem, TemplateProblem
from .package import DISTRIBUTION, PACKAGE_FOLDER

if TYPE_CHECKING:
    from .core.pipeline import Composed, compose, write
    from .core.render import RenderOptions

__all__ = [
    "DISTRIBUTION",
    "PACKAGE_FOLDER",
    "Composed",
    "ComposerError",
    "InvalidInput",
    "OutputProblem",
    "Problem",
    "RenderOptions",
    "TemplateProblem",
    "compose",
    "write",
]


def __getattr__(name: str) -> Any:
    # The pipeline pulls in pydantic, Jinja2, MRML and premailer: load them on first use only.
    if name in ("Composed", "compose", "write"):
        from .core import pipeline

        return getattr(pipeline, name)
    if name == "RenderOptions":
        from .core.render import RenderOptions

        return RenderOptions
    raise AttributeError(name)
