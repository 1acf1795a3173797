"""Every module, function, class, constant or file that composer's docstrings and comments name exists.

The modules are read with ast, never imported: a module added tomorrow is read the same way, and no
heavy library loads. A name is what the docstrings and comments write in one of these forms:
- ``module.name`` or ``Class.name``, with or without backticks or a call's parentheses
  (render.build_view, models.PLACEHOLDER_MARK, ComposeGroup.invoke, composer.core);
- a file or folder of the code: email.py, core/render.py, tests/test_vnu.py, composer/i18n/labels/;
- a call: check(), build_one(), archive(paths, site);
- a CONSTANT or a CamelCase class: MAX_FILE_BYTES, ComposerError;
- a word in double backticks with an underscore or a capital inside: ``idle_seconds``, ``Entry``.
Each is looked for in the whole package: a module or subpackage by its last name or its dotted path,
then what that module defines; a name any module defines (function, class, constant, import, field,
method, parameter) or writes as a string (a JSON key, an environment variable, a service's name); a
file. Not composer's and so not looked for: the standard library's modules, Python's builtins, and
OUTSIDE, a short list kept by hand (the libraries composer runs on, and a few names of theirs).
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "composer"

# Names docstrings use that are not composer's, besides the standard library's modules and Python's
# builtins (str.format, os.getppid), which count as outside anyway: a dotted name starting with one of
# these is not looked for in composer. Add to it only a name that is truly someone else's.
OUTSIDE = frozenset(
    {
        # libraries composer runs on or works around, by their import names
        "babel",
        "click",
        "cssutils",
        "httpx",
        "jinja2",
        "lxml",
        "markdown_it",
        "mjml",
        "premailer",
        "pydantic",
        "watchfiles",
        "yaml",
        # names of theirs a docstring or comment writes alone
        "StrictUndefined",  # jinja2's
        "node",  # a PyYAML node: node.value
        "read_text",  # Path.read_text()
        # specifications, systems and formats
        "CommonMark",  # the Markdown specification
        "PR_SET_PDEATHSIG",  # Linux's prctl
        "HTTPS_PROXY",  # the proxy variable httpx reads from the environment
        "tool",  # pyproject.toml's [tool.mypy]
        "Model",  # "Model.key": how the schema's table names a key, not a name
    }
)

# A dotted word ending so is a file or a host (publication.yaml, Node.js, Outlook.com), not a name.
FILE_ENDINGS = frozenset({"py", "yaml", "yml", "json", "toml", "html", "txt", "xml", "css", "js", "eml", "md", "j2"})
NOT_A_NAME_SUFFIXES = FILE_ENDINGS | {"mjml", "zip", "org", "com", "net"}


@dataclass
class Names:
    """What the package holds: modules by every name they go by, and what each defines."""

    modules: dict[str, list[Path]] = field(default_factory=dict)  # "render", "core.render", "composer.core.render"
    defined: dict[Path, set[str]] = field(default_factory=dict)  # a module's top-level names
    members: dict[str, set[str]] = field(default_factory=dict)  # a class's methods, fields and attributes
    anywhere: set[str] = field(default_factory=set)  # every name defined anywhere, parameters included
    attributes: set[str] = field(default_factory=set)  # every class's members, and what is set as x.name
    texts: set[str] = field(default_factory=set)  # strings of the code that are a word: "SendGrid", "XDG_CACHE_HOME"
    files: set[str] = field(default_factory=set)  # every file and folder of the package and the tests, relative


def module_names(path: Path) -> list[str]:
    """``composer/core/render.py`` -> render, core.render, composer.core.render (a package: its folder's name)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return [".".join(parts[start:]) for start in range(len(parts))]


def read_package(package: Path = PACKAGE) -> Names:
    names = Names()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in module_names(path):
            names.modules.setdefault(name, []).append(path)
        top: set[str] = set()
        for statement in tree.body:
            top |= defined_by(statement)
        names.defined[path] = top
        names.anywhere |= top
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                members = set().union(*(defined_by(statement) for statement in node.body))  # fields, methods
                stored = (child for child in ast.walk(node) if isinstance(child, ast.Attribute))
                members |= {child.attr for child in stored if isinstance(child.ctx, ast.Store)}  # self.changed = …
                names.members.setdefault(node.name, set()).update(members)
                names.anywhere |= members | {node.name}
                names.attributes |= members
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.anywhere.add(node.name)
                arguments = node.args
                every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
                every += [argument for argument in (arguments.vararg, arguments.kwarg) if argument]
                names.anywhere |= {argument.arg for argument in every}
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.anywhere.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.anywhere.add(node.attr)
                names.attributes.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and TEXT_NAME.fullmatch(node.value):
                names.texts.add(node.value)  # a name the code writes as text: a JSON key, a variable, a service
    for root in (package, ROOT / "tests"):
        for path in root.rglob("*"):
            if "__pycache__" not in path.parts:
                names.files.add(path.relative_to(ROOT).as_posix())
    return names


def defined_by(node: ast.AST) -> set[str]:
    """The names one statement binds in its scope: def, class, assignments, imports."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, ast.If | ast.Try):  # names bound under `if TYPE_CHECKING:` or `try: import …`
        inner = [*node.body, *node.orelse, *getattr(node, "finalbody", [])]
        inner += [statement for handler in getattr(node, "handlers", []) for statement in handler.body]
        return set().union(*(defined_by(statement) for statement in inner))
    return set()


# --- finding the names a text writes ----------------------------------------------------------

IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
DOTTED = re.compile(rf"(?<![\w./\-@:{{]){IDENTIFIER}(?:\.{IDENTIFIER})+(?:\*|(?![\w\-/]))")
FILE = re.compile(r"(?<![\w./\-])(?:[\w\-]+/)*[\w\-]+\.py\b|(?<![\w./\-])(?:composer|tests)/(?:[\w\-.]+/)*[\w\-.]*")
CALL = re.compile(rf"(?<![\w.]){IDENTIFIER}(?=\((?:\)|[a-z_, ]+\)))")
CONSTANT = re.compile(r"(?<![\w.*{])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w*])")
TEXT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CLASS = re.compile(r"(?<![\w.\-#])[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+(?![\w\-])")
LITERAL = re.compile(rf"``({IDENTIFIER})``")
URL = re.compile(r"[a-z][a-z0-9+.\-]*://\S+|\S+@\S+")


def named_in(text: str) -> Iterator[str]:
    """Every name ``text`` writes, in the forms composer's docstrings use (see the module's docstring)."""
    text = URL.sub(" ", text)
    yield from (match.group().rstrip(".") for match in FILE.finditer(text))  # a sentence's full stop
    text = FILE.sub(" ", text)
    for match in DOTTED.finditer(text):
        if match.group().rsplit(".", 1)[1].lower() not in NOT_A_NAME_SUFFIXES:
            yield match.group()
    yield from (match.group() for match in CALL.finditer(text))
    yield from (match.group() for match in CONSTANT.finditer(text))
    yield from (match.group() for match in CLASS.finditer(text))
    for match in LITERAL.finditer(text):
        word = match.group(1)
        if "_" in word.strip("_") or (word[0].isupper() and not word.isupper()):
            yield word


def exists(name: str, module: Path, names: Names) -> bool:
    """Whether ``name``, as written in ``module``, is something composer holds (or someone else's)."""
    if name.endswith(".py") or "/" in name:
        return file_exists(name, module, names)
    if name.endswith("*"):  # dates.default_*: a name of the module starts so
        head, _, start = name[:-1].rpartition(".")
        return any(known.startswith(start) for known in names.anywhere) and (not head or exists(head, module, names))
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):  # the longest dotted start that is a module, then its attributes
        prefix = ".".join(parts[:cut])
        if prefix in names.modules:
            return any(attributes_exist(path, parts[cut:], names) for path in names.modules[prefix])
    head, *rest = parts
    if head in OUTSIDE or head in sys.stdlib_module_names or hasattr(builtins, head) or len(head) == 1:
        return True  # len 1: "e.g."
    if not rest:
        if re.fullmatch(r"[A-Z]\w+s", head) and head[:-1] in names.anywhere:  # a plural: TemplateProblems
            return True
        if any(head.startswith(text) for text in names.texts if text.endswith("_") and text.isupper()):
            return True  # an environment variable: "COMPOSE_SMTP_" + "HOST"
        return head in names.anywhere or head in names.texts
    if head in names.members:  # Class.attribute
        return rest[0] in names.members[head] and all(part in names.anywhere for part in rest[1:])
    # A value and its attributes (publication.labels, read_time.other): a name composer defines somewhere,
    # then attributes of its classes (not any function: batch.build_all names a module that is gone); or
    # keys the code writes as text (an API's recipients.list_id).
    known = names.attributes | names.texts
    return (head in names.anywhere or head in names.texts) and all(part in known for part in rest)


