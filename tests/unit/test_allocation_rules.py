"""Ranking practitioners for a new case and the allocation clocks (SPEC.md 4.3, TOM 775)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.allocation import (
    FEMALE_REQUEST_REASON,
    AppointmentClock,
    Candidate,
    CaseForAllocation,
    RankedCandidate,
    age_on,
    allocation_deadline,
    allocation_status,
    capacity_change_text,
    first_appointment_clock,
    policy_verdict,
    rank_candidates,
)
from app.domain.calendar import WorkingCalendar
from app.domain.codes import Gender, Grade, Rosh, SentenceType, Specialism
from app.domain.workload import PractitionerLoad

FULL = 2176.0


def load(percent: float = 50.0, high: int = 1, medium_low: int = 4) -> PractitionerLoad:
    """A load at ``percent`` of a full-time practitioner's available points."""
    return PractitionerLoad(
        points_held=round(FULL * percent / 100),
        available=FULL,
        cases=high + medium_low,
        high_cases=high,
        medium_low_cases=medium_low,
    )


def cand(
    staff_id: int,
    grade: Grade = Grade.PO,
    percent: float = 50.0,
    *,
    name: str | None = None,
    gender: Gender = Gender.MALE,
    pod_id: int | None = None,
    specialisms: frozenset[Specialism] = frozenset(),
    high: int = 1,
    medium_low: int = 4,
) -> Candidate:
    return Candidate(
        staff_id=staff_id,
        name=name or f"Practitioner {staff_id:02d}",
        grade=grade,
        load=load(percent, high, medium_low),
        gender=gender,
        specialisms=specialisms,
        pod_id=pod_id,
    )


def a_case(rosh: Rosh | None = Rosh.MEDIUM, **kw: object) -> CaseForAllocation:
    values: dict[str, object] = {"sentence_type": SentenceType.CO, "rosh": rosh, "points": 63}
    values.update(kw)
    return CaseForAllocation(**values)  # type: ignore[arg-type]


def by_id(ranked: list[RankedCandidate]) -> dict[int, RankedCandidate]:
    return {r.staff_id: r for r in ranked}


# --- The grade policy -------------------------------------------------------------


def test_pso_is_ranked_last_for_a_high_rosh_case() -> None:
    # The PSO has by far the most room, and still ranks below both POs.
    ranked = rank_candidates(
        a_case(Rosh.HIGH),
        [cand(1, Grade.PSO, 5), cand(2, Grade.PO, 90), cand(3, Grade.PO, 60)],
    )
    assert [r.staff_id for r in ranked] == [3, 2, 1]
    pso = ranked[-1]
    assert not pso.within_policy and pso.outside_policy and not pso.needs_confirmation
    assert "PSO" in pso.policy_reason and "High" in pso.policy_reason
    assert pso.reasons[0].startswith("outside policy:")


def test_pqip_needs_confirmation_for_a_high_rosh_case() -> None:
    ranked = rank_candidates(
        a_case(Rosh.HIGH),
        [cand(1, Grade.PSO, 5), cand(2, Grade.PQIP, 10), cand(3, Grade.PO, 95)],
    )
    assert [r.staff_id for r in ranked] == [3, 2, 1]
    pqip = by_id(ranked)[2]
    assert pqip.needs_confirmation and not pqip.within_policy and not pqip.outside_policy
    assert "confirmation" in pqip.policy_reason
    assert pqip.reasons[0].startswith("needs confirmation:")


def test_pqip_takes_medium_rosh_within_policy() -> None:
    ranked = rank_candidates(a_case(Rosh.MEDIUM), [cand(1, Grade.PQIP, 10)])
    assert ranked[0].within_policy and ranked[0].policy_reason == ""


