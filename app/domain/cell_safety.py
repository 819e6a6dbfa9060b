"""Spreadsheet formula injection: user text that a spreadsheet would run (SPEC.md 9).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
taken by Excel and LibreOffice as a formula (OWASP, "CSV Injection"); such
text from user data is written with a leading apostrophe, so it shows as the
text it is and never runs.

A stopgap for the audit log's exports: the weekly return's own neutraliser
(``app.domain.report``) replaces it once it is in main.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that would start a formula, made inert; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
