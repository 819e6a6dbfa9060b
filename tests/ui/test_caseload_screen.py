"""The caseload screen driven like a person: filter, search, sort, open a case."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.app import build_window
from app.ui.caseload.model import CaseTableModel
from tests import factories as f


def _data(store):  # type: ignore[no-untyped-def]
    with store.sessions.begin() as s:
        pdu = f.pdu(s)
        team = f.team(s, pdu.id, "Team East")
        pod = f.pod(s, team.id, "POD Alpha")
        po = f.staff(s, pod, "PO", forename="Priya", surname="Shah")
        f.case(s, pdu.id, surname="Smith", forename="John", staff_id=po.id, rosh="HIGH")
        f.case(
            s,
            pdu.id,
            surname="Jones",
            forename="Mary",
            gender="F",
            rosh="LOW",
            female_requested=True,
        )
        f.case(s, pdu.id, surname="Brown", forename="Sam", rosh=None, sentence_type="SSO")
        return po.id


def _window(qtbot, store):  # type: ignore[no-untyped-def]
    window = build_window(store, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    return window


def _names(screen) -> list[str]:  # type: ignore[no-untyped-def]
    model = screen.model
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_caseload_lists_filters_and_counts(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    _data(store)
    window = _window(qtbot, store)
    screen = window.open_screen("Caseload")
    assert window.pdu_box.currentText() == "17. Leeds"
    assert sorted(_names(screen)) == ["BROWN, Sam", "JONES, Mary", "SMITH, John"]
    assert screen.count_label.text() == "3 cases"
    # The practitioner is shown with their capacity: B1 community case, 102 of 2,176 points
    labels = [screen.practitioner_box.itemText(i) for i in range(screen.practitioner_box.count())]
    assert "Shah, Priya (PO, 5%)" in labels

    screen.unallocated_box.setChecked(True)
    assert sorted(_names(screen)) == ["BROWN, Sam", "JONES, Mary"]
    screen.unallocated_box.setChecked(False)

    screen.rosh_box.setCurrentIndex(screen.rosh_box.findText("Not assessed"))
    assert _names(screen) == ["BROWN, Sam"]
    screen.rosh_box.setCurrentIndex(0)

    qtbot.keyClicks(screen.search_box, "smi")
    qtbot.waitUntil(lambda: _names(screen) == ["SMITH, John"], timeout=2000)
    assert screen.model.index(0, 6).data() == "Priya Shah (PO)"
    assert screen.model.index(0, 2).data() == "CO"


def test_an_empty_pdu_says_how_to_begin(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, store)
    screen = window.open_screen("Caseload")
    window.pdu_box.setCurrentIndex(window.pdu_box.findText("17. Leeds"))  # a first start asks
    assert screen.model.rowCount() == 0
    assert "import a staff extract, then a caseload extract" in screen.count_label.text()


def test_sorting_by_header_click_and_opening_the_detail(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    _data(store)
    window = _window(qtbot, store)
    screen = window.open_screen("Caseload")
    header = screen.table.horizontalHeader()
    header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    assert _names(screen) == ["BROWN, Sam", "JONES, Mary", "SMITH, John"]
    header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    assert _names(screen) == ["SMITH, John", "JONES, Mary", "BROWN, Sam"]

    screen.table.selectRow(0)
    html = screen.detail.toPlainText()
    assert "SMITH, John" in html
    assert "Tier history" in html and "Priya Shah (PO)" in html
    assert "RoSH High" in html


def test_the_table_model_passes_the_qt_model_tester(qtmodeltester, store) -> None:  # type: ignore[no-untyped-def]
    _data(store)
    from app.services.caseload import search as caseload
    from app.services.caseload.search import CaseFilter
    from tests.conftest import TODAY

    def fetch(ids: list[int], done) -> None:  # type: ignore[no-untyped-def]
        with store.sessions() as session:
            done(caseload.rows(session, ids))

    model = CaseTableModel(fetch)
    with store.sessions() as s:
        pdu = f.pdu(s)
        model.set_ids(caseload.search(s, CaseFilter(pdu_id=pdu.id, as_at=TODAY)))
    qtmodeltester.check(model)


def test_a_long_caseload_shows_its_first_page_then_every_row(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.begin() as s:
        pdu = f.pdu(s)
        for i in range(230):
            f.case(s, pdu.id, surname=f"Person{i:03d}")
    window = _window(qtbot, store)
    screen = window.open_screen("Caseload")
    assert screen.model.rowCount() == 230
    assert screen.model.complete
    assert screen.count_label.text() == "230 cases"
    last = screen.model.index(229, 1).data()
    assert last == "PERSON229, Alex"


def test_the_detail_follows_the_list_and_an_empty_search_offers_clear_filters(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    _data(store)
    window = _window(qtbot, store)
    screen = window.open_screen("Caseload")
    row = _names(screen).index("SMITH, John")
    screen.table.selectRow(row)
    assert screen.detail.person_id is not None and "SMITH, John" in screen.detail.toPlainText()
    qtbot.keyClicks(screen.search_box, "zzz")
    screen._search_timer.timeout.emit()  # the search runs as typing pauses
    assert screen.model.rowCount() == 0
    assert screen.count_label.text() == "No case matches 'zzz'"
    assert screen.detail.person_id is None and "SMITH" not in screen.detail.toPlainText()
    assert screen.clear_button.isVisible()
    qtbot.mouseClick(screen.clear_button, Qt.MouseButton.LeftButton)
    assert screen.search_box.text() == "" and screen.count_label.text() == "3 cases"
    assert not screen.clear_button.isVisible()
    screen.tier_box.setCurrentIndex(screen.tier_box.findText("A3"))
    assert screen.count_label.text() == "No case matches these filters"


def test_a_first_start_asks_for_the_users_pdu_and_remembers_it(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, store)  # an empty database: every PDU offered, none in use
    assert window.ctx.pdu is None and window.pdu_box.currentIndex() == -1
    assert "Which PDU is yours?" in window.statusBar().currentMessage()
    window.pdu_box.setCurrentIndex(window.pdu_box.findText("17. Leeds"))
    assert window.ctx.pdu is not None and window.ctx.pdu.number == 17
    assert "opens on 17. Leeds from now on" in window.statusBar().currentMessage()
    window.close()
    again = _window(qtbot, store)
    assert again.pdu_box.currentText() == "17. Leeds"
    again.close()
