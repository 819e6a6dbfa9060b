"""The floor of the start-up figure: a bare QMainWindow, shown and painted.

``python -m app.bench.bare_window`` prints ``painted`` once the window is up.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from app.bench.painted import application, when_ready


def main() -> None:
    app = application()
    window = QMainWindow()
    window.setWindowTitle("Bare")
    window.resize(1280, 800)
    window.show()
    when_ready(app, window, lambda: True, lambda: print("painted"))


if __name__ == "__main__":
    main()
