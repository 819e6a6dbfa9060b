"""Writing an export's bytes to a file: whole or not at all, for its owner only."""

from __future__ import annotations

import os
from pathlib import Path


def write_file(path: Path, data: bytes) -> None:
    """Write an export whole or not at all, readable by its owner only (it holds personal data)."""
    part = path.with_name(path.name + ".part")
    # A leftover part file keeps its old permissions: start afresh, born owner-only.
    part.unlink(missing_ok=True)
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
