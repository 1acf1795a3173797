"""The shipped JSON Schemas: current, described key by key, and in step with the models."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from composer.commands import schema
from composer.core.models import Issue, Publication

from .conftest import ISSUE, PUBLICATION, ROOT, SAMPLE, cli
from .test_check import CLEAN_ISSUE, EVERY_ISSUE_FIELD
from .test_languages import ARABIC_ISSUE, NOTICE_PER_LANGUAGE, SENDER
from .test_text import ISSUE as RICH_ISSUE
from .test_text import PUBLICATION as RICH_PUBLICATION

BAD = ROOT / "tests" / "fixtures" / "bad"
BOOL = "tag:yaml.org,2002:bool"


class LanguageServerLoader(yaml.SafeLoader):
    """YAML as an editor's YAML language server reads it (YAML 1.2): 2017-11-09 stays text, and
    only true and false are booleans (`lang: no` is Norwegian)."""


LanguageServerLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in (BOOL, "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
LanguageServerLoader.add_implicit_resolver(BOOL, re.compile("^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def as_editor_sees(text: str) -> Any:
    return yaml.load(textwrap.dedent(text), Loader=LanguageServerLoader)


def validator(kind: schema.Kind) -> Draft202012Validator:
    shipped = json.loads(schema.path(kind).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(shipped)
    return Draft202012Validator(shipped)


@pytest.mark.parametrize("kind", schema.KINDS)
def test_shipped_schema_is_the_generated_one(kind: schema.Kind, regenerate: bool) -> None:
    if regenerate:
        schema.path(kind).write_text(schema.text(kind), encoding="utf-8")
    assert schema.path(kind).read_text(encoding="utf-8") == schema.text(kind), "run pytest --regenerate-golden"


@pytest.mark.parametrize("kind", schema.KINDS)
def test_every_key_has_a_description_and_an_example_that_fits(kind: schema.Kind) -> None:
    shipped = json.loads(schema.path(kind).read_text(encoding="utf-8"))
    assert shipped["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for definition in [shipped, *shipped["$defs"].values()]:
        for key, value in definition["properties"].items():
            assert value["description"], key
            (example,) = value["examples"]
            one_key = {**shipped, "required": [], "properties": {key: value}, "additionalProperties": True}
            assert not list(Draft202012Validator(one_key).iter_errors({key: example})), key


def test_no_key_of_the_models_is_left_undescribed() -> None:
    models: list[type[BaseModel]] = [Issue, Publication]
    assert {f"{model.__name__}.{key}" for model in models for key in model.model_fields} <= set(schema.KEYS)


VALID_ISSUES = {
    "sample": SAMPLE.read_text(encoding="utf-8"),
    "conftest": ISSUE,
    "rich": RICH_ISSUE,
    "clean": CLEAN_ISSUE,
    "every field": EVERY_ISSUE_FIELD,
    "arabic": ARABIC_ISSUE,
    "numbers and booleans typed as text": "date: 2020-02-03\ntitle: 1984\nlang: no\nsummary: true\n"
    "stories:\n  - headline: 42\n    body: 3.5\n",
}


@pytest.mark.parametrize("name", VALID_ISSUES)
def test_the_issue_schema_accepts_every_valid_issue(name: str) -> None:
    assert not [error.message for error in validator("issue").iter_errors(as_editor_sees(VALID_ISSUES[name]))]


INVALID_ISSUES = {
    "missing_required": (BAD / "missing_required.yaml").read_text(encoding="utf-8"),
    "a_list": (BAD / "a_list.yaml").read_text(encoding="utf-8"),
    "a_scalar": (BAD / "a_scalar.yaml").read_text(encoding="utf-8"),
    "type_headline_list": (BAD / "type_headline_list.yaml").read_text(encoding="utf-8"),
    "unknown key": ISSUE.replace("  - headline:", "  - hedline:"),
    "stories as text": "date: 2020-02-03\nsummary: A summary.\nstories: text\n",
    "width in words": ISSUE + "    image:\n      src: https://example.com/a.jpg\n      alt: A\n      width: wide\n",
}


@pytest.mark.parametrize("name", INVALID_ISSUES)
def test_the_issue_schema_refuses_what_the_model_refuses(name: str) -> None:
    data = as_editor_sees(INVALID_ISSUES[name])
    with pytest.raises(ValidationError):
        Issue.model_validate(data)
    assert list(validator("issue").iter_errors(data))


VALID_PUBLICATIONS = {
    "sample": (ROOT / "issues" / "publication.yaml").read_text(encoding="utf-8"),
    "conftest": PUBLICATION,
    "rich": RICH_PUBLICATION,
    "per language": PUBLICATION + NOTICE_PER_LANGUAGE + SENDER,
    "every setting": PUBLICATION + "lang: fr\ncontents: true\ntypography: false\nwords_per_minute: 200\n"
    "esp: mailchimp\nlogo:\n  src: https://news.example.com/logo.png\n  alt: Logo\n  width: 200\n  height: 50\n"
    "labels:\n  read_time: Lecture {minutes} min\n  read_more: Lire la suite\n"
    "smtp:\n  host: smtp.example.com\n  port: 587\n  starttls: true\n",
}


@pytest.mark.parametrize("name", VALID_PUBLICATIONS)
def test_the_publication_schema_accepts_every_valid_publication(name: str) -> None:
    data = as_editor_sees(VALID_PUBLICATIONS[name])
    assert not [error.message for error in validator("publication").iter_errors(data)]


INVALID_PUBLICATIONS = {
    "unknown key": PUBLICATION + "colour: red\n",
    "reading speed in words": PUBLICATION + "words_per_minute: fast\n",
    "buttons as text": "name: The Daily Test\nurl: https://news.example.com\ncalls_to_action: Send\n",
    "no name": "url: https://news.example.com\n",
}


@pytest.mark.parametrize("name", INVALID_PUBLICATIONS)
def test_the_publication_schema_refuses_what_the_model_refuses(name: str) -> None:
    data = as_editor_sees(INVALID_PUBLICATIONS[name])
    with pytest.raises(ValidationError):
        Publication.model_validate(data)
    assert list(validator("publication").iter_errors(data))


@pytest.mark.parametrize("kind", schema.KINDS)
def test_compose_schema_prints_the_shipped_schema(kind: str) -> None:
    result = cli("schema", kind)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(schema.path(kind).read_text(encoding="utf-8"))
