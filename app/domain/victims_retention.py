"""How long victims' personal details are kept after a VCS case closes (issue 19).

A victim's name, contact details and notes are erased a set time after the
case closes (UK GDPR storage limitation: kept no longer than needed); the
case, its dates and its tasks stay, so the counts of the weekly return are
unchanged. The period is a setting: PDU Manager's own default, since no
public source fixes one for the Victim Contact Scheme.
"""

from __future__ import annotations

from datetime import date

from app.domain.setting_spec import SettingSpec
from app.domain.workload import add_months

RETENTION_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "vcs_erase_months_after_closure",
        int,
        12,
        "Months after a VCS case closes before its victims' details are erased",
        "PDU Manager's own default (UK GDPR storage limitation; no public source fixes it)",
        1,
        120,
    ),
)


def erase_due_on(closed_on: date, months: int) -> date:
    """The first day a closed case's victims' details are due to be erased."""
    return add_months(closed_on, months)


def is_erase_due(closed_on: date | None, months: int, as_at: date) -> bool:
    return closed_on is not None and erase_due_on(closed_on, months) <= as_at