@pytest.mark.parametrize(
    ("rosh", "mappa"),
    [(Rosh.VERY_HIGH, None), (Rosh.MEDIUM, 2), (Rosh.LOW, 3), (None, 2)],
)
def test_very_high_and_mappa_2_3_are_within_policy_only_for_a_po(
    rosh: Rosh | None, mappa: int | None
) -> None:
    case = a_case(rosh, mappa_level=mappa)
    ranked = by_id(
        rank_candidates(
            case, [cand(1, Grade.PO, 99), cand(2, Grade.PQIP, 1), cand(3, Grade.PSO, 1)]
        )
    )
    assert ranked[1].within_policy and ranked[1].rank == 1
    for staff_id in (2, 3):
        assert ranked[staff_id].outside_policy
        assert not ranked[staff_id].needs_confirmation
        assert ranked[staff_id].rank > 1


def test_mappa_level_1_is_within_policy_for_a_pso() -> None:
    assert policy_verdict(a_case(Rosh.LOW, mappa_level=1), Grade.PSO, None).within_policy


def test_not_yet_assessed_rosh_is_allowed_to_any_grade() -> None:
    ranked = rank_candidates(a_case(None), [cand(i, g) for i, g in enumerate(Grade, 1)][:3])
    assert all(r.within_policy for r in ranked)


# --- Continuity, female request, specialisms ------------------------------------


def test_previous_practitioner_ranks_first_then_their_pod() -> None:
    case = a_case(previous_staff_id=4, previous_pod_id=7)
    ranked = rank_candidates(
        case,
        [cand(1, percent=40), cand(2, percent=60, pod_id=7), cand(4, percent=85, pod_id=7)],
    )
    assert [r.staff_id for r in ranked] == [4, 2, 1]
    assert "previous practitioner (continuity)" in ranked[0].reasons
    assert "same POD as the previous practitioner" in ranked[1].reasons


def test_previous_practitioner_outside_policy_still_ranks_after_policy() -> None:
    case = a_case(Rosh.HIGH, previous_staff_id=1)
    ranked = rank_candidates(case, [cand(1, Grade.PSO, 10), cand(2, Grade.PO, 95)])
    assert [r.staff_id for r in ranked] == [2, 1]


def test_female_practitioner_ranks_first_when_she_asked_for_one() -> None:
    case = a_case(gender=Gender.FEMALE, female_practitioner_requested=True)
    ranked = rank_candidates(
        case, [cand(1, percent=10, gender=Gender.MALE), cand(2, percent=80, gender=Gender.FEMALE)]
    )
    assert [r.staff_id for r in ranked] == [2, 1]
    assert "female practitioner, as she asked" in ranked[0].reasons
    man = ranked[1]
    assert man.outside_policy and man.policy_reason == FEMALE_REQUEST_REASON


def test_gender_counts_only_when_a_female_practitioner_was_asked_for() -> None:
    case = a_case(gender=Gender.FEMALE)
    ranked = rank_candidates(
        case, [cand(1, percent=10, gender=Gender.MALE), cand(2, percent=20, gender=Gender.FEMALE)]
    )
    assert [r.staff_id for r in ranked] == [1, 2]
    assert all(r.within_policy for r in ranked)


def test_specialisms_count_for_women_young_adults_and_domestic_abuse() -> None:
    women = frozenset({Specialism.WOMEN})
    young = frozenset({Specialism.YOUNG_ADULTS})
    abuse = frozenset({Specialism.DOMESTIC_ABUSE})
    pool = [
        cand(1, percent=30),
        cand(2, percent=40, specialisms=women),
        cand(3, percent=40, specialisms=young),
        cand(4, percent=40, specialisms=abuse),
    ]
    assert rank_candidates(a_case(gender=Gender.FEMALE), pool)[0].staff_id == 2
    assert rank_candidates(a_case(age=22), pool)[0].staff_id == 3
    assert rank_candidates(a_case(age=26), pool)[0].staff_id == 1
    assert rank_candidates(a_case(domestic_abuse=True), pool)[0].staff_id == 4
    assert "women's specialist" in rank_candidates(a_case(gender=Gender.FEMALE), pool)[0].reasons


