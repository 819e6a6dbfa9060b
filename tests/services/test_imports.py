"""Importing staff and caseload extracts (app/services/imports; SPEC.md 5).

Every file here is written by the test with synthetic names only.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from app.db.models import (
    Allocation,
    Assessment,
    AuditEntry,
    CaseloadRow,
    Event,
    Person,
    Pod,
    ReviewItem,
    Staff,
    Team,
    TierRecord,
)
from app.domain.progress import Cancelled, Progress
from app.services.allocation import queue as allocation_queue
from app.services.core.actor import Actor
from app.services.core.errors import ConflictError, PermissionDenied
from app.services.core.store import Store
from app.services.imports import FileChanged, ImportReport, RowError, preview, run_import
from app.services.imports.cases import CaseImport
from app.services.imports.staff import StaffImport

STAFF_HEADER = ["staff_code", "forename", "surname", "grade", "pdu", "team", "pod", "gender"]
STAFF = [
    ["N07A001", "Ada", "Fielding", "PO", "17", "Team North", "POD 1", "F"],
    ["N07A002", "Ben", "Marsh", "PSO", "17", "Team North", "POD 1", "M"],
    ["N07A003", "Cara", "Holt", "PO", "17", "Team South", "", "F"],
]
CASE_HEADER = [
    "crn", "forename", "surname", "date_of_birth", "gender", "pdu", "sentence_type",
    "sentence_date", "requirements", "rosh", "practitioner_code", "allocation_date",
]  # fmt: skip


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *, bom: bool = False
) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def case_row(crn: str = "X100001", **overrides: object) -> list[object]:
    values: dict[str, object] = {
        "crn": crn,
        "forename": "Alex",
        "surname": "Testcase",
        "date_of_birth": "01/02/1990",
        "gender": "M",
        "pdu": "17",
        "sentence_type": "CO",
        "sentence_date": "20/11/2026",
        "requirements": "RAR",
        "rosh": "Medium",
        "practitioner_code": "N07A001",
        "allocation_date": "21/11/2026",
    }
    values.update(overrides)
    return [values[name] for name in CASE_HEADER]


def run(store: Store, actor: Actor, kind: str, path: Path, **options: Any) -> ImportReport:
    return run_import(store.sessions, actor, kind, path, **options)


def count(store: Store, model: Any) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def staffed(store: Store, head: Actor, tmp_path: Path) -> Store:
    """A store whose PDU 17 has the three staff of ``STAFF``, imported."""
    report = run(store, head, "staff", write_csv(tmp_path / "staff.csv", STAFF_HEADER, STAFF))
    assert report.accepted, report.text()
    return store


# --- staff ---------------------------------------------------------------------------


def test_staff_import_creates_staff_teams_and_pods(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "staff.csv", STAFF_HEADER, STAFF)
    report = run(store, head, "staff", path)
    assert report.accepted and report.applied
    assert (report.added, report.changed, report.unchanged) == (3, 0, 0)
    assert any("Team South" in note for note in report.notes)
    with store.sessions() as session:
        teams = {t.name: t for t in session.scalars(select(Team))}
        assert set(teams) == {"Team North", "Team South"}
        pod = session.scalars(select(Pod)).one()
        assert (pod.name, pod.team_id) == ("POD 1", teams["Team North"].id)
        ada = session.scalars(select(Staff).where(Staff.staff_code == "N07A001")).one()
        assert (ada.grade, ada.team_id, ada.pod_id) == ("PO", teams["Team North"].id, pod.id)
        cara = session.scalars(select(Staff).where(Staff.staff_code == "N07A003")).one()
        assert (cara.team_id, cara.pod_id) == (teams["Team South"].id, None)


def test_staff_codes_repeated_with_different_details_refuse_the_file(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [*STAFF, ["N07A001", "Ada", "Fielding", "PSO", "17", "Team North", "POD 1", "F"]]
    report = run(store, head, "staff", write_csv(tmp_path / "s.csv", STAFF_HEADER, rows))
    assert not report.accepted
    assert [(e.row, e.column, e.value) for e in report.errors] == [(5, "grade", "PSO")]
    assert "disagrees with row 2" in report.errors[0].reason
    assert count(store, Staff) == 0


def test_staff_reimport_updates_only_what_changed(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [list(r) for r in STAFF]
    rows[1][5:7] = ["Team South", ""]  # Ben moves team, so leaves his POD
    report = run(staffed, head, "staff", write_csv(tmp_path / "s2.csv", STAFF_HEADER, rows))
    assert (report.added, report.changed, report.unchanged) == (0, 1, 2)
    [change] = [c for c in report.changes if c.action == "changed"]
    assert change.key == "N07A002"
    assert {f.field: (f.before, f.after) for f in change.fields} == {
        "team": ("Team North", "Team South"),
        "pod": ("POD 1", None),
    }


# --- caseload: what is written --------------------------------------------------------


def test_caseload_import_writes_people_events_allocations_and_tiers(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    header = [
        *CASE_HEADER, "rsr_percent", "ogrs_percent", "complexity_factors", "iom_nominal",
        "need_accommodation", "need_drugs", "need_thinking_behaviour", "need_attitudes",
        "assessment_date",
    ]  # fmt: skip
    assessed = ["8.5", "67", "Mental health", "Y", "severe", "standard", "severe", "standard"]
    rows = [
        [*case_row("X100001", rosh="High"), *assessed, "01/10/2026"],
        [*case_row("X100002", surname="Second", rosh="", practitioner_code=""), *[""] * 9],
    ]
    report = run(staffed, head, "cases", write_csv(tmp_path / "cases.csv", header, rows))
    assert report.accepted and report.applied, report.text()
    assert (report.added, report.changed, report.unchanged) == (2, 0, 0)
    with staffed.sessions() as session:
        person = session.scalars(select(Person).where(Person.crn == "X100001")).one()
        assert (person.forename, person.date_of_birth, person.pdu_id) == (
            "Alex",
            date(1990, 2, 1),
            person.pdu_id,
        )
        event = session.scalars(select(Event).where(Event.person_id == person.id)).one()
        assert (event.sentence_type, event.sentence_date, event.requirements) == (
            "CO",
            date(2026, 11, 20),
            "RAR",
        )
        allocation = session.scalars(select(Allocation)).one()
        assert (allocation.person_id, allocation.start_date) == (person.id, date(2026, 11, 21))
        # By hand (DOMAIN.md 3a): protect = max(RoSH High 20, RSR 8.5% 20) + mental health 2
        # = 22, level B; change = accommodation severe 2 + drugs standard 1 + thinking and
        # behaviour severe 2x2 + attitudes standard 2x1 + OGRS 67% 6 + IOM 2 = 17, level 2.
        tier = session.scalars(select(TierRecord).where(TierRecord.person_id == person.id)).one()
        assert (tier.tier, tier.protect_points, tier.change_points, tier.source) == (
            "B2",
            22,
            17,
            "computed",
        )
        row = session.get(CaseloadRow, person.id)
        assert row is not None and (row.tier, row.rosh, row.unallocated) == ("B2", "HIGH", False)
        other = session.scalars(select(CaseloadRow).where(CaseloadRow.crn == "X100002")).one()
        assert other.unallocated and other.tier == "D2"  # no assessment: change level 2
        assert session.scalars(select(Assessment)).one().has_full_assessment


def test_rows_for_one_crn_and_sentence_date_are_one_event_with_merged_requirements(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [case_row(requirements="UPW"), case_row(requirements="RAR;Curfew")]
    report = run(staffed, head, "cases", write_csv(tmp_path / "c.csv", CASE_HEADER, rows))
    assert report.added == 1 and report.rows == 2
    with staffed.sessions() as session:
        assert session.scalars(select(Event.requirements)).one() == "CURFEW;RAR;UPW"


def test_a_tier_column_is_kept_as_imported_when_the_row_has_no_assessment(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    header = [*CASE_HEADER, "Tier_Code"]
    rows = [[*case_row(rosh=""), "6"]]  # NDelius numeric code 6 is B2
    report = run(staffed, head, "cases", write_csv(tmp_path / "c.csv", header, rows))
    assert report.accepted, report.text()
    with staffed.sessions() as session:
        record = session.scalars(select(TierRecord)).one()
        assert (record.tier, record.source) == ("B2", "imported")
    again = run(staffed, head, "cases", write_csv(tmp_path / "c.csv", header, rows))
    assert (again.changed, again.unchanged) == (0, 1)


def test_an_extract_tier_stands_until_a_row_without_a_tier_gives_a_full_assessment(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    """SPEC.md 5: a row's tier column stands, marked imported; a row without one is calculated."""
    header = [*CASE_HEADER, "Tier_Code"]
    rows = [[*case_row(rosh="High"), "7"]]  # NDelius 7 is B1
    report = run(staffed, head, "cases", write_csv(tmp_path / "c.csv", header, rows))
    assert report.accepted, report.text()
    with staffed.sessions() as session:
        record = session.scalars(select(TierRecord)).one()
        assert (record.tier, record.source) == ("B1", "imported")

    full = [*CASE_HEADER, "ogrs_percent", "need_attitudes", "assessment_date"]
    rows = [[*case_row(rosh="High"), "45", "severe", "01/10/2026"]]
    report = run(staffed, head, "cases", write_csv(tmp_path / "d.csv", full, rows))
    assert report.accepted, report.text()
    with staffed.sessions() as session:
        latest = session.scalars(select(TierRecord).order_by(TierRecord.id.desc())).first()
        assert latest is not None
        # RoSH High 20 -> B; attitudes severe 2x2 + OGRS 45//10 = 8 -> change 1
        assert (latest.tier, latest.source) == ("B1", "computed")
        assert (latest.protect_points, latest.change_points) == (20, 8)


