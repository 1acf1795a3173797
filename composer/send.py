"""A test send, gate and all: the issue composed, checked, made into a message and sent over SMTP.

Nothing is sent when the issue does not validate or `compose check` finds an error: a test read
of a broken issue teaches nothing, and the same issue must never reach a list by mistake.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .check import ERROR, check
from .errors import NotSent, Problem
from .message import message
from .pipeline import compose
from .smtp import deliver, smtp_settings


@dataclass(frozen=True)
class Sent:
    path: Path
    to: str
    server: str  # host:port, as the editor set it


def send_test(
    path: Path,
    to: str,
    templates: Path | None = None,
    service: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Sent:
    """Send the issue at ``path`` to ``to`` through the SMTP server set in ``environ`` (COMPOSE_SMTP_*)
    or publication.yaml. Raises ComposerError: InvalidInput, NotSent (check's errors), NoSender,
    BadAddress, SmtpSettingsProblem or SendFailed."""
    composed = compose(path, templates, service)
    errors = [finding for finding in check(composed) if finding.level == ERROR]
    if errors:
        # Each as `compose check` words it, then why nothing went out (problems of one file keep their order).
        problems = [
            Problem(finding.path, 0, 0, "", f"{ERROR}: {finding.rule}: {finding.message}") for finding in errors
        ]
        closing = Problem(
            str(composed.source), 0, 0, "", "nothing sent: mend the errors above first (see compose check)"
        )
        raise NotSent([*problems, closing])
    mail = message(composed, to=to)
    settings = smtp_settings(environ, composed.loaded.publication.smtp)
    deliver(mail, settings, to)
    return Sent(path, to, settings.server)
