"""Read a YAML file safely and remember where every value came from.

PyYAML's C parser builds the node graph (with line and column marks); we turn the nodes
into plain data ourselves so that we can refuse what an editor's file should never hold:
Python-object tags, duplicate keys, alias bombs, deep nesting and oversized files. Every scalar stays the
text the editor typed (YAML 1.1 would turn ``lang: no`` into False and ``title: 1984`` into
an int); null stays None. pydantic coerces the text where a field wants a number or a date.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InvalidInput, Problem
from ..limits import MAX_FILE_BYTES, MAX_YAML_DEPTH, MAX_YAML_VALUES
from .folding import unfold
from .nesting import too_deep

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
_TEXT_TAG = "tag:yaml.org,2002:str"  # a number or a date with a comment after it is not cut short
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
    refused: set[Key] = field(default_factory=set)  # values dropped (a forbidden tag): already reported
    commented_out: set[Key] = field(default_factory=set)  # empty values whose text follows a '#' on their line

    def value_at(self, key: Key) -> Location:
        """Where the value of ``key`` starts, or the nearest enclosing value that exists."""
        while key and key not in self.values:
            key = key[:-1]
        return self.values.get(key, (1, 1))

    def key_at(self, key: Key) -> Location:
        return self.keys.get(key) or self.value_at(key)

    def find_in_value(self, key: Key, text: str, occurrence: int = 1) -> Location | None:
        """The line and column of the ``occurrence``-th ``text`` inside the value of ``key`` (a bad
        link), or None when the value does not hold it as typed."""
        start = self.value_at(key)
        end_line = self.ends.get(key, start)[0]
        seen = 0
        for number in range(start[0], min(end_line, len(self.lines)) + 1):
            line = self.lines[number - 1]
            column = line.find(text, start[1] - 1 if number == start[0] else 0)
            while column >= 0:
                seen += 1
                if seen == occurrence:
                    return number, column + 1
                column = line.find(text, column + 1)
        return None


def field_name(key: Key) -> str:
    """("stories", 0, "headline") -> "stories[1].headline": editors count items from one."""
    name = ""
    for part in key:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def read_input(path: Path, shown_as: str | None = None) -> bytes:
    """The bytes of ``path``, read only once it is known to be a regular file of at most
    MAX_FILE_BYTES; InvalidInput otherwise. A named pipe would wait for a writer forever, a link to
    /dev/zero would never end, and a 2 GB file would be read whole before its size was checked."""
    name = shown_as or str(path)

    def refuse(message: str) -> InvalidInput:
        return InvalidInput([Problem.whole_file(name, message)])

    try:
        # Non-blocking, so that opening a pipe returns at once; what was opened is then checked (not
        # the name, which could be swapped between a check and the opening).
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise refuse("no such file") from None
    except OSError as error:
        raise refuse(f"cannot be read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise refuse("is a folder, not a YAML file")
        if not stat.S_ISREG(status.st_mode):
            raise refuse("is not a file but a device, a pipe or a socket; name the .yaml file itself")
        too_large = refuse(
            f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB, and an issue is a few KB of text; "
            "is this the right file?"
        )
        if status.st_size > MAX_FILE_BYTES:
            raise too_large
        try:
            # The size fstat gave and one byte more (asking for MAX_FILE_BYTES at once would allocate
            # that much for every file); then the rest, up to the limit, if the file grew meanwhile.
            raw = handle.read(status.st_size + 1)
            if len(raw) > status.st_size:
                raw += handle.read(MAX_FILE_BYTES + 1 - len(raw))
        except OSError as error:
            raise refuse(f"cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:  # it grew since fstat
        raise too_large
    return raw


def read_yaml(path: Path, shown_as: str | None = None, problems: list[Problem] | None = None) -> Document:
    """Read ``path`` into a Document, or raise InvalidInput naming every problem found.

    With a ``problems`` list, faults that leave the rest of the file readable (a duplicate key,
    a forbidden tag) are added to it instead, so that validation can report its own problems in
    the same run; the values concerned are left out and their keys listed in ``refused``.
    """
    name = shown_as or str(path)

    def fail(message: str, line: int = 1, column: int = 1) -> InvalidInput:
        return InvalidInput([Problem(name, line, column, "", message)])

    raw = read_input(path, name)
    if b"\0" in raw:
        raise fail("this is a binary file (a picture or a document?), not a YAML text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw[: error.start].count(b"\n") + 1
        column = len(raw[line_start : error.start].decode("utf-8-sig")) + 1  # in characters, as editors count
        raise fail("the file is not UTF-8 text; save it as UTF-8 in your editor", line, column) from None
    if not text.strip():
        raise fail("the file is empty")
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise fail("the file holds only comments (lines starting with '#')")

    deep = too_deep(text, MAX_YAML_DEPTH)  # before the parser, whose own limits vary by release (or crash)
    if deep:
        raise fail(_TOO_DEEP, *deep)
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as error:
        message, mark = _yaml_message(error, text)
        if mark is None:
            raise fail(message) from None
        raise fail(message, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow anywhere
        line, column = _place(text, error.position)
        raise fail(
            f"the text holds an invisible control character (U+{error.character:04X}) that YAML does not allow; "
            "delete it (text pasted from Word or a web page can bring it)"
            if isinstance(error.character, int)
            else "the text holds a character that YAML does not allow; delete it",
            line,
            column,
        ) from None
    except yaml.YAMLError:  # pragma: no cover - the C parser gives every other error a mark
        raise fail(_UNREADABLE) from None
    if root is None:  # a stream without any document in it
        raise fail("the file is empty")

    document = Document(path=name, data=None, lines=text.splitlines())
    builder = _Builder(document, text)
    document.data = builder.build(root, ())
    if not isinstance(document.data, dict):
        kind = "a list (lines starting with '- ')" if isinstance(document.data, list) else "a single value"
        builder.problems.append(Problem(name, 1, 1, "", f"the file holds {kind}; it should hold 'key: value' lines"))
        raise InvalidInput(builder.problems)
    if builder.problems:
        if problems is None:
            raise InvalidInput(builder.problems)
        problems.extend(builder.problems)
    return document


_TOO_DEEP = (
    f"the file nests lists and groups of keys more than {MAX_YAML_DEPTH} levels deep; "
    "an issue file is a few levels deep at most"
)
_TOO_BIG = (
    f"the file expands to more than {MAX_YAML_VALUES:,} values, because its '*' references repeat "
    "'&' anchors over and over; an issue file is far smaller: write the values out instead"
)

_UNREADABLE = (
    "YAML syntax error: this line cannot be read; check its indentation and the ':' after its key, and put the "
    "whole text in quotes if it holds ': ' or ' #' or starts with a sign such as [ { * & ! | > % @"
)

_NO_COLON = "this line has no ':' after its key; write it as 'key: value'"
# libyaml's wording -> what an editor should change. (part of the problem, message, point at the context?)
_SYNTAX_MESSAGES = (
    ("tab character", "a tab is used for indentation; indent with spaces", False),
    (
        "mapping values are not allowed",
        "a ':' cannot go here; check this line's indentation, or put the whole text in quotes if it holds ': '",
        False,
    ),
    ("could not find expected ':'", _NO_COLON, True),
    (
        "did not find expected comment or line break",
        "after a '|' or '>' the text goes on the lines below, "
        "indented; if the text starts with that character, put the whole text in quotes",
        True,
    ),
    (
        "did not find expected '-' indicator",
        "this line does not line up with the list above it; check its indentation",
        False,
    ),
    (
        "did not find expected ',' or ']'",
        "this '[' list is never closed with ']'; if the '[' is part of the text, put the whole text in quotes",
        True,
    ),
    (
        "did not find expected ',' or '}'",
        "this '{' group is never closed with '}'; if the '{' is part of the text, put the whole text in quotes",
        True,
    ),
    (
        "found undefined alias",
        "a value cannot start with '*' (a reference to an '&' anchor); put the whole text in quotes",
        False,
    ),
    (
        "block sequence entries are not allowed",
        "a '- ' list item cannot go here: put it on a line of its own, "
        "indented below its key, or put the whole text in quotes if it starts with '- '",
        False,
    ),
    (
        "found unknown escape character",
        "inside double quotes a '\\' starts an escape such as \\n: write \\\\ for "
        "a backslash, or put the text in single quotes instead",
        False,
    ),
    (
        "did not find expected node content",
        "a value is missing here, or starts with a sign YAML reserves; put the whole text in quotes",
        False,
    ),
    (
        "invalid Unicode character escape",
        "this '\\u' or '\\U' escape names no character; delete it, or type the character itself",
        False,
    ),
    ("found another document", "a '---' line starts a second document; an issue file holds one: remove it", False),
)
# A value (after "key: " or "- ") that starts with a character YAML gives a meaning to.
_SPECIAL_START = re.compile(r"\s*(?:-\s+)*(?:[^\s:#][^:]*:\s+)?(?P<character>[*&])")


# What follows a value on its line when the rest of the line is a comment.
# A '#' glued to what follows it (#7, #MeToo): text cut short, most likely. A comment written as one,
# "# like this" after two spaces as the skeletons write them, is left alone.
_COMMENT = re.compile(r"\s*(?P<text>#)(?=[^\s#]|\s*\Z)")  # glued to a word, or alone at the line's end
# A link holds no space, so what follows its ' #' is a comment for sure (`url: https://…  # placeholder`).
_ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*\Z")
# The lists whose items are groups of keys, and what to call one of their items.
_ITEM_NAMES = {"stories": "story", "recommended_reads": "read", "calls_to_action": "call to action"}
# A comment as YAML style writes one: two spaces or more, '#', a space.
_DELIBERATE_COMMENT = re.compile(r"\s{2,}#\s")
_EXAMPLE_LENGTH = 120  # a longer text is not repeated in full in the message


def _quoted(text: str) -> str:
    """``text`` as a YAML scalar in quotes: double quotes, or single ones when it holds '"' or '\\'."""
    if '"' in text or "\\" in text:
        return "'" + text.replace("'", "''") + "'"
    return f'"{text}"'


def _tail(text: str) -> str:
    """A long text's end, enough to recognise it in a message."""
    return text if len(text) <= 60 else "…" + text[-50:].lstrip()


