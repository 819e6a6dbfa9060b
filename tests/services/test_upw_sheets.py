"""The week's session sheets: an A4 PDF per session, marked, with what the supervisor needs."""

from __future__ import annotations

import io
from datetime import date, time

from pypdf import PdfReader

from app.domain.unpaid_work import Notice, StandDownReason
from app.exports.session_sheets import MARKING, SessionSheet, SheetPerson, session_sheets_pdf
from app.services.unpaid_work import booking, sheets, standdowns
from tests.services import upw_helpers as h


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_sheet_is_a4_with_the_marking_the_font_embedded_and_reproducible() -> None:
    sheet = SessionSheet(
        "Canal clearance",
        "Group placement",
        "Lock 4, Leeds",
        "Canal trust",
        date(2026, 11, 28),
        time(9),
        time(16),
        "Sam Sup",
        8,
        (SheetPerson("Łukasz Nowak", "X123456"),),
    )
    pdf = session_sheets_pdf([sheet])
    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4 in points
    assert b"FontFile2" in pdf and b"DejaVuSans" in pdf  # a TrueType font, embedded
    assert pdf == session_sheets_pdf([sheet])
    (page,) = _pages(pdf)
    assert page.count(MARKING) == 2 and MARKING == "OFFICIAL-SENSITIVE"
    for text in ("Canal clearance", "28/11/2026, 09:00 to 16:00", "Lock 4, Leeds", "Sam Sup"):
        assert text in page
    assert "Łukasz Nowak" in page and "X123456" in page
    assert "RoSH" not in page  # only what the supervisor needs


def test_the_week_writes_a_sheet_per_open_session_with_the_people_booked(session, tmp_path) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id, name="Canal clearance")
    saturday = h.upw_session(session, p, date(2026, 11, 28), supervisor_id=upw.supervisor_id)
    sunday = h.upw_session(session, p, date(2026, 11, 29))
    pid, _ = h.person(session, upw.pdu_id, surname="Adams")
    booking.book(session, upw.manager, saturday.id, 1, pid)
    standdowns.stand_down_session(
        session, upw.admin, sunday.id, 1, StandDownReason.WEATHER, Notice.ADVANCE
    )
    found = sheets.week_sheets(session, upw.manager, upw.pdu_id, date(2026, 11, 25))
    assert [(s.day, s.supervisor, [x.name for x in s.people]) for s in found] == [
        (date(2026, 11, 28), "Sam Sup", ["Alex Adams"]),
        (date(2026, 11, 29), "", []),
    ]
    written = sheets.write_week_sheets(
        session, upw.manager, upw.pdu_id, date(2026, 11, 25), tmp_path
    )
    assert [w.name for w in written] == ["2026-11-28-0900-canal-clearance.pdf"]
    (page,) = _pages(written[0].read_bytes())
    assert "Alex Adams" in page and "Booked: 1 of 6 places" in page
    assert found[0].people[0].crn.startswith("X")
