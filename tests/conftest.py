"""Shared test helpers: small issue trees written into tmp_path, and the sample's paths."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed: a submission lands or not on its own merits, and a
# new counterexample is found here, in development, where the random seeds keep exploring.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2017-11-09.yaml"
# The edition the sample reproduces, as the site's archive kept it (shared/seeds/000_487d43e7e5401dcc.txt).
SEED = ROOT / "tests" / "fixtures" / "seed-2017-11-09.txt"

PUBLICATION = """\
name: The Daily Test
url: https://news.example.com
title_pattern: Briefing for {month} {day_ordinal}
contact: desk@example.com
calls_to_action:
  - heading: Tip us off.
    label: Send
    url: mailto:desk@example.com
  - heading: Write for us.
    text: We pay for stories.
    label: Learn more
    url: https://news.example.com/write
"""

ISSUE = """\
date: 2020-02-03
summary: A short summary with a [link](https://example.com/summary).
stories:
  - headline: First headline
    body: |
      First paragraph.

      Second paragraph with *emphasis*.
recommended_reads:
  - title: A long read
    url: https://example.com/read
    source: The Example
    note: Worth your time.
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regenerate-golden",
        action="store_true",
        help="rewrite the golden files (tests/golden/, tests/fixtures/bad/*.expected) from the current output",
    )


@pytest.fixture(autouse=True)
def fenced_tmp_path(tmp_path: Path) -> None:
    """Make each test's tmp_path the top of a repository, where composer stops looking upwards
    for publication.yaml and templates/: a stray file in /tmp must not change what tests see."""
    (tmp_path / ".git").mkdir()


@pytest.fixture
def regenerate(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regenerate-golden"))


@pytest.fixture
def make_issue(tmp_path: Path):
    """make_issue(issue_yaml, publication_yaml=PUBLICATION, name="issue.yaml") -> path of the issue."""

    def make(issue: str = ISSUE, publication: str | None = PUBLICATION, name: str = "issue.yaml") -> Path:
        folder = tmp_path / "issues"
        folder.mkdir(exist_ok=True)
        if publication is not None:
            (folder / "publication.yaml").write_text(textwrap.dedent(publication), encoding="utf-8")
        path = folder / name
        path.write_text(textwrap.dedent(issue), encoding="utf-8")
        return path

    return make


@pytest.fixture
def make_templates(tmp_path: Path):
    """make_templates({"email.mjml.j2": "..."}) -> a templates/ folder beside make_issue's issues."""

    def make(files: dict[str, str]) -> Path:
        folder = tmp_path / "templates"
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return make
