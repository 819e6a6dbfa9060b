"""The two HiGHS programmes behind the batch proposal (:mod:`app.domain.batch_allocation`).

:class:`Ceiling` asks whether every case can be placed with no receiver above a
ceiling; :class:`Fit` finds the best fit under one. Both are built column by
column from the prepared pairs, in their canonical order, silent and seeded.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from typing import Any

import highspy
import numpy as np

from app.domain.allocation_weights import FULL_TIME_POINTS
from app.domain.batch_problem import Prepared

_EPS = 1e-9

Column = tuple[float, float, float, bool, list[tuple[int, float]]]
"""cost, lower bound, upper bound, integer?, (row, coefficient) entries."""


_BANNER_SHOWN = threading.Event()
_BANNER_LOCK = threading.Lock()


def _new_highs() -> Any:
    """A HiGHS instance; the first one of a process prints a banner to the console,
    which the command line and the window must not show, so it goes nowhere.
    """
    if _BANNER_SHOWN.is_set():
        return highspy.Highs()  # type: ignore[no-untyped-call]
    with _BANNER_LOCK:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as sink:
                os.dup2(sink.fileno(), 1)
                h = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN.set()
        return h


def _highs(columns: list[Column], rows_lower: list[float], rows_upper: list[float]) -> Any:
    """A silent, seeded HiGHS instance holding these columns and rows."""
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    starts, index, value = [0], [], []
    for *_head, entries in columns:
        for row, v in entries:
            index.append(row)
            value.append(v)
        starts.append(len(index))
    n = len(columns)
    h.passModel(
        n,
        len(rows_lower),
        len(index),
        1,  # column-wise
        1,  # minimise
        0.0,
        np.array([col[0] for col in columns], dtype=np.float64),
        np.array([col[1] for col in columns], dtype=np.float64),
        np.array([col[2] for col in columns], dtype=np.float64),
        np.array(rows_lower, dtype=np.float64),
        np.array(rows_upper, dtype=np.float64),
        np.array(starts[:-1], dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value, dtype=np.float64),
        np.array([1 if col[3] else 0 for col in columns], dtype=np.int32),
    )
    return h


def run(h: Any, seconds: float, nodes: int | None = None) -> tuple[str, list[float] | None]:
    """Solve; ("optimal" | "infeasible" | "stopped", the column values or None)."""
    h.setOptionValue("time_limit", max(seconds, 0.01))
    if nodes is not None:
        h.setOptionValue("mip_max_nodes", nodes)
    h.run()
    status = h.getModelStatus()
    has = h.getInfo().primal_solution_status == 2
    values = list(h.getSolution().col_value) if has else None
    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal", values
    if status == highspy.HighsModelStatus.kInfeasible:
        return "infeasible", None
    return "stopped", values


class Ceiling:
    """Stage 1: can every case be placed with no receiver above a ceiling?

    Columns x[c,p] then u[c]; rows: each case once, each receiver's capacity
    within the ceiling, the 7-day count when it is a hard limit, and the
    number of cases left.
    """

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        n_cases, pairs = len(prepared.cases), prepared.pairs
        self.receivers = sorted({pair.p for pair in pairs})
        row = {p: n_cases + i for i, p in enumerate(self.receivers)}
        hard = prepared.weights.seven_day_cap_hard
        seven = {p: n_cases + len(row) + i for i, p in enumerate(self.receivers)} if hard else {}
        self.count_row = n_cases + len(row) + len(seven)
        columns: list[Column] = []
        for pair in pairs:
            entries = [(pair.c, 1.0), (row[pair.p], pair.share)]
            if hard:
                entries.append((seven[pair.p], 1.0))
            columns.append((0.0, 0.0, 1.0, True, entries))
        for c in range(n_cases):
            columns.append((1.0, 0.0, 1.0, False, [(c, 1.0), (self.count_row, 1.0)]))
        lower = [1.0] * n_cases + [-math.inf] * (len(row) + len(seven) + 1)
        upper = [1.0] * n_cases + [math.inf] * len(row)
        upper += [float(prepared.seven_day_room[p]) for p in seven] + [math.inf]
        self.h = _highs(columns, lower, upper)
        self.n_pairs = len(pairs)
        self.n_cols = len(columns)

    def set_ceiling(self, ceiling: float) -> None:
        p = self.prepared
        upper = np.array(
            [1.0 if p.now[q.p] + q.share <= ceiling + _EPS else 0.0 for q in p.pairs]
            + [1.0] * len(p.cases)
        )
        cols = np.arange(self.n_cols, dtype=np.int32)
        self.h.changeColsBounds(self.n_cols, cols, np.zeros(self.n_cols), upper)
        for i, r in enumerate(self.receivers):
            self.h.changeRowBounds(len(p.cases) + i, -math.inf, max(0.0, ceiling - p.now[r]))

    def count_only(self, most: float | None) -> None:
        """Cost the cases left (``most`` None), or only allow ``most`` of them, at no cost."""
        u = np.arange(self.n_pairs, self.n_cols, dtype=np.int32)
        cost = np.ones(len(u)) if most is None else np.zeros(len(u))
        self.h.changeColsCost(len(u), u, cost)
        self.h.changeRowBounds(self.count_row, -math.inf, math.inf if most is None else most)

    def assignment(self, values: list[float]) -> list[int | None]:
        found: list[int | None] = [None] * len(self.prepared.cases)
        for i, pair in enumerate(self.prepared.pairs):
            if values[i] > 0.5:
                found[pair.c] = pair.p
        return found


class Fit:
    """Stage 2: the best fit under a ceiling (the weighted terms of the module doc).

    Columns: x[c,p], u[c], the load bands y[p,k] climbed, the 7-day slack
    s[p], the mix bonus g[p]. Rows: each case once, each receiver's load as
    the bands climbed, the 7-day count, the mix bonus at most the cases of
    the lacking side, the number of cases left.
    """

    def __init__(
        self,
        prepared: Prepared,
        ceiling: float,
        most_left: int,
        keep: set[tuple[int, int]] | None = None,
    ) -> None:
        self.prepared = prepared
        w, n_cases, pairs = prepared.weights, len(prepared.cases), prepared.pairs
        high = prepared.rule_ceiling(ceiling)
        receivers = sorted({pair.p for pair in pairs})
        load = {p: n_cases + i for i, p in enumerate(receivers)}
        seven = {p: n_cases + len(receivers) + i for i, p in enumerate(receivers)}
        lacking = sorted({pair.p for pair in pairs if pair.adds_lacking_side})
        mix = {p: n_cases + 2 * len(receivers) + i for i, p in enumerate(lacking)}
        count = n_cases + 2 * len(receivers) + len(lacking)
        back = sorted({q.p for q in pairs if q.keeps_rule}) if high > ceiling + _EPS else []
        within = {p: count + 1 + i for i, p in enumerate(back)}
        columns: list[Column] = []
        for pair in pairs:
            limit = high if pair.keeps_rule else ceiling
            fits = prepared.now[pair.p] + pair.share <= limit + _EPS
            fits = fits and (keep is None or (pair.c, pair.p) in keep)
            entries = [(pair.c, 1.0), (load[pair.p], pair.share), (seven[pair.p], 1.0)]
            if pair.adds_lacking_side:
                entries.append((mix[pair.p], -1.0))
            if pair.p in within and not pair.keeps_rule:
                entries.append((within[pair.p], pair.share))
            columns.append((pair.cost, 0.0, 1.0 if fits else 0.0, True, entries))
        for c in range(n_cases):
            columns.append((w.unallocated, 0.0, 1.0, False, [(c, 1.0), (count, 1.0)]))
        self.bands: dict[int, list[tuple[int, float, float]]] = {}
        for p in receivers:
            available = prepared.practitioners[p].candidate.load.available
            top = high if p in within else ceiling
            for low, band_high, slope in w.bands():
                start, end = max(low, prepared.now[p]), min(band_high, top)
                if end > start:
                    self.bands.setdefault(p, []).append((len(columns), start, end))
                    cost = slope * available / FULL_TIME_POINTS
                    columns.append((cost, 0.0, end - start, False, [(load[p], -1.0)]))
        self.seven_col = {}
        for p in receivers:
            self.seven_col[p] = len(columns)
            slack = 0.0 if w.seven_day_cap_hard else math.inf
            columns.append((w.seven_day_over, 0.0, slack, False, [(seven[p], -1.0)]))
        self.mix_col = {}
        for p in lacking:
            self.mix_col[p] = len(columns)
            columns.append((-w.mix_bonus, 0.0, 1.0, False, [(mix[p], 1.0)]))
        lower = (
            [1.0] * n_cases
            + [0.0] * len(receivers)
            + [-math.inf] * (len(receivers) + len(lacking) + 1 + len(back))
        )
        upper = [1.0] * n_cases + [0.0] * len(receivers)
        upper += [float(prepared.seven_day_room[p]) for p in receivers]
        upper += [0.0] * len(lacking) + [most_left + 0.5]
        upper += [max(0.0, ceiling - prepared.now[p]) for p in back]
        self.n_cols = len(columns)
        self.h = _highs(columns, lower, upper)

    def start_from(self, assignment: list[int | None]) -> None:
        """A complete starting solution from an assignment that keeps to the ceiling."""
        p = self.prepared
        values = np.zeros(self.n_cols)
        index = {(pair.c, pair.p): i for i, pair in enumerate(p.pairs)}
        climbed: dict[int, float] = {}
        given: dict[int, int] = {}
        mixed: set[int] = set()
        for c, who in enumerate(assignment):
            if who is None:
                values[len(p.pairs) + c] = 1.0
                continue
            i = index[(c, who)]
            values[i] = 1.0
            climbed[who] = climbed.get(who, 0.0) + p.pairs[i].share
            given[who] = given.get(who, 0) + 1
            if p.pairs[i].adds_lacking_side:
                mixed.add(who)
        for who, bands in self.bands.items():
            left = climbed.get(who, 0.0)
            for col, start, end in bands:
                values[col] = min(left, end - start)
                left -= values[col]
        for who, col in self.seven_col.items():
            values[col] = max(0, given.get(who, 0) - p.seven_day_room[who])
        for who, col in self.mix_col.items():
            values[col] = 1.0 if who in mixed else 0.0
        self.h.setSolution(self.n_cols, np.arange(self.n_cols, dtype=np.int32), values)

    def assignment(self, values: list[float]) -> list[int | None]:
        found: list[int | None] = [None] * len(self.prepared.cases)
        for i, pair in enumerate(self.prepared.pairs):
            if values[i] > 0.5:
                found[pair.c] = pair.p
        return found
