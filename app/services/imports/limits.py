"""What an import file may cost: sizes past which it is refused in one line.

A real NDelius or Workload Management Tool extract sits far inside each of
these; a file past one is not an extract (or is a zip bomb), and is refused
before it can take the machine's memory or an afternoon. Peak memory for
any refused file stays under 500 MB (tests/services/test_import_limits.py).
"""

from __future__ import annotations

MAX_FILE_MB = 300
"""The largest file read, in megabytes (a 250,000-case CSV extract is about 60)."""
MAX_ROWS = 250_000
"""Data rows read; past this the file is refused (the bench's national extract is the largest).

A file of this many rows refused at its last row peaks at about 450 MB.
"""
MAX_COLUMNS = 250
"""Columns in the header or any row."""
MAX_CELL_CHARS = 32_767
"""Characters in one cell: Excel's own limit."""
MAX_LINE_CHARS = 2_000_000
"""Characters in one line of a CSV file."""
MAX_BAD_ROWS = 1_000
"""Bad rows reported; the rest are counted, not checked (SPEC.md 5)."""

# .xlsx archives: checked from the archive's directory before anything is inflated.
MAX_MEMBERS = 5_000
MAX_SHEET_MB = 1_024
"""Inflated size of the sheet read (streamed, so its size costs time, not memory)."""
MAX_SHARED_STRINGS_MB = 64
"""Inflated size of the shared strings, which are read whole."""
MAX_OTHER_PART_MB = 16
"""Inflated size of any other part read (workbook, styles, relationships)."""
MAX_RATIO = 200
"""How many times a large part may expand: real sheets expand 5 to 30 times."""
RATIO_FROM_MB = 8
"""Parts smaller than this are not held to the ratio."""
MB = 1_000_000