def test_age_in_whole_years() -> None:
    assert age_on(date(2001, 11, 26), date(2026, 11, 25)) == 24
    assert age_on(date(2001, 11, 25), date(2026, 11, 25)) == 25
    assert age_on(None, date(2026, 11, 25)) is None


# --- Mix and capacity -------------------------------------------------------------


def test_po_with_no_high_case_comes_first_for_a_high_case() -> None:
    ranked = rank_candidates(
        a_case(Rosh.HIGH), [cand(1, percent=50, high=2), cand(2, percent=60, high=0)]
    )
    assert ranked[0].staff_id == 2
    assert "holds no High RoSH case: adds to the mix" in ranked[0].reasons
    assert ranked[0].mix_now == (0, 4) and ranked[0].mix_after == (1, 4)


def test_po_with_only_high_cases_comes_first_for_a_medium_case() -> None:
    ranked = rank_candidates(
        a_case(Rosh.LOW), [cand(1, percent=50), cand(2, percent=60, high=3, medium_low=0)]
    )
    assert ranked[0].staff_id == 2


def test_a_po_left_without_a_mix_ranks_lower() -> None:
    ranked = rank_candidates(
        a_case(Rosh.MEDIUM), [cand(1, percent=50, high=0, medium_low=6), cand(2, percent=55)]
    )
    assert [r.staff_id for r in ranked] == [2, 1]
    assert any("no mix" in r for r in ranked[1].reasons)


def test_lower_capacity_after_the_case_ranks_first() -> None:
    ranked = rank_candidates(
        a_case(), [cand(1, percent=80), cand(2, percent=40), cand(3, percent=60)]
    )
    assert [r.staff_id for r in ranked] == [2, 3, 1]
    assert ranked[0].capacity_text == "40% -> 43%"


def test_over_100_percent_after_ranks_lower_and_over_110_is_flagged() -> None:
    # 63 points is 2.9% of a full-time practitioner's capacity.
    ranked = rank_candidates(
        a_case(), [cand(1, percent=108), cand(2, percent=99), cand(3, percent=70)]
    )
    assert [r.staff_id for r in ranked] == [3, 2, 1]
    assert any(r.endswith(": over 100%") for r in ranked[1].reasons)
    assert any(r.endswith("flagged, over 110%") for r in ranked[2].reasons)


def test_the_previous_practitioner_comes_first_until_flagged_over_110_percent() -> None:
    case = a_case(previous_staff_id=1)
    ranked = rank_candidates(case, [cand(1, percent=107), cand(2, percent=0)])
    assert [r.staff_id for r in ranked] == [1, 2]
    flagged = rank_candidates(case, [cand(1, percent=108), cand(2, percent=50)])
    assert [r.staff_id for r in flagged] == [2, 1]


def test_no_available_hours_ranks_last_within_policy() -> None:
    absent = Candidate(9, "Absent Person", Grade.PO, PractitionerLoad(500, 0.0, 5, 1, 4))
    ranked = rank_candidates(a_case(), [absent, cand(1, percent=105)])
    assert [r.staff_id for r in ranked] == [1, 9]
    assert ranked[1].capacity_text == "no hours"
    assert "no available hours (absent or fully reduced)" in ranked[1].reasons


def test_ties_break_by_capacity_after_then_name() -> None:
    twins = [cand(2, percent=50, name="Zara Bell"), cand(1, percent=50, name="Adam Bell")]
    assert [r.name for r in rank_candidates(a_case(), twins)] == ["Adam Bell", "Zara Bell"]


def test_capacity_change_text() -> None:
    assert capacity_change_text(72.4, 79.1) == "72% -> 79%"
    assert capacity_change_text(None, None) == "no hours"


def test_a_negative_points_case_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        a_case(points=-1)


# --- The ranking as a whole --------------------------------------------------------

