"""The window on a real X display (Xvfb, Qt's xcb platform, not offscreen) paints."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tools import need

pytestmark = pytest.mark.heavy


def _need(program: str, package: str) -> str:
    return need(program, package, "start the window on a real display")


def _colours(png: Path) -> int:
    """How many colours the screenshot holds (a blank screen holds one)."""
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    step = max(1, image.width() // 200)
    seen = {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }
    return len(seen)


def test_the_demo_paints_on_an_xcb_display(tmp_path: Path) -> None:
    xvfb = _need("Xvfb", "xvfb")
    grab = _need("import", "imagemagick")
    display = f":{90 + os.getpid() % 9}"
    server = subprocess.Popen([xvfb, display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.update(PDU_MANAGER_DATA_DIR=str(tmp_path / "data"), PDU_MANAGER_TODAY="2026-09-04")
    app = None
    log = None
    try:
        time.sleep(1)
        log = (tmp_path / "app.log").open("wb")
        app = subprocess.Popen(
            [sys.executable, "-m", "app", "--demo"], env=env, stdout=log, stderr=log
        )
        shot = tmp_path / "screen.png"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and app.poll() is None:
            time.sleep(3)
            subprocess.run([grab, "-display", display, "-window", "root", str(shot)], check=False)
            if shot.exists() and _colours(shot) > 20:
                break
        assert app.poll() is None, (tmp_path / "app.log").read_text(errors="replace")
        assert shot.exists() and _colours(shot) > 20, "the window did not paint"
    finally:
        if app is not None:
            app.terminate()
            app.wait(timeout=30)
            if log is not None:
                log.close()
        server.terminate()
        server.wait(timeout=30)
