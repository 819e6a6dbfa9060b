"""A week's stored returns: build (store the first version), correct, sign off, the history.

A return is stored the first time it is built for export: its figures (the
JSON exactly as built), the rules version and every setting in force, the
audit chain's head, who built it and when. From then on that week's return
*is* the stored figures: previews and exports read them, whatever imports,
allocations or setting changes came later. A correction is the Head of PDU
rebuilding the week from the data as it now stands; it becomes the next
version, with the figures that changed. A signed-off version is frozen: it
is never signed again and its figures never change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import WeeklyReturn
from app.domain.returns import RULES_VERSION, Week
from app.domain.returns_figures import FigureChange, changes_between
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import NotFound, UserError
from app.services.core.permissions import guarded_read, write_service
from app.services.core.reference import PduInfo, get_pdu
from app.services.returns.build import BuiltFigures, settings_json, the_week, work_out
from app.services.returns.permissions import (
    BUILD,
    BUILD_ACTION,
    CORRECT,
    CORRECT_ACTION,
    SEE,
    SEE_ACTION,
    SIGN_OFF,
    SIGN_OFF_ACTION,
    own_pdu,
)


@dataclass(frozen=True)
class ReturnVersion:
    """One stored version of a week's return, as the screens and the command line see it.

    Times are local wall-clock times.
    """

    id: int
    pdu_id: int
    week_ending: date
    version: int
    built_by: str
    built_at: datetime
    rules_version: str
    audit_head: str
    exported_by: str
    exported_at: datetime | None
    exports: int
    signed_off_by: str
    signed_off_at: datetime | None
    correction_reason: str
    changes: tuple[FigureChange, ...]

    @property
    def signed_off(self) -> bool:
        return self.signed_off_at is not None


def local_time(stored: datetime | None) -> datetime | None:
    """A stored UTC time as the reader's wall-clock time."""
    if stored is None:
        return None
    return stored.replace(tzinfo=UTC).astimezone().replace(tzinfo=None, microsecond=0)


def _now() -> datetime:
    return clock.now().replace(tzinfo=None, microsecond=0)


def _changes(text: str) -> tuple[FigureChange, ...]:
    return tuple(FigureChange(c["path"], c["before"], c["after"]) for c in json.loads(text))


def version_of(row: WeeklyReturn) -> ReturnVersion:
    built_at = local_time(row.built_at)
    assert built_at is not None
    return ReturnVersion(
        id=row.id,
        pdu_id=row.pdu_id,
        week_ending=row.week_ending,
        version=row.version,
        built_by=row.built_by_name,
        built_at=built_at,
        rules_version=row.rules_version,
        audit_head=row.audit_head,
        exported_by=row.exported_by_name,
        exported_at=local_time(row.exported_at),
        exports=row.exports,
        signed_off_by=row.signed_off_by_name,
        signed_off_at=local_time(row.signed_off_at),
        correction_reason=row.correction_reason,
        changes=_changes(row.changes),
    )


def latest_row(session: Session, pdu_id: int, week_ending: date) -> WeeklyReturn | None:
    return session.scalar(
        select(WeeklyReturn)
        .where(WeeklyReturn.pdu_id == pdu_id, WeeklyReturn.week_ending == week_ending)
        .order_by(WeeklyReturn.version.desc())
        .limit(1)
    )


def _store(
    session: Session,
    actor: Actor,
    built: BuiltFigures,
    version: int,
    reason: str = "",
    changes: list[FigureChange] | None = None,
) -> WeeklyReturn:
    row = WeeklyReturn(
        pdu_id=built.pdu.id,
        week_ending=built.week.ending,
        version=version,
        figures=built.json,
        rules_version=RULES_VERSION,
        settings=settings_json(built.settings),
        audit_head=built.figures["audit_head"],
        built_by=actor.user_id,
        built_by_name=actor.display_name,
        built_at=_now(),
        correction_reason=reason,
        changes=json.dumps(
            [{"path": c.path, "before": c.before, "after": c.after} for c in changes or []],
            ensure_ascii=False,
        ),
        exported_by_name="",
        exports=0,
        signed_off_by_name="",
    )
    session.add(row)
    session.flush()
    return row


def _summary(pdu: PduInfo, week: Week, version: int) -> str:
    return f"Weekly return of {pdu.label}, week ending {week.ending:%d/%m/%Y}, version {version}"


@write_service(*BUILD, action=BUILD_ACTION)
def build_return(session: Session, actor: Actor, pdu_id: int, week_ending: date) -> ReturnVersion:
    """The week's stored return, building and storing version 1 if there is none yet."""
    own_pdu(actor, pdu_id, "build or export the weekly return")
    return version_of(_stored_or_built(session, actor, pdu_id, week_ending))


