"""The environment the tests run in is the one uv.lock describes: what was tested is what is shipped."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from composer import DISTRIBUTION
from composer.batch import dependency_versions

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
