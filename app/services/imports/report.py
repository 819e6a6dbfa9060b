"""What an import found and did: the report printed by the command line and shown in the window.

The same report serves the preview (nothing written) and the import itself.
Bad rows are named by their row number as the user sees it in the file (the
header is row 1), the column, the value and the reason (SPEC.md 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from app.domain.parsing import format_date, show

Action = Literal["added", "changed", "missing", "ended"]
FindingKind = Literal["tier_differs", "no_assessment_date", "team_spo"]
SHOWN_IN_TEXT = 20
FINDINGS_IN_TEXT = 1000
"""Findings of each kind the printed report names, as with bad rows (SPEC.md 5)."""
FINDING_LABELS: dict[str, str] = {
    "tier_differs": "Tier differs",
    "no_assessment_date": "No assessment date",
    "team_spo": "Team's SPO",
}
KIND_LABELS = {"cases": "caseload", "staff": "staff"}


def shown(value: object) -> str:
    """A stored or imported value as the user reads it (dates dd/mm/yyyy, blanks as 'blank')."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell, or a problem with the whole file (row 0) or its header (row 1)."""

    row: int
    column: str
    value: object
    reason: str

    def text(self) -> str:
        if self.row <= 0:
            return self.reason
        where = f"Row {self.row}, {self.column}" if self.column else f"Row {self.row}"
        if self.value is None or self.value == "":
            return f"{where}: {self.reason}"
        return f"{where} {show(self.value)}: {self.reason}"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a record, before and after the import."""

    field: str
    before: object
    after: object

    def text(self) -> str:
        return f"{self.field}: {shown(self.before)} → {shown(self.after)}"


@dataclass(frozen=True, slots=True)
class RecordChange:
    """A person (by CRN) or member of staff (by staff code) the import adds, changes or ends."""

    action: Action
    key: str
    name: str
    fields: tuple[FieldChange, ...] = ()
    summary: str = ""  # what a new record is, e.g. "Community Order, sentenced 20/11/2026"

    def details(self) -> str:
        return self.summary or "; ".join(change.text() for change in self.fields)


@dataclass(frozen=True, slots=True)
class Finding:
    """What the import does that the user should know of, though it refuses nothing.

    A tier in the extract that the calculation would not give, an assessment
    with no date, a team's SPO chosen (or kept) by a staff extract.
    """

    kind: FindingKind
    key: str  # a CRN or a staff code
    name: str
    detail: str

    @property
    def label(self) -> str:
        return FINDING_LABELS[self.kind]

    def text(self) -> str:
        return f"{self.key} ({self.name}): {self.detail}"


def finding_heading(kind: str, count: int) -> str:
    """What a group of findings means, in one line."""
    if kind == "tier_differs":
        return (
            f"The tier in the extract differs from the calculation for {_plural(count, 'case')}: "
            "the extract's tier stands, and the allocation desk gets a review item to check each."
        )
    if kind == "no_assessment_date":
        return (
            f"{_plural(count, 'assessment')} without an assessment date: stored without one, "
            "so those cases have no valid assessment until a dated one arrives."
        )
    return (
        f"{_plural(count, 'SPO')} in the extract whose team already has another SPO: "
        "the current SPO is kept."
    )


@dataclass(frozen=True)
class ImportReport:
    """The outcome of checking (and, when ``applied``, importing) one extract."""

    kind: str
    file_name: str
    file_hash: str
    accepted: bool
    applied: bool = False
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: tuple[str, ...] = ()
    ended: int = 0
    errors: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    changes: tuple[RecordChange, ...] = ()
    notes: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    end_missing: bool = False
    person_ids: frozenset[int] = field(default=frozenset(), compare=False, repr=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.ended or self.notes)

    def verdict(self) -> str:
        """One line: refused, previewed or imported."""
        what = f"the {KIND_LABELS.get(self.kind, self.kind)} extract {self.file_name}"
        if not self.accepted:
            bad_rows = len({e.row for e in self.errors if e.row > 1})
            problems = _plural(len([e for e in self.errors if e.row >= 0]), "problem")
            where = f" in {_plural(bad_rows, 'row')}" if bad_rows else ""
            return f"Refused: {what} has {problems}{where}; nothing was written."
        counts = f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged"
        if not self.applied:
            return f"Preview of {what}: {counts}; nothing written yet."
        if not self.has_changes:
            return f"Imported {what}: nothing to change ({self.unchanged} unchanged)."
        ended = f", {self.ended} ended" if self.ended else ""
        return f"Imported {what}: {counts}{ended}."

    def text(self) -> str:
        """The printed report: verdict, counts, ignored columns, then each problem."""
        lines = [self.verdict(), f"File SHA-256: {self.file_hash}" if self.file_hash else ""]
        if self.accepted:
            lines += self._count_lines()
        if self.ignored_columns:
            lines.append("Ignored columns: " + ignored_text(self.ignored_columns))
        lines += list(self.notes)
        if self.accepted:
            lines += self._finding_lines()
            lines += self._change_lines()
        lines += [error.text() for error in self.errors]
        return "\n".join(line for line in lines if line)

    def _count_lines(self) -> list[str]:
        lines = [
            f"Rows read: {self.rows}",
            f"Added: {self.added}",
            f"Changed: {self.changed}",
            f"Unchanged: {self.unchanged}",
        ]
        if self.kind == "cases":
            lines.append(f"Not in this extract: {len(self.missing)}")
            lines.append(f"Ended: {self.ended}")
        return lines

    def finding_kinds(self) -> dict[str, list[Finding]]:
        """The findings grouped by kind, in the order first found."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.kind, []).append(finding)
        return groups

    def _finding_lines(self) -> list[str]:
        lines: list[str] = []
        for kind, group in self.finding_kinds().items():
            lines.append(finding_heading(kind, len(group)))
            lines += [f"  {finding.text()}" for finding in group[:FINDINGS_IN_TEXT]]
            if len(group) > FINDINGS_IN_TEXT:
                lines.append(f"  ... and {len(group) - FINDINGS_IN_TEXT:,} more")
        return lines

    def _change_lines(self) -> list[str]:
        lines: list[str] = []
        listed = [c for c in self.changes if c.action != "added"]
        for change in listed[:SHOWN_IN_TEXT]:
            label = {"changed": "Changed", "missing": "Not in this extract", "ended": "Ended"}
            detail = f": {change.details()}" if change.fields else ""
            lines.append(f"{label[change.action]} {change.key} ({change.name}){detail}")
        if len(listed) > SHOWN_IN_TEXT:
            lines.append(f"... and {len(listed) - SHOWN_IN_TEXT} more")
        if self.missing and not self.end_missing:
            lines.append(
                f"{_plural(len(self.missing), 'case')} not in this extract left open "
                "(to end them, import again with --end-missing, or tick 'End cases missing "
                "from the extract' in the window)."
            )
        return lines


IGNORED_SHOWN = 30


def ignored_text(columns: tuple[str, ...]) -> str:
    """The ignored columns' names, each shortened, the first few of many."""
    names = [show(name).strip("'") for name in columns[:IGNORED_SHOWN]]
    more = len(columns) - IGNORED_SHOWN
    return ", ".join(names) + (f" and {more:,} more" if more > 0 else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n:,} {word}s"


def refused(
    kind: str,
    file_name: str,
    file_hash: str,
    errors: list[RowError],
    ignored: tuple[str, ...] = (),
    rows: int = 0,
) -> ImportReport:
    """A report refusing the file: nothing is written."""
    return ImportReport(
        kind=kind,
        file_name=file_name,
        file_hash=file_hash,
        accepted=False,
        rows=rows,
        errors=tuple(errors),
        ignored_columns=ignored,
    )
