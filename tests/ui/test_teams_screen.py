"""The teams screen driven through its actions and dialogs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from app.db.models import CaseloadRow, Pod, Reduction, Staff
from app.domain.codes import Role
from app.services.core.actor import Actor
from app.services.teams import organisation as teams
from app.services.teams.reductions import reductions
from app.ui.app import build_window
from app.ui.teams.dialogs import ChoiceDialog, HoursDialog, NameDialog, ReductionDialog
from app.ui.teams.reductions_model import ReductionsModel
from app.ui.teams.tree import CAPACITY, HOURS
from tests import factories as f
from tests.conftest import TODAY


def _data(store: Any) -> dict[str, int]:
    with store.sessions.begin() as s:
        pdu = f.pdu(s)
        team = f.team(s, pdu.id, "Team East")
        pod = f.pod(s, team.id, "POD Alpha")
        spo = f.staff(s, pod, "SPO", forename="Sam", surname="Lead", pod_id=None)
        team.spo_id = spo.id
        po = f.staff(s, pod, "PO", forename="Priya", surname="Shah")
        case = f.case(s, pdu.id, staff_id=po.id, rosh="HIGH")
        return {"pdu": pdu.id, "team": team.id, "pod": pod.id, "po": po.id, "case": case.id}


def _reduction(
    staff_id: int, start: date, hours: float, reason: str, absence: bool = False
) -> Reduction:
    return Reduction(
        staff_id=staff_id,
        start_date=start,
        end_date=None,
        hours_per_week=hours,
        reason=reason,
        note="",
        is_absence=absence,
    )


def _screen(qtbot: Any, store: Any) -> Any:
    window = build_window(store, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    return window.open_screen("Teams and PODs")


def _answer(fill: Callable[[Any], None]) -> Callable[[QDialog], bool]:
    """Stands in for the user: fills the dialog in, then presses OK."""

    def ask(dialog: QDialog) -> bool:
        fill(dialog)
        dialog.deleteLater()
        return True

    return ask


def _choose(box: Any, text: str) -> None:
    index = box.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    box.setCurrentIndex(index)


def test_tree_shows_teams_pods_and_members(qtbot: Any, store: Any) -> None:
    ids = _data(store)
    screen = _screen(qtbot, store)
    team = screen.tree.item_for(("team", ids["team"]))
    assert team.text(0) == "Team East  ·  SPO: Sam Lead"
    leader = team.child(0)  # the SPO first, as a member of the team they lead
    assert [leader.text(c) for c in range(2)] == ["Sam Lead", "Senior Probation Officer"]
    pod = team.child(1)
    assert pod.text(0) == "POD Alpha"
    member = pod.child(0)
    assert [member.text(c) for c in range(4)] == ["Priya Shah", "PO", "37", ""]
    assert member.text(CAPACITY).endswith("%")
    tip = screen.tree.headerItem().toolTip(CAPACITY)
    assert 'Red above 100%; red, bold and "(flagged)" above 110%' in tip


def test_create_a_pod_and_move_a_practitioner_into_it(qtbot: Any, store: Any) -> None:
    ids = _data(store)
    screen = _screen(qtbot, store)
    screen.tree.select_key(("team", ids["team"]))

    def name_pod(dialog: NameDialog) -> None:
        assert dialog.choice() == ids["team"]  # the chosen team is offered first
        dialog.name_edit.setText("Harehills")

    screen.ask = _answer(name_pod)
    screen.new_pod_action.trigger()
    with store.sessions() as s:
        pod = s.scalars(select(Pod).where(Pod.name == "Harehills")).one()
    assert pod.team_id == ids["team"]
    assert screen.tree.item_for(("pod", pod.id)).text(0) == "Harehills"

    screen.tree.select_key(("member", ids["po"]))
    assert screen.move_action.isEnabled()

    def choose_pod(dialog: ChoiceDialog) -> None:
        _choose(dialog.choice_box, "Team East / Harehills")

    screen.ask = _answer(choose_pod)
    screen.move_action.trigger()
    with store.sessions() as s:
        staff = s.get(Staff, ids["po"])
        row = s.get(CaseloadRow, ids["case"])
        assert staff is not None and row is not None
        assert (staff.pod_id, staff.version) == (pod.id, 2)
        assert row.pod_name == "Harehills"
    moved = screen.tree.item_for(("member", ids["po"]))
    assert moved.parent().text(0) == "Harehills"
    assert screen.tree.item_for(("pod", ids["pod"])).childCount() == 0


def test_new_team_and_rename(qtbot: Any, store: Any) -> None:
    _data(store)
    screen = _screen(qtbot, store)

    def new_team(dialog: NameDialog) -> None:
        dialog.name_edit.setText("Team West")
        _choose(dialog.choice_box, "Lead, Sam")

    screen.ask = _answer(new_team)
    screen.new_team_action.trigger()
    (west,) = [t for t in screen.view.teams if t.name == "Team West"]
    assert west.spo_name == "Sam Lead"
    screen.tree.select_key(("team", west.id))
    screen.ask = _answer(lambda d: d.name_edit.setText("Team South West"))
    screen.rename_action.trigger()
    assert screen.tree.item_for(("team", west.id)).text(0).startswith("Team South West")


def test_a_change_made_elsewhere_first_is_reported_and_the_screen_reloads(
    qtbot: Any, store: Any
) -> None:
    ids = _data(store)
    screen = _screen(qtbot, store)
    told: list[tuple[str, str]] = []
    screen.tell = lambda title, text: told.append((title, text))
    other = Actor(user_id=None, username="sam.lead", display_name="Sam", role=Role.HEAD_OF_PDU)
    with store.sessions.begin() as s:  # another window, after this screen read POD Alpha
        teams.rename_pod(s, other, ids["pod"], "POD Beta", 1)
        teams.set_hours(s, other, ids["po"], 30, 1)
    offered: list[str] = []

    def rename(dialog: NameDialog) -> None:
        offered.append(dialog.name_edit.text())
        dialog.name_edit.setText("POD Gamma")

    screen.tree.select_key(("pod", ids["pod"]))
    screen.ask = _answer(rename)
    screen.rename_action.trigger()
    ((title, text),) = told
    assert title == "Someone else changed this first"
    assert text.startswith('The POD "POD Beta" was changed by sam.lead at ')
    assert "(POD renamed POD Beta) since you opened it; nothing was changed." in text
    assert screen.tree.item_for(("pod", ids["pod"])).text(0) == "POD Beta"  # reloaded
    with store.sessions() as s:
        assert s.get(Pod, ids["pod"]).name == "POD Beta"

    screen.rename_action.trigger()  # now with the version shown since the reload
    assert offered == ["POD Alpha", "POD Beta"] and len(told) == 1
    assert screen.tree.item_for(("pod", ids["pod"])).text(0) == "POD Gamma"

    screen.tree.select_key(("member", ids["po"]))
    assert screen.tree.item_for(("member", ids["po"])).text(HOURS) == "30"  # reloaded too
    with store.sessions.begin() as s:
        teams.set_hours(s, other, ids["po"], 32, 2)
    screen.ask = _answer(lambda d: d.hours_box.setValue(20))
    screen.hours_action.trigger()
    assert len(told) == 2 and "Shah's record was changed by sam.lead" in told[1][1]
    assert "contracted hours 32)" in told[1][1]
    assert screen.tree.item_for(("member", ids["po"])).text(HOURS) == "32"
    screen.hours_action.trigger()
    assert len(told) == 2
    assert screen.tree.item_for(("member", ids["po"])).text(HOURS) == "20"


def test_hours_reductions_and_absences(qtbot: Any, store: Any) -> None:
    ids = _data(store)
    screen = _screen(qtbot, store)
    screen.tree.select_key(("member", ids["po"]))
    before = screen.tree.item_for(("member", ids["po"])).text(CAPACITY)

    def hours(dialog: HoursDialog) -> None:
        dialog.hours_box.setValue(18.5)

    screen.ask = _answer(hours)
    screen.hours_action.trigger()
    member = screen.tree.item_for(("member", ids["po"]))
    assert member.text(HOURS) == "18.5"
    assert member.text(CAPACITY) != before

    def reduction(dialog: ReductionDialog) -> None:
        _choose(dialog.reason_box, "Newly qualified PO (first 9 months)")
        assert dialog.hours() == 3.7  # 20% of 18.5 offered by default
        dialog.open_box.setChecked(False)
        dialog.end_edit.setDate(dialog.end_edit.date().addDays(30))
        dialog.note_edit.setText("first year")

    screen.ask = _answer(reduction)
    screen.reduction_action.trigger()
    model = screen.reductions_model
    assert [model.index(0, c).data() for c in range(5)] == [
        "Newly qualified PO (first 9 months)",
        "25/11/2026",
        "25/12/2026",
        "3.7",
        "Active",
    ]

    screen.ask = _answer(lambda d: _choose(d.reason_box, "Sickness"))
    screen.absence_action.trigger()
    absent = screen.tree.item_for(("member", ids["po"]))
    assert absent.text(CAPACITY) == "Absent"  # the same word as the other screens
    assert absent.toolTip(CAPACITY) == "No available hours this week"
    assert model.rowCount() == 2


def test_end_and_delete_a_reduction_after_confirming(qtbot: Any, store: Any) -> None:
    ids = _data(store)
    with store.sessions.begin() as s:
        s.add(_reduction(ids["po"], date(2026, 1, 1), 5, "OTHER"))
    screen = _screen(qtbot, store)
    screen.tree.select_key(("member", ids["po"]))
    screen.reductions_table.selectRow(0)
    assert screen.end_action.isEnabled()
    screen.ask = _answer(lambda d: d.date_edit.setDate(d.date_edit.date().addDays(-5)))
    screen.end_action.trigger()
    assert screen.reductions_model.index(0, 2).data() == "20/11/2026"
    assert screen.reductions_model.index(0, 4).data() == "Ended"

    asked: list[str] = []
    screen.confirm = lambda title, text: asked.append(title) or False
    screen.reductions_table.selectRow(0)
    screen.delete_action.trigger()
    assert asked == ["Delete reduction"] and screen.reductions_model.rowCount() == 1
    screen.confirm = lambda title, text: True
    screen.delete_action.trigger()
    assert screen.reductions_model.rowCount() == 0
    with store.sessions() as s:
        assert s.scalars(select(Reduction)).first() is None


def test_reductions_model_passes_the_qt_model_tester(qtmodeltester: Any, store: Any) -> None:
    ids = _data(store)
    with store.sessions.begin() as s:
        s.add(_reduction(ids["po"], date(2026, 1, 1), 5, "OTHER"))
        s.add(_reduction(ids["po"], date(2027, 1, 1), 37, "SICKNESS", absence=True))
    with store.sessions() as s:
        rows = reductions(s, ids["po"], TODAY)
    model = ReductionsModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(2)] == ["Absence: sickness", "Other"]


IMPORTED_STAFF = """staff_code,forename,surname,grade,pdu,team,pod
N07A001,Ada,Fielding,PO,17,Team North,POD 1
N07A010,Sue,Lead,SPO,17,Team North,
N07A011,Tom,Second,SPO,17,Team North,
N07A012,Cat,Admin,Case administrator,17,Team North,
N07A013,Val,Liaison,VLO,17,,
"""


def _children(item: Any) -> list[str]:
    return [item.child(i).text(0) for i in range(item.childCount())]


def test_every_imported_member_of_staff_shows_in_the_tree(
    qtbot: Any, store: Any, head: Actor, tmp_path: Any
) -> None:
    """Issue 16 point 3: the imported SPO leads their team; nobody is left out."""
    from app.services.imports import run_import

    path = tmp_path / "staff.csv"
    path.write_text(IMPORTED_STAFF, encoding="utf-8")
    assert run_import(store.sessions, head, "staff", path).applied
    screen = _screen(qtbot, store)
    tree = screen.tree
    assert tree.topLevelItemCount() == 2
    team = tree.topLevelItem(0)
    assert team.text(0) == "Team North  ·  SPO: Sue Lead"
    assert _children(team) == ["Sue Lead", "POD 1", "Not in a POD"]
    assert team.child(0).text(1) == "Senior Probation Officer"
    assert _children(team.child(1)) == ["Ada Fielding"]
    assert _children(team.child(2)) == ["Cat Admin", "Tom Second"]
    nobody = tree.topLevelItem(1)
    assert nobody.text(0) == "Not in a team" and _children(nobody) == ["Val Liaison"]
    tree.setCurrentItem(team.child(2).child(1))  # Tom, an SPO: hours yes, no POD to move to
    assert screen.hours_action.isEnabled() and not screen.move_action.isEnabled()
    tree.setCurrentItem(team.child(2).child(0))  # Cat, a case administrator, may join a POD
    assert screen.move_action.isEnabled()
