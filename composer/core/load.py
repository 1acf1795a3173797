"""Load an issue and its publication: read, validate, and report every problem with its place."""

from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from pydantic import BaseModel, ValidationError

from ..errors import InvalidInput, NoIssues, Problem
from ..i18n.texts import PER_LANGUAGE_TAGS
from ..limits import MAX_MARKDOWN_CHARACTERS, MAX_MARKDOWN_ELEMENTS
from . import markdown
from .folders import PUBLICATION_FILE, find_publication, in_a_command, shown_path
from .models import EVERY_ITEM, WHAT_FOR, Issue, Publication, markdown_fields
from .source import Document, Key, field_name, read_input, read_yaml

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Loaded:
    """A valid issue with the publication it belongs to."""

    issue: Issue
    publication: Publication
    path: Path
    publication_path: Path
    # What may not be meant, though it validates (a file named after another day than its date).
    warnings: tuple[Problem, ...] = ()

    @property
    def lang(self) -> str:
        """The issue's language: its own ``lang:``, else the publication's."""
        return self.issue.lang or self.publication.lang


def load(path: Path) -> Loaded:
    """Validate the issue at ``path`` and its publication.yaml; raise InvalidInput with every problem."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not path.is_file():  # "no such file" alone: the publication is beside the point
        _validated(path, Issue, problems, warnings)
        raise InvalidInput(problems)
    publication_path = find_publication(path)
    publication = None
    if publication_path is None:
        problems.append(
            Problem.whole_file(
                shown_path(path),
                f"no {PUBLICATION_FILE} in this folder or the folders above it; "
                "it holds the publication's name, address and colours (see README)",
            )
        )
    else:
        publication = _publication(publication_path, problems, warnings)
    issue = _validated(path, Issue, problems, warnings)
    if problems:
        raise InvalidInput(problems)
    assert issue is not None and publication is not None and publication_path is not None
    return Loaded(issue, publication, path, publication_path, tuple(warnings))


def issue_files(paths: Iterable[Path]) -> list[Path]:
    """The issue files named, a folder standing for the *.yaml files in it; publication.yaml is skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(child for child in path.glob("*.yaml") if child.name != PUBLICATION_FILE and child.is_file())
            )
        elif path.name != PUBLICATION_FILE:
            found.append(path)
    return found


def issues_named(paths: Iterable[Path]) -> list[Path]:
    """The issues a command was given (as issue_files(), each file once), or NoIssues saying what
    will not be done: for a named folder with no issue in it, and for a publication.yaml named
    without any issue (``compose issues/*.yaml`` names it beside the issues, and it is skipped)."""
    found: list[Path] = []
    problems: list[Problem] = []
    publications: list[Path] = []
    for path in paths:
        if path.is_dir():
            issues = issue_files([path])
            if not issues:
                problems.append(Problem.whole_file(shown_path(path), _no_issue_in(path)))
            found.extend(issues)
        elif path.name == PUBLICATION_FILE:
            publications.append(path)
        else:
            found.append(path)
    if not found and not problems:
        problems = [Problem.whole_file(shown_path(path), _not_an_issue(path)) for path in publications]
    if problems:
        raise NoIssues(problems)
    # `compose issues/ issues/x.yaml` builds x once; a link named on its own (latest.yaml) is its own issue.
    once: dict[str, Path] = {}
    for path in found:
        once.setdefault(os.path.abspath(path), path)
    return list(once.values())


def _no_issue_in(folder: Path) -> str:
    if (folder / PUBLICATION_FILE).is_file():
        return f"no issue in this folder, only its {PUBLICATION_FILE}; {_start_one(folder)}"
    what = "this is a folder, not an issue file, and it holds" if folder.suffix == ".yaml" else "this folder holds"
    return f"{what} no issue files (*.yaml); name an issue file, or a folder holding some"


def _not_an_issue(publication: Path) -> str:
    message = "this is the publication's file, not an issue; name an issue file"
    issues = issue_files([publication.parent]) if publication.parent.is_dir() else []
    if issues:  # the newest, as the example
        return f"{message} such as {shown_path(issues[-1])}"
    return f"{message} (YYYY-MM-DD.yaml); {_start_one(publication.parent)}"


def _start_one(folder: Path) -> str:
    return f"`compose new --folder {in_a_command(folder)}` starts one"


# publication.yaml as validated, by its shown path and bytes: one file serves every issue of a batch
# and every save in the preview, and reading and validating it again would find the same. The
# models are frozen and Problems too, so sharing them is safe.
_PUBLICATIONS: dict[tuple[str, bytes], tuple[Publication | None, tuple[Problem, ...], tuple[Problem, ...]]] = {}
_MAX_PUBLICATIONS = 16


