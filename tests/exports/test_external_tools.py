"""The exports opened by other programs: LibreOffice reads the workbook, poppler the PDF.

Heavy: they need ``libreoffice-calc-nogui`` and ``poppler-utils`` (apt). Each
test is skipped when its program is absent, so the suite stays green on a
bare machine; under CI (``CI`` set, as ``.ci/run`` does) a missing program is
a failure, so these checks cannot silently stop running there.
"""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest

from app.domain.report import FORMULA_TRIGGERS, Report, format_value
from tests import tools
from tests.exports.sample import AUDIT_HEAD, INJECTIONS

pytestmark = pytest.mark.heavy


def need(program: str, package: str) -> str:
    return tools.need(program, package, "run the heavy export checks")


# Comma, double quote, UTF-8, from line 1, cells as shown (formatted), every sheet to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


@pytest.fixture(scope="module")
def csv_sheets(xlsx: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[str]]]:
    soffice = need("soffice", "libreoffice-calc-nogui")
    folder = tmp_path_factory.mktemp("soffice")
    source = folder / "return.xlsx"
    source.write_bytes(xlsx)
    subprocess.run(
        [
            soffice,
            # A profile of its own: another soffice running on the machine would lock the default.
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    sheets = {}
    for path in folder.glob("return-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix("return-")] = list(csv.reader(handle))
    return sheets


def cells(rows: list[list[str]]) -> list[str]:
    return [c for row in rows for c in row if c]


def test_libreoffice_reads_every_sheet(
    csv_sheets: dict[str, list[list[str]]], report: Report
) -> None:
    assert set(csv_sheets) == {"Cover", *(s.title for s in report.sections)}


def test_libreoffice_shows_every_key_figure_as_the_pdf_does(
    csv_sheets: dict[str, list[list[str]]], report: Report
) -> None:
    for section in report.sections:
        rows = csv_sheets[section.title]
        shown = {row[0]: row[1] for row in rows[4:] if row and row[0]}
        for figure in section.figures:
            assert shown[figure.label] == format_value(figure.value, figure.kind), figure.label


def test_libreoffice_shows_every_table_row_as_the_pdf_does(
    csv_sheets: dict[str, list[list[str]]], report: Report
) -> None:
    for section in report.sections:
        rows = csv_sheets[section.title]
        for table in section.tables:
            for row in table.rows:
                expected = [
                    _as_written(v) if isinstance(v, str) else format_value(v, c.kind)
                    for v, c in zip(row, table.columns, strict=True)
                ]
                assert any(_contains_run(r, expected) for r in rows), (table.title, row)


def _contains_run(row: list[str], expected: list[str]) -> bool:
    return any(row[i : i + len(expected)] == expected for i in range(len(row)))


def _as_written(text: str) -> str:
    """A text cell as the workbook holds it: neutralised, line ends as newlines."""
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text.replace("\r", "\n")


def test_libreoffice_shows_the_cover_and_no_formula_ran(
    csv_sheets: dict[str, list[list[str]]],
) -> None:
    cover = cells(csv_sheets["Cover"])
    assert AUDIT_HEAD in cover
    assert "27/11/2026" in cover
    everything = [c for rows in csv_sheets.values() for c in cells(rows)]
    for injection in INJECTIONS:
        assert "'" + injection.replace("\r", "\n") in everything
    assert "Click" not in everything  # the HYPERLINK formula's result


def test_poppler_renders_every_page_of_the_pdf(pdf: bytes, tmp_path: Path) -> None:
    pdftoppm = need("pdftoppm", "poppler-utils")
    source = tmp_path / "return.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "30", "-png", str(source), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    from pypdf import PdfReader

    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(source).pages)
    # A blank page compresses to almost nothing; each of ours has text and rules on it.
    assert all(p.stat().st_size > 1_500 for p in pages)


def test_poppler_reads_the_same_names_and_figures(pdf: bytes, tmp_path: Path) -> None:
    pdftotext = need("pdftotext", "poppler-utils")
    source = tmp_path / "return.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        [pdftotext, "-layout", str(source), "-"],
        check=True,
        capture_output=True,
        timeout=120,
        text=True,
    ).stdout
    for needed in ("Łukasz Wiśniewski 000", "Nowak-Żółć", "1,234", "87.5%", AUDIT_HEAD):
        assert needed in text
    assert text.count("\f") + 1 >= 9
