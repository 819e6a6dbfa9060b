"""What each part of the ranking adds to a practitioner's score, and the reason it gives.

Each test compares two practitioners alike in all but the one thing it is about,
so the difference in score is that part's weight (app/domain/allocation.py).
"""

from __future__ import annotations

import pytest

from app.domain.allocation import (
    FEMALE_AS_ASKED,
    MIX_BONUS,
    NO_MIX_PENALTY,
    SPECIALISM,
    Candidate,
    CaseForAllocation,
    RankedCandidate,
    RankingRules,
    capacity_change_text,
    percent_text,
    policy_verdict,
    rank_candidates,
)
from app.domain.codes import Gender, Grade, Rosh, SentenceType, Specialism
from app.domain.workload import PractitionerLoad

FULL = 2176.0
ALL_SPECIALISMS = frozenset(Specialism)


def person(
    staff_id: int,
    grade: Grade = Grade.PO,
    *,
    gender: Gender = Gender.FEMALE,
    specialisms: frozenset[Specialism] = frozenset(),
    high: int = 0,
    medium_low: int = 0,
) -> Candidate:
    load = PractitionerLoad(
        points_held=1088, available=FULL, cases=high + medium_low, high_cases=high,
        medium_low_cases=medium_low,
    )  # fmt: skip
    return Candidate(staff_id, f"P{staff_id}", grade, load, gender, specialisms)


def ranked(case: CaseForAllocation, *people: Candidate) -> dict[int, RankedCandidate]:
    return {r.staff_id: r for r in rank_candidates(case, people)}


def case_of(rosh: Rosh | None = Rosh.MEDIUM, **kw: object) -> CaseForAllocation:
    values: dict[str, object] = {"sentence_type": SentenceType.CO, "rosh": rosh, "points": 0}
    values.update(kw)
    return CaseForAllocation(**values)  # type: ignore[arg-type]


CAPACITY_ONLY = -50.0 * 0.3  # 50% now and after (a case of 0 points): -15


def test_a_female_practitioner_as_she_asked_adds_its_weight() -> None:
    case = case_of(gender=Gender.FEMALE, female_practitioner_requested=True)
    found = ranked(case, person(1), person(2, gender=Gender.MALE))
    assert found[1].score - found[2].score == pytest.approx(FEMALE_AS_ASKED)
    assert found[1].score == pytest.approx(CAPACITY_ONLY + FEMALE_AS_ASKED)
    assert found[1].reasons == ("female practitioner, as she asked", "capacity 50% -> 50%")


def test_every_specialism_that_fits_adds_its_weight_once() -> None:
    case = case_of(gender=Gender.FEMALE, age=21, domestic_abuse=True)
    found = ranked(case, person(1, specialisms=ALL_SPECIALISMS), person(2))
    assert found[1].score == pytest.approx(CAPACITY_ONLY + 3 * SPECIALISM)
    assert found[2].score == pytest.approx(CAPACITY_ONLY)
    assert found[1].reasons == (
        "women's specialist",
        "young adults specialist (18-25)",
        "domestic abuse specialist",
        "capacity 50% -> 50%",
    )


def test_a_womens_specialist_she_asked_for_adds_both_weights() -> None:
    case = case_of(gender=Gender.FEMALE, female_practitioner_requested=True)
    found = ranked(case, person(1, specialisms=frozenset({Specialism.WOMEN})))
    assert found[1].score == pytest.approx(CAPACITY_ONLY + FEMALE_AS_ASKED + SPECIALISM)
    assert found[1].reasons[:2] == ("female practitioner, as she asked", "women's specialist")


@pytest.mark.parametrize(("age", "young"), [(17, False), (18, True), (25, True), (26, False)])
def test_young_adults_are_18_to_25_both_included(age: int, young: bool) -> None:
    found = ranked(case_of(age=age), person(1, specialisms=frozenset({Specialism.YOUNG_ADULTS})))
    assert found[1].score == pytest.approx(CAPACITY_ONLY + (SPECIALISM if young else 0))
    assert ("young adults specialist (18-25)" in found[1].reasons) is young


def test_the_young_adult_ages_are_a_setting() -> None:
    rules = RankingRules(young_adult_ages=(16, 20))
    specialist = person(1, specialisms=frozenset({Specialism.YOUNG_ADULTS}))
    found = {r.staff_id: r for r in rank_candidates(case_of(age=16), [specialist], rules)}
    assert "young adults specialist (16-20)" in found[1].reasons


def test_a_specialism_that_does_not_fit_adds_nothing() -> None:
    case = case_of(gender=Gender.MALE, age=40, domestic_abuse=False)
    found = ranked(case, person(1, specialisms=ALL_SPECIALISMS))
    assert found[1].score == pytest.approx(CAPACITY_ONLY)
    assert found[1].reasons == ("capacity 50% -> 50%",)


@pytest.mark.parametrize("grade", [Grade.PQIP, Grade.PSO])
def test_the_mix_counts_for_pos_only(grade: Grade) -> None:
    found = ranked(case_of(Rosh.LOW), person(1, grade, high=3))
    assert found[1].score == pytest.approx(CAPACITY_ONLY)


def test_the_mix_counts_nothing_for_a_case_not_yet_assessed() -> None:
    found = ranked(case_of(None), person(1, high=3), person(2, medium_low=9))
    assert found[1].score == found[2].score == pytest.approx(CAPACITY_ONLY)


