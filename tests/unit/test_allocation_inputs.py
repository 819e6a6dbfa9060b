"""What the ranking is given is normalised on creation (app/domain/allocation.py)."""

from __future__ import annotations

import pytest

from app.domain.allocation import Candidate, CaseForAllocation
from app.domain.codes import Gender, Grade, Rosh, SentenceType, Specialism
from app.domain.workload import PractitionerLoad

LOAD = PractitionerLoad(points_held=0, available=2176.0, cases=0)


def test_a_candidate_given_codes_holds_enum_members() -> None:
    candidate = Candidate(
        7,
        "Sam Jones",
        "PQIP",  # type: ignore[arg-type]
        LOAD,
        gender="F",  # type: ignore[arg-type]
        specialisms=frozenset({"WOMEN", "DOMESTIC_ABUSE"}),  # type: ignore[arg-type]
    )
    assert candidate.grade is Grade.PQIP
    assert candidate.gender is Gender.FEMALE
    assert candidate.specialisms == {Specialism.WOMEN, Specialism.DOMESTIC_ABUSE}
    assert all(type(s) is Specialism for s in candidate.specialisms)
    assert type(candidate.specialisms) is frozenset


def test_a_candidate_without_gender_or_specialisms_keeps_none() -> None:
    candidate = Candidate(8, "Alex Lee", Grade.PO, LOAD)
    assert candidate.gender is None and candidate.specialisms == frozenset()


def test_a_case_given_codes_holds_enum_members() -> None:
    case = CaseForAllocation("LICENCE", "HIGH", gender="M")  # type: ignore[arg-type]
    assert case.sentence_type is SentenceType.LICENCE
    assert case.rosh is Rosh.HIGH
    assert case.gender is Gender.MALE
    unassessed = CaseForAllocation(SentenceType.CO, None)
    assert unassessed.rosh is None and unassessed.gender is None


def test_a_case_cannot_add_negative_points() -> None:
    with pytest.raises(ValueError, match=r"^A case cannot add negative workload points$"):
        CaseForAllocation(SentenceType.CO, None, points=-1)
    assert CaseForAllocation(SentenceType.CO, None, points=0).points == 0
