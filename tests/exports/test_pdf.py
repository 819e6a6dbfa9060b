"""The PDF export, its text read back with pypdf (SPEC.md 7 "PDF", STYLE.md PDF traps)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from app.domain.report import (
    BarChart,
    Column,
    Figure,
    Kind,
    Report,
    Section,
    Table,
    format_value,
)
from app.exports.pdf import report_to_pdf
from tests.exports.sample import AUDIT_HEAD, CREATED, PRACTITIONERS, practitioner_name


def words(text: str) -> str:
    """Text with every run of white space as one space: lines wrap where the layout chose."""
    return " ".join(text.split())


def compact(text: str) -> str:
    """Text without white space: a long cell may wrap inside a word."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def pages(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def section_pages(pages: list[str], report: Report) -> dict[str, list[str]]:
    """Each section's pages: from the page it heads to the page before the next one."""
    titles = [s.title for s in report.sections]
    starts = [i for i, text in enumerate(pages) if text.split("\n", 1)[0] in titles]
    assert [pages[i].split("\n", 1)[0] for i in starts] == titles
    ends = [*starts[1:], len(pages)]
    return {t: pages[a:b] for t, a, b in zip(titles, starts, ends, strict=True)}


def test_the_cover_shows_pdu_week_builder_time_sign_off_and_audit_head(
    pages: list[str], report: Report
) -> None:
    cover = pages[0]
    assert words(cover).startswith(report.title)
    lines = cover.split("\n")
    for label, value in [
        ("PDU", "1. East Kent"),
        ("Week ending", "27/11/2026"),
        ("Built by", "Zofia Kowalczyńska (Head of PDU)"),
        ("Built", "27/11/2026 17:05"),
        ("Signed off by", "\u2013"),
    ]:
        assert lines[lines.index(label) + 1] == value, label
    assert AUDIT_HEAD in lines  # whole, on one line
    assert words(cover).startswith(f"{report.title} OFFICIAL-SENSITIVE PDU 1. East Kent")


def test_the_cover_lists_the_sections(pages: list[str], report: Report) -> None:
    lines = pages[0].split("\n")
    start = lines.index("Contents") + 1
    assert lines[start : start + len(report.sections)] == [s.title for s in report.sections]


def test_each_section_starts_a_new_page_after_the_cover(
    section_pages: dict[str, list[str]], report: Report
) -> None:
    assert list(section_pages) == [s.title for s in report.sections]


def test_every_page_carries_the_marking_top_and_bottom_and_page_n_of_m(
    pages: list[str],
) -> None:
    total = len(pages)
    for number, text in enumerate(pages, 1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, number
        assert re.findall(r"Page \d+ of \d+", text) == [f"Page {number} of {total}"]


def test_every_key_figure_is_on_its_sections_pages(
    section_pages: dict[str, list[str]], report: Report
) -> None:
    for section in report.sections:
        lines = "\n".join(section_pages[section.title]).split("\n")
        for figure in section.figures:
            at = lines.index(figure.label)
            assert lines[at + 1] == format_value(figure.value, figure.kind), figure.label


def test_every_table_cell_is_on_its_sections_pages_row_by_row(
    section_pages: dict[str, list[str]], report: Report
) -> None:
    for section in report.sections:
        text = compact(" ".join(section_pages[section.title]))
        for table in section.tables:
            for row in table.rows:
                shown = compact(
                    "".join(
                        format_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)
                    )
                )
                assert shown in text, (table.title, row)


def test_a_table_across_pages_repeats_its_header_on_each(
    section_pages: dict[str, list[str]], report: Report
) -> None:
    header = words(" ".join(c.title for c in report.sections[2].tables[0].columns))
    names = [practitioner_name(n) for n in range(PRACTITIONERS)]
    spanned = [words(p) for p in section_pages["Workload"] if any(n in words(p) for n in names)]
    assert len(spanned) >= 3
    seen = []
    for text in spanned:
        on_page = [n for n in names if n in text]
        assert text.count(header) == 1
        assert text.index(header) < min(text.index(n) for n in on_page)
        seen += on_page
    assert seen == names  # each row once, in order, none lost at a page break


def test_names_helvetica_cannot_print_come_back_letter_for_letter(pages: list[str]) -> None:
    text = words("\n".join(pages))
    for n in range(5):
        assert practitioner_name(n) in text
    assert "Nowak-Żółć" in text and "Siân" in text


