"""Writing files: writes that never leave a half-written file behind (write_atomically), and
composer's folder in the user's cache (cache_dir). Which files an issue makes is pipeline.write's."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CacheProblem, OutputProblem

# A temporary file is made only where no file is, never through a symbolic link, and closed in
# any program composer starts; its mode is 0o666 less the umask, as any new file of the user's.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_NAME_TRIES = 100


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: readers see old or new, never half.
    A text is written as UTF-8 with its line ends as they are."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary, handle = _new_file_beside(path)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(handle, view) :]
            finally:
                os.close(handle)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        raise OutputProblem.cannot_write(path, error) from None


def _new_file_beside(path: Path) -> tuple[Path, int]:
    """A new, empty file named .<name>.<random>.tmp in ``path``'s folder, and its descriptor."""
    for _ in range(_NAME_TRIES):
        temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
        try:
            return temporary, os.open(temporary, _NEW_FILE, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path} after {_NAME_TRIES} tries")


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
