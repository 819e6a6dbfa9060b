"""Imports have bounded cost: a file over the limits is refused in one line naming the limit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.services.core.actor import system_actor
from app.services.imports import limits, preview
from app.services.imports import xlsxfile as xlsx
from tests import malformed

REPO = Path(__file__).resolve().parents[2]


def _refusal(store: Any, path: Path, kind: str = "cases") -> str:
    with store.sessions() as session:
        report = preview(session, system_actor(session), kind, path)
    assert not report.accepted
    (error,) = report.errors
    assert "\n" not in error.text()
    return error.text()


def test_a_zip_bomb_is_refused_before_it_is_inflated(store: Any, tmp_path: Path) -> None:
    text = _refusal(store, malformed.zip_bomb(tmp_path / "bomb.xlsx"))
    assert "expands" in text and f"at most {limits.MAX_RATIO} times" in text


def test_a_cell_longer_than_excel_allows_is_refused(store: Any, tmp_path: Path) -> None:
    text = _refusal(store, malformed.long_cell(tmp_path / "cell.xlsx"))
    assert f"more than {limits.MAX_CELL_CHARS:,} characters" in text


@pytest.mark.parametrize(
    "make", [malformed.bad_typed_date, malformed.untyped_text_cell, malformed.damaged_deflate]
)
def test_a_damaged_workbook_is_one_sentence(store: Any, tmp_path: Path, make: Any) -> None:
    text = _refusal(store, make(tmp_path / "bad.xlsx"))
    assert "cannot be read" in text or "is not an Excel workbook" in text


def test_declared_sizes_that_lie_are_caught_counting_what_is_inflated(
    store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = malformed.long_cell(tmp_path / "cell.xlsx", characters=30_000)
    # The directory claims the parts hold 100 bytes in all: the count while reading disagrees.
    monkeypatch.setattr(xlsx, "check_directory", lambda archive, name: 100 - limits.MB)
    text = _refusal(store, path)
    assert "more than its parts declare" in text


def test_too_many_columns_a_too_long_line_or_cell_is_refused(store: Any, tmp_path: Path) -> None:
    wide = _refusal(store, malformed.wide_csv(tmp_path / "wide.csv", 1_000_000))
    assert f"longer than {limits.MAX_LINE_CHARS:,} characters" in wide
    columns = _refusal(store, malformed.wide_csv(tmp_path / "cols.csv", 400))
    assert f"at most {limits.MAX_COLUMNS:,} columns are read" in columns
    cell = _refusal(store, malformed.huge_cell_csv(tmp_path / "cell.csv"))
    assert f"more than {limits.MAX_CELL_CHARS:,} characters" in cell


def test_more_rows_than_an_extract_holds_are_refused(
    store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 50)
    text = _refusal(store, malformed.bad_rows_csv(tmp_path / "rows.csv", 60))
    assert "more than 50 rows" in text


def test_a_sheet_filled_to_excel_s_last_row_is_refused_before_a_row_is_read(
    store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = malformed.full_sheet(tmp_path / "full.xlsx")
    inflated: list[int] = []
    scan = xlsx._check_dimension

    def first_chunk_only(head: bytes, name: str) -> None:
        inflated.append(len(head))
        scan(head, name)

    monkeypatch.setattr(xlsx, "_check_dimension", first_chunk_only)
    text = _refusal(store, path)
    assert text == (
        "full.xlsx is refused: its sheet runs to row 1,048,576; an extract holds at most "
        f"{limits.MAX_ROWS:,} rows."
    )
    assert inflated == [xlsx.CHUNK]  # one chunk of the sheet inflated, then refused


def test_after_1000_bad_rows_the_rest_are_counted_not_checked(store: Any, tmp_path: Path) -> None:
    path = malformed.bad_rows_csv(tmp_path / "bad.csv", 12_000)
    with store.sessions() as session:
        report = preview(session, system_actor(session), "cases", path)
    bad_rows = {e.row for e in report.errors if e.row > 0}
    assert len(bad_rows) == limits.MAX_BAD_ROWS
    assert report.errors[-1].text() == "… and 11,000 more rows were not checked."
    assert len(report.text().splitlines()) < limits.MAX_BAD_ROWS + 10


# The child's own peak: VmHWM of its memory after exec. Not ru_maxrss, which on Linux
# starts from the parent's peak at the fork (a pytest process late in the suite: ~500 MB).
PEAK = """
import re, sys
from pathlib import Path
from app.cli import main
code = main(["import", "cases", sys.argv[1], "--dry-run", "--database", sys.argv[2]])
peak = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)
print("EXIT", code, peak)
"""


@pytest.mark.heavy
@pytest.mark.skipif(sys.platform != "linux", reason="VmHWM of /proc/self/status")
def test_peak_memory_for_any_refused_file_stays_under_500_mb(tmp_path: Path) -> None:
    files = [
        malformed.zip_bomb(tmp_path / "bomb.xlsx", megabytes=150),
        malformed.long_cell(tmp_path / "cell.xlsx"),
        malformed.damaged_deflate(tmp_path / "damaged.xlsx"),
        malformed.long_line_csv(tmp_path / "line.csv", 60_000_000),
        malformed.wide_csv(tmp_path / "wide.csv", 300_000),
        malformed.bad_rows_csv(tmp_path / "bad.csv", 250_000),
    ]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    database = tmp_path / "store.sqlite3"
    for path in files:
        result = subprocess.run(
            [sys.executable, "-c", PEAK, str(path), str(database)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert "Traceback" not in result.stderr, result.stderr
        exit_line = result.stdout.strip().splitlines()[-1]
        _, code, peak_kb = exit_line.split()
        assert code == "2", (path.name, result.stdout[-500:])
        assert int(peak_kb) < 500_000, f"{path.name}: {int(peak_kb) // 1000} MB"


def test_implausible_birth_dates_and_hours_over_1000_are_refused(
    store: Any, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "crn,forename,surname,pdu,sentence_type,sentence_date,date_of_birth,upw_hours_ordered\n"
        "X100001,Al,Smith,17,CO,20/11/2026,01/01/2020,100\n"
        "X100002,Bo,Smith,17,CO,20/11/2026,01/01/1910,100\n"
        "X100003,Cy,Smith,17,CO,20/11/2026,01/01/1990,1001\n"
        "X100004,Di,Smith,17,CO,01/01/1850,01/01/1990,10\n",
        encoding="utf-8",
    )
    with store.sessions() as session:
        report = preview(session, system_actor(session), "cases", path)
    texts = [error.text() for error in report.errors]
    assert texts == [
        "Row 2, date_of_birth '01/01/2020': is not a plausible date of birth: the person would "
        "be 6 years old (10 to 110 are accepted)",
        "Row 3, date_of_birth '01/01/1910': is not a plausible date of birth: the person would "
        "be 116 years old (10 to 110 are accepted)",
        "Row 4, upw_hours_ordered '1001': more hours than any order holds: at most 1,000 are read",
        "Row 5, sentence_date '01/01/1850': not a plausible date: dates from 1900 to 2100 are "
        "read (31/12/9999 means no end date)",
    ]