def _publication(path: Path, problems: list[Problem], warnings: list[Problem]) -> Publication | None:
    """_validated(path, Publication, ...), remembered for the same bytes at the same shown path."""
    try:
        key = (shown_path(path), read_input(path))
    except InvalidInput:
        return _validated(path, Publication, problems, warnings)  # which says what is wrong with the file
    if key in _PUBLICATIONS:
        publication, found, noted = _PUBLICATIONS[key]
        problems.extend(found)
        warnings.extend(noted)
        return publication
    found_now: list[Problem] = []
    noted_now: list[Problem] = []
    validated = _validated(path, Publication, found_now, noted_now)
    problems.extend(found_now)
    warnings.extend(noted_now)
    if _still(path, key[1]):  # not saved again while it was read: the bytes are those validated
        if len(_PUBLICATIONS) >= _MAX_PUBLICATIONS:
            _PUBLICATIONS.clear()
        _PUBLICATIONS[key] = (validated, tuple(found_now), tuple(noted_now))
    return validated


def _still(path: Path, raw: bytes) -> bool:
    try:
        return read_input(path) == raw
    except InvalidInput:
        return False


def _validated(path: Path, model: type[Model], problems: list[Problem], warnings: list[Problem]) -> Model | None:
    """The file as a valid ``model``, or None with every problem of the file added to ``problems``;
    its warnings are added to ``warnings`` either way."""
    found: list[Problem] = []
    try:
        document = read_yaml(path, shown_path(path), found)  # duplicate keys and bad tags land in found
    except InvalidInput as error:
        problems.extend(error.problems)
        return None
    result: Model | None = None
    try:
        result = model.model_validate(document.data)
    except ValidationError as error:
        details = [detail for detail in error.errors() if not _already_reported(document, detail)]
        found.extend(_problem(document, model, detail) for detail in _without_echoes(document, model, details))
    found.extend(_markdown_problems(document, model))  # also when other fields are wrong: all at once
    problems.extend(found)
    if isinstance(result, Issue) and not found:
        warnings.extend(_date_unlike_its_name(document, path, result))
    return None if found else result


def _date_unlike_its_name(document: Document, path: Path, issue: Issue) -> list[Problem]:
    """A file named after one day holding another's issue (2026-12-05.yaml, date: 2026-12-04): a
    copied issue whose date was not changed, most likely; its archive address follows the name."""
    named = re.match(r"(\d{4}-\d{2}-\d{2})(?!\d)", path.stem)
    if named is None or named.group(1) == issue.date.isoformat():
        return []
    line, column = document.value_at(("date",))
    message = (
        f"the file is named after {named.group(1)} but its date is {issue.date.isoformat()}: "
        "change one of the two (the web archive's address follows both)"
    )
    return [Problem(document.path, line, column, "date", message)]


def _already_reported(document: Document, detail: Any) -> bool:
    """An error about a value the reader dropped (a forbidden tag): its problem is already listed."""
    key = tuple(detail["loc"])
    return any(key[: len(refused)] == refused for refused in document.refused)


def _without_echoes(document: Document, model: type[BaseModel], details: list[Any]) -> list[Any]:
    """Drop "Field required" for a field whose misspelling is reported with "did you mean" it.

    One slip ("hedline:") is one problem for the editor, not two.
    """
    suggested = set()
    for detail in details:
        if detail["type"] == "extra_forbidden":
            key: Key = tuple(detail["loc"])
            close = _suggestion(model, key)
            if close:
                suggested.add((*key[:-1], close))
    return [detail for detail in details if not (detail["type"] == "missing" and tuple(detail["loc"]) in suggested)]


def _markdown_problems(document: Document, model: type[BaseModel]) -> list[Problem]:
    """Bad links, images and headings in the Markdown fields, read from the file's own text; and
    more characters or elements in all of them than an email should hold."""
    found = []
    elements = 0
    texts = [
        (key, source)
        for field_path in markdown_fields(model)
        for key, source in _values_at(document.data, field_path)
        if isinstance(source, str)  # missing or of the wrong type: validation has said so
    ]
    characters = sum(len(source) for _, source in texts)
    if characters > MAX_MARKDOWN_CHARACTERS:  # refused unparsed: parsing that much takes seconds and gigabytes
        key, _ = max(texts, key=lambda text: len(text[1]))
        line, column = document.value_at(key)
        message = (
            f"the Markdown texts hold {characters:,} characters, more than the {MAX_MARKDOWN_CHARACTERS:,} composer "
            "puts in one email (a long briefing has about 15,000, and Gmail clips emails over 102 KB); shorten them, "
            "starting with this one, the longest"
        )
        return [Problem(document.path, line, column, field_name(key), message)]
    for key, source in texts:
        field_problems = markdown.problems(source)
        if not field_problems:  # a field refused already (nested too deep) is not counted as well
            elements += markdown.element_count(source)
        seen: dict[str, int] = {}
        for message, text in field_problems:
            seen[text] = seen.get(text, 0) + 1  # the second identical bad link is further down
            # markdown-it percent-encodes hrefs ('"' -> %22): look for the text as typed too
            line, column = (
                document.find_in_value(key, text, seen[text])
                or document.find_in_value(key, unquote(text), seen[text])
                or document.value_at(key)
            )
            found.append(Problem(document.path, line, column, field_name(key), message))
    if elements > MAX_MARKDOWN_ELEMENTS:
        message = (
            f"the text makes {elements:,} paragraphs, list items, links and other elements, more than the "
            f"{MAX_MARKDOWN_ELEMENTS:,} composer puts in one email (a long briefing makes about 1,500); shorten it"
        )
        found.append(Problem.whole_file(document.path, message))
    return found


