"""Shared test helpers: small issue trees written into tmp_path, the sample's paths, `compose` run in
this process (cli, run), one headless Chromium for the whole run (browser), the composed sample."""

from __future__ import annotations

import importlib.metadata
import os
import textwrap
from collections.abc import Callable, Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from composer.cli import main
from composer.core.pipeline import Composed, compose

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# CI runs the property tests with a fixed seed: a submission lands or not on its own merits, and a
# new counterexample is found here, in development, where the random seeds keep exploring.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2017-11-09.yaml"
# Debian's Chromium, which Playwright drives (it cannot download a browser of its own here).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing trap test (marked ``@pytest.mark.trap(package, version)``: it shows how a library
    behaves, and composer handles it) says when the library is no longer the version it was written
    against: the likely cause is an upgrade, and the handling in composer needs a second look."""
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed:
        for marker in item.iter_markers("trap"):
            package, written_against = marker.args
            installed = importlib.metadata.version(package)
            if installed != written_against:
                report.sections.append(
                    (
                        f"{package} upgraded",
                        f"This test pins how {package} {written_against} behaves; {installed} is installed. "
                        f"Read what changed in {package}, then mend composer's handling (or drop it when the "
                        "trap is gone) and this test, and name the new version in its trap marker.",
                    )
                )
    return report


@pytest.fixture(autouse=True)
def fenced_tmp_path(tmp_path: Path) -> None:
    """Make each test's tmp_path the top of a repository, where composer stops looking upwards
    for publication.yaml and templates/: a stray file in /tmp must not change what tests see."""
    (tmp_path / ".git").mkdir()


@pytest.fixture
def regenerate(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regenerate-golden"))


class MakeIssue(Protocol):
    """The type of the make_issue fixture."""

    def __call__(self, issue: str = ..., publication: str | None = ..., name: str = ...) -> Path: ...


MakeTemplates = Callable[[dict[str, str]], Path]
"""The type of the make_templates fixture."""


@pytest.fixture
def make_issue(tmp_path: Path) -> MakeIssue:
    """make_issue(issue_yaml, publication_yaml=PUBLICATION, name="issue.yaml") -> path of the issue."""

    def make(issue: str = ISSUE, publication: str | None = PUBLICATION, name: str = "issue.yaml") -> Path:
        return write_issue(tmp_path / "issues", issue, publication, name)

    return make


def write_issue(
    folder: Path, issue: str = ISSUE, publication: str | None = PUBLICATION, name: str = "issue.yaml"
) -> Path:
    """What make_issue does, in any folder: for fixtures wider than one test (a fenced tmp_path_factory folder)."""
    folder.mkdir(exist_ok=True)
    if publication is not None:
        (folder / "publication.yaml").write_text(textwrap.dedent(publication), encoding="utf-8")
    path = folder / name
    path.write_text(textwrap.dedent(issue), encoding="utf-8")
    return path


@pytest.fixture
def make_templates(tmp_path: Path) -> MakeTemplates:
    """make_templates({"email.mjml.j2": "..."}) -> a templates/ folder beside make_issue's issues."""

    def make(files: dict[str, str]) -> Path:
        folder = tmp_path / "templates"
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return make


def cli(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """`compose ARGS` run in this process (click's CliRunner), with ``env`` added to the environment:
    its exit_code, stdout and stderr apart. An exception composer lets out fails the test with its
    traceback, rather than passing for an exit status of 1."""
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env, catch_exceptions=False)


def run(*args: str | Path, env: Mapping[str, str | None] | None = None) -> tuple[int, str, str]:
    """cli(), as (exit status, stdout, stderr)."""
    result = cli(*args, env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, launched once for the whole run: each test opens its own context or page
    (its viewport, colour scheme and routes) and closes it, so no test sees another's state."""
    from playwright.sync_api import sync_playwright  # only the browser tests need Playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def sample() -> Composed:
    """The sample issue (issues/2017-11-09.yaml), composed once: Composed is frozen."""
    return compose(SAMPLE)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder is tmp_path, so that paths show as an editor types them: issues/x.yaml."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
