"""A case's main event and allocation clock; the grade policy (DOMAIN.md 2, 4a)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cases import EventFacts, allocation_clock_start, is_running, main_event, name_key
from app.domain.codes import Grade, Rosh, SentenceType
from app.domain.policy import check_grade

D = date(2026, 11, 25)


def ev(
    i: int,
    sentenced: date,
    end: date | None = None,
    ended: date | None = None,
    kind: SentenceType = SentenceType.CO,
) -> EventFacts:
    return EventFacts(i, kind, sentenced, None, end, ended)


def test_main_event_is_the_latest_sentence_still_running() -> None:
    old = ev(1, date(2025, 1, 1))
    new = ev(2, date(2026, 6, 1))
    expired = ev(3, date(2026, 9, 1), end=date(2026, 10, 1))
    assert main_event([old, new, expired], D) == new


def test_with_nothing_running_the_latest_sentence_stands_for_the_case() -> None:
    a = ev(1, date(2024, 1, 1), end=date(2025, 1, 1))
    b = ev(2, date(2025, 2, 1), ended=date(2025, 12, 1))
    assert main_event([a, b], D) == b
    assert main_event([], D) is None


def test_running_edges() -> None:
    assert not is_running(ev(1, D, end=D), D)  # ended on the as-at date: not active (SPEC.md 7)
    assert is_running(ev(1, D, end=date(2026, 11, 26)), D)
    assert not is_running(ev(1, D + (date(2026, 11, 26) - D)), D)  # sentenced tomorrow
    assert not is_running(ev(1, date(2026, 1, 1), ended=D), D)


@pytest.mark.parametrize(
    ("kind", "release", "expected"),
    [
        (SentenceType.CO, date(2026, 12, 1), date(2026, 11, 2)),
        (SentenceType.SSO, None, date(2026, 11, 2)),
        (SentenceType.LICENCE, date(2026, 11, 20), date(2026, 11, 20)),
        (SentenceType.PSS, date(2026, 11, 21), date(2026, 11, 21)),
        (SentenceType.LICENCE, None, date(2026, 11, 2)),
        (SentenceType.CUSTODY, date(2027, 5, 1), date(2026, 11, 2)),
    ],
)
def test_allocation_clock_starts_at_sentence_or_release(kind, release, expected) -> None:  # type: ignore[no-untyped-def]
    assert allocation_clock_start(kind, date(2026, 11, 2), release) == expected


def test_name_key_is_surname_first_and_case_folded() -> None:
    assert name_key("  McDonald ", "Ann  Marie") == "mcdonald ann marie"


@pytest.mark.parametrize("rosh", [None, Rosh.LOW, Rosh.MEDIUM, Rosh.HIGH, Rosh.VERY_HIGH])
@pytest.mark.parametrize("mappa", [None, 1, 2, 3])
def test_a_po_may_hold_any_case(rosh, mappa) -> None:  # type: ignore[no-untyped-def]
    assert check_grade(Grade.PO, rosh, mappa).within_policy


@pytest.mark.parametrize(
    ("rosh", "mappa", "within"),
    [
        (None, None, True),
        ("LOW", None, True),
        ("MEDIUM", 1, True),
        ("HIGH", None, False),
        ("VERY_HIGH", None, False),
        ("MEDIUM", 2, False),
        ("LOW", 3, False),
    ],
)
def test_a_pso_holds_low_and_medium_only(rosh, mappa, within) -> None:  # type: ignore[no-untyped-def]
    verdict = check_grade(Grade.PSO, rosh, mappa)
    assert verdict.within_policy is within
    assert verdict.needs_confirmation is False
    assert bool(verdict.reason) is not within


def test_a_pqip_needs_confirmation_for_high_and_may_not_hold_very_high() -> None:
    high = check_grade(Grade.PQIP, "HIGH", None)
    assert not high.within_policy and high.needs_confirmation
    assert "confirmation" in high.reason
    very_high = check_grade(Grade.PQIP, "VERY_HIGH", None)
    assert not very_high.within_policy and not very_high.needs_confirmation
    assert not check_grade(Grade.PQIP, "MEDIUM", 2).within_policy
    assert check_grade(Grade.PQIP, "MEDIUM", 1).within_policy


def test_staff_without_a_caseload_are_outside_policy() -> None:
    assert not check_grade(Grade.SPO, "LOW", None).within_policy
    assert not check_grade(Grade.VLO, None, None).within_policy


@given(
    st.sampled_from(list(Grade)), st.sampled_from([None, *Rosh]), st.sampled_from([None, 1, 2, 3])
)
def test_more_risk_never_brings_a_case_back_within_a_grade(grade, rosh, mappa) -> None:  # type: ignore[no-untyped-def]
    verdict = check_grade(grade, rosh, mappa)
    if not verdict.within_policy and rosh is not None:
        higher = [r for r in Rosh if r.rank > rosh.rank]
        for r in higher:
            assert not check_grade(grade, r, mappa).within_policy
