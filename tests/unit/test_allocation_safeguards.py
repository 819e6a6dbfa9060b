"""No silent allocation to someone who cannot take the case (issue 16)."""

from __future__ import annotations

from app.domain.allocation import (
    Candidate,
    RankingRules,
    SafeguardVerdict,
    rank_candidates,
    safeguard_verdict,
)
from app.domain.availability import Availability
from app.domain.codes import Grade, Rosh
from app.domain.workload import PractitionerLoad
from tests.unit.test_allocation_rules import FULL, a_case, cand

AWAY = Availability("absent until 14/09/2026")


def away(staff_id: int, availability: Availability = AWAY, **kw: object) -> Candidate:
    c = cand(staff_id, **kw)  # type: ignore[arg-type]
    return Candidate(
        c.staff_id,
        c.name,
        c.grade,
        c.load,
        c.gender,
        c.specialisms,
        c.pod_id,
        availability=availability,
    )


def test_an_absent_po_ranks_after_a_pso_outside_policy_with_the_reason() -> None:
    # A High RoSH, overdue case: the absent PO is empty, the PSO outside the policy.
    ranked = rank_candidates(
        a_case(Rosh.HIGH),
        [away(1, percent=10), cand(2, Grade.PSO, percent=60), cand(3, percent=90)],
    )
    assert [r.staff_id for r in ranked] == [3, 2, 1]
    absent = ranked[2]
    assert absent.unavailable and absent.safeguard_reason == "absent until 14/09/2026"
    assert absent.reasons[0] == "not available: absent until 14/09/2026"
    assert absent.within_policy  # the policy and the safeguards are separate questions


def test_passing_the_flagged_capacity_after_the_case_is_unavailable() -> None:
    # 118% -> 121% with a 63-point case (2.9% of a full-time practitioner).
    ranked = rank_candidates(
        a_case(previous_staff_id=1), [cand(1, percent=118), cand(2, percent=95)]
    )
    assert [r.staff_id for r in ranked] == [2, 1]
    assert ranked[1].safeguard_reason == "121% after this case"
    assert ranked[1].reasons[0] == "not available: 121% after this case"
    assert not ranked[0].unavailable


def test_just_over_the_flagged_capacity_shows_the_decimal() -> None:
    loaded = Candidate(
        1, "Near Limit", Grade.PO, PractitionerLoad(round(FULL * 1.075), FULL, 5, 1, 4)
    )
    verdict = safeguard_verdict(a_case(), loaded)
    assert verdict == SafeguardVerdict("110.4% after this case")
    assert not safeguard_verdict(a_case(points=50), loaded).blocked  # 109.8%


def test_the_flagged_capacity_is_the_setting() -> None:
    rules = RankingRules(flagged_capacity_percent=90.0)
    assert safeguard_verdict(a_case(), cand(1, percent=88), rules).reason == "91% after this case"
    assert not safeguard_verdict(a_case(), cand(1, percent=88)).blocked


def test_no_available_hours_is_unavailable_and_absence_says_it_once() -> None:
    empty = Candidate(9, "No Hours", Grade.PO, PractitionerLoad(0, 0.0, 0))
    assert safeguard_verdict(a_case(), empty).reason == "no available hours"
    absent = Candidate(9, "No Hours", Grade.PO, PractitionerLoad(0, 0.0, 0), availability=AWAY)
    assert safeguard_verdict(a_case(), absent).reason == "absent until 14/09/2026"


def test_a_shorter_absence_is_a_note_in_the_ranking_only() -> None:
    note = Availability("", "absent on 02/12/2026 (1 of the next 5 working days)")
    ranked = rank_candidates(a_case(), [away(1, note, percent=40), cand(2, percent=60)])
    assert [r.staff_id for r in ranked] == [1, 2]
    assert not ranked[0].unavailable and ranked[0].note == note.note
    assert f"note: {note.note}" in ranked[0].reasons


def test_among_the_unavailable_the_policy_still_orders() -> None:
    ranked = rank_candidates(
        a_case(Rosh.HIGH),
        [away(1, grade=Grade.PSO, percent=10), away(2, percent=80), cand(3, Grade.PSO)],
    )
    assert [(r.staff_id, r.unavailable, r.outside_policy) for r in ranked] == [
        (3, False, True),
        (2, True, False),
        (1, True, True),
    ]


def test_leaving_and_over_capacity_are_both_given() -> None:
    leaving = away(1, Availability("leaves on 30/11/2026"), percent=120)
    assert safeguard_verdict(a_case(), leaving).reason == (
        "leaves on 30/11/2026; 123% after this case"
    )
