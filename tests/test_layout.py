"""The package's layout, read from its source with ast: no module of it is imported or run.

Its layers, from the top down: the top (composer/__init__.py, __main__.py, cli.py, clipboard.py),
commands/, core/, i18n/; below them all errors.py, limits.py and package.py, which every layer
uses. A module imports from its own layer or one below it, never from one above, and no import
(at a module's top, inside a function, or for the type checker alone) closes a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "composer"

BELOW_ALL = {"composer.errors", "composer.limits", "composer.package"}
LAYERS = {"i18n": 1, "core": 2, "commands": 3}  # each subpackage of composer/ and its height; the top is 4
LAYER_NAMES = {0: "below all", 1: "i18n", 2: "core", 3: "commands", 4: "the top"}
MOST_TOP_MODULES = 10

Graph = dict[str, list[tuple[str, int]]]  # a module -> the package's modules it imports, each with its line


def module_files(package: Path) -> dict[str, Path]:
    """Every module of ``package`` by its dotted name (a package by its __init__.py)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(module: str, path: Path, modules: Collection[str]) -> Iterator[tuple[str, int]]:
    """The modules among ``modules`` that ``module`` imports, wherever the import stands, with its line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    root = module.split(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            # `from . import esp` names a module; `from .load import Loaded`, a name in one.
            targets = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source for alias in node.names
            ]
        else:
            continue
        for target in dict.fromkeys(targets):
            if target == root or target.startswith(root + "."):
                yield target, node.lineno


def read_graph(package: Path) -> tuple[dict[str, Path], Graph]:
    files = module_files(package)
    return files, {module: sorted(set(imports(module, path, files))) for module, path in files.items()}


def height(module: str) -> int:
    if module in BELOW_ALL:
        return 0
    parts = module.split(".")
    return LAYERS.get(parts[1], 4) if len(parts) > 1 else 4


def upward_imports(files: dict[str, Path], graph: Graph) -> list[str]:
    """Each import of a module from a layer above its own, as path:line: what imports what."""
    return [
        f"{files[module].relative_to(files['composer'].parent.parent)}:{line}: {module} "
        f"({LAYER_NAMES[height(module)]}) imports {target} ({LAYER_NAMES[height(target)]}), a layer above it"
        for module, targets in graph.items()
        for target, line in targets
        if height(target) > height(module)
    ]


def circles(graph: Graph) -> list[str]:
    """Each circle of imports found, as "a -> b -> a"."""
    edges = {module: sorted({target for target, _ in targets if target != module}) for module, targets in graph.items()}
    found: list[str] = []
    state: dict[str, str] = {}  # "open" while the modules it imports are walked, "done" after

    def walk(module: str, trail: list[str]) -> None:
        state[module] = "open"
        trail = [*trail, module]
        for target in edges.get(module, []):
            if state.get(target) == "open":
                found.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                walk(target, trail)
        state[module] = "done"

    for module in edges:
        if module not in state:
            walk(module, [])
    return found


FILES, GRAPH = read_graph(PACKAGE)


def test_the_imports_are_read() -> None:
    # Imports the package is known to make, of every form: else the tests below would pass on nothing.
    assert {target for target, _ in GRAPH["composer.core.view"]} >= {
        "composer.core.load",  # from .load import Loaded
        "composer.core.esp",  # from . import esp
        "composer.i18n.dates",  # from ..i18n import dates
    }
    assert "composer.commands.schema" in {target for target, _ in GRAPH["composer.commands.schema.modeline"]}
    assert "composer.commands.build" in {target for target, _ in GRAPH["composer.cli"]}  # inside a function


def test_no_module_imports_from_a_layer_above_it() -> None:
    # i18n/ imports neither core/ nor commands/, core/ no command and not the CLI, and so on.
    assert upward_imports(FILES, GRAPH) == []


def test_the_imports_have_no_circle() -> None:
    assert circles(GRAPH) == []


def test_an_import_against_the_layers_is_named_with_its_place(tmp_path: Path) -> None:
    package = tmp_path / "composer"
    for name, text in {
        "__init__.py": '"""top"""\n',
        "errors.py": "",
        "i18n/__init__.py": '"""i18n"""\n',
        "i18n/words.py": "import os\n\nfrom ..core import load\n",
        "core/__init__.py": '"""core"""\n',
        "core/load.py": "from ..i18n.words import os\nfrom ..errors import Problem\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    files, graph = read_graph(package)
    assert upward_imports(files, graph) == [
        "composer/i18n/words.py:3: composer.i18n.words (i18n) imports composer.core.load (core), a layer above it"
    ]
    assert circles(graph) == ["composer.core.load -> composer.i18n.words -> composer.core.load"]


def test_the_top_of_the_package_stays_small() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= MOST_TOP_MODULES, f"composer/ holds {len(top)} modules at its top: {', '.join(top)}"


@pytest.mark.parametrize("init", sorted(module for module, path in FILES.items() if path.name == "__init__.py"))
def test_every_package_opens_with_a_docstring(init: str) -> None:
    path = FILES[init]
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and docstring.strip(), f"{path}: says nothing of what lives in {init}"
