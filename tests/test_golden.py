"""The sample issue against its golden outputs. Regenerate with `make golden` and read the diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.core.pipeline import Composed

from .conftest import ROOT, SAMPLE, cli

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("kind", ["html", "txt", "mjml"])
def test_sample_matches_golden(sample: Composed, kind: str, regenerate: bool) -> None:
    output = {"html": sample.html, "txt": sample.text, "mjml": sample.mjml}[kind]
    golden = GOLDEN / f"{SAMPLE.stem}.{kind}"
    if regenerate:
        golden.write_text(output, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run `make golden` and read what it wrote"
    expected = golden.read_text(encoding="utf-8")
    assert output == expected, f"{kind} differs from {golden}; if the change is intended, run `make golden`"


def test_every_golden_file_is_checked() -> None:
    # A golden file nobody compares against would rot silently.
    assert sorted(path.name for path in GOLDEN.iterdir()) == sorted(
        f"{SAMPLE.stem}.{kind}" for kind in ("html", "txt", "mjml")
    )


def test_golden_files_are_what_the_cli_writes(tmp_path: Path) -> None:

    result = cli(str(SAMPLE), "--mjml", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    for kind in ("html", "txt", "mjml"):
        written = (tmp_path / f"{SAMPLE.stem}.{kind}").read_text(encoding="utf-8")
        assert written == (GOLDEN / f"{SAMPLE.stem}.{kind}").read_text(encoding="utf-8")
