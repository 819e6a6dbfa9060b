"""Start-up never pays for openpyxl or reportlab: only app/exports imports them, when used."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, sys
from pathlib import Path
import app
root = Path(app.__file__).parent
for path in sorted(root.rglob("*.py")):
    parts = ("app", *path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if parts[1:2] == ("exports",) and len(parts) > 2 or parts[-1] == "__main__":
        continue
    importlib.import_module(".".join(parts))
print(" ".join(sorted(m for m in ("openpyxl", "reportlab") if m in sys.modules)) or "none")
"""


def test_no_module_outside_the_exports_imports_openpyxl_or_reportlab() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "none"


def test_the_exports_package_itself_imports_neither() -> None:
    script = (
        "import sys, app.exports, app.domain.report\n"
        "print(sorted(m for m in ('openpyxl', 'reportlab') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
