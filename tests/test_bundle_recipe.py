"""The bundle's recipe: the version comes from pyproject, the installer script names real paths.

The bundle itself is built and run by .ci/bundle; these checks need no build.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

import app

REPO = Path(__file__).resolve().parents[1]
PACKAGING = REPO / "packaging"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_app_reports_the_version_pyproject_gives() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert app.__version__ == project["version"]


def test_windows_version_numbers_come_from_the_version() -> None:
    version_info = _module("version_info")
    assert version_info.numbers("0.1.0") == (0, 1, 0, 0)
    assert version_info.numbers("2.10.3rc1") == (2, 10, 3, 0)


def _bundle(root: Path, names: list[str]) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    return root


def test_the_installer_script_is_checked_against_the_bundle(tmp_path: Path) -> None:
    check = _module("check_iss")
    script = (PACKAGING / "pdu-manager.iss").read_text(encoding="utf-8")
    named = {"/".join(n.parts) for n in check.named_paths(script) if n.in_bundle}
    assert {"pdu-manager.exe", "pdu-manager-cli.exe", "_internal"} <= named
    whole = _bundle(
        tmp_path / "linux",
        ["pdu-manager", "pdu-manager-cli", "_internal/app/resources/help/index.html"],
    )
    assert check.missing(script, whole) == []
    no_cli = _bundle(tmp_path / "windows", ["pdu-manager.exe", "_internal/x"])
    problems = check.missing(script, no_cli)
    assert any("pdu-manager-cli.exe" in p for p in problems)
    assert any("index.html" in p for p in problems)


def test_the_installer_keeps_the_data_folder_and_needs_no_administrator() -> None:
    script = (PACKAGING / "pdu-manager.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in script
    assert 'Name: "{localappdata}\\{#AppName}"; Flags: uninsneveruninstall' in script
    assert "DefaultDirName={localappdata}\\Programs\\{#AppName}" in script
    assert 'Parameters: "--demo"' in script  # the demo's Start menu entry


@pytest.mark.parametrize(
    ("name", "unwanted"),
    [
        ("PySide6/Qt/lib/libQt6Quick.so.6", True),
        ("PySide6\\Qt6Qml.dll", True),
        ("PySide6/Qt/plugins/platforms/libqwayland-egl.so", True),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", True),
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", False),
        ("PySide6/Qt/lib/libQt6Charts.so.6", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("app/resources/help/index.html", False),
    ],
)
def test_the_bundle_leaves_out_only_what_the_app_never_loads(name: str, unwanted: bool) -> None:
    assert _module("bundle_filter").is_unwanted(name) is unwanted
