"""Draw the guide's screenshots from the demo PDU, offscreen, at a fixed date.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots.py [--out DIR]

Writes one PNG per screen of the navigation (named after the screen's guide
page: ``caseload.png`` for ``caseload.html``) and one per dialog listed in
DIALOGS, into resources/help/images/ unless ``--out`` names another folder.
The day is fixed (PDU_MANAGER_TODAY, 25/11/2026 unless set), the demo's seed
too, and the font is the DejaVu Sans the app ships, so the pictures change only
when the screens do. Exits 1, naming it, when a screen cannot be drawn: it
raised, or the picture came out blank. CI runs it (.ci/bundle).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "resources" / "help" / "images"
DAY = "2026-11-25"  # a Wednesday: the tests' day too
CASES = 600
SIZE = (1280, 800)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNGs")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))  # the checkout's app, as the tests use it
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PDU_MANAGER_TODAY", DAY)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["PDU_MANAGER_DATA_DIR"] = str(Path(scratch) / "data")
        return _draw_all(Path(scratch), args.out)


def _draw_all(scratch: Path, out: Path) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch))
    app = QApplication.instance() or QApplication(["pdu-manager"])
    assert isinstance(app, QApplication)
    _fixed_look(app)
    QSettings().setValue("pdu_number", 17)  # the demo PDU, as a user who chose it

    from app.services.core.store import open_store
    from app.services.demo import create_demo
    from app.services.users.gate import Gate
    from app.ui.app import build_window

    store = open_store(str(scratch / "demo.sqlite3"))
    create_demo(store, cases=CASES, seed=1)
    head = Gate(store).demo_head()  # signed in as the demo's Head of PDU, as --demo starts
    assert head is not None, "the demo has no Head of PDU account"
    window = build_window(store, head, inline_ops=True)
    window.resize(*SIZE)
    window.show()
    _settle(app)
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    for name, draw in _shots(window):
        try:
            pixmap = draw()
            _settle(app)
            image = pixmap.toImage()
            if _blank(image):
                raise RuntimeError("the picture came out blank")
            pixmap.save(str(out / f"{name}.png"), "PNG")
            print(f"drew {name}.png ({image.width()}x{image.height()})")
        except Exception:
            failures.append(name)
            print(f"could not draw {name}:\n{traceback.format_exc()}", file=sys.stderr)
    window.ctx.ops.shutdown()
    window.close()
    store.close()
    if failures:
        print(f"screens that could not be drawn: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


def _fixed_look(app: object) -> None:
    """The same style and font on every machine: Fusion and the DejaVu Sans the app ships."""
    from importlib.resources import files

    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    fonts = files("app.resources").joinpath("fonts")
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        QFontDatabase.addApplicationFont(str(fonts.joinpath(name)))
    app.setFont(QFont("DejaVu Sans", 9))


def _settle(app: object) -> None:
    """Let queued work (timers, deferred layouts) run before a picture is taken."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    for _ in range(3):
        loop = QEventLoop()
        QTimer.singleShot(60, loop.quit)
        loop.exec()
        QCoreApplication.processEvents()


def _blank(image: object) -> bool:
    """A picture of one or two colours (a window that never painted its widgets)."""
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage)
    colours = set()
    step = max(1, min(image.width(), image.height()) // 60)
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            colours.add(image.pixel(x, y))
            if len(colours) > 8:
                return False
    return True


Shot = tuple[str, Callable[[], object]]


def _shots(window: object) -> list[Shot]:
    """Each screen of the navigation, then the dialogs the guide shows."""
    from app.ui.main_window import SCREENS, MainWindow

    assert isinstance(window, MainWindow)
    shots: list[Shot] = []
    for entry in SCREENS:
        name = entry.help_page.removesuffix(".html")
        shots.append((name, lambda title=entry.title: _screen(window, title)))
    for name, opener in DIALOGS.items():
        shots.append((name, lambda opener=opener: _dialog(window, opener)))
    return shots


def _screen(window: object, title: str) -> object:
    from PySide6.QtWidgets import QApplication, QTableView

    from app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    screen = window.open_screen(title)
    app = QApplication.instance()
    _settle(app)
    # The first table with rows gets its first row chosen, so detail panels show a case.
    for table in screen.findChildren(QTableView):
        model = table.model()
        if table.isVisible() and model is not None and model.rowCount() > 0:
            if not table.selectionModel().hasSelection():
                table.selectRow(0)
            break
    _settle(app)
    return window.grab()


def _settings_dialog(window: object) -> object:
    from app.ui.settings.dialog import SettingsDialog

    return SettingsDialog(window.ctx, window)  # type: ignore[attr-defined]


def _about_box(window: object) -> object:
    from app.ui.help.about import AboutDialog

    return AboutDialog(window.ctx, window)  # type: ignore[attr-defined]


def _guide(window: object) -> object:
    from app.ui.help.window import HelpWindow

    guide = HelpWindow(window)  # type: ignore[arg-type]
    guide.show_page("index.html")
    return guide


DIALOGS: dict[str, Callable[[object], object]] = {
    "settings-dialog": _settings_dialog,
    "about-dialog": _about_box,
    "guide-window": _guide,
}


def _dialog(window: object, opener: Callable[[object], object]) -> object:
    from PySide6.QtWidgets import QApplication, QWidget

    dialog = opener(window)
    assert isinstance(dialog, QWidget)
    dialog.show()
    _settle(QApplication.instance())
    pixmap = dialog.grab()
    dialog.close()
    dialog.deleteLater()
    return pixmap


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
