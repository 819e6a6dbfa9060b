"""Imported SPOs lead their team; every imported member of staff is in the Teams tree.

SPEC.md 3 (a team is led by one SPO) and issue 16 point 3: a staff row with
grade SPO and a team makes them that team's SPO when it has none; when the
team already has another SPO the current one is kept; the preview says which.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from app.db.models import AuditEntry, Staff, Team
from app.services.core.actor import Actor
from app.services.core.store import Store
from app.services.teams.organisation import MemberView, TeamsView, list_teams
from tests.conftest import TODAY
from tests.services.test_imports import STAFF, STAFF_HEADER, run, write_csv

HEADER = [*STAFF_HEADER, "leave_date"]
LEADS = [
    [*STAFF[0], ""],  # Ada Fielding, PO, Team North, POD 1
    [*STAFF[1], ""],  # Ben Marsh, PSO, Team North, POD 1
    [*STAFF[2], ""],  # Cara Holt, PO, Team South, no POD
    ["N07A010", "Sue", "Lead", "SPO", "17", "Team North", "", "F", ""],
    ["N07A011", "Tom", "Second", "Senior Probation Officer", "17", "Team North", "", "M", ""],
    ["N07A012", "Cat", "Admin", "case administrator", "17", "Team North", "", "F", ""],
    ["N07A013", "Val", "Liaison", "VLO", "17", "", "", "F", ""],
    ["N07A014", "Una", "Gone", "PSC", "17", "Team South", "", "F", "01/11/2026"],  # left
]


def _team_spos(store: Store) -> dict[str, str | None]:
    with store.sessions() as session:
        rows = session.execute(
            select(Team.name, Staff.staff_code).outerjoin(Staff, Staff.id == Team.spo_id)
        )
        return {name: code for name, code in rows}


def _everyone(view: TeamsView) -> list[tuple[str, str]]:
    """(staff code, where) for each member of staff the tree shows."""
    shown: list[tuple[str, str]] = []

    def add(members: tuple[MemberView, ...], where: str) -> None:
        shown.extend((m.staff_code, where) for m in members)

    for team in view.teams:
        if team.spo is not None:
            add((team.spo,), f"{team.name}: leads")
        for pod in team.pods:
            add(pod.members, f"{team.name}: {pod.name}")
        add(team.without_pod, f"{team.name}: not in a POD")
    add(view.without_team, "not in a team")
    return sorted(shown)


def test_an_spo_leads_their_team_when_it_has_none_and_the_preview_says_so(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "staff.csv", HEADER, LEADS)
    preview = run(store, head, "staff", path, dry_run=True)
    assert "Sue Lead (N07A010) becomes the SPO of Team North, which has none." in preview.notes
    [kept] = [f for f in preview.findings if f.kind == "team_spo"]
    assert (kept.key, kept.name) == ("N07A011", "Tom Second")
    assert kept.detail.startswith(
        "Team North already has an SPO, Sue Lead, who is kept: Tom Second joins the team "
        "without leading it"
    )
    text = preview.text()
    assert "1 SPO in the extract whose team already has another SPO" in text
    assert "N07A014" not in " ".join(preview.notes)  # a leaver leads nothing
    assert _team_spos(store) == {}

    report = run(store, head, "staff", path)
    assert report.applied, report.text()
    assert _team_spos(store) == {"Team North": "N07A010", "Team South": None}
    with store.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert json.loads(entry.changes)["team_spos"] == {"Team North": "N07A010"}


def test_a_team_with_an_spo_keeps_them_and_a_reimport_changes_nothing(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    run(store, head, "staff", write_csv(tmp_path / "staff.csv", HEADER, LEADS))
    with store.sessions() as session:
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
    again = run(store, head, "staff", write_csv(tmp_path / "staff.csv", HEADER, LEADS))
    assert (again.added, again.changed, again.notes) == (0, 0, ())
    assert [f.key for f in again.findings] == ["N07A011"]  # still said: Sue is kept
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audits

    newcomer = [["N07A020", "Wes", "Newman", "SPO", "17", "team north", "", "M", ""]]
    report = run(store, head, "staff", write_csv(tmp_path / "new.csv", HEADER, newcomer))
    assert report.added == 1 and report.notes == ()
    [kept] = report.findings
    assert kept.detail.startswith("Team North already has an SPO, Sue Lead, who is kept")
    assert _team_spos(store)["Team North"] == "N07A010"


def test_an_spo_moving_into_a_team_without_one_leads_it(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    run(store, head, "staff", write_csv(tmp_path / "staff.csv", HEADER, LEADS))
    moved = [["N07A011", "Tom", "Second", "SPO", "17", "Team South", "", "M", ""]]
    report = run(store, head, "staff", write_csv(tmp_path / "move.csv", HEADER, moved))
    assert report.changed == 1
    assert report.notes == ("Tom Second (N07A011) becomes the SPO of Team South, which has none.",)
    assert _team_spos(store) == {"Team North": "N07A010", "Team South": "N07A011"}


def test_every_imported_member_of_staff_appears_once_in_the_teams_tree(
    store: Store, head: Actor, tmp_path: Path
) -> None:
    run(store, head, "staff", write_csv(tmp_path / "staff.csv", HEADER, LEADS))
    with store.sessions() as session:
        pdu_id = session.scalars(select(Team.pdu_id)).first()
        assert pdu_id is not None
        view = list_teams(session, pdu_id, TODAY)
    assert _everyone(view) == [
        ("N07A001", "Team North: POD 1"),
        ("N07A002", "Team North: POD 1"),
        ("N07A003", "Team South: not in a POD"),
        ("N07A010", "Team North: leads"),
        ("N07A011", "Team North: not in a POD"),  # another SPO, who does not lead it
        ("N07A012", "Team North: not in a POD"),  # a case administrator not yet in a POD
        ("N07A013", "not in a team"),
        # N07A014 left on 01/11/2026: no longer in post, so not shown
    ]
