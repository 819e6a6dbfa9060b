"""Reading and changing business settings (audited, with effective dates)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db.models import Setting
from app.domain.calendar import WorkingCalendar
from app.domain.codes import Grade, Role
from app.domain.settings import SETTINGS
from app.domain.workload import DEFAULT_SETTINGS, ReductionReason, WorkloadSettings
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import UserError

Scope = Literal["default", "national", "pdu"]


@dataclass(frozen=True)
class SettingChange:
    """One stored value of a setting: from a date on, national or one PDU's own."""

    effective_from: date
    value: Any
    pdu_own: bool


@dataclass(frozen=True)
class SettingView:
    """A declared setting as the settings screen shows it, on one day for one PDU.

    ``kind`` is the declared type's name (``int``, ``float``, ``bool``, ``str``,
    ``list``, ``dict``); ``scope`` says where the value in force comes from and
    ``effective_from`` since when (None for the default). ``history`` holds every
    stored value, national and the PDU's own, oldest first (future ones too).
    """

    key: str
    label: str
    kind: str
    source: str
    value: Any
    default: Any
    scope: Scope
    effective_from: date | None
    minimum: float | None
    maximum: float | None
    history: tuple[SettingChange, ...]
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def pdu_own(self) -> bool:
        """The PDU's own value is the one in force."""
        return self.scope == "pdu"


def list_settings(session: Session, as_at: date, pdu_id: int | None = None) -> list[SettingView]:
    """Every declared setting in declaration order, with the value in force on ``as_at``."""
    query = select(Setting.key, Setting.effective_from, Setting.value, Setting.pdu_id).order_by(
        Setting.effective_from, Setting.id
    )
    if pdu_id is None:
        query = query.where(Setting.pdu_id.is_(None))
    else:
        query = query.where(or_(Setting.pdu_id.is_(None), Setting.pdu_id == pdu_id))
    history: dict[str, list[SettingChange]] = {}
    for key, effective_from, value, row_pdu in session.execute(query):
        change = SettingChange(effective_from, json.loads(value), row_pdu is not None)
        history.setdefault(key, []).append(change)
    views = []
    for key, spec in SETTINGS.items():
        changes = history.get(key, [])
        in_force = [c for c in changes if c.effective_from <= as_at]
        own = [c for c in in_force if c.pdu_own]
        national = [c for c in in_force if not c.pdu_own]
        current = own[-1] if own else national[-1] if national else None
        scope: Scope = "default" if current is None else "pdu" if current.pdu_own else "national"
        views.append(
            SettingView(
                key=key,
                label=spec.label,
                kind=spec.kind.__name__,
                source=spec.source,
                value=spec.default if current is None else current.value,
                default=spec.default,
                scope=scope,
                effective_from=None if current is None else current.effective_from,
                minimum=spec.minimum,
                maximum=spec.maximum,
                choices=spec.choices,
                history=tuple(changes),
            )
        )
    return views


SETTINGS_CACHE = "pdu_manager.settings"
"""Where a session keeps the stored settings it has read (dropped at commit or rollback)."""


def _stored(session: Session) -> list[tuple[str, date, int | None, Any]]:
    """Every stored setting value, read once per transaction (a small table)."""
    cached = session.info.get(SETTINGS_CACHE)
    if cached is None:
        rows = session.execute(
            select(Setting.key, Setting.effective_from, Setting.pdu_id, Setting.value).order_by(
                Setting.effective_from.desc(), Setting.id.desc()
            )
        ).all()
        cached = [(k, d, pdu, json.loads(v)) for k, d, pdu, v in rows]
        session.info[SETTINGS_CACHE] = cached
    return cached


def get(session: Session, key: str, as_at: date, pdu_id: int | None = None) -> Any:
    """The value in force on ``as_at``: a PDU's own value over the national one."""
    spec = SETTINGS[key]
    national = None
    for row_key, effective_from, row_pdu, value in _stored(session):
        if row_key != key or effective_from > as_at:
            continue
        if row_pdu is not None and row_pdu == pdu_id:
            return value
        if row_pdu is None and national is None:
            national = (value,)
    return spec.default if national is None else national[0]


def put(
    session: Session,
    actor: Actor,
    key: str,
    value: Any,
    effective_from: date,
    pdu_id: int | None = None,
) -> None:
    """Set a value from a date on; only the Head of PDU changes policy numbers."""
    actor.require(Role.HEAD_OF_PDU, action="change settings")
    spec = SETTINGS.get(key)
    if spec is None:
        raise UserError(f"There is no setting called {key!r}.")
    try:
        checked = spec.validate(value)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    before = get(session, key, effective_from, pdu_id)
    session.info.pop(SETTINGS_CACHE, None)
    existing = session.scalar(
        select(Setting).where(
            Setting.key == key, Setting.effective_from == effective_from, Setting.pdu_id == pdu_id
        )
    )
    if existing is None:
        session.add(
            Setting(
                key=key, value=json.dumps(checked), effective_from=effective_from, pdu_id=pdu_id
            )
        )
    else:
        existing.value = json.dumps(checked)
    audit.record(
        session,
        actor,
        "setting.changed",
        "setting",
        key,
        summary=f"{spec.label} from {effective_from.isoformat()}",
        before={"value": before},
        after={"value": checked, "effective_from": effective_from, "pdu_id": pdu_id},
    )


def working_calendar(session: Session, as_at: date, welsh: bool = False) -> WorkingCalendar:
    """The working-day calendar with the Head of PDU's one-off bank holidays."""
    extra = [date.fromisoformat(d) for d in get(session, "extra_bank_holidays", as_at)]
    return WorkingCalendar("wales" if welsh else "england", extra_holidays=extra)


def workload_settings(session: Session, as_at: date, pdu_id: int | None = None) -> WorkloadSettings:
    """The workload numbers in force on ``as_at`` (DOMAIN.md 4a: each one a setting)."""
    points = get(session, "workload_points", as_at, pdu_id)
    targets = get(session, "grade_target_points", as_at, pdu_id)
    return replace(
        DEFAULT_SETTINGS,
        points={_points_key(key): int(value) for key, value in points.items()},
        grade_targets={Grade(grade): int(value) for grade, value in targets.items()},
        default_hours=float(get(session, "grade_default_hours", as_at, pdu_id)),
        over_capacity_percent=float(get(session, "capacity_over_percent", as_at, pdu_id)),
        flagged_capacity_percent=float(get(session, "capacity_flag_percent", as_at, pdu_id)),
        reduction_shares={
            ReductionReason(reason): percent / 100
            for reason, percent in get(session, "reduction_share_percent", as_at, pdu_id).items()
        },
        unsupervised_points=int(get(session, "unsupervised_points", as_at, pdu_id)),
        untiered_points=int(get(session, "untiered_points", as_at, pdu_id)),
        newly_qualified_months=int(get(session, "newly_qualified_months", as_at, pdu_id)),
    )


def _points_key(key: str) -> tuple[str, str, int]:
    kind, protect, change = key.split(":")
    return kind, protect, int(change)
