"""The Windows version resource of both programs, from the version in pyproject.toml."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATE = """VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080904B0', [
      StringStruct('CompanyName', 'PDU Manager'),
      StringStruct('FileDescription', 'PDU Manager'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('InternalName', 'pdu-manager'),
      StringStruct('LegalCopyright', 'MIT licence'),
      StringStruct('OriginalFilename', 'pdu-manager.exe'),
      StringStruct('ProductName', 'PDU Manager'),
      StringStruct('ProductVersion', '{version}')])]),
    VarFileInfo([VarStruct('Translation', [2057, 1200])])
  ]
)
"""


def numbers(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` as Windows' four numbers, (0, 1, 0, 0); a suffix such as ``rc1`` is dropped."""
    parts = []
    for piece in version.split(".")[:4]:
        match = re.match(r"\d+", piece)
        parts.append(int(match.group()) if match else 0)
    while len(parts) < 4:
        parts.append(0)
    return (parts[0], parts[1], parts[2], parts[3])


def write_version_info(path: Path, version: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.format(numbers=numbers(version), version=version), encoding="utf-8")
