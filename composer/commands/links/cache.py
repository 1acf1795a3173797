"""What `compose check --links` remembers for a day: the answers that reached a page or a picture,
in composer's cache folder (links/answers.json). A failure, a 429 and a 5xx are never kept, so
the next check asks again; --no-cache asks everything again (and keeps what is fine).

The file is a convenience: one unreadable, or a cache folder that cannot be written, is done without.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ...core.output import cache_dir, write_atomically
from .answer import Answer

KEEP_SECONDS = 24 * 60 * 60
MAX_ENTRIES = 20_000  # a year of daily briefings' links; the oldest go first
FILE_NAME = "answers.json"

Key = tuple[str, bool]  # an address, and whether it is a picture


def folder() -> Path:
    """Where the answers are kept; raises CacheProblem when the cache folder cannot be used."""
    return cache_dir("links")


def _name(key: Key) -> str:
    url, image = key
    return f"{'image' if image else 'link'} {url}"


def read(path: Path, now: float | None = None) -> dict[Key, Answer]:
    """The answers of the last day kept in ``path``; none when it is missing or unreadable."""
    now = time.time() if now is None else now
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    found: dict[Key, Answer] = {}
    if not isinstance(entries, dict):
        return found
    for name, entry in entries.items():
        kind, _, url = str(name).partition(" ")
        try:
            if now - float(entry["at"]) > KEEP_SECONDS or kind not in ("image", "link"):
                continue
            found[(url, kind == "image")] = _answer(entry["answer"], kind == "image")
        except (KeyError, TypeError, ValueError):
            continue  # an entry of another version of composer, or damaged: asked again
    return found


def _answer(data: Any, image: bool) -> Answer:
    answer = Answer(**data)
    answer.hops = [(int(status), str(origin), str(target)) for status, origin, target in answer.hops]
    answer.pixels = (int(answer.pixels[0]), int(answer.pixels[1])) if answer.pixels else None
    if not answer.fine(image):
        raise ValueError("only fine answers are kept")
    return answer


def write(path: Path, answers: dict[Key, Answer], now: float | None = None) -> None:
    """Add the fine ones among ``answers`` to the file, dropping entries older than a day.
    Raises OutputProblem when it cannot be written."""
    now = time.time() if now is None else now
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        kept = {}
    if not isinstance(kept, dict):
        kept = {}
    entries = {
        name: entry
        for name, entry in kept.items()
        if isinstance(entry, dict) and isinstance(entry.get("at"), (int, float)) and now - entry["at"] <= KEEP_SECONDS
    }
    for key, answer in answers.items():
        name = _name(key)
        entries.pop(name, None)  # asked again: not kept unless fine, and then as new
        if answer.fine(key[1]):
            entries[name] = {"at": now, "answer": asdict(answer)}
    newest = sorted(entries.items(), key=lambda item: item[1]["at"])[-MAX_ENTRIES:]
    write_atomically(path, json.dumps(dict(newest), ensure_ascii=False, indent=1) + "\n")
