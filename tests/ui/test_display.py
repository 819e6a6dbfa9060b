"""Starting the window where it cannot open: one line saying why, never Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys

from app.ui.display import XCB_LIBRARIES, display_problem


def _found(_name: str) -> str:
    return "lib.so"


def test_no_display_is_one_line_and_a_desktop_is_fine() -> None:
    problem = display_problem({}, "linux", _found)
    assert problem is not None and "needs a display" in problem and "\n" not in problem
    assert display_problem({"DISPLAY": ":0"}, "linux", _found) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", _found) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", _found) is None
    assert display_problem({}, "win32", _found) is None


def test_missing_xcb_libraries_are_named_with_their_packages() -> None:
    def without_cursor(name: str) -> str | None:
        return None if name in ("xcb-cursor", "xcb-icccm") else "lib.so"

    problem = display_problem({"DISPLAY": ":0"}, "linux", without_cursor)
    assert problem is not None
    assert problem.endswith("sudo apt-get install libxcb-cursor0 libxcb-icccm4")
    assert set(XCB_LIBRARIES.values()) >= {"libxcb-keysyms1", "libxcb-shape0", "libxcb-xkb1"}


def test_the_app_without_a_display_exits_non_zero_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PDU_MANAGER_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "app", "--database", str(tmp_path / "x.sqlite3")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs a display" in lines[0]


def test_the_readme_lists_every_library_the_window_needs() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("## Start here")
    first = readme[start : readme.index("**Try it", start)]
    assert all(package in first for package in XCB_LIBRARIES.values())
