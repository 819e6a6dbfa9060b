"""Previewing a week's return and exporting it to Excel, PDF and JSON (SPEC.md 6, 7).

A week with a stored return is previewed and exported from its stored
figures, so exporting a past week again gives the same JSON byte for byte,
and files differing only in the cover's exporter and time. A week not yet
exported is previewed live from the records as they stand (nothing stored);
its first export stores it (:func:`stored_or_built`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app import clock
from app.db.models import WeeklyReturn
from app.domain.progress import Progress
from app.domain.report import Report
from app.domain.returns import RULES_VERSION, Week
from app.domain.returns_report import ReturnCover, return_report
from app.exports.files import write_file
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.permissions import guarded_read, write_service
from app.services.core.reference import PduInfo, get_pdu
from app.services.returns.build import the_week, work_out
from app.services.returns.permissions import BUILD, BUILD_ACTION, SEE, SEE_ACTION, own_pdu
from app.services.returns.versions import (
    ReturnVersion,
    build_return,
    latest_row,
    local_time,
    version_of,
)


@dataclass(frozen=True)
class ReturnPreview:
    """What the Returns screen shows for a PDU and week: the document and where it comes from.

    ``stored`` is the version previewed, or None for a live preview of a week
    not yet exported (its figures may still change).
    """

    pdu: PduInfo
    week: Week
    figures: dict[str, Any]
    report: Report
    stored: ReturnVersion | None


@dataclass(frozen=True)
class ExportResult:
    """The files written and the version they carry."""

    version: ReturnVersion
    files: tuple[Path, ...]
    json: str


def cover_of(
    row: WeeklyReturn, exported_by: str | None, exported_at: datetime | None
) -> ReturnCover:
    built_at = local_time(row.built_at)
    assert built_at is not None
    return ReturnCover(
        version=row.version,
        built_by=row.built_by_name,
        built_at=built_at,
        exported_by=exported_by,
        exported_at=exported_at,
        signed_off_by=row.signed_off_by_name or None,
        signed_off_at=local_time(row.signed_off_at),
        rules_version=row.rules_version,
    )


@guarded_read(*SEE, action=SEE_ACTION)
def preview_return(session: Session, actor: Actor, pdu_id: int, week_ending: date) -> ReturnPreview:
    """The week's stored return, or a live preview when none is stored yet."""
    own_pdu(actor, pdu_id, SEE_ACTION)
    pdu = get_pdu(session, pdu_id)
    week = the_week(session, pdu_id, week_ending)
    row = latest_row(session, pdu_id, week.ending)
    if row is not None:
        figures = json.loads(row.figures)
        cover = cover_of(row, row.exported_by_name or None, local_time(row.exported_at))
        return ReturnPreview(pdu, week, figures, return_report(figures, cover), version_of(row))
    built = work_out(session, pdu_id, week.ending)
    cover = ReturnCover(0, "Not yet built (preview)", _local_now(), rules_version=RULES_VERSION)
    return ReturnPreview(pdu, week, built.figures, return_report(built.figures, cover), None)


def _local_now() -> datetime:
    return clock.now().astimezone().replace(tzinfo=None, microsecond=0)


def file_stem(pdu: PduInfo, week: Week, version: int) -> str:
    """ "Weekly return 17 Leeds week ending 2026-11-27 v1": safe on every file system."""
    name = re.sub(r"[^\w\- ]+", " ", pdu.name).strip()
    name = " ".join(name.split())
    return f"Weekly return {pdu.number} {name} week ending {week.ending.isoformat()} v{version}"


@write_service(*BUILD, action=BUILD_ACTION)
def export_return(
    session: Session,
    actor: Actor,
    pdu_id: int,
    week_ending: date,
    *,
    folder: Path | None = None,
    xlsx: Path | None = None,
    pdf: Path | None = None,
    json_file: Path | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Build the week's return if needed, then write the files asked for.

    ``folder`` writes the workbook and the PDF there under :func:`file_stem`
    names; ``xlsx``, ``pdf`` and ``json_file`` name files directly. Each file
    is written whole or not at all, readable by its owner only.
    """
    own_pdu(actor, pdu_id, "build or export the weekly return")
    progress = progress or Progress()
    progress.start(4, "Working out the figures")
    row = session.get(WeeklyReturn, build_return(session, actor, pdu_id, week_ending).id)
    assert row is not None
    pdu = get_pdu(session, pdu_id)
    week = Week(row.week_ending)
    if folder is not None:
        stem = file_stem(pdu, week, row.version)
        xlsx, pdf = xlsx or folder / f"{stem}.xlsx", pdf or folder / f"{stem}.pdf"
    progress.advance(1, "Preparing the document")
    progress.check()
    now = clock.now()
    figures = json.loads(row.figures)
    report = return_report(figures, cover_of(row, actor.display_name, local_time(_naive(now))))
    written = _write(report, row.figures, now, xlsx, pdf, json_file, progress)
    row.exported_by = actor.user_id
    row.exported_by_name = actor.display_name
    row.exported_at = _naive(now)
    row.exports += 1
    audit.record(
        session,
        actor,
        "return.exported",
        "weekly_return",
        row.id,
        summary=f"Weekly return of {pdu.label}, week ending {week.ending:%d/%m/%Y}, "
        f"version {row.version} exported",
        extra={"files": {path.name: digest for path, digest in written}},
    )
    session.flush()
    progress.advance(1, "Done")
    return ExportResult(version_of(row), tuple(path for path, _d in written), row.figures)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None, microsecond=0)


def _write(
    report: Report,
    figures_text: str,
    now: datetime,
    xlsx: Path | None,
    pdf: Path | None,
    json_file: Path | None,
    progress: Progress,
) -> list[tuple[Path, str]]:
    """Render and write each file asked for; (path, SHA-256) of each, for the audit."""
    outputs: list[tuple[Path, bytes]] = []
    if xlsx is not None:
        from app.exports.excel import report_to_xlsx

        outputs.append((xlsx, report_to_xlsx(report, created=now)))
    progress.advance(1, "Writing the PDF")
    progress.check()
    if pdf is not None:
        from app.exports.pdf import report_to_pdf

        outputs.append((pdf, report_to_pdf(report, created=now)))
    progress.advance(1, "Saving the files")
    progress.check()
    if json_file is not None:
        outputs.append((json_file, figures_text.encode("utf-8")))
    for path, data in outputs:
        write_file(path, data)
    return [(path, hashlib.sha256(data).hexdigest()) for path, data in outputs]
