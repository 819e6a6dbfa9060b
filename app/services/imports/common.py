"""What every kind of import shares: the steps, the batches of rows, the audit entry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from app.domain.columns import ColumnSpec, HeaderMapping
from app.domain.progress import Progress
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import ConflictError
from app.services.imports import limits
from app.services.imports.cells import BlockParser
from app.services.imports.reader import Table
from app.services.imports.report import Finding, ImportReport, RecordChange, RowError

BLOCK = 5000


@dataclass(frozen=True)
class Context:
    """One run of an import: who, which file, as at which day."""

    session: Session
    actor: Actor
    path: Path
    file_hash: str
    as_at: date
    now: datetime
    end_missing: bool
    progress: Progress

    @property
    def note(self) -> str:
        return f"From the extract {self.path.name}"


class Importer(Protocol):
    """One kind of extract: check its rows, plan the changes, write them."""

    kind: str
    columns: ColumnSpec
    rows: int

    def check(self, ctx: Context, table: Table, mapping: HeaderMapping) -> list[RowError]:
        """Parse and check every row; the errors found (all of them)."""
        ...

    def plan(self, ctx: Context) -> ImportReport:
        """Compare with the store; the report of what writing would do."""
        ...

    def write(self, ctx: Context) -> frozenset[int]:
        """Write the plan; the ids of the people whose cases it touched."""
        ...

    def audit_extra(self) -> dict[str, Any]:
        """What the audit entry records beyond the counts: codes added, before and after."""
        ...


UNCHECKED = -1
"""The row number of the closing line "and N more rows were not checked"."""


def _bad_rows(errors: list[RowError]) -> int:
    return len({error.row for error in errors})


def parsed_rows(
    table: Table, parser: BlockParser, errors: list[RowError], progress: Progress
) -> Iterator[tuple[Any, ...]]:
    """The table's rows parsed a block at a time, advancing progress and checking for cancel.

    After :data:`~app.services.imports.limits.MAX_BAD_ROWS` bad rows the rest
    are only counted, and a closing line says how many were not checked.
    """
    block: list[Any] = []
    for item in table.rows:
        block.append(item)
        if len(block) == BLOCK:
            yield from parser.parse(block, errors)
            progress.advance(len(block))
            progress.check()
            if _bad_rows(errors) >= limits.MAX_BAD_ROWS:
                last = sorted({error.row for error in errors})[limits.MAX_BAD_ROWS - 1]
                beyond = sum(1 for number, _cells in block if number > last)
                _count_the_rest(table, errors, progress, beyond)
                return
            block = []
    if block:
        yield from parser.parse(block, errors)
        progress.advance(len(block))


def _count_the_rest(table: Table, errors: list[RowError], progress: Progress, rest: int) -> None:
    """Count the rows after the last bad row reported; the closing line says how many."""
    for _item in table.rows:
        rest += 1
        if rest % BLOCK == 0:
            progress.advance(BLOCK)
            progress.check()
    if rest:
        word = "row was" if rest == 1 else "rows were"
        errors.append(RowError(UNCHECKED, "", None, f"… and {rest:,} more {word} not checked."))


def planned_report(
    ctx: Context,
    importer: Importer,
    *,
    added: int,
    changed: int,
    unchanged: int,
    changes: Sequence[RecordChange],
    notes: Sequence[str],
    missing: Sequence[str] = (),
    ended: int = 0,
    findings: Sequence[Finding] = (),
) -> ImportReport:
    """The report of an accepted file: what writing it would add, change, leave alone and end."""
    return ImportReport(
        kind=importer.kind,
        file_name=ctx.path.name,
        file_hash=ctx.file_hash,
        accepted=True,
        rows=importer.rows,
        added=added,
        changed=changed,
        unchanged=unchanged,
        missing=tuple(missing),
        ended=ended,
        changes=tuple(changes),
        notes=tuple(notes),
        findings=tuple(findings),
        end_missing=ctx.end_missing,
    )


def conflict(count: int, what: str, examples: Sequence[str]) -> ConflictError:
    """Someone else changed records the import read (optimistic locking, SPEC.md 9).

    Raised while writing, so the caller's transaction rolls the import back.
    """
    example = f" (e.g. {examples[0]})" if examples else ""
    return ConflictError(
        f"Someone changed {count:,} of these {what} while the file was being imported"
        f"{example}; nothing was imported: import the file again."
    )


def write_audit(ctx: Context, report: ImportReport, extra: dict[str, Any]) -> None:
    """One audit entry for the whole import, with the file's hash (SPEC.md 1)."""
    counts = {
        "rows": report.rows,
        "added": report.added,
        "changed": report.changed,
        "unchanged": report.unchanged,
        "not_in_extract": len(report.missing),
        "ended": report.ended,
    }
    audit.record(
        ctx.session,
        ctx.actor,
        "import",
        report.kind,
        ctx.path.name,
        summary=report.verdict(),
        extra={"file": ctx.path.name, "sha256": ctx.file_hash, "counts": counts, **extra},
    )


def diff_payload(report: ImportReport) -> dict[str, Any]:
    """Codes added and ended, and before and after of each changed field, for the audit."""
    added = [c.key for c in report.changes if c.action == "added"]
    ended = [c.key for c in report.changes if c.action == "ended"]
    changed = {
        c.key: {f.field: [f.before, f.after] for f in c.fields}
        for c in report.changes
        if c.action == "changed"
    }
    return {"added": added, "changed": changed, "ended": ended}
