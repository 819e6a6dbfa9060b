"""Each answer of the PO allocation policy, reason word for word (DOMAIN.md 2, 4a)."""

from __future__ import annotations

import pytest

from app.domain.codes import Grade, Rosh
from app.domain.policy import WITHIN, PolicyCheck, check_grade

CONFIRM = "a PQiP holding a High RoSH case needs the SPO's recorded confirmation"


@pytest.mark.parametrize(
    ("grade", "rosh", "mappa", "check"),
    [
        (Grade.PO, Rosh.VERY_HIGH, 3, WITHIN),
        (Grade.PQIP, Rosh.MEDIUM, 1, WITHIN),
        (Grade.PQIP, None, None, WITHIN),
        (Grade.PQIP, Rosh.HIGH, None, PolicyCheck(False, True, CONFIRM)),
        (Grade.PQIP, "HIGH", 1, PolicyCheck(False, True, CONFIRM)),
        (
            Grade.PQIP,
            Rosh.VERY_HIGH,
            None,
            PolicyCheck(False, False, "Very High RoSH cases belong with a PO, not a PQiP"),
        ),
        (
            Grade.PQIP,
            Rosh.LOW,
            2,
            PolicyCheck(False, False, "MAPPA level 2 cases belong with a PO, not a PQiP"),
        ),
        (
            Grade.PQIP,
            Rosh.HIGH,
            3,
            PolicyCheck(False, False, "MAPPA level 3 cases belong with a PO, not a PQiP"),
        ),
        (Grade.PSO, Rosh.MEDIUM, 1, WITHIN),
        (
            Grade.PSO,
            Rosh.HIGH,
            None,
            PolicyCheck(False, False, "a PSO holds Low and Medium RoSH, not High"),
        ),
        (
            Grade.PSO,
            Rosh.VERY_HIGH,
            2,
            PolicyCheck(False, False, "a PSO holds Low and Medium RoSH, not Very High"),
        ),
        (
            Grade.PSO,
            None,
            3,
            PolicyCheck(False, False, "MAPPA level 3 cases belong with a PO"),
        ),
        (
            Grade.SPO,
            Rosh.LOW,
            None,
            PolicyCheck(False, False, "a Senior Probation Officer does not hold a caseload"),
        ),
        (
            "VLO",
            None,
            None,
            PolicyCheck(False, False, "a Victim Liaison Officer does not hold a caseload"),
        ),
    ],
)
def test_each_policy_answer_and_its_reason(
    grade: Grade, rosh: Rosh | None, mappa: int | None, check: PolicyCheck
) -> None:
    found = check_grade(grade, rosh, mappa)
    assert found == check
    assert found.within_policy is check.within_policy
    assert found.needs_confirmation is check.needs_confirmation
