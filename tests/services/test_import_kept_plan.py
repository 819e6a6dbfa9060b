"""A previewed file is imported from its preview's plan while nothing has changed (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import CaseloadRow, Person
from app.services.core.actor import Actor
from app.services.core.store import Store
from app.services.imports import service
from app.services.imports.kept import forget
from tests.services.test_imports import CASE_HEADER, case_row, count, run, staffed, write_csv

__all__ = ["staffed"]  # the fixture, shared with the import tests


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    forget()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the import reads whole, in order."""
    seen: list[Path] = []
    read = service.read_table

    def counting(path: Path):  # type: ignore[no-untyped-def]
        seen.append(path)
        return read(path)

    monkeypatch.setattr(service, "read_table", counting)
    return seen


def _crns(store: Store) -> list[str]:
    with store.sessions() as session:
        return list(session.scalars(select(CaseloadRow.crn).order_by(CaseloadRow.crn)))


def test_the_import_after_a_preview_applies_its_plan_without_reading_the_file_again(
    staffed: Store, head: Actor, tmp_path: Path, reads: list[Path]
) -> None:
    path = write_csv(tmp_path / "c.csv", CASE_HEADER, [case_row(), case_row("X100002")])
    previewed = run(staffed, head, "cases", path, dry_run=True)
    assert previewed.accepted and count(staffed, Person) == 0
    report = run(staffed, head, "cases", path, expected_hash=previewed.file_hash)
    assert reads == [path]
    assert report.applied and report.added == 2 and len(report.person_ids) == 2
    assert _crns(staffed) == ["X100001", "X100002"]
    again = run(staffed, head, "cases", path)  # the plan is used once: this reads afresh
    assert reads == [path, path] and not again.has_changes


def test_a_change_to_the_records_after_the_preview_makes_the_import_plan_afresh(
    staffed: Store, head: Actor, tmp_path: Path, reads: list[Path]
) -> None:
    path = write_csv(tmp_path / "c.csv", CASE_HEADER, [case_row("X100002")])
    previewed = run(staffed, head, "cases", path, dry_run=True)
    assert previewed.added == 1
    other = write_csv(tmp_path / "other.csv", CASE_HEADER, [case_row("X100002")])
    assert run(staffed, head, "cases", other).added == 1  # someone imports the case first
    report = run(staffed, head, "cases", path, expected_hash=previewed.file_hash)
    assert reads == [path, other, path]
    assert report.applied and (report.added, report.unchanged) == (0, 1)
    assert _crns(staffed) == ["X100002"]


def test_ending_missing_cases_ticked_after_the_preview_is_planned_from_the_checked_rows(
    staffed: Store, head: Actor, tmp_path: Path, reads: list[Path]
) -> None:
    first = write_csv(tmp_path / "a.csv", CASE_HEADER, [case_row(), case_row("X100002")])
    run(staffed, head, "cases", first)
    path = write_csv(tmp_path / "b.csv", CASE_HEADER, [case_row()])
    previewed = run(staffed, head, "cases", path, dry_run=True)
    assert previewed.missing and not previewed.ended
    report = run(staffed, head, "cases", path, end_missing=True, expected_hash=previewed.file_hash)
    assert reads == [first, path]
    assert report.applied and report.ended == 1
    with staffed.sessions() as session:
        ended = session.scalar(select(Person.ended_on).where(Person.crn == "X100002"))
    assert ended is not None
