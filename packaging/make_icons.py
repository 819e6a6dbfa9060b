"""Render the icon's SVG to the PNGs the window uses and the .ico Windows needs.

Run after changing resources/icons/pdu-manager.svg (the outputs are committed,
so a build needs no renderer):
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py
The .ico holds PNG images at 16 to 256 pixels (read by Windows Vista onwards).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZES = (16, 32, 48, 256)  # the window's icon, each size drawn, not scaled by Qt


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file: a header, one directory entry per size, then each PNG."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(ICONS / "pdu-manager.svg"))
    if not renderer.isValid():
        print("the icon's SVG could not be read", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in ICO_SIZES}
    (ICONS / "pdu-manager.ico").write_bytes(ico(images))
    for size in PNG_SIZES:
        (ICONS / f"pdu-manager-{size}.png").write_bytes(images[size])
    print(f"wrote pdu-manager.ico and {len(PNG_SIZES)} PNGs in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
