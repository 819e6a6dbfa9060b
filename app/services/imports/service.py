"""Importing caseload and staff extracts: preview, then apply in one transaction (SPEC.md 5).

Every row is checked first; if any is bad nothing is written and the report
names each bad row, column, value and reason. ``preview`` writes nothing;
``apply`` writes everything or, on any error or a cancel, nothing (the
caller's transaction rolls back). Re-importing the same file changes
nothing and leaves no audit entry; an import that changes something leaves
exactly one, with the file's SHA-256 (SPEC.md 1).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app import clock
from app.domain.codes import Role
from app.domain.columns import HeaderMapping, map_headers
from app.domain.progress import Progress
from app.services.core.actor import Actor
from app.services.core.errors import UserError
from app.services.core.permissions import guarded_read, write_service
from app.services.core.unit_of_work import set_actor
from app.services.imports import kept, limits
from app.services.imports.cases import CaseImport
from app.services.imports.common import UNCHECKED, Context, Importer, write_audit
from app.services.imports.reader import FileProblem, Table, file_digest, read_table
from app.services.imports.report import ImportReport, RowError, refused
from app.services.imports.staff import StaffImport
from app.services.imports.turns import begin_writing, waiting_kindly
from app.services.imports.upw_projects import ProjectImport
from app.services.imports.upw_sessions import SessionImport
from app.services.victims.importing import VcsCaseImport
from app.services.victims.victim_import import VictimImport

KINDS: dict[str, type[Importer]] = {
    "cases": CaseImport,
    "staff": StaffImport,
    "upw-projects": ProjectImport,
    "upw-sessions": SessionImport,
    "vcs-cases": VcsCaseImport,
    "victims": VictimImport,
}
EXTRACT_ROLES = (Role.HEAD_OF_PDU, Role.ADMIN, Role.SYSTEM)
"""Who imports NDelius extracts (SPEC.md 1), each only into the PDUs they cover."""
IMPORTING_ROLES = (*EXTRACT_ROLES, Role.UPW_MANAGER, Role.VLO)
"""Everyone who imports something; each kind names its own roles (``roles`` on the
importer: a VLO imports VCS files only, the unpaid work manager unpaid work files only)."""
MISSING_COLUMN = "this required column is missing from the header row"


class FileChanged(UserError):
    """The file is not the one previewed: it changed since; nothing was written."""


def run_import(
    sessions: sessionmaker[Session],
    actor: Actor,
    kind: str,
    path: Path,
    *,
    dry_run: bool = False,
    end_missing: bool = False,
    expected_hash: str | None = None,
    progress: Progress | None = None,
    pdu: str | None = None,
) -> ImportReport:
    """Check an extract and, unless ``dry_run``, import it in one transaction.

    ``expected_hash``: the SHA-256 the file had when previewed; a file that no
    longer has it is refused (:class:`FileChanged`) before anything is written.
    """
    with sessions() as session:
        if dry_run:
            return preview(session, actor, kind, path, progress=progress, pdu=pdu)
        set_actor(session, actor)
        # Checked and planned in a read; written in a short final transaction (apply).
        report = apply(
            session,
            actor,
            kind,
            path,
            end_missing=end_missing,
            expected_hash=expected_hash,
            progress=progress,
            pdu=pdu,
        )
        session.commit()
        return report


@guarded_read(*IMPORTING_ROLES, action="import extracts")
def preview(
    session: Session,
    actor: Actor,
    kind: str,
    path: Path,
    *,
    end_missing: bool = False,
    progress: Progress | None = None,
    pdu: str | None = None,
) -> ImportReport:
    """What importing the file would add, change, leave alone and end; writes nothing.

    ``pdu``: the PDU an unpaid work file is for, when it has no pdu column.
    """
    return _run(session, actor, kind, Path(path), end_missing, False, progress, pdu=pdu)


@write_service(*IMPORTING_ROLES, action="import extracts")
def apply(
    session: Session,
    actor: Actor,
    kind: str,
    path: Path,
    *,
    end_missing: bool = False,
    expected_hash: str | None = None,
    progress: Progress | None = None,
    pdu: str | None = None,
) -> ImportReport:
    """Import the file in the caller's transaction: all of it, or (when refused) nothing.

    ``expected_hash``: the SHA-256 of the file as previewed; when the file has
    changed since, :class:`FileChanged` says so and nothing is written. A ConflictError
    means someone changed records the import read while it ran; the caller's
    transaction must then be rolled back (as leaving ``sessions.begin()`` does).
    """
    return _run(session, actor, kind, Path(path), end_missing, True, progress, expected_hash, pdu)


def _require_import(actor: Actor, importer: Importer, kind: str) -> None:
    """Each kind's own roles; extracts: the Head of PDU, case administrators, the command line."""
    actor.require(*getattr(importer, "roles", EXTRACT_ROLES), action=f"import {kind} files")