@dataclass(frozen=True)
class _Mark:
    """A place found by us rather than by the parser (0-based, as the parser's marks)."""

    line: int
    column: int


_QUOTE_NOT_CLOSED = "this quote is never closed; end the text with the same quote mark"


def _yaml_message(error: yaml.MarkedYAMLError, text: str) -> tuple[str, yaml.Mark | _Mark | None]:
    """A plain-words message for a YAML syntax error, and the place it is best shown at."""
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    mark = error.problem_mark or error.context_mark
    if "did not find expected key" in problem and mark is not None:
        before = text.splitlines()[mark.line][: mark.column] if mark.line < len(text.splitlines()) else ""
        special = _SPECIAL_START.match(before)
        if special:  # `summary: *Breaking:* news` read as a reference named "Breaking:"
            character = special.group("character")
            return (
                f"YAML syntax error: a value cannot start with '{character}'; put the whole text in quotes",
                _Mark(mark.line, special.start("character")),
            )
        if before.strip():  # text after a closing quote or bracket: `summary: "Quoted" and more`
            return (
                "YAML syntax error: the text goes on after a closing quote or bracket; "
                "put the whole text in single quotes (and write each ' inside it as '')",
                mark,
            )
        return "YAML syntax error: this line does not line up with the keys above it; check its indentation", mark
    if "nesting depth" in problem:  # libyaml's own limit: ours (too_deep) should have come first
        return _TOO_DEEP, mark
    if "scanning a directive" in context or "scanning a tag" in context:
        sign = "%" if "directive" in context else "!"
        return f"YAML syntax error: a value cannot start with '{sign}'; put the whole text in quotes", (
            error.context_mark or mark
        )
    if "quoted scalar" in context and "end of stream" in problem:
        return f"YAML syntax error: {_QUOTE_NOT_CLOSED}", error.context_mark or mark
    if "mapping values are not allowed" in problem and mark is not None:
        missing = _missing_colon(text.splitlines(), mark.line)
        if missing:
            return f"YAML syntax error: {_NO_COLON}", missing
    for part, message, at_context in _SYNTAX_MESSAGES:
        if part in problem:
            return f"YAML syntax error: {message}", (error.context_mark if at_context else None) or mark
    if "cannot start any token" in problem or "expected alphabetic or numeric" in problem:
        where = mark if "cannot start" in problem else error.context_mark  # the '*' or '&', not what follows
        character = _character_at(text, where)
        if character == "\t":
            return "YAML syntax error: a tab is used for indentation; indent with spaces", where
        if character and not character.isspace():
            return f"YAML syntax error: a value cannot start with '{character}'; put the whole text in quotes", where
    # A wording not known here (a newer libyaml, a rare case): plain words at its place, never the raw text.
    return _UNREADABLE, mark


