"""PDU Manager: caseload, allocation and returns for a Probation Delivery Unit."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

# An installed wheel carries resources/ and migrations/ as app.resources and
# app.migrations (pyproject's package-dir). In a source checkout they sit beside
# app/, so let the package find them there too (plain and editable installs).
_checkout = Path(__file__).resolve().parent.parent
if not (Path(__file__).parent / "resources").exists() and (_checkout / "resources").is_dir():
    __path__.append(str(_checkout))