def _importer(kind: str) -> Importer:
    if kind not in KINDS:
        raise UserError(f"There is no import of {kind!r}: choose one of {', '.join(KINDS)}.")
    return KINDS[kind]()


def _run(
    session: Session,
    actor: Actor,
    kind: str,
    path: Path,
    end_missing: bool,
    write: bool,
    progress: Progress | None,
    expected_hash: str | None = None,
    pdu: str | None = None,
) -> ImportReport:
    importer = _importer(kind)
    _require_import(actor, importer, kind)
    actor.require(*getattr(importer, "roles", EXTRACT_ROLES), action=f"import {kind} files")
    progress = progress or Progress()
    as_at = clock.today()
    if write:
        # The file's hash alone first: the preview's plan may spare reading it at all.
        digest = file_digest(path)
        _check_unchanged(path, digest, expected_hash)
        found = kept.take(kept.plan_key(session, actor, kind, path, pdu, as_at, digest))
        if found is not None:
            ctx = _context(session, actor, path, digest, as_at, end_missing, progress, pdu)
            report = found.report
            if found.end_missing != end_missing:
                report = replace(found.importer.plan(ctx), ignored_columns=report.ignored_columns)
            return _write(ctx, found.importer, replace(report, applied=True))
    try:
        table = read_table(path)
    except FileProblem as problem:
        digest = file_digest(path)
        _check_unchanged(path, digest, expected_hash)
        return refused(kind, path.name, digest, [RowError(0, "", None, str(problem))])
    _check_unchanged(path, table.file_hash, expected_hash)
    ctx = _context(session, actor, path, table.file_hash, as_at, end_missing, progress, pdu)
    mapping = map_headers(table.headers, importer.columns)
    ignored = mapping.ignored + tuple(
        f"{header} (a second column for the same thing)" for header in mapping.duplicates
    )
    problems = _check(ctx, importer, table, mapping)
    if problems:
        return refused(kind, path.name, table.file_hash, problems, ignored, importer.rows)
    report = replace(importer.plan(ctx), ignored_columns=ignored, applied=write)
    if not write:
        key = kept.plan_key(session, actor, kind, path, pdu, as_at, table.file_hash)
        kept.keep(kept.KeptPlan(key, importer, report, end_missing))
        return report
    return _write(ctx, importer, report)


def _context(
    session: Session,
    actor: Actor,
    path: Path,
    file_hash: str,
    as_at: date,
    end_missing: bool,
    progress: Progress,
    pdu: str | None,
) -> Context:
    return Context(
        session=session,
        actor=actor,
        path=path,
        file_hash=file_hash,
        as_at=as_at,
        now=clock.now().replace(tzinfo=None),
        end_missing=end_missing,
        progress=progress,
        pdu=pdu,
    )


def _write(ctx: Context, importer: Importer, report: ImportReport) -> ImportReport:
    """Write a planned import in the final, short write step (nothing when it changes nothing)."""
    if not report.has_changes:
        return report
    session = ctx.session
    with waiting_kindly(session):
        begin_writing(session)
        report = replace(report, person_ids=importer.write(ctx))
        write_audit(ctx, report, importer.audit_extra())
        session.flush()
    return report


def _check_unchanged(path: Path, file_hash: str, expected_hash: str | None) -> None:
    """Refuse to import a file that changed after it was previewed (nothing written yet)."""
    if expected_hash is not None and expected_hash != file_hash:
        raise FileChanged(f"{path.name} has changed since its preview: preview it again.")


def _check(
    ctx: Context, importer: Importer, table: Table, mapping: HeaderMapping
) -> list[RowError]:
    """Every problem with the header and the rows; empty when all is well."""
    if mapping.missing:
        return [RowError(table.header_row, c, None, MISSING_COLUMN) for c in mapping.missing]
    ctx.progress.start(table.size, "Checking the rows…")
    try:
        errors = importer.check(ctx, table, mapping)
    except FileProblem as problem:
        errors = [RowError(0, "", None, str(problem))]
    return first_bad_rows(errors)


def first_bad_rows(errors: list[RowError]) -> list[RowError]:
    """The problems of the first bad rows in row order, then how many rows went unchecked."""
    closing = [e for e in errors if e.row == UNCHECKED]
    problems = sorted((e for e in errors if e.row != UNCHECKED), key=lambda e: e.row)
    kept: list[RowError] = []
    rows: set[int] = set()
    for error in problems:
        if error.row not in rows and len(rows) >= limits.MAX_BAD_ROWS:
            break
        rows.add(error.row)
        kept.append(error)
    return kept + closing
