"""The environment the tests run in is the one uv.lock describes: what was tested is what is shipped."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

from composer import DISTRIBUTION
from composer.commands.build import dependency_versions

from .conftest import ROOT


def locked_versions() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    return {package["name"]: package["version"] for package in lock["package"] if "version" in package}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_installed_package_is_at_its_locked_version() -> None:
    locked = locked_versions()
    installed = {normalised(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    differing = {
        name: (installed[name], version)
        for name, version in locked.items()
        if name in installed and installed[name] != version
    }
    assert differing == {}, "installed (left) is not uv.lock's (right): run `make test-deps`, or `make upgrade`"


def test_everything_composer_runs_on_is_locked() -> None:
    versions = dependency_versions()
    assert versions is not None, f"{DISTRIBUTION} is not installed"
    locked = locked_versions()
    unlocked = [name for name, version in versions if version != "not installed" and name not in locked]
    assert unlocked == []


def test_make_command_puts_a_working_compose_on_the_path(tmp_path: Path) -> None:
    """README's "Your first issue" starts with `make command`: afterwards `compose` runs from any folder,
    on the locked .venv, and the editor is told how to reach it when its folder is not on the PATH."""
    bin_dir = tmp_path / "bin"
    environment = {**os.environ, "PATH": "/usr/bin:/bin"}
    made = subprocess.run(
        ["make", "-s", "command", f"BIN_DIR={bin_dir}"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    assert f"{bin_dir} is not on your PATH" in made.stdout
    assert (bin_dir / "compose").resolve() == (ROOT / ".venv" / "bin" / "compose").resolve()

    brief = tmp_path / "brief"
    brief.mkdir()
    started = subprocess.run(
        ["compose", "init", "--name", "The Meridian Brief", "--url", "https://example.org/brief/"],
        cwd=brief,
        env={**environment, "PATH": f"{bin_dir}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert started.returncode == 0, started.stderr
    assert (brief / "publication.yaml").is_file() and (brief / "issues").is_dir()


def test_make_command_never_replaces_another_compose(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    theirs = bin_dir / "compose"
    theirs.write_text("#!/bin/sh\necho another program\n")
    made = subprocess.run(["make", "-s", "command", f"BIN_DIR={bin_dir}"], cwd=ROOT, capture_output=True, text=True)
    assert made.returncode != 0
    assert "is not composer's link" in made.stdout
    assert theirs.read_text() == "#!/bin/sh\necho another program\n"
