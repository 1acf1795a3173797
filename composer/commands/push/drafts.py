"""The drafts composer made: drafts.json beside the issues, so that pushing an issue again updates its draft.

One entry an issue file and a service: the draft's id in the service and its web address. The file
is meant to be committed with the issues (a colleague's push then updates the same draft). It is
written atomically, and only once the service has confirmed the draft; a file composer cannot read
stops the push rather than being overwritten, since the ids in it would be lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...core.folders import shown_path
from ...core.output import write_atomically
from ...errors import Problem, PushSettingsProblem

DRAFTS_FILE = "drafts.json"
MAX_BYTES = 1_000_000  # some thousands of issues' ids
MAX_ID_CHARS = 200
ABOUT = (
    "compose push keeps here the draft each issue became in each mailing service, so that pushing it again "
    "updates that draft: commit this file with the issues"
)


@dataclass(frozen=True)
class Draft:
    """A draft in a mailing service: its id there, and where the editor opens it."""

    id: str
    web_address: str


def drafts_file(issue: Path) -> Path:
    return issue.parent / DRAFTS_FILE


def remembered(issue: Path, service: str) -> Draft | None:
    """The draft remembered for the issue at ``issue`` in ``service``, if any."""
    entry = _read(drafts_file(issue)).get(issue.name, {}).get(service)
    return Draft(entry["id"], entry["web_address"]) if entry else None


def remember(issue: Path, service: str, draft: Draft) -> Path:
    """Keep ``draft`` as the issue's draft in ``service`` (replacing any other); the file written."""
    path = drafts_file(issue)
    drafts = _read(path)
    drafts.setdefault(issue.name, {})[service] = {"id": draft.id, "web_address": draft.web_address}
    document = {"about": ABOUT, "drafts": drafts}
    write_atomically(path, json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def _read(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise _unreadable(path, error.strerror or str(error)) from None
    if len(data) > MAX_BYTES:
        raise _unreadable(path, f"it is larger than {MAX_BYTES // 1_000_000} MB")
    try:
        document = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as error:  # said at its line and column
        raise _unreadable(path, f"it is not JSON here: {error.msg}", error.lineno, error.colno) from None
    except (UnicodeDecodeError, ValueError):
        raise _unreadable(path, "it is not JSON in UTF-8") from None
    except RecursionError:  # [[[[…: nested past what Python's parser follows
        raise _unreadable(path, "it is nested far deeper than composer writes it") from None
    drafts = document.get("drafts") if isinstance(document, dict) else None
    if not isinstance(drafts, dict) or not all(_is_entry(issue, services) for issue, services in drafts.items()):
        raise _unreadable(path, 'it is not a list of drafts as composer writes it ("drafts": issue, service, id)')
    return drafts


def _is_entry(issue: Any, services: Any) -> bool:
    return (
        isinstance(issue, str)
        and isinstance(services, dict)
        and all(
            isinstance(service, str)
            and isinstance(draft, dict)
            and set(draft) == {"id", "web_address"}
            and all(isinstance(value, str) and 0 < len(value) <= MAX_ID_CHARS * 4 for value in draft.values())
            and len(draft["id"]) <= MAX_ID_CHARS
            and draft["id"].isprintable()
            for service, draft in services.items()
        )
    )


def _unreadable(path: Path, reason: str, line: int = 0, column: int = 0) -> PushSettingsProblem:
    message = (
        f"composer cannot read its remembered drafts: {reason}; mend it (git can restore it) or move it away "
        "(pushing without it makes new drafts)"
    )
    return PushSettingsProblem([Problem(shown_path(path), line, column, "", message)])