candidates = st.lists(
    st.builds(
        cand,
        st.integers(1, 10_000),
        st.sampled_from([Grade.PO, Grade.PQIP, Grade.PSO]),
        st.floats(0, 150),
        gender=st.sampled_from(list(Gender)),
        pod_id=st.none() | st.integers(1, 4),
        specialisms=st.frozensets(st.sampled_from(list(Specialism))),
        high=st.integers(0, 8),
        medium_low=st.integers(0, 8),
    ),
    max_size=12,
    unique_by=lambda c: c.staff_id,
)
cases = st.builds(
    a_case,
    st.none() | st.sampled_from(list(Rosh)),
    mappa_level=st.none() | st.integers(1, 3),
    gender=st.sampled_from(list(Gender)),
    female_practitioner_requested=st.booleans(),
    previous_staff_id=st.none() | st.integers(1, 10_000),
    previous_pod_id=st.none() | st.integers(1, 4),
    age=st.none() | st.integers(18, 80),
    points=st.integers(0, 250),
)


@given(cases, candidates, st.randoms(use_true_random=False))
def test_ranking_is_a_total_order_with_policy_first(
    case: CaseForAllocation, pool: list[Candidate], rnd: object
) -> None:
    ranked = rank_candidates(case, pool)
    # A permutation of the candidates, ranked 1..n.
    assert sorted(r.staff_id for r in ranked) == sorted(c.staff_id for c in pool)
    assert [r.rank for r in ranked] == list(range(1, len(pool) + 1))
    # Everyone available before anyone who cannot take the case now; in each,
    # every outside-policy candidate after every within-policy one, a PQiP
    # needing only confirmation between the two.
    groups = [
        (r.unavailable, 0 if r.within_policy else 2 if r.outside_policy else 1) for r in ranked
    ]
    assert groups == sorted(groups)
    assert all(r.unavailable == bool(r.safeguard_reason) for r in ranked)
    assert all(r.within_policy != (r.outside_policy or r.needs_confirmation) for r in ranked)
    # The same order whatever order the candidates come in.
    shuffled = list(pool)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert [r.staff_id for r in rank_candidates(case, shuffled)] == [r.staff_id for r in ranked]


# --- Clocks --------------------------------------------------------------------------

ENGLAND = WorkingCalendar("england")


def test_allocation_deadline_skips_christmas_boxing_day_and_new_year() -> None:
    # Wed 23/12/2026: Christmas Day (Fri 25), Boxing Day observed (Mon 28), New Year (Fri 1).
    assert allocation_deadline(date(2026, 12, 23), ENGLAND) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("as_at", "state", "elapsed", "left"),
    [
        (date(2026, 12, 23), "due", 0, 5),
        (date(2026, 12, 30), "due", 3, 2),
        (date(2027, 1, 4), "due_today", 5, 0),
        (date(2027, 1, 5), "overdue", 6, -1),
    ],
)
def test_allocation_status_through_the_christmas_holidays(
    as_at: date, state: str, elapsed: int, left: int
) -> None:
    status = allocation_status(date(2026, 12, 23), as_at, ENGLAND)
    assert (status.state, status.days_elapsed, status.days_left) == (state, elapsed, left)


def test_allocation_working_days_is_a_setting() -> None:
    assert allocation_deadline(date(2026, 11, 23), ENGLAND, working_days=3) == date(2026, 11, 26)


def test_first_appointment_within_a_week_of_sentence() -> None:
    clock = first_appointment_clock(SentenceType.CO, date(2026, 11, 20), None, date(2026, 11, 27))
    assert clock == AppointmentClock(date(2026, 11, 27), "due_today", "sentence")


def test_first_appointment_within_24_hours_of_release_for_licence() -> None:
    clock = first_appointment_clock(
        SentenceType.LICENCE, date(2025, 3, 1), date(2026, 11, 23), date(2026, 11, 25)
    )
    assert clock == AppointmentClock(date(2026, 11, 24), "overdue", "release")


def test_custody_with_no_release_date_has_no_first_appointment_clock() -> None:
    assert (
        first_appointment_clock(SentenceType.CUSTODY, date(2026, 1, 5), None, date(2026, 11, 25))
        is None
    )