def _missing_colon(lines: list[str], row: int) -> _Mark | None:
    """The line above ``row`` that lost its ':' (`- headline Atlantic storms`), or None.

    Without its ':' such a line starts a text that goes on over the lines below it, so libyaml
    stumbles only at the next key's ':', one line too late.
    """
    start = None
    while row > 0:
        above = lines[row - 1]
        content = above.strip()
        if not content or content.startswith("#") or ":" in above:
            break
        row -= 1
        start = row
        if content.startswith("- "):
            break
    if start is None:
        return None
    line = lines[start]
    # Only the first key of a list item or of a group: below `summary: a long text` the lines go on
    # with its text, and the fault is elsewhere.
    above = lines[start - 1].split(" #")[0].rstrip() if start > 0 else ""
    if not (line.lstrip().startswith("- ") or not above.strip() or above.endswith(":")):
        return None
    return _Mark(start, len(line) - len(line.lstrip(" -")))


def _place(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``index``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _character_at(text: str, mark: yaml.Mark | None) -> str:
    """The character at a parser mark ('' when there is none); libyaml counts columns in characters."""
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]


# Characters no text should hold: C0 and C1 controls but tab and line feed (a carriage return
# in a value can only come from an escape), U+FFFE and U+FFFF, and halves of surrogate pairs.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def _control_message(character: str) -> str:
    code = f"U+{ord(character):04X}"
    if character == "\v":  # Word's line break within a paragraph (Shift+Enter), pasted
        return f"the text holds a line break pasted from Word ({code}); delete it, or press Enter for a new line"
    return f"the text holds an invisible control character ({code}); delete it, or retype the text around it"


