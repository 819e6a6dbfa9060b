"""The tiering balance screen: the table, the exceptions, the chart and the tier matrix."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.db.models import CaseloadRow
from app.services.balance.mix import balance
from app.ui.app import build_window
from app.ui.balance.models import (
    ID_ROLE,
    MIX,
    POD,
    CellCasesModel,
    ExceptionsModel,
    PractitionerBalanceModel,
    TierMatrixModel,
)
from tests import factories as f
from tests.conftest import TODAY
from tests.ui.helpers import signed_in


def _data(store: Any) -> dict[str, int]:
    with store.sessions.begin() as s:
        pdu = f.pdu(s)
        pod = f.pod(s, f.team(s, pdu.id, "Team East").id, "POD Alpha")
        pso = f.staff(s, pod, "PSO", forename="Paula", surname="Stone")
        po = f.staff(s, pod, "PO", forename="Priya", surname="Shah")
        f.case(s, pdu.id, surname="Smith", forename="John", staff_id=pso.id, rosh="HIGH")
        f.case(s, pdu.id, surname="Jones", forename="Mary", staff_id=pso.id, rosh="MEDIUM")
        f.case(s, pdu.id, surname="Brown", forename="Sam", staff_id=po.id, rosh="HIGH")
        f.case(s, pdu.id, surname="Green", forename="Ann", staff_id=po.id, rosh="LOW")
        f.case(s, pdu.id, surname="White", forename="Tom", rosh=None)
        return {"pso": pso.id, "po": po.id, "pdu": pdu.id}


def _window(qtbot: Any, store: Any) -> Any:
    window = build_window(store, signed_in(store), inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    return window


def _column(model: Any, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def _bars(chart: Any) -> dict[str, list[float]]:
    """What the chart draws: each bar's label and its parts (QBarSet values) in series order."""
    (series,) = chart.chart().series()
    (axis,) = chart.chart().axes(Qt.Orientation.Vertical)
    labels = axis.categories()
    return {label: [s.at(i) for s in series.barSets()] for i, label in enumerate(labels)}


def test_table_lists_practitioners_and_the_exception(qtbot: Any, store: Any) -> None:
    ids = _data(store)
    with store.sessions.begin() as s:  # Priya's bar differs from Paula's
        f.case(s, ids["pdu"], surname="Black", staff_id=ids["po"], rosh=None)
    screen = _window(qtbot, store).open_screen("Tiering balance")
    table = screen.table.model()
    assert _column(table, 0) == ["Paula Stone", "Priya Shah"]
    assert _column(table, 1) == ["PSO", "PO"]
    assert _column(table, 2) == ["POD Alpha"] * 2  # the team is in the tooltip
    assert table.index(0, POD).data(Qt.ItemDataRole.ToolTipRole) == "Team East / POD Alpha"
    assert table.headerData(POD, Qt.Orientation.Horizontal) == "POD"
    for col in range(table.columnCount()):
        assert table.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    mix = table.index(1, MIX)
    assert mix.data(Qt.ItemDataRole.ToolTipRole) == f"Cases per protect level: {mix.data()}"
    fits = screen.table.fontMetrics().horizontalAdvance
    for col in (POD, MIX):
        assert all(fits(text) < screen.table.columnWidth(col) for text in _column(table, col))
    row = [table.index(0, c).data() for c in range(3, 7)]
    assert row == ["2", "1", "1", "0"]  # Paula: 2 cases, 1 high, 1 medium/low, none unassessed
    exceptions = screen.exceptions_model
    assert _column(exceptions, 0) == ["Paula Stone (PSO)"]
    assert "PSO holding 1 case of High" in exceptions.index(0, 1).data()
    assert "exceptions: 1 (1 flagged)" in screen.summary.text()
    screen.exceptions_table.activated.emit(exceptions.index(0, 1))
    (selected,) = screen.table.selectionModel().selectedRows()
    assert selected.data() == "Paula Stone" and selected.data(ID_ROLE) == ids["pso"]
    shown = [selected.sibling(selected.row(), c).data() for c in range(3, 7)]
    assert shown == ["2", "1", "1", "0"]
    bars = _bars(screen.chart)
    assert bars == {"Paula Stone": [1.0, 1.0, 0.0], "Priya Shah": [1.0, 1.0, 1.0]}
    assert [s.label() for s in screen.chart.chart().series()[0].barSets()] == [
        "High / Very High",
        "Medium / Low",
        "Not assessed",
    ]
    assert screen.chart.bar_values() == [[1.0, 1.0], [1.0, 1.0], [0.0, 1.0]]  # top to bottom


def test_matrix_cells_match_the_database_and_open_their_cases(qtbot: Any, store: Any) -> None:
    _data(store)
    screen = _window(qtbot, store).open_screen("Tiering balance")
    model = screen.matrix_model
    with store.sessions() as s:
        in_db = s.scalar(
            select(func.count()).select_from(CaseloadRow).where(CaseloadRow.tier == "B1")
        )
    row, col = "ABCD".index("B"), (3, 2, 1, 0).index(1)
    assert model.index(row, col).data() == str(in_db) == "2"
    assert model.headerData(col, Qt.Orientation.Horizontal) == "1"
    assert model.headerData(row, Qt.Orientation.Vertical) == "B"

    screen.matrix.setFocus()
    screen.matrix.setCurrentIndex(model.index(row, col))
    qtbot.keyClick(screen.matrix, Qt.Key.Key_Return)
    dialog = screen.cell_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Cases in tier B1"
    assert sorted(_column(dialog.model, 1)) == ["BROWN, Sam", "SMITH, John"]
    assert sorted(_column(dialog.model, 4)) == ["Paula Stone (PSO)", "Priya Shah (PO)"]
    assert dialog.label.text().startswith("2 active cases in tier B1")
    dialog.close()


def test_a_write_elsewhere_refreshes_the_balance(qtbot: Any, store: Any) -> None:
    ids = _data(store)
    window = _window(qtbot, store)
    screen = window.open_screen("Tiering balance")
    with store.sessions.begin() as s:
        f.case(s, ids["pdu"], staff_id=ids["po"], rosh="VERY_HIGH")
    from app.services.core.changes import ChangeSet, Kind

    window.ctx.broadcast.data_changed.emit(ChangeSet.of(Kind.CASE, []))
    assert _column(screen.table.model(), 3) == ["2", "3"]


def test_models_pass_the_qt_model_tester(qtmodeltester: Any, store: Any) -> None:
    ids = _data(store)
    with store.sessions() as s:
        view = balance(s, ids["pdu"], TODAY)
        from app.services.balance.mix import cell_rows

        rows = cell_rows(s, ids["pdu"], TODAY, "B", 1)
    practitioners = PractitionerBalanceModel()
    practitioners.set_lines(view.practitioners)
    exceptions = ExceptionsModel()
    exceptions.set_items(view.exceptions)
    matrix = TierMatrixModel()
    matrix.set_matrix(view.matrix)
    for model in (practitioners, exceptions, matrix, CellCasesModel(rows)):
        qtmodeltester.check(model)
