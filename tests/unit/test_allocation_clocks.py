"""The first appointment and allocation clocks at and either side of their due day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.allocation import AppointmentClock, first_appointment_clock
from app.domain.codes import SentenceType

SENTENCED = date(2026, 11, 20)  # a Friday: due a week later, Friday 27/11
RELEASED = date(2026, 11, 23)  # a Monday: due the next day, Tuesday 24/11


@pytest.mark.parametrize(
    ("as_at", "state"),
    [
        (SENTENCED, "due"),
        (date(2026, 11, 26), "due"),
        (date(2026, 11, 27), "due_today"),
        (date(2026, 11, 28), "overdue"),
    ],
)
@pytest.mark.parametrize("sentence", [SentenceType.CO, SentenceType.SSO])
def test_a_community_case_is_seen_within_a_week_of_sentence(
    sentence: SentenceType, as_at: date, state: str
) -> None:
    clock = first_appointment_clock(sentence, SENTENCED, None, as_at)
    assert clock == AppointmentClock(date(2026, 11, 27), state, "sentence")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("as_at", "state"),
    [
        (RELEASED, "due"),
        (RELEASED + timedelta(days=1), "due_today"),
        (date(2026, 11, 25), "overdue"),
    ],
)
@pytest.mark.parametrize("sentence", [SentenceType.LICENCE, SentenceType.PSS, SentenceType.CUSTODY])
def test_a_released_case_is_seen_within_a_day_of_release(
    sentence: SentenceType, as_at: date, state: str
) -> None:
    clock = first_appointment_clock(sentence, date(2024, 1, 8), RELEASED, as_at)
    assert clock == AppointmentClock(date(2026, 11, 24), state, "release")  # type: ignore[arg-type]


@pytest.mark.parametrize("sentence", [SentenceType.LICENCE, SentenceType.PSS])
def test_a_licence_with_no_release_date_counts_from_sentence(sentence: SentenceType) -> None:
    clock = first_appointment_clock(sentence, SENTENCED, None, SENTENCED)
    assert clock == AppointmentClock(date(2026, 11, 27), "due", "sentence")


def test_the_sentence_type_may_be_given_as_its_code() -> None:
    clock = first_appointment_clock("CUSTODY", SENTENCED, None, SENTENCED)  # type: ignore[arg-type]
    assert clock is None
