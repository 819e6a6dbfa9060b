"""Small checks and words shared by the unpaid work services."""

from __future__ import annotations

from datetime import time

from app.domain.unpaid_work import UnpaidWorkInputError
from app.domain.unpaid_work_hours import minutes_between
from app.services.core.errors import UserError


def check_times(start: time, end: time) -> int:
    """The minutes from start to end; a UserError in words when the end is not after the start."""
    try:
        return minutes_between(start, end)
    except UnpaidWorkInputError as exc:
        raise UserError(str(exc)) from None


def clock_time(value: time | None) -> str:
    return "" if value is None else value.strftime("%H:%M")
