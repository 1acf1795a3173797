"""How the fixed stack is loaded, at the lowest cost a run can pay for it.

- The network modules premailer and cssutils import (`requests`, `urllib.request`) are only for
  fetching linked stylesheets, which composer never lets them do (allow_network=False): they stand in
  sys.modules as placeholders that import the real module on its first use (defer_network_modules).
  That spares a third of premailer's import time, and `ssl`, `urllib3` and the rest with it.
- The imports make tens of thousands of objects that live as long as the process, and next to no
  garbage: the garbage collector, which runs every 700 new objects, would only walk them again and
  again (~15 ms of a one-issue run). Imports run with it paused, and what they made is then moved
  out of its sight with gc.freeze() (paused_collection), which also spares every later collection
  of a batch or of the preview from walking the whole stack.
The stack's regular expressions, compiled once and kept between runs, are regex_cache.py's.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

NETWORK_MODULES = ("requests", "urllib.request")


class _OnFirstUse(types.ModuleType):
    """Stands in sys.modules for a module until one of its attributes is asked for; then the real
    module is imported and answers, there and from then on. (importlib.util.LazyLoader cannot serve:
    on Python 3.11 the next `import` statement of the module reads its __spec__, which loads it.)"""

    def __getattr__(self, attribute: str) -> object:  # only for what the stand-in itself lacks
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def defer_until_used(name: str) -> None:
    """Put a stand-in for the module ``name`` in sys.modules, unless it is imported already, so that
    ``import name`` costs nothing; the real module is imported on the first use of any attribute."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return  # not installed: the import that wants it says so
    stand_in = _OnFirstUse(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in
    parent, _, child = name.rpartition(".")
    if parent:  # `import urllib.request` then reads urllib.request from its package
        setattr(importlib.import_module(parent), child, stand_in)


def defer_network_modules() -> None:
    """Before premailer is imported: its network modules stand in until used (never, in composer)."""
    for name in NETWORK_MODULES:
        defer_until_used(name)


@contextmanager
def paused_collection() -> Iterator[None]:
    """No garbage collection inside (the imports of the stack); after, if modules were imported, every
    object is frozen (kept for the life of the process, never walked again). Then collection is as it
    was. Nothing imported (the stack was loaded already): nothing frozen, so no garbage is kept."""
    was_enabled, modules = gc.isenabled(), len(sys.modules)
    gc.disable()
    try:
        yield
    finally:
        if len(sys.modules) > modules:
            gc.freeze()
        if was_enabled:
            gc.enable()
