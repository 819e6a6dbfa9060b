"""Importing unpaid work projects and sessions with attendance (SPEC.md 5, issue 18 point 7)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEntry, Person, Staff
from app.db.upw_models import UpwAttendance, UpwPlacement, UpwProject, UpwSession, UpwStandDown
from app.domain.codes import Role
from app.services.core.errors import PermissionDenied
from app.services.imports import run_import
from app.services.imports.upw_common import NO_PDU
from tests import factories
from tests.services import upw_helpers as h

PROJECTS = [
    "project_code",
    "name",
    "type",
    "places",
    "days",
    "start_time",
    "end_time",
    "women_only",
    "high_rosh_suitable",
    "beneficiary",
    "address",
]
SESSIONS = [
    "project_code",
    "date",
    "supervisor_code",
    "crn",
    "outcome",
    "start_time",
    "end_time",
    "penalty_minutes",
    "stand_down_reason",
    "stand_down_notice",
]


def _csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_projects_import_adds_then_changes_and_again_changes_nothing(store, tmp_path) -> None:
    with store.sessions.begin() as s:
        upw = h.setup(s)
    rows = [
        [
            "CAN1",
            "Canal clearance",
            "Group",
            8,
            "Sat,Sun",
            "09:00",
            "16:00",
            "N",
            "N",
            "Canal trust",
            "Lock 4, Leeds",
        ],
        ["WOM1", "Women's garden", "Individual", 4, "Mon-Fri", "10:00", "15:00", "Y", "N", "", ""],
    ]
    file = _csv(tmp_path / "projects.csv", PROJECTS, rows)
    report = run_import(store.sessions, upw.manager, "upw-projects", file)
    assert (report.accepted, report.added, report.changed) == (True, 2, 0)
    again = run_import(store.sessions, upw.manager, "upw-projects", file)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    rows[0][3] = 10
    changed = run_import(
        store.sessions, upw.manager, "upw-projects", _csv(tmp_path / "p2.csv", PROJECTS, rows)
    )
    assert changed.changed == 1
    with store.sessions() as s:
        canal = s.scalar(select(UpwProject).where(UpwProject.code == "CAN1"))
        assert canal is not None
        assert (canal.places, canal.days, canal.start_time, canal.project_type) == (
            10,
            "5,6",
            time(9),
            "GROUP",
        )
        imports = s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "upw-projects")
        ).all()
        assert imports == ["import", "import"]  # the unchanged re-import left none


def test_a_projects_file_for_no_named_pdu_is_refused_when_several_are_in_use(
    store, tmp_path
) -> None:
    with store.sessions.begin() as s:
        upw = h.setup(s)
        factories.team(s, factories.pdu(s, 18).id, "Elsewhere")
    file = _csv(tmp_path / "p.csv", PROJECTS, [["A1", "A", "Group", 5, "", "", "", "", "", "", ""]])
    report = run_import(store.sessions, upw.manager, "upw-projects", file)
    assert not report.accepted and NO_PDU in report.text()
    assert run_import(store.sessions, upw.manager, "upw-projects", file, pdu="17").accepted


def _world(store):  # type: ignore[no-untyped-def]
    with store.sessions.begin() as s:
        upw = h.setup(s)
        p = h.project(s, upw.pdu_id)
        a, _ = h.person(s, upw.pdu_id, surname="Adams")
        b, _ = h.person(s, upw.pdu_id, surname="Brown")
        done, req = h.person(s, upw.pdu_id, surname="Done")
        req.completed_on = date(2026, 10, 1)
        crns = {pid: s.get(Person, pid).crn for pid in (a, b, done)}  # type: ignore[union-attr]
        sup = s.get(Staff, upw.supervisor_id).staff_code  # type: ignore[union-attr]
        return upw, p.code, crns[a], crns[b], crns[done], sup


def test_a_bad_sessions_file_is_refused_naming_every_bad_row(store, tmp_path) -> None:
    upw, code, adams, brown, done, sup = _world(store)
    rows = [
        [code, "21/11/2026", sup, adams, "XXXX", "", "", "", "", ""],
        [code, "21/11/2026", sup, done, "ATTC", "", "", "", "", ""],
        [code, "21/11/2026", "ZZZ999", brown, "ATTC", "", "", "", "", ""],
        [code, "22/11/2026", sup, brown, "ATTC", "15:00", "10:00", "", "", ""],
        [code, "30/11/2026", sup, brown, "ATTC", "", "", "", "", ""],
    ]
    report = run_import(
        store.sessions, upw.admin, "upw-sessions", _csv(tmp_path / "s.csv", SESSIONS, rows)
    )
    assert not report.accepted
    text = report.text()
    assert "Row 2, outcome 'XXXX'" in text
    assert f"Row 3, crn '{done}': has no unpaid work requirement running" in text
    assert "Row 4, supervisor_code 'ZZZ999': is not a staff code of anyone known" in text
    assert "Row 5, end_time '10:00': is not after the start time 15:00" in text
    assert "Row 6, outcome 'ATTC'" in text and "has not happened yet" in text
    with store.sessions() as s:
        assert _count(s, UpwSession) == 0 and _count(s, UpwPlacement) == 0


def test_sessions_import_credits_attendance_stands_down_and_again_changes_nothing(
    store, tmp_path
) -> None:
    upw, code, adams, brown, _done, sup = _world(store)
    rows = [
        [code, "21/11/2026", sup, adams, "ATTC", "09:00", "16:00", "30", "", ""],
        [code, "21/11/2026", sup, brown, "UACP", "", "", "", "", ""],
        [code, "22/11/2026", sup, adams, "AASD", "", "", "", "weather", "advance"],
        [code, "22/11/2026", sup, brown, "AASD", "", "", "", "weather", "advance"],
        [code, "29/11/2026", sup, adams, "", "", "", "", "", ""],
    ]
    file = _csv(tmp_path / "s.csv", SESSIONS, rows)
    report = run_import(store.sessions, upw.admin, "upw-sessions", file)
    assert report.accepted and report.added == 5, report.text()
    with store.sessions() as s:
        assert _count(s, UpwSession) == 3 and _count(s, UpwPlacement) == 5
        credits = s.execute(
            select(
                UpwAttendance.outcome, UpwAttendance.work_minutes, UpwAttendance.notice_due
            ).order_by(UpwAttendance.id)
        ).all()
        assert [tuple(c) for c in credits] == [
            ("ATTC", 390, None),
            ("UACP", 0, date(2026, 11, 23)),
            ("AASD", 0, None),
            ("AASD", 0, None),
        ]
        stood = s.scalar(select(UpwStandDown))
        assert stood is not None
        assert (stood.reason, stood.notice, stood.people_affected, stood.person_minutes_lost) == (
            "weather",
            "advance",
            2,
            840,
        )
    again = run_import(store.sessions, upw.admin, "upw-sessions", file)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 5)
    with store.sessions() as s:
        assert _count(s, UpwAttendance) == 4 and _count(s, UpwStandDown) == 1


def test_only_the_unpaid_work_roles_import_unpaid_work_files(store, tmp_path) -> None:
    with store.sessions.begin() as s:
        h.setup(s)
        spo = h.actor(s, Role.SPO)
        head = h.actor(s, Role.HEAD_OF_PDU)
    file = _csv(tmp_path / "p.csv", PROJECTS, [["A1", "A", "Group", 5, "", "", "", "", "", "", ""]])
    for who in (spo, head):
        with pytest.raises(PermissionDenied):
            run_import(store.sessions, who, "upw-projects", file)
