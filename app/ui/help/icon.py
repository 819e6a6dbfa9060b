"""PDU Manager's icon, drawn at each size it ships (resources/icons)."""

from __future__ import annotations

from contextlib import ExitStack
from importlib.resources import as_file, files

from PySide6.QtGui import QIcon, QPixmap

SIZES = (16, 32, 48, 256)


def app_icon() -> QIcon:
    """The window's and the About box's icon; an empty icon if the files are missing."""
    icon = QIcon()
    folder = files("app.resources").joinpath("icons")
    with ExitStack() as stack:
        for size in SIZES:
            path = stack.enter_context(as_file(folder.joinpath(f"pdu-manager-{size}.png")))
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                icon.addPixmap(pixmap)
    return icon