def attributes_exist(path: Path, attributes: list[str], names: Names) -> bool:
    if not attributes:
        return True
    first, *more = attributes
    if first not in names.defined[path]:
        return False
    return not more or more[0] in names.members.get(first, set()) or more[0] in names.anywhere


def file_exists(name: str, module: Path, names: Names) -> bool:
    """A path relative to the repository, the package, the module's folder or any folder of the package."""
    relative = name.rstrip("/")
    package = PACKAGE.relative_to(ROOT).as_posix()
    here = module.parent.relative_to(ROOT).as_posix()
    if relative in names.files or f"{package}/{relative}" in names.files or f"{here}/{relative}" in names.files:
        return True
    return any(known.startswith(f"{package}/") and known.endswith(f"/{relative}") for known in names.files)


# --- where docstrings and comments are -----------------------------------------------------------


def documentation(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every docstring (and string statement) and every comment of a module."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            yield node.lineno, node.value.value
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string


def unknown_names(path: Path, names: Names, source: str | None = None) -> list[str]:
    """``file:line: name`` for each name the module's documentation writes that does not exist."""
    text = path.read_text(encoding="utf-8") if source is None else source
    shown = path.relative_to(ROOT).as_posix()
    found = []
    for line, doc in documentation(text):
        for name in named_in(doc):
            if not exists(name, path, names):
                found.append(f"{shown}:{line}: {name}")
    return sorted(set(found))


@pytest.fixture(scope="module")
def names() -> Names:
    return read_package()


def test_every_name_the_docstrings_write_exists(names: Names) -> None:
    unknown = [problem for path in sorted(PACKAGE.rglob("*.py")) for problem in unknown_names(path, names)]
    assert unknown == [], "docstrings or comments name what composer does not hold:\n" + "\n".join(unknown)


# --- the check itself can fail ----------------------------------------------------------------

FAKE = PACKAGE / "core" / "fake.py"  # never written: its text is given


@pytest.mark.parametrize(
    ("source", "line", "named"),
    [
        ('"""Built by batch.py, a module since renamed."""', 1, "batch.py"),
        ('"""The skeleton (``skeleton.fill_in_every_field``) writes it."""', 1, "skeleton.fill_in_every_field"),
        ('"""Checked further by markdown.check."""', 1, "markdown.check"),
        ('"""See render.no_such_function() for the view."""', 1, "render.no_such_function"),
        ('"""Kept in core/email.py."""', 1, "core/email.py"),
        ('"""The labels are in composer/i18n/words/."""', 1, "composer/i18n/words/"),
        ('"""Raises TemplateFailure."""', 1, "TemplateFailure"),
        ('"""At most MAX_NOTHING_BYTES."""', 1, "MAX_NOTHING_BYTES"),
        ('"""Run by build_everything()."""', 1, "build_everything"),
        ('"""The ``composer.commands.nothing`` package."""', 1, "composer.commands.nothing"),
        ('"""Waits on ``Preview.nothing``."""', 1, "Preview.nothing"),
        ('"""Waits ``idle_second``."""', 1, "idle_second"),
        ("# the outcomes of batch.build_all\nx = 1\n", 1, "batch.build_all"),  # a comment; batch is a variable
        ('def f() -> None:\n    """Made by ``new.skeleton_text``."""\n', 2, "new.skeleton_text"),
    ],
)
def test_a_name_that_does_not_exist_is_reported_with_its_module(
    names: Names, source: str, line: int, named: str
) -> None:
    assert unknown_names(FAKE, names, source) == [f"composer/core/fake.py:{line}: {named}"]


def test_names_that_exist_in_every_form_pass(names: Names) -> None:
    source = '''"""Read by ``load.load`` and core/load.py, checked with models.PLACEHOLDER_MARK and
    limits.MAX_FILE_BYTES (MAX_FILE_BYTES), raising ComposerError (InvalidInputs); ``composer.core``,
    commands.build and composer/i18n/labels/ exist, and so do languages.pick(), pick(), ``Preview.changed``
    and ``idle_seconds``, COMPOSE_SMTP_HOST, a value's attribute (read_time.other), and what is not
    composer's: yaml.safe_dump, str.format, e.g. this, https://example.com/x.py, news.example.org."""
    # and comments: esp.SERVICES, dates.default_*
    '''
    assert unknown_names(FAKE, names, source) == []