def test_csv_with_a_byte_order_mark_is_read(staffed: Store, head: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", CASE_HEADER, [case_row()], bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = run(staffed, head, "cases", path)
    assert report.accepted and report.added == 1 and not report.ignored_columns


def test_ndelius_column_names_are_accepted(staffed: Store, head: Actor, tmp_path: Path) -> None:
    header = [
        "CRN", "FIRST_NAME", "SURNAME", "Birth_Date", "PDU_Desc", "Disposal_Type",
        "Sentence_Date", "RoSH_Level", "OM_Key", "Allocation_Date", "Tier_Code",
    ]  # fmt: skip
    rows = [
        ["X200001", "Sam", "Delius", "05-JAN-85", "Leeds", "SSO", "2026-11-02", "RMRH",
         "N07A002", "03/11/2026", "11"],
        ["X200002", "Jo", "Delius", "12-MAR-90", "Leeds", "CO", "2026-11-03", "", "N07UATU",
         "", "0"],
    ]  # fmt: skip
    report = run(staffed, head, "cases", write_csv(tmp_path / "ndelius.csv", header, rows))
    assert report.accepted, report.text()
    assert report.added == 2 and not report.ignored_columns
    with staffed.sessions() as session:
        people = {p.crn: p for p in session.scalars(select(Person))}
        assert people["X200001"].date_of_birth == date(1985, 1, 5)
        holders = dict(session.execute(select(Allocation.person_id, Allocation.staff_id)).all())
        assert list(holders) == [people["X200001"].id]  # N07UATU: unallocated
        sam = session.scalars(select(Assessment)).one()
        assert (sam.person_id, sam.rosh) == (people["X200001"].id, "MEDIUM")


def test_xlsx_first_sheet_is_read(staffed: Store, head: Actor, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(CASE_HEADER)
    row = case_row()
    row[CASE_HEADER.index("sentence_date")] = date(2026, 11, 20)  # an Excel date cell
    row[CASE_HEADER.index("pdu")] = 17  # an Excel number
    sheet.append(row)
    workbook.create_sheet("Notes").append(["not", "read"])
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    report = run(staffed, head, "cases", path)
    assert report.accepted and report.added == 1, report.text()
    with staffed.sessions() as session:
        assert session.scalars(select(Event.sentence_date)).one() == date(2026, 11, 20)


def test_upw_given_in_minutes_is_stored_in_hours(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    header = [*CASE_HEADER, "UPW minutes ordered"]
    path = write_csv(tmp_path / "c.csv", header, [[*case_row(requirements="UPW"), "7200"]])
    assert run(staffed, head, "cases", path).accepted
    with staffed.sessions() as session:
        assert session.scalars(select(Event.upw_hours_ordered)).one() == 120


# --- caseload: what is refused ---------------------------------------------------------


def test_a_bad_row_refuses_the_file_and_names_row_column_value_and_reason(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    header = [*CASE_HEADER, "upw_hours_ordered"]
    rows = [
        [*case_row("X100001"), "100"],
        [*case_row("X100002", sentence_date="31/02/2026", pdu="Atlantis"), "-5"],
        [*case_row("X100003", practitioner_code="N07Z999"), "lots"],
    ]
    report = run(staffed, head, "cases", write_csv(tmp_path / "bad.csv", header, rows))
    assert not report.accepted and not report.applied
    found = {(e.row, e.column, e.value) for e in report.errors}
    assert found == {
        (3, "pdu", "Atlantis"),
        (3, "sentence_date", "31/02/2026"),
        (3, "upw_hours_ordered", "-5"),
        (4, "practitioner_code", "N07Z999"),
        (4, "upw_hours_ordered", "lots"),
    }
    text = report.text()
    assert text.startswith("Refused:")
    assert "Row 3, sentence_date '31/02/2026': not a date" in text
    assert "Row 3, upw_hours_ordered '-5': cannot be negative" in text
    assert count(staffed, Person) == 0 and count(staffed, Event) == 0


def test_rows_that_disagree_on_the_person_refuse_the_file(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [case_row(), case_row(sentence_date="01/01/2026", date_of_birth="02/02/1990")]
    report = run(staffed, head, "cases", write_csv(tmp_path / "c.csv", CASE_HEADER, rows))
    assert not report.accepted
    assert report.errors == (RowError(3, "date_of_birth", "02/02/1990", report.errors[0].reason),)
    assert "disagrees with row 2 for X100001" in report.errors[0].reason


def test_a_missing_required_column_refuses_the_file(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    header = [h for h in CASE_HEADER if h != "sentence_date"]
    rows = [[v for h, v in zip(CASE_HEADER, case_row(), strict=True) if h != "sentence_date"]]
    report = run(staffed, head, "cases", write_csv(tmp_path / "c.csv", header, rows))
    assert not report.accepted
    assert [(e.row, e.column) for e in report.errors] == [(1, "sentence_date")]
    assert "required column is missing" in report.text()


def test_an_unknown_column_is_reported_as_ignored(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", [*CASE_HEADER, "Offence"], [[*case_row(), "Theft"]])
    report = run(staffed, head, "cases", path)
    assert report.accepted and report.ignored_columns == ("Offence",)
    assert "Ignored columns: Offence" in report.text()


def test_a_file_in_an_unknown_encoding_is_refused_clearly(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(",".join(CASE_HEADER).encode() + b"\nX100001,J\x81r\x8dme\n")
    report = run(staffed, head, "cases", path)
    assert not report.accepted
    assert "is not UTF-8 text" in report.errors[0].reason
    assert report.file_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_excels_plain_csv_in_windows_1252_and_semicolons_are_read(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    """UK Excel's "CSV (Comma delimited)" is Windows-1252; European Excel uses semicolons."""
    path = tmp_path / "excel.csv"
    row = case_row(forename="Zoë")
    text = ";".join(CASE_HEADER) + "\r\n" + ";".join(str(v) for v in row) + "\r\n"
    path.write_bytes(text.encode("cp1252"))
    report = run(staffed, head, "cases", path)
    assert report.accepted, report.text()
    with staffed.sessions() as session:
        assert session.scalars(select(Person.forename)).one() == "Zoë"


def test_impossible_dates_and_overlong_names_are_row_errors(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    header = [*CASE_HEADER, "sentence_end_date"]
    rows = [
        [*case_row("X100001"), "01/01/2026"],  # ends before its sentence of 20/11/2026
        [*case_row("X100002", sentence_date="01/01/2030"), ""],
        [*case_row("X100003", forename="A" * 101), ""],
    ]
    report = run(staffed, head, "cases", write_csv(tmp_path / "c.csv", header, rows))
    assert not report.accepted
    found = {(e.row, e.column): e.reason for e in report.errors}
    assert "before the sentence date 20/11/2026" in found[(2, "sentence_end_date")]
    assert "in the future" in found[(3, "sentence_date")]
    assert "at most 100" in found[(4, "forename")]
    assert count(staffed, Person) == 0


def test_only_heads_of_pdu_admins_and_the_command_line_may_import(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    from dataclasses import replace

    from app.domain.codes import Role

    spo = replace(head, role=Role.SPO)
    with pytest.raises(PermissionDenied):
        run(store, spo, "staff", write_csv(tmp_path / "s.csv", STAFF_HEADER, STAFF))


# --- matching and updating ---------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_leaves_no_audit_entry(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [case_row("X100001"), case_row("X100002", surname="Other", requirements="UPW;RAR")]
    path = write_csv(tmp_path / "c.csv", CASE_HEADER, rows)
    first = run(staffed, head, "cases", path)
    entries = count(staffed, AuditEntry)
    again = run(staffed, head, "cases", path)
    assert (again.added, again.changed, again.unchanged, again.ended) == (0, 0, 2, 0)
    assert first.file_hash == again.file_hash
    assert count(staffed, AuditEntry) == entries
    assert count(staffed, TierRecord) == 2 and count(staffed, Assessment) == 2


def test_one_audit_entry_per_import_with_the_file_hash(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    before = count(staffed, AuditEntry)
    path = write_csv(tmp_path / "c.csv", CASE_HEADER, [case_row("X100001"), case_row("X100002")])
    run(staffed, head, "cases", path)
    changed = write_csv(tmp_path / "c2.csv", CASE_HEADER, [case_row("X100001", surname="Renamed")])
    run(staffed, head, "cases", changed)
    with staffed.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[before:]
    assert len(entries) == 2
    added, renamed = (json.loads(e.changes) for e in entries)
    assert added["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert added["added"] == ["X100001", "X100002"] and added["counts"]["added"] == 2
    assert renamed["changed"] == {"X100001": {"surname": ["Testcase", "Renamed"]}}
    assert entries[1].action == "import" and entries[1].entity == "cases"


def test_a_later_sentence_date_adds_an_event_and_the_same_date_updates_it(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    run(staffed, head, "cases", write_csv(tmp_path / "a.csv", CASE_HEADER, [case_row()]))
    rows = [
        case_row(requirements="RAR;UPW"),
        case_row(sentence_date="24/11/2026", sentence_type="SSO", requirements="Curfew"),
    ]
    report = run(staffed, head, "cases", write_csv(tmp_path / "b.csv", CASE_HEADER, rows))
    assert (report.added, report.changed) == (0, 1)
    fields = {f.field for f in report.changes[0].fields}
    assert fields == {"sentence of 20/11/2026: requirements", "sentence of 24/11/2026"}
    with staffed.sessions() as session:
        events = session.execute(
            select(Event.sentence_date, Event.requirements).order_by(Event.sentence_date)
        ).all()
        assert events == [(date(2026, 11, 20), "RAR;UPW"), (date(2026, 11, 24), "CURFEW")]
        row = session.scalars(select(CaseloadRow)).one()
        assert row.sentence_type == "SSO"  # the latest sentence is the main event


def test_another_practitioner_replaces_the_allocation_only_when_allocated_later(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    run(staffed, head, "cases", write_csv(tmp_path / "a.csv", CASE_HEADER, [case_row()]))
    earlier = [case_row(practitioner_code="N07A002", allocation_date="19/11/2026")]
    report = run(staffed, head, "cases", write_csv(tmp_path / "b.csv", CASE_HEADER, earlier))
    assert report.changed == 0 and any("kept" in note for note in report.notes)
    blank = [case_row(practitioner_code="", allocation_date="")]
    assert (
        run(staffed, head, "cases", write_csv(tmp_path / "c.csv", CASE_HEADER, blank)).changed == 0
    )
    later = [case_row(practitioner_code="N07A002", allocation_date="24/11/2026")]
    report = run(staffed, head, "cases", write_csv(tmp_path / "d.csv", CASE_HEADER, later))
    assert report.changed == 1
    with staffed.sessions() as session:
        codes = dict(session.execute(select(Staff.id, Staff.staff_code)).all())
        history = session.execute(
            select(Allocation.staff_id, Allocation.start_date, Allocation.end_date).order_by(
                Allocation.id
            )
        ).all()
        assert [(codes[s], start, end) for s, start, end in history] == [
            ("N07A001", date(2026, 11, 21), date(2026, 11, 24)),
            ("N07A002", date(2026, 11, 24), None),
        ]
        row = session.scalars(select(CaseloadRow)).one()
        assert row.practitioner_name == "Ben Marsh"
        assert session.scalars(select(Person.version)).one() == 2  # changed once


def test_cases_missing_from_the_extract_are_listed_and_ended_only_when_asked(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    both = [case_row("X100001"), case_row("X100002", surname="Gone")]
    run(staffed, head, "cases", write_csv(tmp_path / "a.csv", CASE_HEADER, both))
    path = write_csv(tmp_path / "b.csv", CASE_HEADER, [case_row("X100001")])
    listed = run(staffed, head, "cases", path)
    assert listed.missing == ("X100002",) and listed.ended == 0
    assert "Not in this extract: 1" in listed.text()
    with staffed.sessions() as session:
        assert session.scalars(select(Person.ended_on)).all() == [None, None]
    ended = run(staffed, head, "cases", path, end_missing=True)
    assert ended.missing == ("X100002",) and ended.ended == 1
    with staffed.sessions() as session:
        gone = session.scalars(select(Person).where(Person.crn == "X100002")).one()
        assert gone.ended_on == date(2026, 11, 25)
        row = session.get(CaseloadRow, gone.id)
        assert row is not None and row.end_date == date(2026, 11, 25)
    assert run(staffed, head, "cases", path, end_missing=True).ended == 0


def test_preview_and_dry_run_write_nothing(staffed: Store, head: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", CASE_HEADER, [case_row()])
    report = run(staffed, head, "cases", path, dry_run=True)
    assert report.accepted and not report.applied and report.added == 1
    assert report.text().startswith("Preview of the caseload extract c.csv")
    with staffed.sessions() as session:
        assert preview(session, head, "cases", path).added == 1
    assert count(staffed, Person) == 0


def test_cancelling_rolls_back_everything(staffed: Store, head: Actor, tmp_path: Path) -> None:
    rows = [case_row(f"X{100000 + n}") for n in range(12)]
    path = write_csv(tmp_path / "c.csv", CASE_HEADER, rows)

    def cancel_once_writing(_done: int, _total: int, message: str) -> None:
        if message == "Working out tiers…":
            progress.cancel()

    progress = Progress(listener=cancel_once_writing)
    with pytest.raises(Cancelled):
        run(staffed, head, "cases", path, progress=progress)
    assert count(staffed, Person) == 0 and count(staffed, Event) == 0
    assert count(staffed, Allocation) == 0


def test_an_extract_with_fewer_assessment_columns_keeps_the_stored_needs(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    header = [*CASE_HEADER, "ogrs_percent", "need_attitudes", "assessment_date"]
    run(
        staffed,
        head,
        "cases",
        write_csv(tmp_path / "a.csv", header, [[*case_row(), "55", "severe", "01/10/2026"]]),
    )
    report = run(
        staffed, head, "cases", write_csv(tmp_path / "b.csv", CASE_HEADER, [case_row(rosh="High")])
    )
    [change] = report.changes
    assert [(f.field, f.before, f.after) for f in change.fields] == [("rosh", "MEDIUM", "HIGH")]
    with staffed.sessions() as session:
        latest = session.scalars(select(Assessment).order_by(Assessment.id.desc())).first()
        assert latest is not None
        assert (latest.rosh, latest.ogrs_percent, json.loads(latest.needs)) == (
            "HIGH",
            55,
            {"ATTITUDES": "SEVERE"},
        )
        assert latest.assessment_date == date(2026, 10, 1)  # the file is silent on the date
        tiers = session.scalars(select(TierRecord.tier).order_by(TierRecord.id)).all()
        assert tiers == ["C1", "B1"]  # protect 10 -> 20; change: attitudes 4 + OGRS 5


def test_staff_rows_name_a_known_pdu_and_a_team_for_their_pod(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [
        ["N07A001", "Ada", "Fielding", "PO", "Nowhere", "Team North", "POD 1", "F"],
        ["N07A002", "Ben", "Marsh", "Chief", "17", "", "POD 1", "M"],
    ]
    report = run(store, head, "staff", write_csv(tmp_path / "s.csv", STAFF_HEADER, rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "pdu"), (3, "grade"), (3, "team")]
    assert count(store, Team) == 0


# --- imports racing other users (SPEC.md 9) ----------------------------------------------


def _race_before_writing(monkeypatch: pytest.MonkeyPatch, importer: Any, race: Any) -> None:
    """Run ``race`` (someone else's committed change) after the import planned, before it writes."""
    from app.services.imports import service

    begin = service.begin_writing

    def racing_begin(session: Any) -> None:
        race()
        begin(session)

    monkeypatch.setattr(service, "begin_writing", racing_begin)


def test_a_case_changed_while_the_file_is_imported_refuses_the_whole_import(
    staffed: Store, head: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(staffed, head, "cases", write_csv(tmp_path / "a.csv", CASE_HEADER, [case_row()]))
    audited = count(staffed, AuditEntry)

    def reallocated_elsewhere() -> None:  # as allocating does: the case's version goes up
        with staffed.sessions.begin() as other:
            other.execute(
                update(Person).where(Person.crn == "X100001").values(version=Person.version + 1)
            )

    _race_before_writing(monkeypatch, CaseImport, reallocated_elsewhere)
    rows = [
        case_row("X100001", practitioner_code="N07A002", allocation_date="24/11/2026"),
        case_row("X100002", surname="Second"),
    ]
    with pytest.raises(ConflictError) as raised:
        run(staffed, head, "cases", write_csv(tmp_path / "b.csv", CASE_HEADER, rows))
    assert str(raised.value) == (
        "Someone changed 1 of these cases while the file was being imported (e.g. X100001); "
        "nothing was imported: import the file again."
    )
    assert count(staffed, Person) == 1 and count(staffed, Allocation) == 1
    assert count(staffed, AuditEntry) == audited
    with staffed.sessions() as session:
        assert session.scalars(select(Person.version)).one() == 2  # the other user's bump only
        assert session.scalars(select(Allocation.end_date)).one() is None


def test_an_allocation_ended_while_the_file_is_imported_refuses_the_whole_import(
    staffed: Store, head: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(staffed, head, "cases", write_csv(tmp_path / "a.csv", CASE_HEADER, [case_row()]))

    def ended_elsewhere() -> None:
        with staffed.sessions.begin() as other:
            other.execute(update(Allocation).values(end_date=date(2026, 11, 23)))

    _race_before_writing(monkeypatch, CaseImport, ended_elsewhere)
    later = [case_row(practitioner_code="N07A002", allocation_date="24/11/2026")]
    with pytest.raises(ConflictError, match=r"changed 1 of these cases .*\(e\.g\. X100001\)"):
        run(staffed, head, "cases", write_csv(tmp_path / "b.csv", CASE_HEADER, later))
    with staffed.sessions() as session:
        assert session.execute(select(Allocation.end_date)).scalars().all() == [date(2026, 11, 23)]
        assert session.scalars(select(Person.version)).one() == 1  # the import's bump undone


def test_a_member_of_staff_edited_while_the_file_is_imported_refuses_the_import(
    staffed: Store, head: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def edited_elsewhere() -> None:
        with staffed.sessions.begin() as other:
            other.execute(
                update(Staff)
                .where(Staff.staff_code == "N07A002")
                .values(contracted_hours=30, version=Staff.version + 1)
            )

    _race_before_writing(monkeypatch, StaffImport, edited_elsewhere)
    rows = [list(r) for r in STAFF]
    rows[0][3] = rows[1][3] = "PQiP"
    with pytest.raises(ConflictError, match=r"changed 1 of these staff .*\(e\.g\. N07A002\)"):
        run(staffed, head, "staff", write_csv(tmp_path / "s2.csv", STAFF_HEADER, rows))
    with staffed.sessions() as session:
        assert set(session.scalars(select(Staff.grade))) == {"PO", "PSO"}


def test_a_file_changed_since_its_preview_is_not_imported(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", CASE_HEADER, [case_row()])
    previewed = run(staffed, head, "cases", path, dry_run=True)
    write_csv(path, CASE_HEADER, [case_row(), case_row("X100002")])
    with pytest.raises(FileChanged, match=r"^c\.csv has changed since its preview: preview it"):
        run(staffed, head, "cases", path, expected_hash=previewed.file_hash)
    assert count(staffed, Person) == 0
    again = run(staffed, head, "cases", path, dry_run=True)
    report = run(staffed, head, "cases", path, expected_hash=again.file_hash)
    assert report.applied and report.added == 2


# --- staff changes that concern their cases ------------------------------------------------


def _open_reviews(store: Store) -> list[tuple[str, str, str]]:
    with store.sessions() as session:
        rows = session.execute(
            select(Person.crn, ReviewItem.kind, ReviewItem.detail)
            .join(Person, Person.id == ReviewItem.person_id)
            .where(ReviewItem.resolved_on.is_(None))
            .order_by(Person.crn, ReviewItem.kind)
        )
        return [(crn, kind, detail) for crn, kind, detail in rows]


def test_a_leaver_s_cases_go_to_the_reviews_list(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [case_row("X100001"), case_row("X100002"), case_row("X100003", practitioner_code="")]
    run(staffed, head, "cases", write_csv(tmp_path / "c.csv", CASE_HEADER, rows))
    assert _open_reviews(staffed) == []
    header = [*STAFF_HEADER, "leave_date"]
    leaving = [[*STAFF[0], "30/11/2026"], [*STAFF[1], ""], [*STAFF[2], ""]]
    report = run(staffed, head, "staff", write_csv(tmp_path / "s1.csv", header, leaving))
    assert report.changed == 1 and _open_reviews(staffed) == []  # not gone yet

    left = [[*STAFF[0], "20/11/2026"], [*STAFF[1], ""], [*STAFF[2], ""]]
    path = write_csv(tmp_path / "s2.csv", header, left)
    report = run(staffed, head, "staff", path)
    assert report.changed == 1
    detail = "Ada Fielding left on 20/11/2026: reallocate"
    assert _open_reviews(staffed) == [
        ("X100001", "PRACTITIONER_LEFT", detail),
        ("X100002", "PRACTITIONER_LEFT", detail),
    ]
    with staffed.sessions() as session:
        pdu_id = session.scalars(select(Person.pdu_id)).first()
        assert pdu_id is not None
        listed = allocation_queue.reviews(session, pdu_id)
        assert [(r.kind_label, r.case.crn) for r in listed] == [
            ("Practitioner left", "X100001"),
            ("Practitioner left", "X100002"),
        ]
        row = session.get(CaseloadRow, listed[0].case.person_id)
        assert row is not None and row.open_reviews == 1
    earlier = [[*STAFF[0], "19/11/2026"], [*STAFF[1], ""], [*STAFF[2], ""]]
    run(staffed, head, "staff", write_csv(tmp_path / "s3.csv", header, earlier))
    assert len(_open_reviews(staffed)) == 2  # an open review is not raised twice


def test_a_new_grade_flags_the_cases_it_puts_outside_policy(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [case_row("X100001", rosh="High"), case_row("X100002", rosh="Low")]
    run(staffed, head, "cases", write_csv(tmp_path / "c.csv", CASE_HEADER, rows))
    assert _open_reviews(staffed) == []
    regraded = [list(r) for r in STAFF]
    regraded[0][3] = "PSO"  # Ada, who holds both, becomes a PSO
    report = run(staffed, head, "staff", write_csv(tmp_path / "s.csv", STAFF_HEADER, regraded))
    assert report.changed == 1
    assert _open_reviews(staffed) == [
        ("X100001", "OUTSIDE_GRADE", "Held by Ada Fielding (PSO): a PSO holds Low and Medium "
         "RoSH, not High"),
    ]  # fmt: skip


def test_cases_cannot_be_imported_onto_staff_who_hold_none_or_have_left(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    staff = [
        *STAFF,
        ["N07A009", "Mandy", "Carter", "CASE_ADMIN", "17", "Team North", "POD 1", "F"],
    ]
    header = [*STAFF_HEADER, "leave_date"]
    rows = [[*r, "20/11/2026" if r[0] == "N07A002" else ""] for r in staff]
    assert run(store, head, "staff", write_csv(tmp_path / "s.csv", header, rows)).accepted
    cases = [
        case_row("X100001", practitioner_code="N07A009"),
        case_row("X100002", practitioner_code="N07A002"),
        case_row("X100003", allocation_date="01/01/2027"),
        [*case_row("X100004")[:-1], "21/11/2026"],
    ]
    report = run(store, head, "cases", write_csv(tmp_path / "c.csv", CASE_HEADER, cases))
    assert not report.accepted
    found = {(e.row, e.column): e.reason for e in report.errors}
    assert "holds no cases: only a PO, PQiP or PSO can" in found[(2, "practitioner_code")]
    assert "who left on 20/11/2026" in found[(3, "practitioner_code")]
    assert found[(4, "allocation_date")] == "is in the future"
    assert (5, "allocation_date") not in found
    assert count(store, Person) == 0


def test_a_pqips_programme_start_gives_the_three_reduction_bands(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    from app.db.models import Reduction, Staff
    from app.services.teams.workload import practitioner_loads

    header = [*STAFF_HEADER, "start_date"]
    rows = [["N07A010", "Pat", "Trainee", "PQiP", "17", "Team North", "POD 1", "F", "01/09/2026"]]
    assert run(store, head, "staff", write_csv(tmp_path / "s.csv", header, rows)).accepted
    again = run(store, head, "staff", write_csv(tmp_path / "s.csv", header, rows))
    assert (again.added, again.changed) == (0, 0)
    with store.sessions() as session:
        staff = session.scalars(select(Staff)).one()
        bands = session.scalars(
            select(Reduction).where(Reduction.staff_id == staff.id).order_by(Reduction.start_date)
        ).all()
        assert [(b.start_date, b.end_date, b.hours_per_week) for b in bands] == [
            (date(2026, 9, 1), date(2027, 2, 28), 29.6),
            (date(2027, 3, 1), date(2027, 8, 31), 22.2),
            (date(2027, 9, 1), date(2028, 2, 29), 14.8),
        ]
        (load,) = practitioner_loads(session, staff.pdu_id, date(2026, 11, 25))
        assert load.reduction_hours == 29.6  # 80% of 37 in the first six months
    moved = [[*rows[0][:-1], "01/10/2026"]]
    assert run(store, head, "staff", write_csv(tmp_path / "t.csv", header, moved)).accepted
    with store.sessions() as session:
        starts = sorted(session.scalars(select(Reduction.start_date)))
        assert starts == [date(2026, 10, 1), date(2027, 4, 1), date(2027, 10, 1)]


def test_the_preview_says_what_each_new_case_is(
    staffed: Store, head: Actor, tmp_path: Path
) -> None:
    rows = [case_row("X100001", rosh="High"), case_row("X100002", practitioner_code="")]
    report = run(
        staffed, head, "cases", write_csv(tmp_path / "c.csv", CASE_HEADER, rows), dry_run=True
    )
    details = {c.key: c.details() for c in report.changes}
    assert details == {
        "X100001": "Community Order, sentenced 20/11/2026; RoSH High; allocated",
        "X100002": "Community Order, sentenced 20/11/2026; RoSH Medium; unallocated",
    }
