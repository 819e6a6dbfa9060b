"""The saved database of the previous schema upgrades through the unpaid work revision.

Its sentences that order unpaid work hours come out with their requirement
records, hours in minutes as the extract gave them, and the app's unpaid work
then works on them.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import func, select

from app.db import migrate
from app.db.models import Event, Person
from app.db.upw_models import UpwRequirement
from app.services.core.actor import system_actor
from app.services.core.store import open_store
from app.services.unpaid_work import schedule, summary

SAVED = Path(__file__).resolve().parents[1] / "fixtures" / "schema_0001.sqlite3"


def test_the_0001_database_upgrades_with_a_requirement_for_each_unpaid_work_sentence(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(SAVED, copy)
    with sqlite3.connect(copy) as conn:
        before = conn.execute(
            "SELECT id, person_id, upw_hours_ordered, upw_hours_completed FROM event "
            "WHERE upw_hours_ordered > 0 ORDER BY id"
        ).fetchall()
    conn.close()
    assert before, "the saved database has unpaid work sentences to carry over"
    store = open_store(str(copy))
    try:
        assert migrate.schema_state(store.engine) == "current"
        with store.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Person)) == 40
            rows = session.execute(
                select(
                    UpwRequirement.event_id,
                    UpwRequirement.person_id,
                    UpwRequirement.ordered_minutes,
                    UpwRequirement.extract_completed_minutes,
                ).order_by(UpwRequirement.event_id)
            ).all()
            expected = [
                (e, p, round(o * 60), None if d is None else round(d * 60)) for e, p, o, d in before
            ]
            assert [tuple(r) for r in rows] == expected
            person_id = before[0][1]
            pdu_id = session.scalar(select(Person.pdu_id).where(Person.id == person_id))
            assert pdu_id is not None
            system = system_actor(session)
            found = summary.person_summary(session, system, person_id).requirements
            assert found and found[0].hours.ordered_minutes == round(before[0][2] * 60)
            assert schedule.bookable_people(session, system, pdu_id) is not None
            assert session.scalar(select(func.count()).select_from(Event)) == 43
    finally:
        store.close()
