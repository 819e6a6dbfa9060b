"""The demo PDU's unpaid work: every view has something real to show (issue 18 point 8)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.db.models import AppUser
from app.db.upw_models import UpwAttendance, UpwPlacement, UpwProject, UpwSession, UpwStandDown
from app.domain.progress import silent
from app.services.core.actor import load_actor
from app.services.core.store import Store, open_store
from app.services.demo import create_demo
from app.services.unpaid_work import attendance, schedule, standdowns
from app.services.unpaid_work.standdown_view import stand_downs_view
from tests.conftest import TODAY


def _demo(store: Store, seed: int = 2) -> None:
    create_demo(store, cases=600, seed=seed, progress=silent())


def _snapshot(store: Store) -> list[Any]:
    with store.sessions() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    UpwSession.day,
                    UpwProject.code,
                    UpwPlacement.person_id,
                    UpwAttendance.outcome,
                    UpwAttendance.work_minutes,
                    UpwStandDown.reason,
                )
                .join(UpwProject, UpwProject.id == UpwSession.project_id)
                .join(UpwPlacement, UpwPlacement.session_id == UpwSession.id)
                .outerjoin(UpwAttendance, UpwAttendance.placement_id == UpwPlacement.id)
                .outerjoin(UpwStandDown, UpwStandDown.session_id == UpwSession.id)
                .order_by(UpwSession.day, UpwProject.code, UpwPlacement.person_id)
            )
        ]


def test_the_demo_has_projects_sessions_attendance_and_stand_downs_of_every_kind(
    store: Store,
) -> None:
    _demo(store)
    with store.sessions() as s:
        types = s.execute(
            select(UpwProject.project_type, func.count()).group_by(UpwProject.project_type)
        ).all()
        assert {t for t, _n in types} == {"GROUP", "INDIVIDUAL", "ETE", "INDUCTION"}
        assert 12 <= sum(n for _t, n in types) <= 20
        first, last = s.execute(select(func.min(UpwSession.day), func.max(UpwSession.day))).one()
        monday = TODAY - timedelta(days=TODAY.weekday())
        assert first == monday - timedelta(weeks=8)
        assert (
            monday + timedelta(weeks=4) <= last + timedelta(days=1) <= monday + timedelta(weeks=5)
        )
        outcomes = {
            o: n
            for o, n in s.execute(
                select(UpwAttendance.outcome, func.count()).group_by(UpwAttendance.outcome)
            )
        }
        assert outcomes["ATTC"] > sum(outcomes.values()) / 2
        assert {"UACP", "AFTC", "AASD"} <= outcomes.keys()
        stood = s.execute(
            select(UpwStandDown.reason, UpwStandDown.notice, UpwStandDown.planned)
        ).all()
        assert len({r for r, _n, _p in stood}) >= 3
        assert {n for _r, n, _p in stood} == {"advance", "on_the_day"}
        assert any(p for _r, _n, p in stood)
        pdu_id = s.scalar(select(UpwProject.pdu_id))
        assert pdu_id is not None
        # The demo's unpaid work manager, who covers the demo PDU, reads it.
        manager = load_actor(s, s.scalar(select(AppUser.id).where(AppUser.username == "upw")))
        people = schedule.bookable_people(s, manager, pdu_id)
        assert any(p.at_risk for p in people) and any(not p.at_risk for p in people)
        grid = schedule.schedule(s, manager, pdu_id, TODAY)
        assert grid.cells and any(c.warnings for c in grid.cells)
        assert standdowns.to_rebook(s, manager, pdu_id)
        assert attendance.practitioner_notices(s, manager, pdu_id)
        view = stand_downs_view(s, manager, pdu_id, TODAY - timedelta(weeks=8), 8)
        assert view.total.sessions_stood_down > 0 and view.total.person_minutes_lost > 0


def test_the_same_seed_on_the_same_day_gives_the_same_unpaid_work(tmp_path: Path) -> None:
    snapshots = []
    for name in ("one", "two"):
        store = open_store(str(tmp_path / f"{name}.sqlite3"))
        try:
            create_demo(store, cases=200, seed=5, progress=silent())
            snapshots.append(_snapshot(store))
        finally:
            store.close()
    assert snapshots[0] and snapshots[0] == snapshots[1]
    assert isinstance(snapshots[0][0][0], date)
