"""The Victim liaison screen's controls for what a VLO records: dates, choices, stages, closure.

The demo's VLO signs in, chooses a task in the queue and records through the
dialogs; each test reads the result back from the store, and a second VLO's
change made meanwhile is refused with the reason shown in the dialog.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from app.db.victim_models import VcsCase, Victim, VictimTask
from app.domain.codes import Role
from app.services.users import accounts
from app.services.users.accounts import UserForm
from app.services.users.gate import Gate
from app.services.victims import cases
from app.ui.app import build_window
from app.ui.victims.case_dialogs import (
    CaseDatesDialog,
    CloseCaseDialog,
    KeyStageDialog,
    OptDialog,
    ReassignDialog,
)
from tests.conftest import TODAY


def _screen(qtbot, store, username="vlo"):  # type: ignore[no-untyped-def]
    actor = Gate(store).sign_in(username, "demo").actor
    assert actor is not None
    window = build_window(store, actor, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    return window, window.open_screen("Victim liaison")


def _on_case(screen, store, wanted):  # type: ignore[no-untyped-def]
    """Choose the first queue row whose case passes ``wanted(case, victims)``."""
    with store.sessions() as session:
        for row in screen.queue.rows:
            case = session.get(VcsCase, row.case_id)
            victims = list(session.scalars(select(Victim).where(Victim.vcs_case_id == case.id)))
            if case.closed_on is None and wanted(case, victims):
                assert screen.select_task(row.task_id)
                assert screen.case is not None and screen.case.case_id == case.id
                return case.id
    raise AssertionError("the demo has no such case")


def _opted_in(v: Victim) -> bool:
    return v.opted_in_date is not None and (
        v.opted_out_date is None or v.opted_in_date > v.opted_out_date
    )


def _open_tasks(store, case_id, kind=None):  # type: ignore[no-untyped-def]
    with store.sessions() as session:
        query = select(VictimTask).where(
            VictimTask.vcs_case_id == case_id, VictimTask.status == "OPEN"
        )
        if kind is not None:
            query = query.where(VictimTask.task_type == kind)
        return list(session.scalars(query))


def test_the_case_dates_dialog_sets_a_parole_review_and_its_tasks_follow(qtbot, demo_store) -> None:  # type: ignore[no-untyped-def]
    window, screen = _screen(qtbot, demo_store)
    case_id = _on_case(
        screen,
        demo_store,
        lambda c, vs: c.parole_review_date is None and any(_opted_in(v) for v in vs),
    )
    dialog = screen.edit_dates()
    assert isinstance(dialog, CaseDatesDialog)
    dialog.parole.setText("14/06/2027")
    dialog.category.setCurrentIndex(dialog.category.findData("C"))
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    with demo_store.sessions() as session:
        case = session.get(VcsCase, case_id)
        assert case.parole_review_date == date(2027, 6, 14) and case.security_category == "C"
    assert _open_tasks(demo_store, case_id, "PAROLE_VPS_INVITATION")
    assert "Parole review" in screen.detail.toPlainText()  # the panel shows the new date
    window.close()


def test_a_bad_date_is_refused_in_the_dialog_in_words(qtbot, demo_store) -> None:  # type: ignore[no-untyped-def]
    window, screen = _screen(qtbot, demo_store)
    _on_case(screen, demo_store, lambda c, vs: True)
    dialog = screen.edit_dates()
    dialog.release.setText("31/02/2027")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "Expected release" in dialog.error.text()
    window.close()


def test_the_second_vlo_saving_a_case_changed_meanwhile_is_told_in_the_dialog(
    qtbot, demo_store
) -> None:  # type: ignore[no-untyped-def]
    window, screen = _screen(qtbot, demo_store)
    case_id = _on_case(screen, demo_store, lambda c, vs: c.expected_release_date is not None)
    dialog = screen.edit_dates()
    dialog.release.setText("01/02/2028")
    other = Gate(demo_store).sign_in("head", "demo").actor
    with demo_store.sessions.begin() as session:  # another user changes the case meanwhile
        case = session.get(VcsCase, case_id)
        cases.update_case(
            session,
            other,
            case_id,
            case.version,
            cases.CaseDates(
                case.vlo_user_id, None, date(2027, 12, 6), None, None, None, None, None, False
            ),
        )
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "changed by someone else" in dialog.error.text()
    with demo_store.sessions() as session:
        assert session.get(VcsCase, case_id).expected_release_date == date(2027, 12, 6)
    window.close()


def test_a_victim_opting_out_in_the_dialog_withdraws_their_open_tasks(qtbot, demo_store) -> None:  # type: ignore[no-untyped-def]
    window, screen = _screen(qtbot, demo_store)

    def opted_in_with_tasks(case, victims):  # type: ignore[no-untyped-def]
        return len(victims) == 1 and _opted_in(victims[0])

    case_id = _on_case(screen, demo_store, opted_in_with_tasks)
    victim_id = screen.case.victims[0].victim_id
    assert [t for t in _open_tasks(demo_store, case_id) if t.victim_id == victim_id]
    dialog = screen.record_opt()
    assert isinstance(dialog, OptDialog)
    assert screen.case.victims[0].name in dialog.victim.currentText()  # names open to a VLO
    dialog.opts_out.setChecked(True)
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert [t for t in _open_tasks(demo_store, case_id) if t.victim_id == victim_id] == []
    with demo_store.sessions() as session:
        assert session.get(Victim, victim_id).opted_out_date == TODAY
    window.close()


def test_a_key_stage_then_closing_the_case_from_the_screen(qtbot, demo_store) -> None:  # type: ignore[no-untyped-def]
    window, screen = _screen(qtbot, demo_store)
    case_id = _on_case(screen, demo_store, lambda c, vs: any(_opted_in(v) for v in vs))
    dialog = screen.record_stage()
    assert isinstance(dialog, KeyStageDialog)
    dialog.stage.setCurrentIndex(dialog.stage.findData("OPEN_CONDITIONS"))
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    told = _open_tasks(demo_store, case_id, "KEY_STAGE_NOTIFICATION")
    assert any("move to open conditions" in t.detail for t in told)
    dialog = screen.close_case()
    assert isinstance(dialog, CloseCaseDialog)
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert _open_tasks(demo_store, case_id) == []
    with demo_store.sessions() as session:
        assert session.get(VcsCase, case_id).closed_on == TODAY
    assert screen.case.closed_on == TODAY and not screen.dates_button.isEnabled()
    window.close()


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_a_leaving_vlos_cases_are_reassigned_from_the_screen_then_the_account_disabled(
    qtbot, demo_store
) -> None:  # type: ignore[no-untyped-def]
    head = Gate(demo_store).sign_in("head", "demo").actor
    vlo = Gate(demo_store).sign_in("vlo", "demo").actor
    form = UserForm("Nia Vale", frozenset({Role.VLO}), frozenset(vlo.pdu_ids))
    with demo_store.sessions.begin() as session:
        new_id = accounts.create_user(session, head, "nia.vlo", "a long enough pass 42", form)
    with demo_store.sessions() as session:
        user = accounts.get_user(session, vlo.user_id)
        with pytest.raises(accounts.UserError, match="reassign them"):
            accounts.set_active(session, head, vlo.user_id, user.version, False)
    window, screen = _screen(qtbot, demo_store, "head")
    dialog = screen.reassign()
    assert isinstance(dialog, ReassignDialog)
    dialog.from_vlo.setCurrentIndex(dialog.from_vlo.findData(vlo.user_id))
    dialog.to_vlo.setCurrentIndex(dialog.to_vlo.findData(new_id))
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert dialog.moved and dialog.moved > 0
    with demo_store.sessions.begin() as session:
        held = session.scalars(select(VcsCase.vlo_user_id).where(VcsCase.closed_on.is_(None)))
        assert vlo.user_id not in set(held)
        user = accounts.get_user(session, vlo.user_id)
        accounts.set_active(session, head, vlo.user_id, user.version, False)
    window.close()
