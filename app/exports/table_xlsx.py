"""A plain table to .xlsx bytes: one sheet, a bold frozen header, filters, widths.

A stopgap for the audit log's export until the weekly return's
``app.exports.excel.table_to_xlsx`` is in main. Cells are written as given:
the caller neutralises formula injection first.
"""

from __future__ import annotations

import io
from collections.abc import Sequence


def rows_to_xlsx(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str) -> bytes:
    """The workbook's bytes: ``headers`` then ``rows`` on a sheet called ``title``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(headers), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    for i, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(str(r[i - 1])) for r in rows[:500]])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 10), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
