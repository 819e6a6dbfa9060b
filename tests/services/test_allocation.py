"""The allocation desk's services: queue, ranking, allocate, reallocate (SPEC.md 4.3, 9)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db.models import (
    Allocation,
    AppUser,
    AuditEntry,
    CaseloadRow,
    Event,
    Person,
    Pod,
    Reduction,
    ReviewItem,
    Staff,
    Team,
)
from app.domain.codes import ReallocationReason, Role
from app.services.allocation import queue as alloc_queue
from app.services.allocation import views as alloc_views
from app.services.allocation import writes as alloc_writes
from app.services.caseload.tiers import REVIEW_OUTSIDE_GRADE, REVIEW_TIER_RISE
from app.services.core.actor import Actor
from app.services.core.changes import Kind
from app.services.core.errors import ConflictError, PermissionDenied, UserError
from app.services.core.store import last_changes
from tests import factories as f
from tests.conftest import TODAY


@dataclass
class Desk:
    pdu_id: int
    team: Team
    pod: Pod
    po: Staff
    pso: Staff
    pqip: Staff
    man: Staff


def desk(session: Session) -> Desk:
    """A team with one POD: a female PO, a PSO, a PQiP and a male PO with more cases."""
    pdu = f.pdu(session)
    team = f.team(session, pdu.id)
    pod = f.pod(session, team.id)
    po = f.staff(session, pod, "PO", forename="Olive", surname="Officer")
    pso = f.staff(session, pod, "PSO", forename="Sid", surname="Services")
    pqip = f.staff(session, pod, "PQIP", forename="Pat", surname="Trainee")
    man = f.staff(session, pod, "PO", forename="Max", surname="Mann", gender="M")
    for _ in range(3):
        f.case(session, pdu.id, staff_id=man.id, rosh="LOW")
    return Desk(pdu.id, team, pod, po, pso, pqip, man)


def version(session: Session, person_id: int) -> int:
    return alloc_queue.case_brief(session, person_id).version


def open_allocations(session: Session, person_id: int) -> list[Allocation]:
    return list(
        session.scalars(
            select(Allocation).where(
                Allocation.person_id == person_id, Allocation.end_date.is_(None)
            )
        )
    )


def spo_actor(session: Session, staff: Staff | None, username: str = "spo") -> Actor:
    staff_id = staff.id if staff else None
    user = AppUser(username=username, display_name="Sam Senior", role="SPO", staff_id=staff_id)
    session.add(user)
    session.flush()
    return Actor(user.id, username, "Sam Senior", Role.SPO, staff_id=staff_id)


# --- allocate --------------------------------------------------------------------------


def test_allocate_writes_the_row_audits_and_refreshes_the_caseload(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, surname="Waiting")
    session.commit()
    alloc_writes.allocate(
        session, head, case.id, d.po.id, version(session, case.id), note="Fits her POD"
    )
    session.commit()
    assert last_changes(session).touches(Kind.ALLOCATION, Kind.CASE)
    [row] = open_allocations(session, case.id)
    assert (row.staff_id, row.start_date, row.allocated_by) == (d.po.id, TODAY, head.user_id)
    assert row.note == "Fits her POD" and not row.outside_policy and row.reason is None
    read = session.get(CaseloadRow, case.id)
    assert read is not None and not read.unallocated
    assert read.practitioner_name == "Olive Officer" and read.version == 2
    assert case.id not in [q.case.person_id for q in alloc_queue.queue(session, d.pdu_id, TODAY)]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.allocated")).one()
    assert entry.entity_id == case.crn
    assert json.loads(entry.changes)["after"]["practitioner"] == "Olive Officer"


def test_an_allocated_case_cannot_be_allocated_again(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, staff_id=d.po.id)
    session.commit()
    with pytest.raises(ConflictError, match="already allocated to Olive Officer"):
        alloc_writes.allocate(session, head, case.id, d.pso.id, version(session, case.id))
    session.rollback()
    assert [a.staff_id for a in open_allocations(session, case.id)] == [d.po.id]


def test_reallocate_closes_the_previous_allocation_and_keeps_history(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, staff_id=d.man.id, sentence_date=date(2026, 10, 1))
    session.commit()
    alloc_writes.reallocate(
        session,
        head,
        case.id,
        d.po.id,
        version(session, case.id),
        ReallocationReason.CASELOAD_ADJUSTMENT,
        "Max is over capacity",
    )
    session.commit()
    history = list(
        session.scalars(
            select(Allocation).where(Allocation.person_id == case.id).order_by(Allocation.id)
        )
    )
    assert [(a.staff_id, a.end_date) for a in history] == [(d.man.id, TODAY), (d.po.id, None)]
    assert history[1].reason == "CASELOAD_ADJUSTMENT"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.reallocated")).one()
    changes = json.loads(entry.changes)
    assert changes["before"]["practitioner"] == "Max Mann"
    assert changes["after"]["practitioner"] == "Olive Officer"
    read = session.get(CaseloadRow, case.id)
    assert read is not None and read.staff_id == d.po.id


def test_reallocate_needs_a_reason_and_other_needs_a_note(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, staff_id=d.man.id)
    session.commit()
    v = version(session, case.id)
    with pytest.raises(UserError, match="Choose why"):
        alloc_writes.reallocate(session, head, case.id, d.po.id, v, "NO_SUCH_REASON")
    with pytest.raises(UserError, match="note"):
        alloc_writes.reallocate(session, head, case.id, d.po.id, v, ReallocationReason.OTHER, "  ")


def test_reallocating_an_unallocated_case_points_to_allocate(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id)
    session.commit()
    with pytest.raises(UserError, match="use Allocate"):
        alloc_writes.reallocate(
            session,
            head,
            case.id,
            d.po.id,
            version(session, case.id),
            ReallocationReason.TRANSFER_IN,
        )


# --- who can hold a case ------------------------------------------------------------------


def _refused(session: Session, head: Actor, case: Person, staff_id: int, match: str) -> None:
    """Allocating ``case`` to ``staff_id`` is refused and leaves the case as it was."""
    before = version(session, case.id)
    with pytest.raises(UserError, match=match):
        alloc_writes.allocate(session, head, case.id, staff_id, before)
    session.rollback()
    assert open_allocations(session, case.id) == []
    assert version(session, case.id) == before
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize(
    ("grade", "label"),
    [
        ("CASE_ADMIN", "Case administrator"),
        ("SPO", "Senior Probation Officer"),
        ("VLO", "Victim Liaison Officer"),
        ("CP_SUPERVISOR", "Community payback supervisor"),
        ("UPW_MANAGER", "Unpaid work manager"),
        ("HEAD_OF_PDU", "Head of PDU"),
    ],
)
def test_only_a_practitioner_can_be_given_a_case(session, head, grade, label) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    other = f.staff(session, d.pod, grade, forename="Nora", surname="Notpo")
    case = f.case(session, d.pdu_id, rosh="LOW")
    session.commit()
    _refused(
        session, head, case, other.id, f"Nora Notpo \\({label}\\) is not a probation practitioner"
    )


def test_a_case_cannot_be_reallocated_to_a_case_administrator(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    admin = f.staff(session, d.pod, "CASE_ADMIN", forename="Ada", surname="Admin")
    case = f.case(session, d.pdu_id, staff_id=d.po.id)
    session.commit()
    before = version(session, case.id)
    with pytest.raises(UserError, match="Ada Admin \\(Case administrator\\) is not a probation"):
        alloc_writes.reallocate(
            session,
            head,
            case.id,
            admin.id,
            before,
            ReallocationReason.CASELOAD_ADJUSTMENT,
            policy_reason="Anything at all",
        )
    session.rollback()
    assert [a.staff_id for a in open_allocations(session, case.id)] == [d.po.id]
    assert version(session, case.id) == before


@pytest.mark.parametrize(
    ("start", "leave"),
    [
        (date(2026, 11, 26), None),  # starts tomorrow
        (None, TODAY),  # leaves today: no longer in post
        (date(2020, 1, 6), date(2026, 10, 30)),  # has left
    ],
)
def test_a_practitioner_not_in_post_is_refused(session, head, start, leave) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    gone = f.staff(
        session, d.pod, "PO", forename="Gil", surname="Gone", start_date=start, leave_date=leave
    )
    case = f.case(session, d.pdu_id)
    session.commit()
    _refused(session, head, case, gone.id, "Gil Gone is not in post on 25/11/2026")


def test_a_practitioner_in_post_on_the_day_is_accepted(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    new = f.staff(
        session,
        d.pod,
        "PO",
        forename="Nia",
        surname="New",
        start_date=TODAY,
        leave_date=date(2026, 11, 26),
    )
    case = f.case(session, d.pdu_id)
    session.commit()
    # In post today; leaving tomorrow asks for a reason (issue 16), but is no refusal.
    alloc_writes.allocate(
        session,
        head,
        case.id,
        new.id,
        version(session, case.id),
        safeguard_reason="Covering the first appointment only",
    )
    session.commit()
    [row] = open_allocations(session, case.id)
    assert row.staff_id == new.id and row.safeguard_warning == "leaves on 26/11/2026"


def test_a_practitioner_of_another_pdu_is_refused(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    other_pdu = f.pdu(session, 18)
    away = f.staff(
        session,
        f.pod(session, f.team(session, other_pdu.id, "Team Away").id),
        "PO",
        forename="Amy",
        surname="Away",
    )
    case = f.case(session, d.pdu_id)
    session.commit()
    _refused(session, head, case, away.id, "Amy Away works in another PDU")


# --- the policy --------------------------------------------------------------------------


def test_outside_policy_without_a_reason_is_refused_and_with_one_recorded(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, rosh="HIGH")
    session.commit()
    with pytest.raises(UserError, match="outside the allocation policy"):
        alloc_writes.allocate(session, head, case.id, d.pso.id, version(session, case.id))
    session.rollback()
    assert open_allocations(session, case.id) == []
    alloc_writes.allocate(
        session,
        head,
        case.id,
        d.pso.id,
        version(session, case.id),
        policy_reason="Only practitioner who speaks Polish",
    )
    session.commit()
    [row] = open_allocations(session, case.id)
    assert row.outside_policy and row.policy_reason == "Only practitioner who speaks Polish"


def test_a_pqip_takes_a_high_rosh_case_only_with_confirmation(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, rosh="HIGH")
    session.commit()
    with pytest.raises(UserError, match="confirmation"):
        alloc_writes.allocate(session, head, case.id, d.pqip.id, version(session, case.id))
    session.rollback()
    alloc_writes.allocate(
        session, head, case.id, d.pqip.id, version(session, case.id), confirmed=True
    )
    session.commit()
    [row] = open_allocations(session, case.id)
    assert not row.outside_policy
    assert row.policy_reason.startswith("PQiP holding a High RoSH case confirmed by")


def test_a_man_for_a_woman_asking_for_a_woman_needs_a_reason(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, gender="F", female_requested=True)
    session.commit()
    with pytest.raises(UserError, match="asked for a female practitioner"):
        alloc_writes.allocate(session, head, case.id, d.man.id, version(session, case.id))


# --- permissions ---------------------------------------------------------------------------


def test_an_admin_may_not_allocate(session) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id)
    session.commit()
    admin = Actor(None, "admin", "Ada Admin", Role.ADMIN)
    with pytest.raises(PermissionDenied, match="may not allocate"):
        alloc_writes.allocate(session, admin, case.id, d.po.id, version(session, case.id))
    session.rollback()
    assert open_allocations(session, case.id) == []


def test_an_spo_allocates_only_to_their_own_team(session) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    spo = f.staff(session, d.pod, "SPO", forename="Sam", surname="Senior")
    other_pod = f.pod(session, f.team(session, d.pdu_id, "Team South").id)
    stranger = f.staff(session, other_pod, "PO")
    case = f.case(session, d.pdu_id)
    actor = spo_actor(session, spo)
    session.commit()
    with pytest.raises(PermissionDenied, match="own team"):
        alloc_writes.allocate(session, actor, case.id, stranger.id, version(session, case.id))
    session.rollback()
    alloc_writes.allocate(session, actor, case.id, d.po.id, version(session, case.id))
    session.commit()
    assert [a.allocated_by for a in open_allocations(session, case.id)] == [actor.user_id]


def test_an_spo_with_no_staff_record_may_allocate_anywhere_in_the_pdu(session) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    other_team = f.team(session, d.pdu_id, "Team South")
    elsewhere = f.staff(
        session, f.pod(session, other_team.id), "PO", forename="Ella", surname="Far"
    )
    case = f.case(session, d.pdu_id)
    actor = spo_actor(session, None)
    session.commit()
    alloc_writes.allocate(session, actor, case.id, elsewhere.id, version(session, case.id))
    session.commit()
    assert last_changes(session).touches(Kind.ALLOCATION, Kind.CASE)
    [row] = open_allocations(session, case.id)
    assert (row.staff_id, row.allocated_by) == (elsewhere.id, actor.user_id)
    read = session.get(CaseloadRow, case.id)
    assert read is not None and read.staff_id == elsewhere.id and not read.unallocated
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.allocated")).one()
    assert (entry.entity_id, entry.user_id) == (case.crn, actor.user_id)


# --- two SPOs at once ------------------------------------------------------------------------


def test_two_spos_allocating_the_same_case_cannot_both_succeed(store, session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id)
    session.commit()
    with store.sessions() as first, store.sessions() as second:
        seen_first = version(first, case.id)
        seen_second = version(second, case.id)
        assert seen_first == seen_second == 1
        # Each SPO read the desk earlier, in a read of its own; each write is a new transaction.
        first.rollback()
        second.rollback()
        alloc_writes.allocate(first, head, case.id, d.po.id, seen_first)
        first.commit()
        with pytest.raises(ConflictError) as refused:
            alloc_writes.allocate(second, head, case.id, d.pso.id, seen_second)
        second.rollback()
    message = str(refused.value)
    assert f"{case.crn} was allocated to Olive Officer by {head.display_name} at" in message
    assert message.endswith("while you were choosing; nothing was changed.")
    session.expire_all()
    assert [a.staff_id for a in open_allocations(session, case.id)] == [d.po.id]
    assert session.get(Person, case.id).version == 2


def test_a_stale_version_with_no_new_allocation_is_still_a_conflict(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id)
    session.commit()
    with pytest.raises(ConflictError, match="changed by someone else"):
        alloc_writes.allocate(session, head, case.id, d.po.id, expected_version=7)


# --- the queue -----------------------------------------------------------------------------


def test_queue_orders_by_clock_and_counts_working_days_over_christmas(session, head) -> None:  # type: ignore[no-untyped-def]
    as_at = date(2026, 12, 30)
    d = desk(session)
    christmas = f.case(session, d.pdu_id, sentence_date=date(2026, 12, 23), as_at=as_at)
    oldest = f.case(session, d.pdu_id, sentence_date=date(2026, 12, 18), as_at=as_at)
    released = f.case(
        session,
        d.pdu_id,
        sentence_type="LICENCE",
        sentence_date=date(2025, 6, 2),
        release_date=date(2026, 12, 29),
        as_at=as_at,
    )
    f.case(session, d.pdu_id, sentence_date=date(2026, 12, 1), staff_id=d.po.id, as_at=as_at)
    session.commit()
    items = alloc_queue.queue(session, d.pdu_id, as_at)
    assert [q.case.person_id for q in items] == [oldest.id, christmas.id, released.id]
    by_id = {q.case.person_id: q for q in items}
    # Fri 18/12 + 5 working days: 21, 22, 23, 24 and (after Christmas and Boxing Day) 29.
    assert by_id[oldest.id].clock.deadline == date(2026, 12, 29)
    assert by_id[oldest.id].clock.state == "overdue"
    # Wed 23/12: 24, 29, 30, 31 and (after New Year's Day) Mon 04/01/2027.
    c = by_id[christmas.id].clock
    assert (c.deadline, c.days_elapsed, c.days_left, c.state) == (date(2027, 1, 4), 3, 2, "due")
    # Licence: the clock starts at release, and the first appointment is due within 24 hours.
    r = by_id[released.id]
    assert (r.case.clock_start, r.clock.days_elapsed) == (date(2026, 12, 29), 1)
    assert r.first_appointment is not None
    assert (r.first_appointment.due, r.first_appointment.state) == (date(2026, 12, 30), "due_today")
    first = by_id[christmas.id].first_appointment
    assert first is not None and (first.due, first.basis) == (date(2026, 12, 30), "sentence")


def test_queue_shows_the_previous_practitioner_and_the_risk(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, rosh="HIGH", mappa_level=1, sentence_date=date(2026, 9, 1))
    session.execute(
        update(Allocation)
        .where(Allocation.person_id == case.id)
        .values(end_date=date(2026, 11, 20))
    )
    session.add(
        Allocation(
            person_id=case.id,
            staff_id=d.man.id,
            start_date=date(2026, 9, 2),
            end_date=date(2026, 11, 20),
            recorded_at=f.NOW,
        )
    )
    session.flush()
    from app.db.readmodel import refresh_cases

    refresh_cases(session, [case.id], TODAY)
    session.commit()
    [item] = alloc_queue.queue(session, d.pdu_id, TODAY)
    assert item.case.previous is not None and item.case.previous.name == "Max Mann"
    risk = item.case.risk
    assert (risk.rosh, risk.mappa_level, risk.ogrs_percent) == ("HIGH", 1, 30)
    assert risk.tier is not None and risk.protect_points == 25  # RoSH High 20 + MAPPA 1 5
    top = alloc_queue.candidates(session, d.pdu_id, case.id, TODAY)[0]
    assert top.ranked.staff_id == d.man.id  # continuity (TOM 777)
    assert "previous practitioner (continuity)" in top.ranked.reasons


def test_candidates_rank_pos_first_and_leave_out_the_holder(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, rosh="HIGH", staff_id=d.man.id)
    session.commit()
    rows = alloc_queue.candidates(session, d.pdu_id, case.id, TODAY)
    assert [r.ranked.staff_id for r in rows] == [d.po.id, d.pqip.id, d.pso.id]
    assert rows[1].ranked.needs_confirmation and rows[2].ranked.outside_policy
    assert rows[0].practitioner.name == "Olive Officer"
    assert rows[0].ranked.capacity_text.startswith("0% -> ")


# --- reviews ----------------------------------------------------------------------------------


def _review(session: Session, person_id: int, kind: str) -> ReviewItem:
    item = ReviewItem(person_id=person_id, kind=kind, detail="Tier rose", raised_on=TODAY)
    session.add(item)
    session.flush()
    return item


def test_reviews_are_listed_and_resolved_by_reallocation(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, rosh="HIGH", staff_id=d.pso.id)
    item = _review(session, case.id, REVIEW_OUTSIDE_GRADE)
    reassess = _review(session, case.id, "REASSESS")  # an expired assessment: also the SPO's
    _review(session, case.id, "SOMETHING_ELSE")  # not the allocation desk's
    session.commit()
    rows = alloc_queue.reviews(session, d.pdu_id)
    assert {(r.review_id, r.kind_label) for r in rows} == {
        (item.id, "Outside grade"),
        (reassess.id, "Reassess"),
    }
    [row] = [r for r in rows if r.review_id == item.id]
    assert (row.review_id, row.kind_label, row.case.holder.name) == (  # type: ignore[union-attr]
        item.id,
        "Outside grade",
        "Sid Services",
    )
    alloc_writes.reallocate(
        session,
        head,
        case.id,
        d.po.id,
        row.case.version,
        ReallocationReason.TIER_OR_RISK_CHANGE,
    )
    session.commit()
    assert last_changes(session).get(Kind.REVIEW) == {item.id, reassess.id}
    assert alloc_queue.reviews(session, d.pdu_id) == []
    session.refresh(item)
    assert item.resolved_on == TODAY and item.resolution == "Reallocated to Olive Officer"


def test_a_review_closed_by_a_first_allocation_says_allocated(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, rosh="HIGH")
    item = _review(session, case.id, REVIEW_TIER_RISE)
    session.commit()
    alloc_writes.allocate(session, head, case.id, d.po.id, version(session, case.id))
    session.commit()
    assert last_changes(session).get(Kind.REVIEW) == {item.id}
    session.refresh(item)
    assert item.resolved_on == TODAY and item.resolution == "Allocated to Olive Officer"


def test_a_review_can_be_closed_without_moving_the_case(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, staff_id=d.po.id)
    item = _review(session, case.id, REVIEW_TIER_RISE)
    session.commit()
    with pytest.raises(UserError, match="Say why"):
        alloc_writes.resolve_review(session, head, item.id, " ")
    alloc_writes.resolve_review(session, head, item.id, "Olive holds it well")
    session.commit()
    assert alloc_queue.reviews(session, d.pdu_id) == []
    with pytest.raises(ConflictError):
        alloc_writes.resolve_review(session, head, item.id, "again")


# --- drill-down and views ----------------------------------------------------------------------


def test_practitioner_drilldown(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    ending = f.case(session, d.pdu_id, staff_id=d.po.id)
    session.scalars(select(Event).where(Event.person_id == ending.id)).one().end_date = date(
        2026, 12, 10
    )
    f.case(
        session,
        d.pdu_id,
        sentence_type="CUSTODY",
        sentence_date=date(2026, 1, 5),
        release_date=date(2026, 12, 1),
        staff_id=d.po.id,
    )
    session.add(
        Reduction(
            staff_id=d.po.id,
            start_date=date(2026, 11, 1),
            end_date=date(2026, 12, 31),
            hours_per_week=7.4,
            reason="TRADE_UNION",
        )
    )
    session.commit()
    dd = alloc_views.practitioner_drilldown(session, d.po.id, TODAY)
    assert dd.points_available == pytest.approx(2176 * 0.8)
    assert dd.points_left == pytest.approx(dd.points_available - dd.points_held)
    assert [r.reason for r in dd.reductions] == ["Trade union facility time"]
    assert dd.next_reduction_change == date(2027, 1, 1)
    assert [c.person_id for c in dd.cases_ending] == [ending.id]
    assert [c.day for c in dd.releases_due] == [date(2026, 12, 1)]
    assert dd.last_allocated is not None


def test_team_allocations_of_the_last_30_days(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    old = f.case(session, d.pdu_id, staff_id=d.po.id, sentence_date=date(2026, 9, 1))
    new = f.case(session, d.pdu_id, rosh="HIGH")
    session.commit()
    alloc_writes.allocate(session, head, new.id, d.pso.id, 1, policy_reason="Known to him")
    session.commit()
    rows = alloc_views.team_allocations(session, d.pdu_id, TODAY)
    assert old.id not in [r.person_id for r in rows]
    top = rows[0]
    assert (top.person_id, top.practitioner, top.outside_policy) == (new.id, "Sid Services", True)
    assert top.allocated_by == head.display_name and top.reason == "New case"


def test_team_allocations_keep_to_one_team(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    south = f.team(session, d.pdu_id, "Team South")
    far = f.staff(session, f.pod(session, south.id), "PO", forename="Ella", surname="Far")
    ours = f.case(session, d.pdu_id, rosh="LOW")
    theirs = f.case(session, d.pdu_id, rosh="LOW")
    session.commit()
    alloc_writes.allocate(session, head, ours.id, d.po.id, version(session, ours.id))
    alloc_writes.allocate(session, head, theirs.id, far.id, version(session, theirs.id))
    session.commit()
    north_rows = alloc_views.team_allocations(session, d.pdu_id, TODAY, team_id=d.team.id)
    assert north_rows[0].person_id == ours.id and theirs.id not in [r.person_id for r in north_rows]
    assert {r.team_name for r in north_rows} == {"Team North"}  # Max's three cases too
    south_rows = alloc_views.team_allocations(session, d.pdu_id, TODAY, team_id=south.id)
    assert [r.person_id for r in south_rows] == [theirs.id]
    everyone = alloc_views.team_allocations(session, d.pdu_id, TODAY)
    assert {r.person_id for r in everyone} == {r.person_id for r in north_rows} | {theirs.id}


def test_home_team_is_the_team_an_spo_leads(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    south = f.team(session, d.pdu_id, "Team South")
    spo = f.staff(session, d.pod, "SPO", forename="Sam", surname="Senior")  # sits in North
    south.spo_id = spo.id
    session.flush()
    assert alloc_views.home_team(session, spo_actor(session, spo)) == south.id
    south.spo_id = None
    session.flush()
    assert alloc_views.home_team(session, spo_actor(session, spo, "spo2")) == d.team.id
    assert alloc_views.home_team(session, spo_actor(session, None, "spo3")) is None
    assert alloc_views.home_team(session, head) is None
    options, home = alloc_views.team_choices(session, d.pdu_id, TODAY, head)
    assert [t.id for t in options.teams] == [d.team.id, south.id] and home is None


def test_pod_team_view_groups_practitioners_with_capacity(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    session.commit()
    [team] = alloc_views.pod_team_view(session, d.pdu_id, TODAY)
    assert team.name == "Team North"
    [pod] = team.pods
    assert {p.staff_id for p in pod.practitioners} == {d.po.id, d.pso.id, d.pqip.id, d.man.id}
    assert team.capacity_percent is not None and team.capacity_percent > 0
    count = session.scalar(select(func.count()).select_from(Staff))
    assert count == 4


def test_an_ended_case_cannot_be_allocated_or_reallocated(session, head) -> None:  # type: ignore[no-untyped-def]
    from app.db.readmodel import refresh_cases

    d = desk(session)
    ended = f.case(session, d.pdu_id)
    ended.ended_on = TODAY
    refresh_cases(session, [ended.id], TODAY)
    session.commit()
    with pytest.raises(UserError, match="is not an active case"):
        alloc_writes.allocate(session, head, ended.id, d.po.id, version(session, ended.id))
    session.rollback()
    assert session.scalars(select(Allocation).where(Allocation.person_id == ended.id)).all() == []


def test_an_spo_may_not_take_a_case_from_another_team(session) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    spo = f.staff(session, d.pod, "SPO", forename="Sam", surname="Senior")
    other_pod = f.pod(session, f.team(session, d.pdu_id, "Team South").id)
    stranger = f.staff(session, other_pod, "PO")
    held_elsewhere = f.case(session, d.pdu_id, staff_id=stranger.id)
    item = _review(session, held_elsewhere.id, REVIEW_TIER_RISE)
    actor = spo_actor(session, spo)
    session.commit()
    with pytest.raises(PermissionDenied, match="own team"):
        alloc_writes.reallocate(
            session,
            actor,
            held_elsewhere.id,
            d.po.id,
            version(session, held_elsewhere.id),
            ReallocationReason.CASELOAD_ADJUSTMENT,
        )
    session.rollback()
    with pytest.raises(PermissionDenied):
        alloc_writes.resolve_review(session, actor, item.id, "Stays with the other team")
    session.rollback()
    assert [a.staff_id for a in open_allocations(session, held_elsewhere.id)] == [stranger.id]


def test_closing_a_review_updates_the_caseload_count(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, staff_id=d.po.id)
    item = _review(session, case.id, REVIEW_TIER_RISE)
    from app.db.readmodel import refresh_cases

    refresh_cases(session, [case.id], TODAY)
    session.commit()
    assert session.get(CaseloadRow, case.id).open_reviews == 1
    alloc_writes.resolve_review(session, head, item.id, "Olive holds it well")
    session.commit()
    session.expire_all()
    assert session.get(CaseloadRow, case.id).open_reviews == 0


def test_the_queue_leaves_out_ended_cases(session, head) -> None:  # type: ignore[no-untyped-def]
    from app.db.readmodel import refresh_cases

    d = desk(session)
    waiting = f.case(session, d.pdu_id)
    ended = f.case(session, d.pdu_id)
    ended.ended_on = TODAY
    refresh_cases(session, [ended.id], TODAY)
    session.commit()
    queued = {q.case.person_id for q in alloc_queue.queue(session, d.pdu_id, TODAY)}
    assert waiting.id in queued and ended.id not in queued