def test_the_two_charts_follow_their_tables_with_every_category_and_value(
    section_pages: dict[str, list[str]], report: Report
) -> None:
    for section in (report.sections[0], report.sections[3]):
        (chart,) = section.charts
        text = "\n".join(section_pages[section.title])
        after = text[text.index(f"\n{chart.title}\n") :].split("\n")
        for category in chart.categories:
            assert any(category in line for line in after), category
        labels = {format_value(v, Kind.INTEGER) for s in chart.series for v in s.values}
        assert labels <= set(after)


def test_only_the_embedded_dejavu_fonts_are_used(reader: PdfReader) -> None:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(font["/BaseFont"].split("+", 1)[-1])
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    assert names == {"DejaVuSans", "DejaVuSans-Bold"}


def test_a4_pages_with_title_author_and_creation_time(reader: PdfReader, report: Report) -> None:
    assert all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842)
        for p in reader.pages
    )
    meta = reader.metadata
    assert meta.title == report.title
    assert meta.author == "Zofia Kowalczyńska"
    assert meta.creation_date == datetime(2026, 11, 27, 17, 5, 30, tzinfo=UTC)


def test_the_outline_bookmarks_each_section_at_its_first_page(
    reader: PdfReader, pages: list[str], report: Report
) -> None:
    marks = [(m.title, reader.get_destination_page_number(m)) for m in reader.outline]
    assert [t for t, _ in marks] == [s.title for s in report.sections]
    for title, page in marks:
        assert pages[page].startswith(title)


def test_the_same_report_and_time_give_the_same_bytes(pdf: bytes, report: Report) -> None:
    assert report_to_pdf(report, created=CREATED) == pdf
    later = report_to_pdf(report, created=datetime(2026, 11, 28, tzinfo=UTC))
    assert later != pdf and len(later) == len(pdf)


def test_a_fresh_process_writes_the_same_bytes(pdf: bytes) -> None:
    script = (
        "import sys\n"
        "from app.exports.pdf import report_to_pdf\n"
        "from tests.exports.sample import CREATED, sample_report\n"
        "sys.stdout.buffer.write(report_to_pdf(sample_report(), created=CREATED))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, timeout=120
    )
    assert done.stdout == pdf


def test_markup_characters_in_user_text_print_as_written() -> None:
    table = Table("Teams", [Column("Team")], [["Smith & Sons <North>"], ["a\tb\x07c"]])
    report = Report("R & D <test>", sections=[Section("S", tables=[table])])
    text = "\n".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(report_to_pdf(report, created=CREATED))).pages
    )
    assert "Smith & Sons <North>" in text
    assert "a bc" in text
    assert "R & D <test>" in text


def test_a_table_wider_than_the_page_is_fitted_to_it() -> None:
    from app.exports.pdf_parts import table_flowable

    columns = [Column(f"Column {n}") for n in range(14)]
    table = table_flowable(columns, [["A long piece of free text " * 2] * 14], 480)
    width, _ = table.wrap(480, 800)
    assert width <= 480.01


def test_an_empty_report_is_one_marked_page() -> None:
    reader = PdfReader(io.BytesIO(report_to_pdf(Report("Nothing yet"), created=CREATED)))
    (page,) = reader.pages
    assert "OFFICIAL-SENSITIVE" in page.extract_text()
    assert "Page 1 of 1" in page.extract_text()


def test_a_chart_of_zeros_and_gaps_still_draws() -> None:
    chart = BarChart.from_table(
        "Nothing stood down",
        Table.from_mapping("T", "Reason", "Sessions", {"Weather": 0, "Other": None}),
    )
    section = Section("S", figures=[Figure("Sessions", 0)], charts=[chart])
    data = report_to_pdf(Report("R", sections=[section]), created=CREATED)
    assert "Nothing stood down" in PdfReader(io.BytesIO(data)).pages[1].extract_text()


def test_a_long_title_is_read_whole_in_the_footer_beside_the_page_number() -> None:
    title = "Weekly return: 17. Leeds, week ending 27/11/2026 (version 2, a correction)"
    table = Table("Cases", [Column("A")], [["x"]])
    report = Report(title, sections=[Section("Caseload", tables=[table])])
    page = PdfReader(io.BytesIO(report_to_pdf(report, created=CREATED))).pages[-1]
    text = page.extract_text()
    assert title in text and "Page 2 of 2" in text  # the cover, then the section