def test_a_po_with_an_empty_caseload_gets_no_mix_bonus_for_a_medium_case() -> None:
    found = ranked(case_of(Rosh.MEDIUM), person(1))
    assert found[1].score == pytest.approx(CAPACITY_ONLY)
    assert found[1].reasons == ("capacity 50% -> 50%",)


def test_a_po_holding_only_high_cases_gets_the_mix_bonus_for_a_medium_case() -> None:
    found = ranked(case_of(Rosh.MEDIUM), person(1, high=1))
    assert found[1].score == pytest.approx(CAPACITY_ONLY + MIX_BONUS)
    assert found[1].reasons[0] == "holds only High RoSH cases: adds to the mix"


def test_a_po_holding_no_high_case_gets_the_mix_bonus_for_a_high_case() -> None:
    found = ranked(case_of(Rosh.HIGH), person(1, medium_low=1), person(2))
    assert found[1].reasons[0] == found[2].reasons[0] == "holds no High RoSH case: adds to the mix"
    assert found[1].score == pytest.approx(CAPACITY_ONLY + MIX_BONUS)


@pytest.mark.parametrize(
    ("rosh", "high", "medium_low", "reason"),
    [
        (Rosh.MEDIUM, 0, 4, "would hold 5 cases, all Medium or Low RoSH: no mix"),
        (Rosh.HIGH, 4, 0, "would hold 5 cases, all High RoSH: no mix"),
        (Rosh.VERY_HIGH, 6, 0, "would hold 7 cases, all High RoSH: no mix"),
    ],
)
def test_a_po_who_would_reach_the_threshold_all_on_one_side_loses_points(
    rosh: Rosh, high: int, medium_low: int, reason: str
) -> None:
    found = ranked(case_of(rosh), person(1, high=high, medium_low=medium_low))
    assert found[1].score == pytest.approx(CAPACITY_ONLY - NO_MIX_PENALTY)
    assert found[1].reasons[0] == reason


def test_below_the_threshold_a_one_sided_caseload_costs_nothing() -> None:
    found = ranked(case_of(Rosh.MEDIUM), person(1, medium_low=3))
    assert found[1].score == pytest.approx(CAPACITY_ONLY)
    strict = RankingRules(po_mix_min_cases=4)
    found = {r.staff_id: r for r in rank_candidates(case_of(), [person(1, medium_low=3)], strict)}
    assert found[1].reasons[0] == "would hold 4 cases, all Medium or Low RoSH: no mix"


# --- Capacity, the order of a tie, and the texts ---------------------------------


def test_scores_are_kept_to_six_decimals() -> None:
    load = PractitionerLoad(points_held=1000, available=FULL, cases=0)  # 45.955882...%
    found = rank_candidates(case_of(None), [Candidate(1, "P1", Grade.PO, load)])
    assert found[0].score == -13.786765
    assert found[0].grade is Grade.PO and found[0].rank == 1


def test_on_a_tie_someone_with_hours_ranks_before_someone_with_none() -> None:
    # Ann has no available hours (-60); Bob would be flagged at 233% (-70 - 50) but
    # was the previous practitioner (+60): -60 too. Capacity after breaks the tie.
    ann = Candidate(1, "Ann", Grade.PO, PractitionerLoad(0, 0.0, 0))
    bob = Candidate(2, "Bob", Grade.PO, PractitionerLoad(7000, 3000.0, 0))
    found = rank_candidates(case_of(None, previous_staff_id=2), [ann, bob])
    assert [(r.name, r.score) for r in found] == [("Bob", -60.0), ("Ann", -60.0)]
    assert found[1].capacity_after is None
    assert found[1].reasons == ("no available hours (absent or fully reduced)",)


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        (1500, "capacity 50% -> 75%"),  # exactly at the red line: not over it
        (1501, "capacity 50% -> 75%: over 75%"),
        (2500, "capacity 50% -> 125%: over 75%"),  # exactly at the flag: not flagged
        (2501, "capacity 50% -> 125%: flagged, over 125%"),
    ],
)
def test_capacity_after_is_over_above_the_red_line_and_flagged_above_the_flag(
    points: int, reason: str
) -> None:
    rules = RankingRules(over_capacity_percent=75, flagged_capacity_percent=125)
    load = PractitionerLoad(points_held=1000, available=2000.0, cases=0)
    found = rank_candidates(
        case_of(None, points=points - 1000), [Candidate(1, "P", Grade.PO, load)], rules
    )
    assert found[0].reasons == (reason,)


def test_capacity_texts_say_no_hours_where_there_are_none() -> None:
    assert percent_text(None) == "no hours"
    assert percent_text(72.4) == "72%"
    assert capacity_change_text(None, None) == "no hours"
    assert capacity_change_text(None, 50.0) == "no hours -> 50%"
    assert capacity_change_text(72.0, None) == "72% -> no hours"
    assert capacity_change_text(72.0, 79.5) == "72% -> 80%"


def test_every_reason_a_choice_is_outside_the_policy_is_given() -> None:
    case = CaseForAllocation(SentenceType.CO, Rosh.HIGH, female_practitioner_requested=True)
    verdict = policy_verdict(case, Grade.PSO, Gender.MALE)
    assert verdict.outside_policy and not verdict.needs_confirmation
    assert (
        verdict.reason
        == "a PSO holds Low and Medium RoSH, not High; asked for a female practitioner"
    )