class _Builder:
    """Turns composed nodes into dicts, lists, strings and None, recording positions."""

    def __init__(self, document: Document, source: str = "") -> None:
        self.document = document
        self.source = source
        self.unfolded: dict[int, str] = {}  # id(node) -> its text: a node behind many '*' references is folded once
        self.problems: list[Problem] = []
        self.count = 0
        self.new_items: dict[Key, tuple[str, int]] = {}  # list items with a key given twice: the first such key

    def problem(self, node: yaml.Node, key: Key, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.document.path, mark.line + 1, mark.column + 1, field_name(key), message))

    def build(self, node: yaml.Node, key: Key) -> Any:
        self.count += 1
        if self.count > MAX_YAML_VALUES or len(key) > MAX_YAML_DEPTH:  # aliases can expand (or refer to themselves)
            # The top-level key being expanded is where it overflows; the node's own mark would
            # be the anchor's, far from it.
            mark = node.start_mark
            line, column = self.document.keys.get(key[:1], (mark.line + 1, mark.column + 1))
            message = _TOO_BIG if self.count > MAX_YAML_VALUES else _TOO_DEEP
            raise InvalidInput([Problem(self.document.path, line, column, "", message)])
        self.document.values.setdefault(key, (node.start_mark.line + 1, node.start_mark.column + 1))
        self.document.ends.setdefault(key, (node.end_mark.line + 1, node.end_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            if node.tag not in _MAP_TAGS:
                return self.refuse_tag(node, key)
            return self.build_mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in _SEQ_TAGS:
                return self.refuse_tag(node, key)
            return [self.build(item, (*key, index)) for index, item in enumerate(node.value)]
        if node.tag == _NULL_TAG:
            if not node.value and _COMMENT.match(self.rest_of_line(node.start_mark)):
                self.document.commented_out.add(key)  # `headline: #MeToo`: the text is a comment
            return None
        if node.tag not in _PLAIN_TAGS:
            return self.refuse_tag(node, key)
        control = _CONTROL.search(node.value)
        if control:  # typed as a YAML escape ("\v", "\x01"); raw, the reader has refused it already
            self.problem(node, key, _control_message(control.group()))
            self.document.refused.add(key)
            return None
        if (
            isinstance(node, yaml.ScalarNode) and not node.style and node.tag == _TEXT_TAG
        ):  # plain text: not quoted, no "|"
            self.refuse_cut_text(node, key)
        if isinstance(node, yaml.ScalarNode) and node.tag == _TEXT_TAG and self.source:
            if id(node) not in self.unfolded:
                self.unfolded[id(node)] = unfold(self.source, node)  # no space between CJK lines
            return self.unfolded[id(node)]
        return node.value

    def rest_of_line(self, mark: yaml.Mark) -> str:
        lines = self.document.lines
        return lines[mark.line][mark.column :] if mark.line < len(lines) else ""

    def refuse_cut_text(self, node: yaml.ScalarNode, key: Key) -> None:
        """`headline: Fee cuts for #1 carriers` is read as "Fee cuts for" and a comment: legal YAML, but
        the email would say "…fee cuts for". A '#' glued to what follows it is how text writes numbers
        and hashtags, and one alone at the end (`Press #`) is the text's own too, so each is an error at
        the '#'. A comment written as one (`  # like this`, a space
        after the '#', as the skeletons and the sample write them) is left alone, and so is anything
        after an address, which holds no space. Only after a plain value: in quotes or a '|' block the
        '#' is text, and the parser says where the value ends."""
        rest = self.rest_of_line(node.end_mark)
        comment = _COMMENT.match(rest)
        if not comment or not rest[:1].isspace() or _ADDRESS.match(node.value):
            return
        if not rest[comment.start("text") + 1 :].strip() and comment.start("text") >= 2:
            return  # `text  #`: an empty comment, two spaces before it as YAML style writes one

        column = node.end_mark.column + comment.start("text") + 1
        cut = rest[comment.start("text") :].rstrip()
        deliberate = _DELIBERATE_COMMENT.search(cut)  # `#1 carriers  # from Reuters`: that one stays a comment
        whole = node.value + rest[: comment.start("text")] + (cut[: deliberate.start()] if deliberate else cut)
        left_out = whole[len(node.value) :].strip()
        message = (
            f"the text stops at '{_tail(node.value)}', leaving out '{_tail(left_out)}': in YAML ' #' starts a "
            "comment. Put the whole text in quotes"
        )
        name = key[-1] if key and isinstance(key[-1], str) else None
        if name is not None and node.start_mark.line == node.end_mark.line and len(whole) <= _EXAMPLE_LENGTH:
            message += f": {name}: {_quoted(whole)}"
        self.problems.append(Problem(self.document.path, node.end_mark.line + 1, column, field_name(key), message))

    def build_mapping(self, node: yaml.MappingNode, key: Key) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(key_node, key, "'<<' merge keys are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _NULL_TAG:
                self.problem(key_node, key, "a key must be a plain name such as 'headline'")
                continue
            name = key_node.value
            if name in result:
                first = self.document.keys[(*key, name)]
                line = key_node.start_mark.line + 1
                self.problem(
                    key_node, (*key, name), self.given_twice(key, name, first[0], line, name == next(iter(result)))
                )
                continue
            self.document.keys[(*key, name)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[name] = self.build(value_node, (*key, name))
        return result

    def given_twice(self, key: Key, name: str, first_line: int, line: int, opens_item: bool) -> str:
        """What to do about ``name`` given twice in the mapping at ``key``, again on ``line``. In a list
        item (a story, a read), a missing '- ' is the likely cause: the next item's keys went into
        this one, and "keep one of them" would delete that item."""
        items = key[-2] if len(key) >= 2 and isinstance(key[-1], int) else None
        if not isinstance(items, str):
            return f"'{name}' is given twice (first on line {first_line}); keep one of them"
        item = _ITEM_NAMES.get(items, "item")
        twice = f"'{name}' is given twice in this {item} (first on line {first_line})"
        if key in self.new_items:  # the new item starts at the first key given twice, if anywhere
            start_name, start_line = self.new_items[key]
            return f"{twice}: a '- ' before '{start_name}' on line {start_line} would start a new {item} holding it"
        self.new_items[key] = (name, line)
        advice = f"{twice}: if it starts a new {item}, put '- ' before it"
        # The item's own first key again: a new item, most likely. Another key may be a slip of its own.
        return advice if opens_item else f"{advice}; if not, keep one of them"

    def refuse_tag(self, node: yaml.Node, key: Key) -> None:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)  # as the editor typed it
        message = f"the tag '{tag}' is not allowed: the file holds only text, lists and keys; remove it"
        if not tag.startswith("!!"):  # `summary: !Important news`: a '!' meant as text
            message += ", or put the whole text in quotes"
        self.problem(node, key, message)
        self.document.refused.add(key)
        return None