def _stored_or_built(
    session: Session, actor: Actor, pdu_id: int, week_ending: date
) -> WeeklyReturn:
    week = the_week(session, pdu_id, week_ending)
    row = latest_row(session, pdu_id, week.ending)
    if row is not None:
        return row
    _check_ended(week)
    built = work_out(session, pdu_id, week.ending)
    row = _store(session, actor, built, 1)
    audit.record(
        session,
        actor,
        "return.built",
        "weekly_return",
        row.id,
        summary=_summary(built.pdu, week, 1),
        after={"pdu_id": pdu_id, "week_ending": week.ending, "version": 1},
    )
    return row


def _check_ended(week: Week) -> None:
    """A week's return is stored once the week's last day has come: figures as at its end."""
    today = clock.today()
    if today < week.ending:
        raise UserError(
            f"The week ending {week.ending:%d/%m/%Y} has not ended yet: preview it now, "
            f"and build and export it from {week.ending:%d/%m/%Y}."
        )


@write_service(*CORRECT, action=CORRECT_ACTION)
def correct_return(
    session: Session, actor: Actor, pdu_id: int, week_ending: date, reason: str
) -> ReturnVersion:
    """The Head of PDU rebuilds the week from the data as it now stands: its next version."""
    own_pdu(actor, pdu_id, "correct the weekly return")
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("Say why the return is being corrected.")
    week = the_week(session, pdu_id, week_ending)
    previous = latest_row(session, pdu_id, week.ending)
    if previous is None:
        raise NotFound(
            f"There is no return for the week ending {week.ending:%d/%m/%Y} to correct: "
            "build and export it first."
        )
    _check_ended(week)
    built = work_out(session, pdu_id, week.ending)
    changes = changes_between(json.loads(previous.figures), built.figures)
    row = _store(session, actor, built, previous.version + 1, reason, changes)
    audit.record(
        session,
        actor,
        "return.corrected",
        "weekly_return",
        row.id,
        summary=_summary(built.pdu, week, row.version) + f": {len(changes)} figures changed",
        before={"version": previous.version},
        after={"version": row.version, "reason": reason},
        extra={"changed": [c.path for c in changes]},
    )
    return version_of(row)


@write_service(*SIGN_OFF, action=SIGN_OFF_ACTION)
def sign_off_return(session: Session, actor: Actor, return_id: int) -> ReturnVersion:
    """The Head of PDU signs off the latest version of a week's return; it is then frozen."""
    row = session.get(WeeklyReturn, return_id)
    if row is None:
        raise NotFound("That return no longer exists.")
    own_pdu(actor, row.pdu_id, "sign off the weekly return")
    if row.signed_off_at is not None:
        raise UserError(
            f"Version {row.version} was signed off by {row.signed_off_by_name} on "
            f"{local_time(row.signed_off_at):%d/%m/%Y %H:%M}: a signed-off return is frozen."
        )
    latest = latest_row(session, row.pdu_id, row.week_ending)
    if latest is not None and latest.version != row.version:
        raise UserError(
            f"Version {row.version} has been corrected by version {latest.version}: "
            "sign off the latest version."
        )
    row.signed_off_by = actor.user_id
    row.signed_off_by_name = actor.display_name
    row.signed_off_at = _now()
    pdu = get_pdu(session, row.pdu_id)
    audit.record(
        session,
        actor,
        "return.signed_off",
        "weekly_return",
        row.id,
        summary=_summary(pdu, Week(row.week_ending), row.version) + " signed off",
    )
    session.flush()
    return version_of(row)


@guarded_read(*SEE, action=SEE_ACTION)
def return_history(
    session: Session, actor: Actor, pdu_id: int, limit: int = 200
) -> list[ReturnVersion]:
    """Every stored version of the PDU's returns: the latest week first, then newest version."""
    own_pdu(actor, pdu_id, SEE_ACTION)
    rows = session.scalars(
        select(WeeklyReturn)
        .where(WeeklyReturn.pdu_id == pdu_id)
        .order_by(WeeklyReturn.week_ending.desc(), WeeklyReturn.version.desc())
        .limit(limit)
    )
    return [version_of(r) for r in rows]


def _stored(session: Session, actor: Actor, return_id: int) -> WeeklyReturn:
    row = session.get(WeeklyReturn, return_id)
    if row is None:
        raise NotFound("That return no longer exists.")
    own_pdu(actor, row.pdu_id, SEE_ACTION)
    return row


@guarded_read(*SEE, action=SEE_ACTION)
def stored_figures(session: Session, actor: Actor, return_id: int) -> str:
    """A stored version's figures: the JSON exactly as built."""
    return _stored(session, actor, return_id).figures


@guarded_read(*SEE, action=SEE_ACTION)
def stored_settings(session: Session, actor: Actor, return_id: int) -> dict[str, Any]:
    """The settings in force when a stored version was built."""
    result: dict[str, Any] = json.loads(_stored(session, actor, return_id).settings)
    return result
