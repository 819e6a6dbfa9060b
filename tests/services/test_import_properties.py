"""Property tests: generated malformed files are refused with a message or read sensibly.

Whatever the bytes (encodings, ragged rows, impossible and implausible dates,
huge values, text in number columns, duplicate keys, empty files, binary
junk, damaged workbooks), an import either succeeds or is refused with a
report; nothing raises but a user's error, and a refused file writes nothing.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.db.models import AuditEntry, Person
from app.services.core.actor import system_actor
from app.services.core.errors import UserError
from app.services.core.store import Store, open_store
from app.services.imports import run_import
from tests import malformed

COLUMNS = [
    "crn", "forename", "surname", "date_of_birth", "pdu", "sentence_type", "sentence_date",
    "release_date", "rosh", "rsr_percent", "ogrs_percent", "upw_hours_ordered", "tier",
    "requirements", "need_drugs", "mappa_level", "Notes",
]  # fmt: skip
CELLS = st.one_of(
    st.sampled_from(
        [
            "X100001", "X100002", "x1", "", " ", "N/A", "17", "Leeds", "CO", "Licence", "SSO",
            "20/11/2026", "31/02/2026", "00/00/0000", "01/01/1800", "01/01/2200", "31/12/9999",
            "2026-11-20", "05-JAN-26", "1e308", "-5", "99999999999", "1,001", "NaN", "inf",
            "High", "Very High", "A3", "B0S", "17", "severe", "UPW;RAR", "M2", "=cmd|' /C calc'!A0",
            "Al\x1b]0;x\x07ex", "Bo\u202eb", "O'Neil", "Zoë", "Łukasz", "x" * 300,
        ]
    ),
    st.text(max_size=20),
)  # fmt: skip
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])


def _csv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in f'"{delimiter}\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(cell(c) for c in row) for row in [header, *rows]]
    return "\r\n".join(lines) + "\r\n"


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=0, max_size=12))
    rows = draw(st.lists(st.lists(CELLS, max_size=14), max_size=12))
    text = _csv(header, rows, draw(st.sampled_from([",", ";", "\t"])))
    encoding = draw(ENCODINGS)
    return text.encode(encoding, errors="replace")


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    kinds = st.sampled_from(["d", "n", "s", "b", "e", "str", "inlineStr", ""])
    cells = st.tuples(st.integers(0, 8), kinds, CELLS)
    rows = draw(st.lists(st.lists(cells, max_size=6), max_size=8))
    damage = draw(st.sampled_from(["none", "cut", "overwrite"]))
    where = draw(st.floats(0, 1))  # drawn before the bytes exist: the zip's timestamps vary
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.xlsx"
        malformed.xlsx_with_sheet(path, _sheet_rows(rows))
        data = path.read_bytes()
    cut = int(where * len(data))
    if damage == "cut":
        return data[:cut]
    if damage == "overwrite":
        return data[:cut] + b"\x00" * 32 + data[cut + 32 :]
    return data


def _escape(text: str) -> str:
    clean = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
    return clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sheet_rows(rows: list[list[tuple[int, str, str]]]) -> Iterator[bytes]:
    for number, row in enumerate(rows, start=2):
        cells = []
        for column, kind, value in row:
            ref = f"{'ABCDEFGHI'[column]}{number}"
            body = _escape(value)
            if kind == "inlineStr":
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{body}</t></is></c>')
            else:
                t = f' t="{kind}"' if kind else ""
                cells.append(f'<c r="{ref}"{t}><v>{body}</v></c>')
        yield f'<row r="{number}">{"".join(cells)}</row>'.encode()


JUNK = st.one_of(
    st.binary(max_size=2000),
    st.just(b""),
    st.just(b"PK\x03\x04" + b"\x00" * 100),
    st.just(b"\xd0\xcf\x11\xe0" + b"\x00" * 100),
    st.binary(max_size=200).map(lambda b: b"PK\x05\x06" + b),
)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(str(tmp_path_factory.mktemp("props") / "store.sqlite3"))
    yield store
    store.close()


def _counts(store: Store) -> tuple[int, int]:
    with store.sessions() as session:
        people = session.scalar(select(func.count()).select_from(Person)) or 0
        entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return people, entries


def _import(store: Store, data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"extract{suffix}"
        path.write_bytes(data)
        before = _counts(store)
        with store.sessions.begin() as session:
            actor = system_actor(session)
        try:
            report = run_import(store.sessions, actor, "cases", path)
        except UserError as refused:
            assert str(refused).strip(), "a refusal says why"
            assert _counts(store) == before
            return
        text = report.text()
        assert "\x1b" not in text and "\u202e" not in text
        if not report.accepted:
            assert report.errors and _counts(store) == before  # nothing half-written


PROPERTY = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(data=csv_files())
def test_a_generated_csv_is_imported_or_refused_with_a_report(
    shared_store: Store, data: bytes
) -> None:
    _import(shared_store, data, ".csv")


@PROPERTY
@given(data=workbooks())
def test_a_generated_or_damaged_workbook_is_imported_or_refused(
    shared_store: Store, data: bytes
) -> None:
    _import(shared_store, data, ".xlsx")


@PROPERTY
@given(data=JUNK, suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_binary_junk_and_empty_files_are_refused_in_a_sentence(
    shared_store: Store, data: bytes, suffix: str
) -> None:
    _import(shared_store, data, suffix)


def test_a_zip_bomb_among_them_is_refused_and_writes_nothing(shared_store: Store) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 5_000_000)
    _import(shared_store, buffer.getvalue(), ".xlsx")
