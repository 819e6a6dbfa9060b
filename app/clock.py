"""The one clock of the app.

No code calls ``date.today()`` directly: domain rules take the as-at date, and
everything else asks this module. ``PDU_MANAGER_TODAY`` (YYYY-MM-DD) fixes the
date for tests, demos and screenshots.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

ENV_TODAY = "PDU_MANAGER_TODAY"


def today() -> date:
    """Today's date, or the date fixed by ``PDU_MANAGER_TODAY``."""
    fixed = os.environ.get(ENV_TODAY, "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError as exc:
            raise SystemExit(f"{ENV_TODAY}={fixed!r} is not a date in the form YYYY-MM-DD") from exc
    return date.today()


def now() -> datetime:
    """The current time in UTC; its date follows ``PDU_MANAGER_TODAY`` when that is set."""
    current = datetime.now(UTC)
    fixed = os.environ.get(ENV_TODAY, "").strip()
    if fixed:
        day = today()
        current = current.replace(year=day.year, month=day.month, day=day.day)
    return current
