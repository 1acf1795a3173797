"""Writing files: writes that never leave a half-written file behind (write_atomically), and
composer's folder in the user's cache (cache_dir). Which files an issue makes is pipeline.write's."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CacheProblem, OutputProblem


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: readers see old or new, never half.
    A text is written as UTF-8 with its line ends as they are."""
    import tempfile  # here: `compose --help` reads the regex cache through this module, and writes nothing

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for sharing
            if isinstance(content, bytes):
                with os.fdopen(handle, "wb") as binary:
                    binary.write(content)
            else:
                with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                    stream.write(content)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        raise OutputProblem.cannot_write(path, error) from None


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def cache_dir(*parts: str) -> Path:
    """composer's folder in the user's cache (XDG_CACHE_HOME or ~/.cache), made if needed.

    Raises CacheProblem when it cannot be made or written to (a read-only home, a file in its
    place): callers then build without it. composer's own folder is tried first, so that when it is
    unusable every cache says so in the same words, and the warning is one line.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    root = Path(base, "composer")
    for folder in (root, root.joinpath(*parts)):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = "a file, not a folder" if folder.is_file() else (error.strerror or str(error))
            raise CacheProblem.unusable(folder, reason) from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise CacheProblem.unusable(folder, "not writable")
    return root.joinpath(*parts)
