"""The caseload search: filters and sorts in SQL over the read model."""

from __future__ import annotations

from datetime import date

from app.services.caseload import search as caseload
from app.services.caseload.search import NOT_ASSESSED, CaseFilter
from tests import factories as f
from tests.conftest import TODAY


def _setup(session):  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    team = f.team(session, pdu.id)
    pod = f.pod(session, team.id)
    po = f.staff(session, pod, "PO", surname="Ahmed")
    a = f.case(session, pdu.id, surname="Smith", forename="John", staff_id=po.id, rosh="HIGH")
    b = f.case(session, pdu.id, surname="Jones", rosh="LOW", sentence_type="SSO")
    c = f.case(
        session,
        pdu.id,
        surname="Smythe",
        rosh=None,
        sentence_type="LICENCE",
        release_date=date(2026, 11, 23),
        requirements="",
    )
    session.commit()
    return pdu, po, a, b, c


def test_filters_narrow_the_caseload(session) -> None:  # type: ignore[no-untyped-def]
    pdu, po, a, b, c = _setup(session)
    base = CaseFilter(pdu_id=pdu.id, as_at=TODAY)
    assert set(caseload.search(session, base)) == {a.id, b.id, c.id}
    unalloc = CaseFilter(pdu_id=pdu.id, as_at=TODAY, unallocated_only=True)
    assert set(caseload.search(session, unalloc)) == {b.id, c.id}
    by_staff = CaseFilter(pdu_id=pdu.id, as_at=TODAY, staff_id=po.id)
    assert caseload.search(session, by_staff) == [a.id]
    rosh = CaseFilter(pdu_id=pdu.id, as_at=TODAY, rosh=frozenset({NOT_ASSESSED}))
    assert caseload.search(session, rosh) == [c.id]
    types = CaseFilter(pdu_id=pdu.id, as_at=TODAY, sentence_types=frozenset({"SSO"}))
    assert caseload.search(session, types) == [b.id]
    assert caseload.count(session, base) == 3


def test_search_by_name_prefix_crn_and_forename_first(session) -> None:  # type: ignore[no-untyped-def]
    pdu, _po, a, _b, c = _setup(session)
    flt = lambda text: CaseFilter(pdu_id=pdu.id, as_at=TODAY, text=text)  # noqa: E731
    assert set(caseload.search(session, flt("sm"))) == {a.id, c.id}
    assert caseload.search(session, flt("john smith")) == [a.id]
    assert caseload.search(session, flt(a.crn.lower())) == [a.id]
    assert caseload.search(session, flt("nobody")) == []


def test_sorting_by_rosh_puts_high_first_when_descending(session) -> None:  # type: ignore[no-untyped-def]
    pdu, _po, a, b, c = _setup(session)
    flt = CaseFilter(pdu_id=pdu.id, as_at=TODAY)
    assert caseload.search(session, flt, "rosh", descending=True) == [a.id, b.id, c.id]
    rows = caseload.rows(session, [c.id, a.id])
    assert [r.person_id for r in rows] == [c.id, a.id]
    assert rows[1].practitioner_name.endswith("Ahmed")
    assert rows[0].clock_start == date(2026, 11, 23)  # licence: clock starts at release


def test_first_page_gives_the_first_ids_and_the_total(session) -> None:  # type: ignore[no-untyped-def]
    pdu, _po, _a, _b, _c = _setup(session)
    flt = CaseFilter(pdu_id=pdu.id, as_at=TODAY)
    page = caseload.first_page(session, flt, "name", limit=2)
    assert page.total == 3
    assert page.ids == caseload.search(session, flt, "name")[:2]
    small = caseload.first_page(session, flt, "name", limit=10)
    assert (small.total, len(small.ids)) == (3, 3)


def test_a_tier_filter_also_finds_the_unsupervised_part_of_that_tier(session) -> None:  # type: ignore[no-untyped-def]
    from app.db.models import CaseloadRow

    pdu, _po, a, b, _c = _setup(session)
    tier_a = session.get(CaseloadRow, a.id).tier
    session.get(CaseloadRow, b.id).tier = f"{tier_a}S"
    session.get(CaseloadRow, b.id).tier_rank = session.get(CaseloadRow, a.id).tier_rank
    session.flush()
    flt = CaseFilter(pdu_id=pdu.id, as_at=TODAY, tiers=frozenset({tier_a}))
    assert set(caseload.search(session, flt)) == {a.id, b.id}
