"""Victim contact: eligibility, codes, settings and the queue (app/domain/victims*.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import WorkingCalendar
from app.domain.parsing import ParseError
from app.domain.settings import SETTINGS
from app.domain.victims import (
    CONTACT_PREFERENCES,
    DEFAULT_VICTIM_SETTINGS,
    ELIGIBILITY,
    RELATIONSHIPS,
    SECURITY_CATEGORIES,
    VICTIM_SETTINGS,
    ContactPreference,
    EligibilityBasis,
    KeyStage,
    Relationship,
    SecurityCategory,
    SentenceKind,
    VictimSettings,
    first_offer_due,
    first_offer_in_time,
    qualifies_for_enhanced_parole,
)
from app.domain.victims_task_types import (
    QueueGroup,
    TaskOutcome,
    TaskStatus,
    TaskType,
    days_overdue,
    queue_group,
)

B = EligibilityBasis
ENGLAND = WorkingCalendar("england")


def test_the_five_eligibility_bases_are_the_import_s_codes() -> None:
    assert [b.value for b in B] == [
        "statutory",
        "hospital_restricted",
        "hospital_unrestricted",
        "stalking_harassment",
        "discretionary",
    ]
    assert B.STATUTORY.label == "Violent or sexual offence, 12 months or more in custody"


def test_statutory_bases_include_both_hospital_orders_but_not_the_extensions() -> None:
    assert {b for b in B if b.is_statutory} == {
        B.STATUTORY,
        B.HOSPITAL_RESTRICTED,
        B.HOSPITAL_UNRESTRICTED,
    }
    assert {b for b in B if b.is_hospital_order} == {B.HOSPITAL_RESTRICTED, B.HOSPITAL_UNRESTRICTED}


@pytest.mark.parametrize("sentence", [SentenceKind.IPP, SentenceKind.LIFE, SentenceKind.EXTENDED])
def test_ipp_life_and_extended_sentences_qualify_for_the_enhanced_parole_opt_in(
    sentence: SentenceKind,
) -> None:
    assert qualifies_for_enhanced_parole(B.STATUTORY, sentence)


def test_a_restricted_hospital_order_or_a_listed_offence_qualifies_too() -> None:
    assert qualifies_for_enhanced_parole(B.HOSPITAL_RESTRICTED, None)
    assert qualifies_for_enhanced_parole(B.STATUTORY, SentenceKind.DETERMINATE, listed_offence=True)


def test_a_determinate_sentence_or_unrestricted_order_without_a_listed_offence_does_not() -> None:
    assert not qualifies_for_enhanced_parole(B.STATUTORY, SentenceKind.DETERMINATE)
    assert not qualifies_for_enhanced_parole(B.HOSPITAL_UNRESTRICTED, None)
    assert not qualifies_for_enhanced_parole(B.STALKING_HARASSMENT, None)


@pytest.mark.parametrize(
    ("text", "basis"),
    [
        ("statutory", B.STATUTORY),
        ("Hospital restricted", B.HOSPITAL_RESTRICTED),
        ("hospital-unrestricted", B.HOSPITAL_UNRESTRICTED),
        ("STALKING_HARASSMENT", B.STALKING_HARASSMENT),
        ("Stalking", B.STALKING_HARASSMENT),
        ("discretionary", B.DISCRETIONARY),
    ],
)
def test_eligibility_cells_of_the_vcs_import(text: str, basis: EligibilityBasis) -> None:
    assert ELIGIBILITY.parse(text) is basis


def test_an_unknown_eligibility_is_refused_naming_the_choices() -> None:
    with pytest.raises(ParseError, match="statutory, hospital_restricted"):
        ELIGIBILITY.parse("burglary")


def test_the_victim_file_s_coded_cells() -> None:
    assert RELATIONSHIPS.parse("bereaved relative") is Relationship.BEREAVED_RELATIVE
    assert RELATIONSHIPS.parse("Parent or carer of a child victim") is Relationship.PARENT_OR_CARER
    assert RELATIONSHIPS.parse("victim") is Relationship.VICTIM
    assert CONTACT_PREFERENCES.parse("email") is ContactPreference.EMAIL
    assert CONTACT_PREFERENCES.parse("Letter") is ContactPreference.LETTER
    assert SECURITY_CATEGORIES.parse("Cat C") is SecurityCategory.C
    assert SECURITY_CATEGORIES.parse("c") is SecurityCategory.C
    assert SECURITY_CATEGORIES.parse("YOI closed") is SecurityCategory.YOI_CLOSED


def test_security_categories_read_as_words() -> None:
    assert SecurityCategory.A.label == "Category A"
    assert SecurityCategory.YOI_OPEN.label == "Young offender, open"
    assert SecurityCategory.WOMEN_RESTRICTED.label == "Women's, restricted"


def test_the_task_types_of_domain_6() -> None:
    assert [t.label for t in TaskType] == [
        "Eligibility check",
        "First offer of contact",
        "Second offer of contact",
        "Record opt-in or opt-out",
        "Release month notice",
        "Annual letter",
        "Key stage notification",
        "Licence condition representations",
        "Victim Personal Statement invitation",
        "Parole decision passed on",
        "Enhanced parole contact",
        "Case closure",
    ]
    assert {t for t in TaskType if t.is_case_level} == {
        TaskType.ELIGIBILITY_CHECK,
        TaskType.CASE_CLOSURE,
    }
    assert {t for t in TaskType if t.survives_opt_out} == {TaskType.ENHANCED_PAROLE_CONTACT}


def test_every_task_type_offers_outcomes_with_labels() -> None:
    for task_type in TaskType:
        assert task_type.outcomes
        assert len(set(task_type.outcomes)) == len(task_type.outcomes)
    assert TaskType.ELIGIBILITY_CHECK.outcomes == (TaskOutcome.ELIGIBLE, TaskOutcome.NOT_ELIGIBLE)
    for kind in (TaskOutcome, TaskStatus, KeyStage, SentenceKind, Relationship, QueueGroup):
        for member in kind:
            assert member.label and "_" not in member.label


# -- settings --------------------------------------------------------------------


def test_every_victim_setting_is_in_the_catalogue_and_its_field_in_the_settings() -> None:
    for spec in VICTIM_SETTINGS:
        assert SETTINGS[spec.key] is spec
        assert spec.validate(spec.default) == spec.default
    assert vars(DEFAULT_VICTIM_SETTINGS) == {s.key: s.default for s in VICTIM_SETTINGS}


def test_the_defaults_are_domain_6_s() -> None:
    s = DEFAULT_VICTIM_SETTINGS
    assert (s.vcs_eligibility_check_working_days, s.vcs_first_offer_working_days) == (5, 20)
    assert s.vcs_second_offer_working_days == 20
    assert (s.vcs_release_notice_weeks_before, s.vcs_release_representations_weeks_before) == (8, 6)
    assert (s.vcs_vps_invitation_weeks_before, s.vcs_key_stage_working_days) == (12, 5)
    assert s.vcs_closure_working_days == 20


def test_settings_read_from_a_lookup() -> None:
    stored = {spec.key: spec.default for spec in VICTIM_SETTINGS} | {
        "vcs_first_offer_working_days": 15
    }
    assert VictimSettings.from_lookup(stored.__getitem__).vcs_first_offer_working_days == 15


def test_offsets_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError):
        SETTINGS["vcs_first_offer_working_days"].validate(-1)
    with pytest.raises(ValueError):
        SETTINGS["vcs_annual_letter_months"].validate(0)


# -- the first offer's deadline ----------------------------------------------------


def test_first_offer_due_20_working_days_after_referral() -> None:
    assert first_offer_due(date(2026, 3, 2), ENGLAND, DEFAULT_VICTIM_SETTINGS) == date(2026, 3, 30)


def test_first_offer_deadline_skips_christmas_and_new_year() -> None:
    # Thursday 10/12/2026: 25/12, 28/12 and 01/01/2027 are bank holidays.
    assert first_offer_due(date(2026, 12, 10), ENGLAND, DEFAULT_VICTIM_SETTINGS) == date(
        2027, 1, 12
    )


def test_a_first_offer_is_in_time_on_or_before_its_deadline() -> None:
    s, referral = DEFAULT_VICTIM_SETTINGS, date(2026, 3, 2)
    assert first_offer_in_time(referral, date(2026, 3, 30), ENGLAND, s)
    assert not first_offer_in_time(referral, date(2026, 3, 31), ENGLAND, s)
    assert not first_offer_in_time(referral, None, ENGLAND, s)


# -- the queue -------------------------------------------------------------------

WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("due", "group"),
    [
        (date(2026, 11, 24), QueueGroup.OVERDUE),
        (date(2026, 11, 25), QueueGroup.THIS_WEEK),
        (date(2026, 11, 29), QueueGroup.THIS_WEEK),  # Sunday
        (date(2026, 11, 30), QueueGroup.LATER),
    ],
)
def test_queue_groups(due: date, group: QueueGroup) -> None:
    assert queue_group(due, WEDNESDAY) is group


def test_days_overdue_counts_calendar_days_and_none_before() -> None:
    assert days_overdue(date(2026, 11, 20), WEDNESDAY) == 5
    assert days_overdue(WEDNESDAY, WEDNESDAY) == 0
    assert days_overdue(date(2026, 12, 1), WEDNESDAY) == 0


@given(st.dates(date(2020, 1, 1), date(2040, 1, 1)), st.integers(-30, 30))
def test_a_task_is_overdue_exactly_when_it_has_days_overdue(as_at: date, offset: int) -> None:
    due = as_at + timedelta(days=offset)
    assert (queue_group(due, as_at) is QueueGroup.OVERDUE) == (days_overdue(due, as_at) > 0)
    if queue_group(due, as_at) is QueueGroup.THIS_WEEK:
        assert due.isocalendar()[:2] == as_at.isocalendar()[:2]
