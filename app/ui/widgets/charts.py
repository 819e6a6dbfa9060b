"""Every QtCharts chart of the app, in one small module (STYLE.md).

QtCharts is deprecated from Qt 6.10 and costs start-up time, so screens
import this module only when they first draw a chart, and no other module
touches QtCharts: when it goes, only this file changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

ROW_HEIGHT = 22
"""Pixels per bar, so that names stay legible however many practitioners there are."""


@dataclass(frozen=True)
class StackedBar:
    """One bar: its label and the size of each part, in the order of the series."""

    label: str
    parts: tuple[int, ...]


class StackedBarChart(QChartView):
    """A horizontal stacked bar chart: one bar per row, one colour per part.

    The chart grows with its rows (``ROW_HEIGHT`` each); put it in a scroll
    area when there may be many.
    """

    def __init__(
        self,
        series_names: Sequence[str],
        colours: Sequence[str],
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._names = list(series_names)
        self._colours = list(colours)
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        self.setChart(chart)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.set_bars([])

    def set_bars(self, bars: Sequence[StackedBar]) -> None:
        """Redraw with these bars, top to bottom."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.7)
        ordered = list(reversed(bars))  # Qt draws the first category at the bottom
        for i, name in enumerate(self._names):
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(self._colours[i]))
            bar_set.setBorderColor(QColor(self._colours[i]))
            bar_set.append([float(b.parts[i]) for b in ordered])
            series.append(bar_set)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([b.label for b in ordered] or [""])
        categories.setTruncateLabels(False)
        values = QValueAxis()
        values.setLabelFormat("%d")
        values.setMin(0)
        values.setMax(max((sum(b.parts) for b in bars), default=0) or 1)
        values.applyNiceNumbers()
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
        self.setMinimumHeight(90 + ROW_HEIGHT * max(len(bars), 1))

    def bar_values(self) -> list[list[float]]:
        """Each series' values, bars top to bottom (for tests and accessibility)."""
        series = self.chart().series()
        if not series or not isinstance(series[0], QHorizontalStackedBarSeries):
            return []
        return [[s.at(i) for i in reversed(range(s.count()))] for s in series[0].barSets()]
