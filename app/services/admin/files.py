"""Writing an export: readable by its owner only from the first byte (SPEC.md 9).

The file is written beside its destination under a private name, created
mode 600 (``os.open``, not the umask), then renamed into place, so no partial
or world-readable copy ever exists.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from app.domain.cell_safety import neutralise
from app.exports.table_xlsx import rows_to_xlsx
from app.services.core.errors import UserError

PRIVATE = 0o600


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (replacing it), readable and writable by the owner only."""
    path = path.expanduser().absolute()
    if not path.parent.is_dir():
        raise UserError(f"There is no folder {path.parent}: choose another place.")
    part = path.with_name(f".{path.name}.part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(part, PRIVATE)  # an existing .part keeps its mode through O_CREAT
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return path


def table_bytes(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]], title: str
) -> bytes:
    """The table as CSV (UTF-8 with BOM, for Excel) or .xlsx, by the file's suffix."""
    safe = [[neutralise(cell) for cell in row] for row in rows]
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return rows_to_xlsx(headers, safe, title)
    if suffix == ".csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(safe)
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    raise UserError("Export to a file ending .csv or .xlsx.")


def write_table(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]], title: str
) -> Path:
    return write_private(path, table_bytes(path, headers, rows, title))