def _values_at(data: Any, field_path: tuple[str, ...], key: Key = ()) -> Iterator[tuple[Key, Any]]:
    """The values found in ``data`` along ``field_path`` (EVERY_ITEM: each item of a list), with their keys."""
    if not field_path:
        yield key, data
        return
    step, rest = field_path[0], field_path[1:]
    if step == EVERY_ITEM:
        for index, item in enumerate(data if isinstance(data, list) else []):
            yield from _values_at(item, rest, (*key, index))
        for tag, value in data.items() if isinstance(data, dict) else []:  # a text per language
            yield from _values_at(value, rest, (*key, tag))
    elif isinstance(data, dict) and step in data:
        yield from _values_at(data[step], rest, (*key, step))


def _problem(document: Document, model: type[BaseModel], detail: Any) -> Problem:
    # A per-language text's union tag is no key of the file; "[key]" marks a bad key (a language tag).
    key: Key = tuple(part for part in detail["loc"] if part not in PER_LANGUAGE_TAGS and part != "[key]")
    kind, value = detail["type"], detail.get("input")
    if detail["loc"][-1] == "[key]":
        line, column = document.key_at(key)
        return Problem(document.path, line, column, field_name(key), _message(kind, value, detail, model, key))
    if kind == "extra_forbidden":
        line, column = document.key_at(key)
        message = f"unknown key '{key[-1]}'"
        known = _fields_at(model, key[:-1])
        close = _suggestion(model, key)
        if close:
            message += f"; did you mean '{close}'?"
        elif known:
            message += f"; the keys here are {', '.join(known)}"
        return Problem(document.path, line, column, field_name(key), message)
    what_for = WHAT_FOR.get(str(key[-1])) if key else None
    if kind == "missing":
        line, column = document.value_at(key[:-1])
        return Problem(
            document.path, line, column, field_name(key), f"missing: {what_for}" if what_for else "Field required"
        )
    line, column = document.value_at(key)
    message = _message(kind, value, detail, model, key)
    if what_for and message == "must not be empty":
        message += f": {what_for}"
    if key in document.commented_out and value in (None, ""):
        name = key[-1] if isinstance(key[-1], str) else "headline"
        message += f'; {_COMMENTED_OUT}, as in {name}: "#MeToo, eight years on"'
    return Problem(document.path, line, column, field_name(key), message)


_COMMENTED_OUT = "in YAML a '#' starts a comment, so the text after it was not read: put the whole text in quotes"


def _suggestion(model: type[BaseModel], key: Key) -> str | None:
    """The known key closest to the unknown last part of ``key``, if one is close enough."""
    import difflib  # only for a misspelt key: not loaded by a good issue

    close = difflib.get_close_matches(str(key[-1]), _fields_at(model, key[:-1]), n=1, cutoff=0.6)
    return close[0] if close else None


def _message(kind: str, value: Any, detail: Any, model: type[BaseModel], key: Key) -> str:
    if kind in ("string_too_short", "too_short") and detail.get("ctx", {}).get("min_length") == 1:
        return "must not be empty" if kind == "string_too_short" else "needs at least one item"
    if value is None or value == "":
        return "must not be empty"
    if kind == "string_type":
        return f"should be text, not {_kind_of(value)}"
    if kind == "list_type":
        return f"should be a list (each item on a line starting with '- '), not {_kind_of(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        keys = ", ".join(_fields_at(model, key))
        return f"should be a group of keys ({keys}), not {_kind_of(value)}"
    if kind == "int_parsing":
        return f"should be a whole number, not {value!r}"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    return str(detail["msg"])


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a group of keys"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"


def _fields_at(model: type[BaseModel], key: Key) -> list[str]:
    """The field names of the model found at ``key`` inside ``model`` (for suggestions)."""
    current: Any = model
    for part in key:
        if isinstance(part, int):
            current = next((arg for arg in typing.get_args(current) if arg is not type(None)), current)
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        annotation = current.model_fields[str(part)].annotation if part in current.model_fields else None
        current = _unwrap(annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """list[Story] -> list[Story]; Image | None -> Image."""
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return args[0] if args else annotation
    return annotation
