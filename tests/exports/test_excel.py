"""The Excel export, read back with openpyxl (SPEC.md 7 "Excel", 9 formula injection)."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.report import (
    DASH,
    FORMULA_TRIGGERS,
    Column,
    Kind,
    Report,
    ReportError,
    Section,
    Table,
    Value,
)
from app.exports.excel import report_to_xlsx, sheet_names, table_to_xlsx
from app.exports.files import write_file
from app.exports.xlsx_sheet import clean_text
from tests.exports.sample import AUDIT_HEAD, CREATED, INJECTIONS, PRACTITIONERS, sample_report

NUMBER_FORMATS = {
    Kind.INTEGER: "#,##0",
    Kind.DECIMAL: "#,##0.0#",
    Kind.HOURS: "#,##0.0#",
    Kind.PERCENTAGE: '0.0"%"',
    Kind.DATE: "dd/mm/yyyy",
    Kind.DATETIME: "dd/mm/yyyy hh:mm",
}


def read(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def stored(value: Value) -> object:
    """What a cell read back by openpyxl holds for a model value."""
    if value is None:
        return DASH
    if isinstance(value, str):
        safe = "'" + value if value.startswith(FORMULA_TRIGGERS) else value
        return safe.replace("\r", "\n")
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return float(value)
    return value


def tables(ws: Worksheet) -> dict[str, list[tuple[object, ...]]]:
    """Each Excel table of a sheet by the title above it: header row first, then its rows."""
    found = {}
    for table in ws.tables.values():
        (first, *_), *_ = ws[table.ref]
        title = ws.cell(first.row - 1, first.column).value
        found[title] = [tuple(c.value for c in row) for row in ws[table.ref]]
    return found


def cells(wb: Workbook) -> Iterator[object]:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


@pytest.fixture(scope="module")
def wb(xlsx: bytes) -> Workbook:
    return read(xlsx)


def test_a_cover_sheet_then_one_sheet_per_section(wb: Workbook, report: Report) -> None:
    assert wb.sheetnames == ["Cover", *(s.title for s in report.sections)]


def test_the_cover_lists_pdu_week_builder_time_sign_off_and_audit_head(wb: Workbook) -> None:
    rows = {r[0]: r[1] for r in wb["Cover"].iter_rows(min_row=4, max_col=2, values_only=True)}
    assert rows["PDU"] == "1. East Kent"
    assert rows["Week ending"] == datetime(2026, 11, 27)
    assert wb["Cover"]["B5"].number_format == "dd/mm/yyyy"
    assert rows["Built by"] == "Zofia Kowalczyńska (Head of PDU)"
    assert rows["Built"] == datetime(2026, 11, 27, 17, 5)
    assert rows["Signed off by"] == DASH
    assert rows["Audit head"] == AUDIT_HEAD
    assert wb["Cover"]["A2"].value == "OFFICIAL-SENSITIVE"


def test_the_cover_links_to_each_section_sheet(wb: Workbook, report: Report) -> None:
    links = [c.hyperlink.location for c in cells(wb) if c.hyperlink is not None]
    assert links == [f"'{s.title}'!A1" for s in report.sections]


def test_every_key_figure_reads_back_with_its_format(wb: Workbook, report: Report) -> None:
    for section in report.sections:
        ws = wb[section.title]
        header, *rows = tables(ws)["Key figures"]
        assert header == ("Figure", "Value")
        assert [r[0] for r in rows] == [f.label for f in section.figures]
        assert [r[1] for r in rows] == [stored(f.value) for f in section.figures]
        first = next(iter(ws.tables.values()))
        column = ws[first.ref][0][1].column
        for offset, figure in enumerate(section.figures):
            cell = ws.cell(5 + offset, column)
            if figure.value is not None:
                assert cell.number_format == NUMBER_FORMATS[figure.kind], figure.label


def test_every_table_reads_back_cell_for_cell(wb: Workbook, report: Report) -> None:
    for section in report.sections:
        found = tables(wb[section.title])
        for table in section.tables:
            header, *rows = found[table.title]
            assert header == tuple(c.title for c in table.columns)
            assert rows == [tuple(stored(v) for v in row) for row in table.rows]


def test_numbers_and_dates_carry_their_column_formats(wb: Workbook, report: Report) -> None:
    ws = wb["Workload"]
    (table,) = [t for t in ws.tables.values() if "Practitioners" in t.displayName]
    header, _, second, *_ = ws[table.ref]  # the second practitioner has every value
    kinds = {c.title: c.kind for c in report.sections[2].tables[0].columns}
    for head, cell in zip(header, second, strict=True):
        kind = kinds[head.value]
        expected = "@" if kind is Kind.TEXT else NUMBER_FORMATS[kind]
        assert cell.number_format == expected, head.value
        assert isinstance(cell.value, str) == (kind is Kind.TEXT)


def test_tables_are_real_excel_tables_with_filters_on_their_whole_range(wb: Workbook) -> None:
    names = []
    for ws in wb.worksheets[1:]:
        for table in ws.tables.values():
            names.append(table.displayName)
            assert table.autoFilter.ref == table.ref
            assert table.headerRowCount == 1
            header = [c.value for c in ws[table.ref][0]]
            assert [c.name for c in table.tableColumns] == header
    assert len(names) == len(set(names)) >= 8
    practitioners = [t for t in wb["Workload"].tables.values() if "Practitioners" in t.name]
    # after the key figures (two columns and a gap)
    assert practitioners[0].ref == f"D4:J{4 + PRACTITIONERS}"


def test_every_section_sheet_freezes_its_header_rows(wb: Workbook) -> None:
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == "A5"
        assert ws.print_title_rows == "$1:$4"


def test_every_sheet_prints_a4_landscape_one_page_wide_marked_and_numbered(
    wb: Workbook, report: Report
) -> None:
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"
        assert ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
        assert ws.oddFooter.right.text == "Page &P of &N"
        assert ws.oddFooter.left.text == report.title


def test_columns_are_wide_enough_for_their_header_and_longest_value(wb: Workbook) -> None:
    ws = wb["Workload"]
    assert ws.column_dimensions["A"].width >= len("Mean workload points")
    assert ws.column_dimensions["D"].width >= len("Zofia Kowalczyńska 001")
    assert ws.column_dimensions["I"].width >= len("Capacity") + 2
    assert 3 <= ws.column_dimensions["K"].width < 5  # the gap after the table


def test_the_tier_matrix_and_stand_downs_are_native_bar_charts_of_their_tables(
    wb: Workbook, report: Report
) -> None:
    for section, chart in ((report.sections[0], 0), (report.sections[3], 0)):
        ws = wb[section.title]
        (native,) = ws._charts
        model = section.charts[chart]
        assert native.tagname == "barChart"
        assert len(native.series) == len(model.series)
        for series, expected in zip(native.series, model.series, strict=True):
            ref = series.val.numRef.f
            sheet, cells_ref = ref.rsplit("!", 1)
            assert sheet.strip("'") == section.title
            values = [c.value for (c,) in ws[cells_ref.replace("$", "")]]
            assert values == list(expected.values)
        categories = native.series[0].cat.numRef.f.rsplit("!", 1)[1].replace("$", "")
        assert [c.value for (c,) in ws[categories]] == list(model.categories)
    assert not wb["Allocation"]._charts


def test_no_cell_anywhere_is_a_formula_or_starts_like_one(wb: Workbook) -> None:
    texts = [c.value for c in cells(wb) if isinstance(c.value, str)]
    assert all(c.data_type != "f" for c in cells(wb))
    assert not [t for t in texts if t.startswith(FORMULA_TRIGGERS)]
    for injection in INJECTIONS:
        assert "'" + injection.replace("\r", "\n") in texts


def test_the_workbook_properties_carry_title_author_marking_and_time(wb: Workbook) -> None:
    props = wb.properties
    assert props.title == sample_report().title
    assert props.creator == "Zofia Kowalczyńska"
    assert props.subject == "Weekly return"
    assert props.keywords == "OFFICIAL-SENSITIVE"
    assert props.created == props.modified == datetime(2026, 11, 27, 17, 5, 30)
    assert wb.custom_doc_props["Protective marking"].value == "OFFICIAL-SENSITIVE"


def test_the_same_report_and_time_give_the_same_bytes(xlsx: bytes, report: Report) -> None:
    assert report_to_xlsx(sample_report(), created=CREATED) == xlsx
    later = report_to_xlsx(report, created=datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    assert later != xlsx
    entries = zipfile.ZipFile(io.BytesIO(later)).infolist()
    assert {e.date_time for e in entries} == {(2026, 11, 28, 9, 0, 0)}


def test_an_empty_table_keeps_its_header_and_one_blank_row() -> None:
    section = Section("Empty", tables=[Table("Nothing", [Column("Name"), Column("N", "integer")])])
    wb = read(report_to_xlsx(Report("R", sections=[section]), created=CREATED))
    (table,) = wb["Empty"].tables.values()
    assert table.ref == "A4:B5"
    assert [c.value for c in wb["Empty"][table.ref][1]] == [None, None]


# -- any on-screen table


def on_screen_rows(n: int) -> list[list[Value]]:
    return [
        [f"X{n - i:06d}", "=cmd|' /C calc'!A0" if i == 1 else "Kent", i, None] for i in range(n)
    ]


SCREEN_COLUMNS = [
    Column("CRN"),
    Column("Team"),
    Column("Rank", Kind.INTEGER),
    Column("Allocated", Kind.DATE),
]


def test_an_on_screen_table_keeps_its_rows_in_the_order_given() -> None:
    rows = on_screen_rows(25)
    data = table_to_xlsx(
        SCREEN_COLUMNS, rows, "Caseload", created=CREATED, note="Cases in 'Kent', by CRN"
    )
    wb = read(data)
    (ws,) = wb.worksheets
    assert ws.title == "Caseload"
    assert ws["A1"].value == "Caseload"
    assert ws["A2"].value == "Cases in 'Kent', by CRN (25 rows)"
    (table,) = ws.tables.values()
    assert table.ref == "A4:D29"
    read_back = [tuple(c.value for c in row) for row in ws[table.ref]][1:]
    assert read_back == [tuple(stored(v) for v in row) for row in rows]
    assert ws["B6"].value == "'=cmd|' /C calc'!A0"
    assert ws.freeze_panes == "A5"
    assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"


def test_an_on_screen_table_may_carry_another_marking() -> None:
    wb = read(table_to_xlsx(SCREEN_COLUMNS, [], "Queue", "OFFICIAL", created=CREATED))
    assert wb.worksheets[0].oddHeader.center.text == "OFFICIAL"
    assert wb.worksheets[0]["A2"].value == "0 rows"


def test_an_on_screen_table_of_the_wrong_kinds_is_refused() -> None:
    with pytest.raises(ReportError, match="row 1, Rank"):
        table_to_xlsx(SCREEN_COLUMNS, [["X1", "Kent", "first", None]], "Q", created=CREATED)


def test_a_long_on_screen_table_streams_every_row() -> None:
    rows = on_screen_rows(5_000)
    ws = read(table_to_xlsx(SCREEN_COLUMNS, rows, "Caseload", created=CREATED)).worksheets[0]
    assert ws.max_row == 4 + 5_000
    assert ws.cell(4 + 5_000, 1).value == "X000001"


def test_text_xml_cannot_hold_is_dropped_and_ampersands_print_in_headers() -> None:
    data = table_to_xlsx(
        [Column("Name")], [["Bell\x07 \x00Ringer"]], "Smith & Sons", created=CREATED
    )
    ws = read(data).worksheets[0]
    assert ws["A5"].value == "Bell Ringer"
    assert ws.oddFooter.left.text == "Smith && Sons"


# -- sheet names and files


@pytest.mark.parametrize(
    ("titles", "names"),
    [
        (["Caseload", "caseload"], ["Caseload", "caseload (2)"]),
        (["Unpaid work: hours [weekly] / ETE?"], ["Unpaid work hours weekly ETE"]),
        (["A" * 40, "A" * 40], ["A" * 31, "A" * 27 + " (2)"]),
        (["History", "'quoted'", ""], ["History (2)", "quoted", "Sheet"]),
    ],
)
def test_sheet_names_are_ones_excel_accepts(titles: Sequence[str], names: list[str]) -> None:
    assert sheet_names(titles) == names


def test_a_file_is_written_whole_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "return.xlsx"
    write_file(target, b"first")
    write_file(target, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["return.xlsx"]


def test_a_file_replaces_a_leftover_part_file_of_wider_permissions(tmp_path: Path) -> None:
    target = tmp_path / "return.pdf"
    leftover = tmp_path / "return.pdf.part"
    leftover.write_bytes(b"half")
    leftover.chmod(0o644)
    write_file(target, b"whole")
    assert target.read_bytes() == b"whole"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not leftover.exists()


@given(st.text())
def test_any_text_a_cell_holds_is_neutralised_after_xml_cleaning(text: str) -> None:
    held = clean_text(text)
    assert not held.startswith(FORMULA_TRIGGERS)
    assert "\r" not in held
    assert len(held) <= 32_767
