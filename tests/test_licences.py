"""The About box's third-party licences name every package the app needs at run time."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LICENCES = REPO / "resources" / "licences"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("licences", REPO / "packaging" / "licences.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["licences"] = module
    spec.loader.exec_module(module)
    return module


def test_every_runtime_package_is_listed_with_its_licence() -> None:
    listed = (LICENCES / "THIRD-PARTY.txt").read_text(encoding="utf-8")
    table = listed.split("=" * 78, 1)[0].lower()
    needed = [d.metadata["Name"] for d in _generator().runtime_distributions()]
    assert {"sqlalchemy", "alembic", "pyside6_essentials"} <= {n.lower() for n in needed}
    missing = [name for name in needed if f"\n{name.lower()} " not in table]
    assert not missing, f"run packaging/licences.py: {missing} are not in THIRD-PARTY.txt"


def test_test_tools_are_not_counted_as_shipped() -> None:
    needed = {d.metadata["Name"].lower() for d in _generator().runtime_distributions()}
    assert not needed & {"pytest", "hypothesis", "mypy", "ruff", "pyinstaller"}


def test_the_shipped_licence_is_the_project_licence() -> None:
    shipped = (LICENCES / "LICENSE.txt").read_text(encoding="utf-8")
    assert shipped == (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in shipped
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        assert "GNU" in (LICENCES / name).read_text(encoding="utf-8")
