"""The audit log in Administration: filters, an entry opened, exports (SPEC.md 1, 4.8, 9)."""

from __future__ import annotations

import csv
import json
import os
import stat
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry
from app.domain.codes import Role
from app.domain.report import neutralise_formula as neutralise
from app.services.admin import audit_log
from app.services.admin.audit_log import AuditFilter, action_label
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import UserError
from tests import factories as f

NASTY = '=HYPERLINK("http://x","click")'


@pytest.fixture
def logged(session: Session, head: Actor) -> Actor:
    """A few entries by two people; one about a case, one with a formula in it."""
    ada = f.actor(session, Role.ADMIN, username="ada", name="Ada Admin")
    case = f.case(session, f.pdu(session).id)
    audit.record(
        session,
        head,
        "case.allocated",
        "case",
        case.crn,
        summary=f"{case.crn} allocated",
        before=None,
        after={"practitioner": "Priya Shah", "start_date": date(2026, 11, 24)},
    )
    audit.record(session, ada, "import", "case", "", summary=NASTY, extra={"file_hash": "abc"})
    audit.record(
        session,
        head,
        "team.renamed",
        "team",
        "4",
        summary="Team renamed Team East",
        before={"name": "Team North"},
        after={"name": "Team East"},
    )
    session.commit()
    return ada


def test_the_log_filters_by_user_action_and_record(
    session: Session, head: Actor, logged: Actor
) -> None:
    everything = audit_log.search(session, head, AuditFilter())
    assert everything.total == 3
    assert [r.action for r in everything.rows] == [
        "Team renamed",
        "Extract imported",
        "Case allocated",
    ]
    by_ada = audit_log.search(session, head, AuditFilter(username="ada"))
    assert [r.who for r in by_ada.rows] == ["Ada Admin (ada)"]
    renamed = audit_log.search(session, head, AuditFilter(action="team.renamed"))
    assert [r.record for r in renamed.rows] == ["Team 4"]
    crn = everything.rows[-1].record.removeprefix("Case ")
    assert audit_log.search(session, head, AuditFilter(record=crn.lower())).total == 1
    choices = audit_log.choices(session, head)
    assert ("ada", "Ada Admin (ada)") in choices.users
    assert ("case.allocated", "Case allocated") in choices.actions


def test_the_log_filters_by_date(session: Session, head: Actor, logged: Actor) -> None:
    today = date(2026, 11, 25)
    assert audit_log.search(session, head, AuditFilter(date_from=today, date_to=today)).total == 3
    assert audit_log.search(session, head, AuditFilter(date_to=date(2026, 11, 24))).total == 0
    assert audit_log.search(session, head, AuditFilter(date_from=date(2026, 11, 26))).total == 0
    with pytest.raises(UserError, match="after the last"):
        audit_log.search(session, head, AuditFilter(date_from=today, date_to=date(2026, 1, 1)))


def test_an_entry_opens_with_before_and_after_and_its_case(
    session: Session, head: Actor, logged: Actor
) -> None:
    entries = {e.action: e for e in session.scalars(select(AuditEntry))}
    renamed = audit_log.detail(session, head, entries["team.renamed"].id)
    assert [(c.field, c.before, c.after) for c in renamed.changes] == [
        ("name", "Team North", "Team East")
    ]
    assert renamed.case_id is None and renamed.hash == entries["team.renamed"].hash
    allocated = audit_log.detail(session, head, entries["case.allocated"].id)
    assert ("start date", "", "24/11/2026") in [
        (c.field, c.before, c.after) for c in allocated.changes
    ]
    assert allocated.case_id is not None
    imported = audit_log.detail(session, head, entries["import"].id)
    assert imported.other == (("file hash", "abc"),)


def test_actions_are_shown_in_words_never_as_codes() -> None:
    assert action_label("case.allocated") == "Case allocated"
    assert action_label("something.new_thing") == "Something new thing"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_would_start_a_formula_is_made_inert(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("plain") == "plain"


def _private(path: Path) -> bool:
    if sys.platform == "win32":  # pragma: no cover - modes are POSIX
        return True
    return stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_csv_export_is_private_neutralised_and_audited(
    session: Session, head: Actor, logged: Actor, tmp_path: Path
) -> None:
    target = tmp_path / "log.csv"
    target.write_text("an older export")
    os.chmod(target, 0o644)
    old = os.umask(0o022)  # a usual umask: the export must not depend on it
    try:
        assert audit_log.export(session, head, AuditFilter(), target) == 3
    finally:
        os.umask(old)
    assert _private(target)
    with target.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    assert rows[0][:4] == ["When (UTC)", "Who", "Computer login", "Action"]
    summaries = [r[5] for r in rows[1:]]
    assert "'" + NASTY in summaries and NASTY not in summaries
    assert json.loads(rows[1][6])["after"]["practitioner"] == "Priya Shah"
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.exported"))
    assert entry.user_id == head.user_id and "3 audit entries" in entry.summary
    assert not list(tmp_path.glob("*.part"))


def test_the_xlsx_export_is_private_and_neutralised(
    session: Session, head: Actor, logged: Actor, tmp_path: Path
) -> None:
    target = tmp_path / "log.xlsx"
    assert audit_log.export(session, head, AuditFilter(username="ada"), target) == 1
    assert _private(target)
    sheet = load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if "Who" in row)
    who, summary = values[header].index("Who"), values[header].index("Summary")
    assert values[header + 1][who] == "Ada Admin (ada)"
    assert values[header + 1][summary] == "'" + NASTY


def test_an_export_to_another_kind_of_file_is_refused(
    session: Session, head: Actor, logged: Actor, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match=r"\.csv or \.xlsx"):
        audit_log.export(session, head, AuditFilter(), tmp_path / "log.txt")
    assert not (tmp_path / "log.txt").exists()
