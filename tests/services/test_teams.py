"""Teams, PODs, hours, reductions and absences: changes, checks and their audit."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, CaseloadRow, Pod, Reduction, Staff, Team
from app.domain.codes import Role
from app.domain.workload import ReductionReason
from app.services.core.actor import Actor
from app.services.core.changes import Kind
from app.services.core.errors import ConflictError, PermissionDenied, UserError
from app.services.core.store import last_changes
from app.services.teams import organisation as teams
from app.services.teams import reductions
from app.services.teams.workload import practitioner_loads
from tests import factories as f
from tests.conftest import TODAY

ADMIN = Actor(user_id=None, username="a", display_name="Admin", role=Role.ADMIN)


@pytest.fixture
def org(session: Session) -> dict[str, object]:
    """A PDU with one team, its SPO, two PODs and a PO holding one case."""
    pdu = f.pdu(session)
    team = f.team(session, pdu.id)
    pod1, pod2 = f.pod(session, team.id, "POD 1"), f.pod(session, team.id, "POD 2")
    spo = f.staff(session, pod1, "SPO", pod_id=None)
    team.spo_id = spo.id
    po = f.staff(session, pod1, "PO")
    case = f.case(session, pdu.id, rosh="MEDIUM", staff_id=po.id)
    session.commit()
    return {
        "pdu": pdu,
        "team": team,
        "pod1": pod1,
        "pod2": pod2,
        "spo": spo,
        "po": po,
        "case": case,
    }


def _last_audit(session: Session) -> tuple[AuditEntry, dict[str, object]]:
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    return entry, json.loads(entry.changes)


def _spo_actor(spo: Staff) -> Actor:
    return Actor(
        user_id=None, username="spo", display_name="Sam SPO", role=Role.SPO, staff_id=spo.id
    )


def test_create_and_rename_a_team_is_audited(session: Session, head: Actor, org: dict) -> None:
    pdu, spo = org["pdu"], org["spo"]
    team_id = teams.create_team(session, head, pdu.id, "  Team   South ", spo.id)
    session.commit()
    assert last_changes(session).get(Kind.TEAM) == {team_id}
    entry, audit = _last_audit(session)
    assert (entry.action, entry.entity_id) == ("team.created", str(team_id))
    assert audit["after"]["name"] == "Team South"
    assert audit["after"]["spo_id"] == spo.id
    teams.rename_team(session, head, team_id, "Team East", 1)
    entry, audit = _last_audit(session)
    assert entry.action == "team.renamed"
    assert (audit["before"], audit["after"]) == ({"name": "Team South"}, {"name": "Team East"})
    assert session.get(Team, team_id).name == "Team East"


def test_team_and_pod_names_are_unique_and_not_blank(
    session: Session, head: Actor, org: dict
) -> None:
    pdu, team = org["pdu"], org["team"]
    with pytest.raises(UserError, match="already has a team called team north"):
        teams.create_team(session, head, pdu.id, "team north", None)
    with pytest.raises(UserError, match="Give the team a name"):
        teams.create_team(session, head, pdu.id, "   ", None)
    with pytest.raises(UserError, match="already has a POD called pod 2"):
        teams.create_pod(session, head, team.id, "pod 2")
    with pytest.raises(UserError, match="already has a POD called POD 2"):
        teams.rename_pod(session, head, org["pod1"].id, "POD 2", org["pod1"].version)
    other = teams.create_team(session, head, pdu.id, "Team South", None)
    teams.create_pod(session, head, other, "POD 1")  # fine in another team


def test_only_an_spo_leads_a_team(session: Session, head: Actor, org: dict) -> None:
    with pytest.raises(UserError, match="is not a Senior Probation Officer"):
        teams.create_team(session, head, org["pdu"].id, "Team South", org["po"].id)
    teams.set_team_spo(session, head, org["team"].id, None, org["team"].version)
    _entry, audit = _last_audit(session)
    assert audit["before"]["spo_id"] == org["spo"].id
    assert audit["after"] == {"spo_id": None, "spo": None}


def test_create_pod_and_move_a_practitioner_with_their_cases(
    session: Session, head: Actor, org: dict
) -> None:
    po, team, case = org["po"], org["team"], org["case"]
    pod_id = teams.create_pod(session, head, team.id, "Harehills")
    _entry, audit = _last_audit(session)
    assert audit["after"]["name"] == "Harehills"
    teams.move_practitioner(session, head, po.id, pod_id, po.version)
    session.commit()
    changes = last_changes(session)
    assert changes.get(Kind.STAFF) == {po.id} and changes.get(Kind.CASE) == {case.id}
    session.refresh(po)
    assert (po.pod_id, po.team_id, po.version) == (pod_id, team.id, 2)
    row = session.get(CaseloadRow, case.id)
    assert row is not None and (row.pod_id, row.pod_name) == (pod_id, "Harehills")
    entry, audit = _last_audit(session)
    assert entry.action == "staff.moved"
    assert audit["before"]["pod"] == "POD 1" and audit["after"]["pod"] == "Harehills"


def test_moving_into_another_team_changes_the_team_of_their_cases(
    session: Session, head: Actor, org: dict
) -> None:
    po, case = org["po"], org["case"]
    team_id = teams.create_team(session, head, org["pdu"].id, "Team South", None)
    pod_id = teams.create_pod(session, head, team_id, "Beeston")
    teams.move_practitioner(session, head, po.id, pod_id, po.version)
    session.commit()  # the caseload rows follow at commit
    row = session.get(CaseloadRow, case.id)
    assert row is not None and (row.team_id, row.team_name) == (team_id, "Team South")


def _audit_count(session: Session) -> int:
    return len(session.scalars(select(AuditEntry.id)).all())


def test_two_people_renaming_a_team_at_once_cannot_both_win(
    store: Any, head: Actor, org: dict
) -> None:
    """Both read version 1; the first rename wins, the second changes nothing (SPEC.md 9)."""
    pdu_id, team_id = org["pdu"].id, org["team"].id
    with store.sessions() as first, store.sessions() as second:
        (shown_first,) = teams.list_teams(first, pdu_id, TODAY).teams
        (shown_second,) = teams.list_teams(second, pdu_id, TODAY).teams
        assert shown_first.version == shown_second.version == 1
        # Each read the screen in a read of its own; each rename is a new transaction.
        first.rollback()
        second.rollback()
        teams.rename_team(first, head, team_id, "Team East", shown_first.version)
        first.commit()
        with pytest.raises(
            ConflictError,
            match=r'^The team "Team East" was changed by Local user .* at \d\d:\d\d '
            r"\(Team renamed Team East\) since you opened it; nothing was changed\.",
        ):
            teams.rename_team(second, head, team_id, "Team West", shown_second.version)
        second.rollback()
    with store.sessions() as check:
        stored = check.get(Team, team_id)
        assert stored is not None and (stored.name, stored.version) == ("Team East", 2)
        renamed = check.scalars(select(AuditEntry).where(AuditEntry.action == "team.renamed"))
        assert [json.loads(e.changes)["after"] for e in renamed] == [{"name": "Team East"}]


def test_team_and_pod_edits_check_the_version_shown(
    session: Session, head: Actor, org: dict
) -> None:
    team, pod = org["team"], org["pod1"]
    seen_team, seen_pod = team.version, pod.version
    teams.set_team_spo(session, head, team.id, None, seen_team)
    teams.rename_pod(session, head, pod.id, "Harehills", seen_pod)
    assert (team.version, pod.version) == (seen_team + 1, seen_pod + 1)
    written = _audit_count(session)
    with pytest.raises(
        ConflictError, match=r'The team "Team North" .*\(Team Team North led by no SPO\)'
    ):
        teams.rename_team(session, head, team.id, "Team East", seen_team)
    with pytest.raises(ConflictError, match=r'The team "Team North" .*led by no SPO'):
        teams.set_team_spo(session, head, team.id, org["spo"].id, seen_team)
    with pytest.raises(ConflictError, match=r'The POD "Harehills" .*\(POD renamed Harehills\)'):
        teams.rename_pod(session, head, pod.id, "Beeston", seen_pod)
    assert (team.name, team.spo_id, pod.name) == ("Team North", None, "Harehills")
    assert _audit_count(session) == written


def test_a_stale_staff_version_is_a_conflict_and_changes_nothing(
    session: Session, head: Actor, org: dict
) -> None:
    po = org["po"]
    stale = po.version
    teams.set_hours(session, head, po.id, 30, stale)
    written = _audit_count(session)
    who = f"{po.forename} {po.surname}'s record was changed by Local user"
    with pytest.raises(ConflictError, match=rf"{who} .*\({po.staff_code} contracted hours 30\)"):
        teams.move_practitioner(session, head, po.id, org["pod2"].id, stale)
    with pytest.raises(ConflictError, match="nothing was changed"):
        teams.set_hours(session, head, po.id, 20, stale)
    with pytest.raises(ConflictError):
        reductions.add_reduction(
            session, head, po.id, TODAY, None, 5, "OTHER", expected_version=stale
        )
    with pytest.raises(ConflictError):
        reductions.add_absence(
            session, head, po.id, TODAY, None, "SICKNESS", expected_version=stale
        )
    assert (po.pod_id, po.contracted_hours, po.version) == (org["pod1"].id, 30, stale + 1)
    assert session.scalars(select(Reduction)).first() is None
    assert _audit_count(session) == written


def test_a_reduction_changes_the_practitioners_version(
    session: Session, head: Actor, org: dict
) -> None:
    """Hours and reductions are checked against each other, so each bumps the record."""
    po = org["po"]
    shown = po.version
    reductions.add_reduction(session, head, po.id, TODAY, None, 20, "OTHER", expected_version=shown)
    with pytest.raises(
        ConflictError, match=rf"\({po.staff_code}: 20 hours a week from 25/11/2026\)"
    ):
        teams.set_hours(session, head, po.id, 25, shown)  # read before the reduction
    assert po.contracted_hours == 37


def test_set_hours_checks_and_audits(session: Session, head: Actor, org: dict) -> None:
    po = org["po"]
    with pytest.raises(UserError, match="cannot be negative"):
        teams.set_hours(session, head, po.id, -1, po.version)
    with pytest.raises(UserError, match="at most 48"):
        teams.set_hours(session, head, po.id, 60, po.version)
    teams.set_hours(session, head, po.id, 18.5, po.version)
    entry, audit = _last_audit(session)
    assert entry.action == "staff.hours_changed"
    assert (audit["before"], audit["after"]) == (
        {"contracted_hours": 37.0},
        {"contracted_hours": 18.5},
    )
    (load,) = practitioner_loads(session, org["pdu"].id, TODAY, staff_ids=[po.id])
    assert load.load.available == pytest.approx(2176 / 2)


def test_hours_cannot_drop_below_a_running_reduction(
    session: Session, head: Actor, org: dict
) -> None:
    po = org["po"]
    reductions.add_reduction(
        session, head, po.id, TODAY, None, 20, ReductionReason.OTHER, expected_version=po.version
    )
    with pytest.raises(UserError, match="end or delete it first"):
        teams.set_hours(session, head, po.id, 15, po.version)


def test_add_reduction_uses_the_default_share_and_lowers_capacity(
    session: Session, head: Actor, org: dict
) -> None:
    po, pdu = org["po"], org["pdu"]
    before = practitioner_loads(session, pdu.id, TODAY, staff_ids=[po.id])[0]
    reductions.add_reduction(
        session,
        head,
        po.id,
        date(2026, 11, 1),
        None,
        None,
        "NEWLY_QUALIFIED_PO",
        "first year",
        expected_version=po.version,
    )
    entry, audit = _last_audit(session)
    assert entry.action == "reduction.added"
    assert audit["after"]["hours_per_week"] == pytest.approx(7.4)  # 20% of 37
    assert audit["after"]["note"] == "first year"
    after = practitioner_loads(session, pdu.id, TODAY, staff_ids=[po.id])[0]
    assert after.reduction_hours == pytest.approx(7.4)
    assert after.capacity_percent > before.capacity_percent


@pytest.mark.parametrize(
    ("start", "end", "hours", "reason", "message"),
    [
        (TODAY, date(2026, 11, 24), 5, "OTHER", "is before the start date"),
        (TODAY, None, -2, "OTHER", "cannot be negative"),
        (TODAY, None, 40, "OTHER", r"more than .* 37 contracted hours"),
        (TODAY, None, None, "OTHER", "Give the hours a week"),
        (TODAY, None, 20, "TRADE_UNION", "at most half"),
        (TODAY, None, 5, "HOLIDAY", "not a reason"),
    ],
)
def test_bad_reductions_are_refused_with_a_message(
    session: Session,
    head: Actor,
    org: dict[str, Any],
    start: date,
    end: date | None,
    hours: float | None,
    reason: str,
    message: str,
) -> None:
    with pytest.raises(UserError, match=message):
        po = org["po"]
        reductions.add_reduction(
            session, head, po.id, start, end, hours, reason, expected_version=po.version
        )


def test_an_absence_takes_all_capacity_while_it_runs(
    session: Session, head: Actor, org: dict
) -> None:
    po, pdu = org["po"], org["pdu"]
    reductions.add_absence(
        session, head, po.id, date(2026, 11, 23), date(2026, 12, 4), "SICKNESS", expected_version=1
    )
    entry, audit = _last_audit(session)
    assert entry.action == "absence.added" and audit["after"]["is_absence"] is True
    (load,) = practitioner_loads(session, pdu.id, TODAY, staff_ids=[po.id])
    assert load.load.available == 0 and load.capacity_percent is None
    (later,) = practitioner_loads(session, pdu.id, date(2026, 12, 7), staff_ids=[po.id])
    assert later.load.available == 2176
    with pytest.raises(UserError, match="not a reason for an absence"):
        reductions.add_absence(
            session, head, po.id, TODAY, None, "PSO_LEARNING", expected_version=2
        )


def test_reductions_list_end_and_delete(session: Session, head: Actor, org: dict) -> None:
    po = org["po"]
    start = date(2026, 1, 5)
    reductions.add_reduction(session, head, po.id, start, None, 5, "OTHER", expected_version=1)
    reductions.add_absence(
        session, head, po.id, date(2026, 12, 14), None, "MATERNITY", expected_version=2
    )
    listed = reductions.reductions(session, po.id, TODAY)
    assert [(r.reason_label, r.status) for r in listed] == [
        ("Absence: maternity", "scheduled"),
        ("Other", "active"),
    ]
    reductions.end_reduction(session, head, listed[1].id, date(2026, 11, 20), 3)
    entry, audit = _last_audit(session)
    assert entry.action == "reduction.ended"
    assert audit["before"]["end"] is None and audit["after"]["end"] == "2026-11-20"
    assert reductions.reductions(session, po.id, TODAY)[1].status == "ended"
    with pytest.raises(UserError, match="before the start date"):
        reductions.end_reduction(session, head, listed[1].id, date(2025, 1, 1), 4)
    with pytest.raises(ConflictError, match="Reduction ends 20/11/2026"):
        reductions.delete_reduction(session, head, listed[0].id, 3)  # read before the end
    reductions.delete_reduction(session, head, listed[0].id, 4)
    entry, audit = _last_audit(session)
    assert entry.action == "reduction.deleted" and audit["before"]["reason"] == "MATERNITY"
    assert session.get(Reduction, listed[0].id) is None


def test_an_admin_may_change_nothing(session: Session, head: Actor, org: dict) -> None:
    po, team = org["po"], org["team"]
    v = {"expected_version": po.version}
    calls = [
        lambda: teams.create_team(session, ADMIN, org["pdu"].id, "Team X", None),
        lambda: teams.rename_team(session, ADMIN, team.id, "Team X", team.version),
        lambda: teams.set_team_spo(session, ADMIN, team.id, None, team.version),
        lambda: teams.create_pod(session, ADMIN, team.id, "POD X"),
        lambda: teams.rename_pod(session, ADMIN, org["pod1"].id, "POD X", org["pod1"].version),
        lambda: teams.move_practitioner(session, ADMIN, po.id, org["pod2"].id, po.version),
        lambda: teams.set_hours(session, ADMIN, po.id, 30, po.version),
        lambda: reductions.add_reduction(session, ADMIN, po.id, TODAY, None, 5, "OTHER", **v),
        lambda: reductions.add_absence(session, ADMIN, po.id, TODAY, None, "SICKNESS", **v),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied, match=r"Admin .* may not"):
            call()
    assert session.scalars(select(AuditEntry)).first() is None


def test_an_spo_edits_their_own_team_only(session: Session, head: Actor, org: dict) -> None:
    own = _spo_actor(org["spo"])
    teams.create_pod(session, own, org["team"].id, "POD 3")
    other_spo = f.staff(session, org["pod1"], "SPO", pod_id=None, team_id=None)
    other_id = teams.create_team(session, head, org["pdu"].id, "Team S", other_spo.id)
    with pytest.raises(PermissionDenied, match="Head of PDU or the team's SPO"):
        teams.create_pod(session, own, other_id, "POD 4")
    with pytest.raises(PermissionDenied, match="Head of PDU"):
        teams.create_team(session, own, org["pdu"].id, "Team Mine", org["spo"].id)
    other_pod = session.scalars(select(Pod).where(Pod.team_id == other_id)).first()
    assert other_pod is None
    po = org["po"]
    reductions.add_reduction(session, own, po.id, TODAY, None, 5, "OTHER", expected_version=1)
    pod_id = teams.create_pod(session, head, other_id, "POD 5")
    with pytest.raises(PermissionDenied):  # the new team is not theirs
        teams.move_practitioner(session, own, po.id, pod_id, po.version)


def test_list_teams_shows_spo_pods_members_and_capacity(
    session: Session, head: Actor, org: dict
) -> None:
    admin = f.staff(session, org["pod2"], "CASE_ADMIN")
    newcomer = f.staff(session, org["pod1"], "PSO", team_id=None, pod_id=None)
    view = teams.list_teams(session, org["pdu"].id, TODAY)
    (team,) = view.teams
    assert team.spo_name == f"{org['spo'].forename} {org['spo'].surname}"
    assert [p.name for p in team.pods] == ["POD 1", "POD 2"]
    (po,) = team.pods[0].members
    assert po.staff_id == org["po"].id and po.cases == 1
    assert po.capacity_percent == pytest.approx(50 / 2176 * 100)
    assert [m.staff_id for m in team.pods[1].members] == [admin.id]
    assert team.pods[1].members[0].capacity_percent is None
    assert [m.staff_id for m in view.without_team] == [newcomer.id]
    assert [o.id for o in teams.spo_options(session, org["pdu"].id)] == [org["spo"].id]
