"""Importing caseload and staff extracts (SPEC.md 5).

``run_import`` is what the command line calls; the window runs ``preview``
and then ``apply`` through its ops, each in a session it opens.
"""

from app.services.imports.report import FieldChange, ImportReport, RecordChange, RowError
from app.services.imports.service import KINDS, FileChanged, apply, preview, run_import

__all__ = [
    "KINDS",
    "FieldChange",
    "FileChanged",
    "ImportReport",
    "RecordChange",
    "RowError",
    "apply",
    "preview",
    "run_import",
]
