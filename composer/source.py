"""Read a YAML file safely and remember where every value came from.

PyYAML's C parser builds the node graph (with line and column marks); we turn the nodes
into plain data ourselves so that we can refuse what an editor's file should never hold:
Python-object tags, duplicate keys, alias bombs and oversized files. Every scalar stays the
text the editor typed (YAML 1.1 would turn ``lang: no`` into False and ``title: 1984`` into
an int); null stays None. pydantic coerces the text where a field wants a number or a date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidInput, Problem

MAX_FILE_BYTES = 1_000_000  # a long briefing is ~20 KB; anything near this is a mistake
MAX_NODES = 100_000  # values after expanding aliases; a "billion laughs" file trips this at once
MAX_DEPTH = 50  # nesting; ours is at most four deep, and deeper input would exhaust the stack

Location = tuple[int, int]  # 1-based line and column
Key = tuple[str | int, ...]  # a field path such as ("stories", 0, "headline")

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
}
_NULL_TAG = "tag:yaml.org,2002:null"
_MAP_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:omap"}
_SEQ_TAGS = {"tag:yaml.org,2002:seq"}


@dataclass
class Document:
    """A YAML file turned into plain data, with the place of every key and value."""

    path: str
    data: Any
    lines: list[str]
    values: dict[Key, Location] = field(default_factory=dict)
    keys: dict[Key, Location] = field(default_factory=dict)
    ends: dict[Key, Location] = field(default_factory=dict)

    def value_at(self, key: Key) -> Location:
        """Where the value of ``key`` starts, or the nearest enclosing value that exists."""
        while key and key not in self.values:
            key = key[:-1]
        return self.values.get(key, (1, 1))

    def key_at(self, key: Key) -> Location:
        return self.keys.get(key) or self.value_at(key)

    def find_in_value(self, key: Key, text: str) -> Location:
        """The line and column of ``text`` inside the value of ``key`` (e.g. a bad link)."""
        start = self.value_at(key)
        end_line = self.ends.get(key, start)[0]
        for number in range(start[0], min(end_line, len(self.lines)) + 1):
            column = self.lines[number - 1].find(text)
            if column >= 0:
                return number, column + 1
        return start


def read_yaml(path: Path, shown_as: str | None = None) -> Document:
    """Read ``path`` into a Document, or raise InvalidInput naming every problem found."""
    name = shown_as or str(path)

    def fail(message: str, line: int = 1, column: int = 1) -> InvalidInput:
        return InvalidInput([Problem(name, line, column, "", message)])

    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInput([Problem(name, 0, 0, "", "no such file")]) from None
    except IsADirectoryError:
        raise InvalidInput([Problem(name, 0, 0, "", "is a folder, not a YAML file")]) from None
    except OSError as error:
        raise InvalidInput([Problem(name, 0, 0, "", f"cannot be read: {error.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is larger than {MAX_FILE_BYTES // 1000} KB; is it really an issue file?")
    if b"\0" in raw:
        raise fail("this is a binary file, not a YAML text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise fail("the file is not UTF-8 text; save it as UTF-8 in your editor", line, column) from None
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise fail("the file is empty")

    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = _yaml_message(error)
        if mark is None:
            raise fail(message) from None
        raise fail(message, mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as error:  # pragma: no cover - the C parser always gives a mark
        raise fail(f"YAML error: {error}") from None

    document = Document(path=name, data=None, lines=text.splitlines())
    builder = _Builder(document)
    document.data = builder.build(root, ())
    if builder.problems:
        raise InvalidInput(builder.problems)
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        raise fail(f"the file holds {kind}; it should hold keys such as 'date:' and 'summary:'")
    return document


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    if "found character '\\t'" in problem:
        return "YAML syntax error: a tab is used for indentation; indent with spaces"
    message = f"{context}, {problem}" if context else problem
    return f"YAML syntax error: {message}"


class _Builder:
    """Turns composed nodes into dicts, lists, strings and None, recording positions."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []
        self.count = 0

    def problem(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.document.path, mark.line + 1, mark.column + 1, "", message))

    def build(self, node: yaml.Node, key: Key) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(key) > MAX_DEPTH:
            raise InvalidInput(
                [
                    Problem(
                        self.document.path,
                        node.start_mark.line + 1,
                        node.start_mark.column + 1,
                        "",
                        f"the file expands to more than {MAX_NODES:,} values or {MAX_DEPTH} levels "
                        "(aliases repeated over and over?); an issue file is far smaller",
                    )
                ]
            )
        self.document.values.setdefault(key, (node.start_mark.line + 1, node.start_mark.column + 1))
        self.document.ends.setdefault(key, (node.end_mark.line + 1, node.end_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            if node.tag not in _MAP_TAGS:
                return self.refuse_tag(node)
            return self.build_mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in _SEQ_TAGS:
                return self.refuse_tag(node)
            return [self.build(item, (*key, index)) for index, item in enumerate(node.value)]
        if node.tag == _NULL_TAG:
            return None
        if node.tag not in _PLAIN_TAGS:
            return self.refuse_tag(node)
        return node.value

    def build_mapping(self, node: yaml.MappingNode, key: Key) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(key_node, "'<<' merge keys are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _NULL_TAG:
                self.problem(key_node, "a key must be a plain name such as 'headline'")
                continue
            name = key_node.value
            if name in result:
                first = self.document.keys[(*key, name)]
                self.problem(key_node, f"duplicate key '{name}' (first given on line {first[0]})")
                continue
            self.document.keys[(*key, name)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[name] = self.build(value_node, (*key, name))
        return result

    def refuse_tag(self, node: yaml.Node) -> None:
        self.problem(
            node,
            f"the tag '{node.tag}' is not allowed; issue files hold only text, lists and keys",
        )
        return None
