"""Whether the window can open here, said in one line before Qt would abort in five.

On Linux, Qt's xcb platform needs an X display and a handful of system
libraries; without them it prints a plugin error and aborts. Checking first
lets the app say what is missing and exit cleanly (SPEC.md 6: errors in one line).
"""

from __future__ import annotations

import ctypes.util
import os
import sys

XCB_LIBRARIES: dict[str, str] = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-randr": "libxcb-randr0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xkbcommon": "libxkbcommon0",
    "EGL": "libegl1",
    "GL": "libgl1",
    "fontconfig": "libfontconfig1",
    "dbus-1": "libdbus-1-3",
}
"""The shared libraries Qt's xcb platform loads, and the Debian/Ubuntu package of each."""

OFFSCREEN_PLATFORMS = frozenset({"offscreen", "minimal", "vnc"})


def display_problem(
    environ: dict[str, str] | None = None,
    platform: str | None = None,
    find_library: object = None,
) -> str | None:
    """Why the window cannot open here, in one line; None when it can (or it is not Linux)."""
    env = dict(os.environ) if environ is None else environ
    system = sys.platform if platform is None else platform
    find = ctypes.util.find_library if find_library is None else find_library
    if not system.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if chosen in OFFSCREEN_PLATFORMS:
        return None
    if chosen.startswith("wayland") or (not chosen and env.get("WAYLAND_DISPLAY")):
        return None
    if not env.get("DISPLAY"):
        return (
            "PDU Manager needs a display to open its window, and there is none here "
            "(DISPLAY is not set). Run it on a desktop, or use the command line "
            "(pdu-manager --help)."
        )
    missing = [package for lib, package in XCB_LIBRARIES.items() if not find(lib)]  # type: ignore[operator]
    if missing:
        return (
            "PDU Manager's window needs system libraries that are missing: install them with "
            f"sudo apt-get install {' '.join(missing)}"
        )
    return None
