"""What the PySide6 hooks bring into the bundle that PDU Manager never uses.

Used by pdu-manager.spec on every platform, so names are matched with either
path separator. Kept: QtCore, QtGui, QtWidgets, QtCharts (and the OpenGL
libraries QtCharts links), the xcb platform on Linux, windows on Windows.
"""

from __future__ import annotations

import posixpath
import re

_UNWANTED = [
    # QtQuick and QtQml (and what only they use): the app is all widgets.
    r"Qt6?(Quick|Qml|QmlModels|QmlMeta|QmlWorkerScript|VirtualKeyboard|ShaderTools)[^/]*$",
    r"/qml/",
    # Wayland: on Linux the app runs on xcb (and says so when a library is missing).
    r"Qt6?Wayland[^/]*$",
    r"/plugins/(wayland-[^/]+|platforms/libqwayland[^/]*)",
    r"/plugins/platforms/libq(vnc|eglfs|linuxfb|minimal|minimalegl|vkkhrdisplay)[^/]*$",
    r"/plugins/platforminputcontexts/libqtvirtualkeyboard[^/]*$",
    r"/plugins/(egldeviceintegrations|platformthemes|generic|tls|"
    r"networkinformation|qmltooling|sqldrivers|multimedia|position|sensors|texttospeech|"
    r"virtualkeyboard|scenegraph|webview|designer|canbus|renderers|sceneparsers|"
    r"geometryloaders|assetimporters)/",
    # Qt's own translations: every string the user sees is PDU Manager's, in English.
    r"/translations/[^/]+\.qm$",
    # Libraries that only the left-out Qt modules need.
    r"Qt6?(Pdf|WebEngine|Network|Xml|Concurrent|Sql|Test)"
    r"[^/]*\.(so[.0-9]*|dll)$",
]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in _UNWANTED))


def is_unwanted(name: str) -> bool:
    """Whether a file of the bundle (its path inside the bundle) can be left out."""
    return _PATTERN.search("/" + name.replace("\\", "/")) is not None


def prune_orphans(binaries: list[Entry], datas: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Only the shared libraries something kept still loads, and the links to them.

    A plugin left out by :func:`is_unwanted` (GTK's theme, Wayland) had its
    libraries collected already; a library no extension module, Qt plugin or
    kept library needs goes too, and so does a link (PyInstaller lists links
    among the data) to a file no longer in the bundle. Entries are
    PyInstaller's (dest, source, kind).
    """
    from PyInstaller.depend.bindepend import get_imports

    by_name: dict[str, list[Entry]] = {}
    for entry in binaries:
        by_name.setdefault(_name(entry[0]).lower(), []).append(entry)
    kept = {id(e): e for e in binaries if _is_root(e)}
    queue = list(kept.values())
    while queue:
        entry = queue.pop()
        try:
            needed = {_name(n).lower() for n, _ in get_imports(entry[1])}
        except Exception:  # not a binary PyInstaller can read: it needs nothing we know of
            continue
        for lib in needed:
            for other in by_name.get(lib, []):
                if id(other) not in kept:
                    kept[id(other)] = other
                    queue.append(other)
    kept_binaries = [entry for entry in binaries if id(entry) in kept]
    present = {_slashes(e[0]) for e in kept_binaries} | {
        _slashes(e[0]) for e in datas if e[2] != "SYMLINK"
    }
    kept_datas = [e for e in datas if e[2] != "SYMLINK" or _link_target(e) in present]
    return kept_binaries, kept_datas


Entry = tuple[str, str, str]


def _slashes(path: str) -> str:
    return path.replace("\\", "/")


def _name(path: str) -> str:
    return _slashes(path).rsplit("/", 1)[-1]


def _is_root(entry: Entry) -> bool:
    """What the app loads itself: Python's extension modules, Qt's plugins, Python."""
    dest = "/" + _slashes(entry[0])
    return (
        entry[2] == "EXTENSION"
        or "/plugins/" in dest
        or _name(dest).startswith(("libpython", "python3"))
    )


def _link_target(entry: Entry) -> str:
    """Where a link entry (dest, relative target, "SYMLINK") points, inside the bundle."""
    return posixpath.normpath(
        posixpath.join(posixpath.dirname(_slashes(entry[0])), _slashes(entry[1]))
    )
