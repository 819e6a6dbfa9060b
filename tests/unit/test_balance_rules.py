"""The tiering balance's exception rules, at and either side of each threshold."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from app.domain.balance import (
    BalanceException,
    ExceptionKind,
    HeldCase,
    capacity_exception,
    grade_exceptions,
    mix_exception,
    po_lacks_mix,
    practitioner_exceptions,
    tier_mix_summary,
)
from app.domain.codes import Grade, Rosh
from app.domain.workload import WorkloadSettings

HIGH = HeldCase(Rosh.HIGH)
VERY_HIGH = HeldCase(Rosh.VERY_HIGH)
MEDIUM = HeldCase(Rosh.MEDIUM)
LOW = HeldCase(Rosh.LOW)
NOT_ASSESSED = HeldCase(None)


def kinds(found: Iterable[BalanceException]) -> list[ExceptionKind]:
    return [e.kind for e in found]


@pytest.mark.parametrize("case", [HIGH, VERY_HIGH, HeldCase(Rosh.LOW, mappa_level=2)])
def test_pso_holding_high_risk_is_flagged_with_the_reason(case: HeldCase) -> None:
    found = grade_exceptions(Grade.PSO, [MEDIUM, case])
    assert kinds(found) == [ExceptionKind.PSO_HIGH_RISK]
    assert found[0].flagged
    assert "PSO holding 1 case of High or Very High RoSH or MAPPA level 2/3" in found[0].reason


@pytest.mark.parametrize("case", [MEDIUM, LOW, NOT_ASSESSED, HeldCase(Rosh.MEDIUM, mappa_level=1)])
def test_pso_holding_medium_low_or_unassessed_is_fine(case: HeldCase) -> None:
    assert grade_exceptions(Grade.PSO, [case]) == []


def test_pqip_high_rosh_needs_a_recorded_confirmation() -> None:
    found = grade_exceptions(Grade.PQIP, [HIGH, HIGH])
    assert kinds(found) == [ExceptionKind.PQIP_UNCONFIRMED]
    assert "2 cases of High RoSH without the SPO's recorded confirmation" in found[0].reason
    assert grade_exceptions(Grade.PQIP, [HeldCase(Rosh.HIGH, confirmed=True)]) == []


def test_pqip_very_high_or_mappa_3_is_outside_the_grade_even_if_confirmed() -> None:
    found = grade_exceptions(
        Grade.PQIP, [HeldCase(Rosh.VERY_HIGH, confirmed=True), HeldCase(None, 3)]
    )
    assert kinds(found) == [ExceptionKind.PQIP_OUTSIDE_GRADE]
    assert "2 cases" in found[0].reason


def test_po_holds_any_risk() -> None:
    assert grade_exceptions(Grade.PO, [VERY_HIGH, HeldCase(Rosh.HIGH, 3)]) == []


@pytest.mark.parametrize(
    ("high", "medium_low", "lacks"),
    [
        (0, 4, False),  # below the threshold
        (0, 5, True),  # at it: all medium/low
        (0, 6, True),  # above it
        (4, 0, False),
        (5, 0, True),  # all high
        (1, 4, False),  # a mix
        (4, 1, False),
        (0, 0, False),
    ],
)
def test_po_mix_threshold(high: int, medium_low: int, lacks: bool) -> None:
    assert po_lacks_mix(high, medium_low, 5) is lacks


def test_mix_threshold_is_a_setting() -> None:
    assert po_lacks_mix(0, 2, 3) is False
    assert po_lacks_mix(0, 3, 3) is True


def test_po_mix_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        po_lacks_mix(-1, 5)


def test_mix_exception_is_for_pos_only_and_says_which_side() -> None:
    found = mix_exception(Grade.PO, 0, 5)
    assert found is not None and found.kind is ExceptionKind.PO_NO_MIX
    assert "all 5 cases assessed are Medium or Low RoSH" in found.reason
    high = mix_exception(Grade.PO, 6, 0)
    assert high is not None and "High or Very High" in high.reason
    assert mix_exception(Grade.PQIP, 0, 9) is None
    assert mix_exception(Grade.PSO, 0, 9) is None


def test_not_assessed_cases_count_on_neither_side_nor_towards_the_threshold() -> None:
    cases = [MEDIUM] * 4 + [NOT_ASSESSED] * 3
    assert practitioner_exceptions(Grade.PO, cases, 50.0) == ()
    cases = [MEDIUM] * 5 + [NOT_ASSESSED]
    assert kinds(practitioner_exceptions(Grade.PO, cases, 50.0)) == [ExceptionKind.PO_NO_MIX]


@pytest.mark.parametrize(
    ("percent", "kind"),
    [
        (None, None),
        (99.9, None),
        (100.0, None),  # at 100% is not over
        (100.1, ExceptionKind.OVER_CAPACITY),
        (110.0, ExceptionKind.OVER_CAPACITY),  # at 110% is red, not yet flagged
        (110.1, ExceptionKind.CAPACITY_FLAGGED),
    ],
)
def test_capacity_thresholds(percent: float | None, kind: ExceptionKind | None) -> None:
    found = capacity_exception(percent)
    assert (found.kind if found else None) is kind


def test_capacity_thresholds_follow_the_settings() -> None:
    strict = WorkloadSettings(over_capacity_percent=90, flagged_capacity_percent=95)
    found = capacity_exception(96.0, strict)
    assert found is not None and found.kind is ExceptionKind.CAPACITY_FLAGGED
    assert found.reason == "Capacity 96%: over 95%"


def test_serious_exceptions_come_first() -> None:
    found = practitioner_exceptions(Grade.PSO, [HIGH] + [MEDIUM] * 9, 105.0)
    assert kinds(found) == [ExceptionKind.PSO_HIGH_RISK, ExceptionKind.OVER_CAPACITY]
    assert [e.flagged for e in found] == [True, False]


def test_tier_mix_summary_groups_by_protect_level_and_folds_unsupervised() -> None:
    counts = {"B2": 3, "B1S": 1, "D0": 2, "A3": 1, "Untiered": 2}
    assert tier_mix_summary(counts) == "A 1 · B 4 · D 2 · untiered 2"
    assert tier_mix_summary({}) == ""
    assert tier_mix_summary({"": 1}) == "untiered 1"


# --- What the senior probation officer reads, word for word ----------------------


def test_each_grade_exception_says_how_many_cases_and_why() -> None:
    pso = grade_exceptions(Grade.PSO, [HIGH, VERY_HIGH, MEDIUM])
    assert [e.reason for e in pso] == [
        "PSO holding 2 cases of High or Very High RoSH or MAPPA level 2/3: these belong with a PO"
    ]
    pqip = grade_exceptions(
        Grade.PQIP, [VERY_HIGH, HIGH, HIGH, HIGH, HeldCase(Rosh.HIGH, None, True)]
    )
    assert [(e.kind, e.reason, e.flagged) for e in pqip] == [
        (
            ExceptionKind.PQIP_OUTSIDE_GRADE,
            "PQiP holding 1 case of Very High RoSH or MAPPA level 2/3: these belong with a PO",
            True,
        ),
        (
            ExceptionKind.PQIP_UNCONFIRMED,
            "PQiP holding 3 cases of High RoSH without the SPO's recorded confirmation",
            True,
        ),
    ]


@pytest.mark.parametrize("grade", [Grade.SPO, Grade.CASE_ADMIN, Grade.HEAD_OF_PDU, Grade.PO])
def test_grades_outside_the_pso_and_pqip_rules_have_no_grade_exceptions(grade: Grade) -> None:
    assert grade_exceptions(grade, [VERY_HIGH, HIGH, HeldCase(None, 3)]) == []


def test_the_no_mix_exception_is_a_warning_naming_the_threshold() -> None:
    found = mix_exception(Grade.PO, 0, 3, min_cases=3)
    assert found == BalanceException(
        ExceptionKind.PO_NO_MIX,
        "PO with no mix: all 3 cases assessed are Medium or Low RoSH "
        "(a mix is expected from 3 cases)",
        flagged=False,
    )
    high = mix_exception(Grade.PO, 1, 0, min_cases=1)
    assert high is not None and high.reason == (
        "PO with no mix: all 1 case assessed are High or Very High RoSH "
        "(a mix is expected from 1 case)"
    )
    assert mix_exception(Grade.PO, 0, 4, min_cases=5) is None


def test_negative_case_counts_are_refused_in_words() -> None:
    with pytest.raises(ValueError, match=r"^Case counts cannot be negative$"):
        po_lacks_mix(3, -1)


def test_over_capacity_is_a_warning_with_its_percentage() -> None:
    found = capacity_exception(104.6)
    assert found == BalanceException(
        ExceptionKind.OVER_CAPACITY, "Capacity 105%: over 100%", flagged=False
    )
    flagged = capacity_exception(120.0)
    assert flagged == BalanceException(ExceptionKind.CAPACITY_FLAGGED, "Capacity 120%: over 110%")


def test_practitioner_exceptions_count_each_high_case_once() -> None:
    assert practitioner_exceptions(Grade.PO, [HIGH] * 3, 50.0) == ()
    assert practitioner_exceptions(Grade.PO, [HIGH, VERY_HIGH] * 2, 50.0) == ()
    found = practitioner_exceptions(Grade.PO, [HIGH] * 5, 50.0)
    assert kinds(found) == [ExceptionKind.PO_NO_MIX]


def test_practitioner_exceptions_use_the_given_threshold_and_settings() -> None:
    strict = WorkloadSettings(over_capacity_percent=80, flagged_capacity_percent=90)
    found = practitioner_exceptions(Grade.PO, [LOW] * 2, 85.0, min_cases=2, settings=strict)
    assert kinds(found) == [ExceptionKind.PO_NO_MIX, ExceptionKind.OVER_CAPACITY]
    assert found[1].reason == "Capacity 85%: over 80%"
    assert practitioner_exceptions(Grade.PO, [LOW] * 2, 85.0) == ()


def test_tier_mix_summary_adds_up_every_untiered_spelling() -> None:
    assert tier_mix_summary({"Untiered": 2, "": 1, "C1": 1, "0": 4}) == "C 1 · untiered 7"
