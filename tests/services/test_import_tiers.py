"""An import never overrules NDelius silently (SPEC.md 5, issue 16 point 2).

The tier in the extract stands; where the row also carries assessment inputs
and the calculation gives another tier, the preview names both and the import
raises a review item. A missing assessment date is stored as missing, so the
case has no valid assessment (DOMAIN.md 3a), and the preview says so.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import Assessment, AuditEntry, CaseloadRow, Person, ReviewItem, TierRecord
from app.services.allocation import queue as allocation_queue
from app.services.caseload import tiers
from app.services.core.actor import Actor
from app.services.core.store import Store
from app.services.imports import ImportReport
from tests.services.test_imports import (
    CASE_HEADER,
    STAFF,
    STAFF_HEADER,
    case_row,
    run,
    write_csv,
)

ASSESSED = [*CASE_HEADER, "ogrs_percent", "assessment_date", "tier"]
DATED = "01/10/2026"


@pytest.fixture
def staff_known(store: Store, head: Actor, tmp_path: Path) -> Store:
    report = run(store, head, "staff", write_csv(tmp_path / "staff.csv", STAFF_HEADER, STAFF))
    assert report.accepted, report.text()
    return store


def _row(crn: str, rosh: str, ogrs: str, assessed: str, tier: str) -> list[object]:
    return [*case_row(crn, rosh=rosh), ogrs, assessed, tier]


def _differing_file(tmp_path: Path) -> Path:
    rows = [
        # RoSH Medium 10 -> C; OGRS 35% -> 3 change points -> level 1: C1, not C2
        _row("X100001", "Medium", "35", DATED, "C2"),
        # RoSH High 20 -> B; OGRS 45% -> 4 change points -> level 1: B1, not B3
        _row("X100002", "High", "45", DATED, "B3"),
        _row("X100003", "Medium", "35", DATED, "C1"),  # the extract agrees
        _row("X100004", "Medium", "35", DATED, ""),  # no tier: calculated
    ]
    return write_csv(tmp_path / "tiers.csv", ASSESSED, rows)


def _latest_tiers(store: Store) -> dict[str, tuple[str | None, str]]:
    with store.sessions() as session:
        rows = session.execute(
            select(Person.crn, TierRecord.tier, TierRecord.source)
            .join(Person, Person.id == TierRecord.person_id)
            .order_by(TierRecord.id)
        )
        return {crn: (tier, source) for crn, tier, source in rows}


def _open_reviews(store: Store) -> list[tuple[str, str, str]]:
    with store.sessions() as session:
        rows = session.execute(
            select(Person.crn, ReviewItem.kind, ReviewItem.detail)
            .join(Person, Person.id == ReviewItem.person_id)
            .where(ReviewItem.resolved_on.is_(None))
            .order_by(Person.crn)
        )
        return [(crn, kind, detail) for crn, kind, detail in rows]


def _findings(report: ImportReport, kind: str) -> dict[str, str]:
    return {f.key: f.detail for f in report.findings if f.kind == kind}


def test_the_preview_names_both_tiers_with_the_calculations_points_and_writes_nothing(
    staff_known: Store, head: Actor, tmp_path: Path
) -> None:
    report = run(staff_known, head, "cases", _differing_file(tmp_path), dry_run=True)
    assert report.accepted and not report.applied, report.text()
    assert _findings(report, "tier_differs") == {
        "X100001": "tier C2 in the extract, C1 by the calculation "
        "(protect 10 points, change 3 points): the extract's tier stands",
        "X100002": "tier B3 in the extract, B1 by the calculation "
        "(protect 20 points, change 4 points): the extract's tier stands",
    }
    text = report.text()
    assert "The tier in the extract differs from the calculation for 2 cases" in text
    assert "X100001 (TESTCASE, Alex): tier C2 in the extract, C1 by the calculation" in text
    assert "X100003" not in text and "X100004" not in text
    assert _latest_tiers(staff_known) == {} and _open_reviews(staff_known) == []


def test_the_extract_tier_stands_and_a_difference_goes_to_the_desks_reviews(
    staff_known: Store, head: Actor, tmp_path: Path
) -> None:
    report = run(staff_known, head, "cases", _differing_file(tmp_path))
    assert report.applied and report.added == 4, report.text()
    assert set(_findings(report, "tier_differs")) == {"X100001", "X100002"}
    assert _latest_tiers(staff_known) == {
        "X100001": ("C2", "imported"),
        "X100002": ("B3", "imported"),
        "X100003": ("C1", "imported"),
        "X100004": ("C1", "computed"),
    }
    assert _open_reviews(staff_known) == [
        (
            "X100001",
            tiers.REVIEW_TIER_DIFFERS,
            "Tier in the extract (C2) differs from the calculation (C1: protect 10 points, "
            "change 3 points): the extract's tier stands; check the assessment in NDelius",
        ),
        (
            "X100002",
            tiers.REVIEW_TIER_DIFFERS,
            "Tier in the extract (B3) differs from the calculation (B1: protect 20 points, "
            "change 4 points): the extract's tier stands; check the assessment in NDelius",
        ),
    ]
    with staff_known.sessions() as session:
        pdu_id = session.scalars(select(Person.pdu_id)).first()
        assert pdu_id is not None
        listed = allocation_queue.reviews(session, pdu_id)
        assert [(r.kind_label, r.case.crn, r.case.risk.tier) for r in listed] == [
            ("Extract tier differs", "X100001", "C2"),
            ("Extract tier differs", "X100002", "B3"),
        ]
        row = session.scalars(select(CaseloadRow).where(CaseloadRow.crn == "X100002")).one()
        assert (row.tier, row.open_reviews) == ("B3", 1)
        record = session.scalars(
            select(TierRecord).where(TierRecord.person_id == row.person_id)
        ).one()
        assert record.explanation.splitlines() == [
            "Tier from the extract.",
            "The calculation on the extract's assessment gives B1: protect 20 points, "
            "change 4 points.",
        ]
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.action == "import"
        assert set(json.loads(entry.changes)["tier_differs"]) == {"X100001", "X100002"}


def test_importing_the_same_file_again_raises_no_second_review(
    staff_known: Store, head: Actor, tmp_path: Path
) -> None:
    run(staff_known, head, "cases", _differing_file(tmp_path))
    again = run(staff_known, head, "cases", _differing_file(tmp_path))
    assert (again.changed, again.unchanged) == (0, 4)
    assert set(_findings(again, "tier_differs")) == {"X100001", "X100002"}  # still named
    assert len(_open_reviews(staff_known)) == 2


def test_a_blank_tier_after_an_extract_tier_is_calculated_and_the_preview_says_so(
    staff_known: Store, head: Actor, tmp_path: Path
) -> None:
    run(staff_known, head, "cases", _differing_file(tmp_path))
    rows = [_row("X100001", "Medium", "35", DATED, "")]
    path = write_csv(tmp_path / "blank.csv", ASSESSED, rows)
    preview = run(staff_known, head, "cases", path, dry_run=True)
    [change] = [c for c in preview.changes if c.key == "X100001"]
    assert [(f.field, f.before, f.after) for f in change.fields] == [
        ("tier", "C2", "C1 (calculated)")
    ]
    run(staff_known, head, "cases", path)
    assert _latest_tiers(staff_known)["X100001"] == ("C1", "computed")


def test_a_missing_assessment_date_is_stored_as_missing_and_named(
    staff_known: Store, head: Actor, tmp_path: Path
) -> None:
    """Today's import date is never put in its place: the case has no valid assessment."""
    header = [*CASE_HEADER, "ogrs_percent", "need_attitudes", "assessment_date"]
    rows = [
        [*case_row("X100001"), "35", "standard", ""],
        [*case_row("X100002"), "35", "standard", DATED],
    ]
    report = run(staff_known, head, "cases", write_csv(tmp_path / "a.csv", header, rows))
    assert report.applied, report.text()
    # No date column at all: the same (an extract rarely carries the whole assessment).
    header = [*CASE_HEADER, "ogrs_percent", "tier"]
    rows = [[*case_row("X100003"), "35", "C1"]]
    other = run(staff_known, head, "cases", write_csv(tmp_path / "b.csv", header, rows))
    assert other.applied, other.text()

    assert set(_findings(report, "no_assessment_date")) == {"X100001"}
    assert set(_findings(other, "no_assessment_date")) == {"X100003"}
    assert "1 assessment without an assessment date" in report.text()
    assert "X100001 (TESTCASE, Alex): an assessment with needs or OGRS" in report.text()
    # The undated assessment is not valid: change level 2 by default (DOMAIN.md 3a).
    assert _findings(other, "tier_differs") == {
        "X100003": "tier C1 in the extract, C2 by the calculation (protect 10 points, "
        "change 0 points; the assessment has no date, so it is not valid): the extract's "
        "tier stands"
    }
    with staff_known.sessions() as session:
        dates = dict(
            session.execute(
                select(Person.crn, Assessment.assessment_date).join(
                    Person, Person.id == Assessment.person_id
                )
            ).all()
        )
        full = session.scalar(select(func.count()).where(Assessment.has_full_assessment.is_(True)))
    assert dates == {"X100001": None, "X100002": date(2026, 10, 1), "X100003": None}
    assert full == 3
    assert _latest_tiers(staff_known) == {
        "X100001": ("C2", "computed"),  # attitudes 2 + OGRS 3 would be C1, if it were dated
        "X100002": ("C1", "computed"),
        "X100003": ("C1", "imported"),
    }


def test_a_file_silent_on_the_date_never_dates_new_needs_with_an_old_date(
    staff_known: Store, head: Actor, tmp_path: Path
) -> None:
    dated = [*CASE_HEADER, "ogrs_percent", "need_attitudes", "assessment_date"]
    first = [[*case_row("X100001"), "35", "standard", DATED]]
    run(staff_known, head, "cases", write_csv(tmp_path / "a.csv", dated, first))
    silent = [*CASE_HEADER, "ogrs_percent", "need_attitudes"]
    later = [[*case_row("X100001"), "35", "severe"]]  # new needs, no date given
    report = run(staff_known, head, "cases", write_csv(tmp_path / "b.csv", silent, later))
    assert set(_findings(report, "no_assessment_date")) == {"X100001"}
    with staff_known.sessions() as session:
        dates = session.scalars(select(Assessment.assessment_date).order_by(Assessment.id)).all()
    assert dates == [date(2026, 10, 1), None]
    assert _latest_tiers(staff_known)["X100001"] == ("C2", "computed")  # no valid assessment
