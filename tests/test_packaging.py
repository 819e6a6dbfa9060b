"""The installed app carries its packages, reference data and migrations.

The tests run on an editable install, which reads the source tree; these
checks build the real wheel, as ``pip install .`` does for a user.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _declared_packages() -> set[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_package_of_app_is_declared() -> None:
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "app").rglob("__init__.py")
    }
    assert found <= _declared_packages(), (
        f"add to pyproject packages: {found - _declared_packages()}"
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("pdu_manager-*.whl")
    return zipfile.ZipFile(built)


@pytest.mark.heavy
def test_the_wheel_carries_reference_data_and_migrations(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for needed in (
        "app/resources/pdus.csv",
        "app/resources/regions.csv",
        "app/migrations/env.py",
        "app/migrations/script.py.mako",
        "app/migrations/versions/0001_initial.py",
        "app/cli.py",
        "app/ui/caseload/screen.py",
        "app/bench/run.py",
        "app/bench/bare_window.py",
        "app/bench/app_window.py",
        "app/bench/caseload.py",
        "app/bench/memory.py",
    ):
        assert needed in names, needed
    assert not any(name.startswith(("tests/", "resources/", "migrations/")) for name in names)
