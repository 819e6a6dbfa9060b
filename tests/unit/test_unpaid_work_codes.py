"""Unpaid work's coded values, their meanings and its settings (app/domain/unpaid_work.py)."""

from __future__ import annotations

import pytest

from app.domain.parsing import ParseError
from app.domain.settings import SETTINGS
from app.domain.unpaid_work import (
    ACCEPTABLE_ABSENCES,
    DEFAULT_UNPAID_WORK_SETTINGS,
    ENFORCEABLE_OUTCOMES,
    NOTICES,
    OUTCOMES,
    PROJECT_TYPES,
    STAND_DOWN_REASONS,
    UNPAID_WORK_SETTINGS,
    Notice,
    Outcome,
    ProjectType,
    StandDownReason,
    UnpaidWorkInputError,
    UnpaidWorkSettings,
    hours,
    minutes_from_hours,
)


def test_the_twelve_outcome_codes_of_domain_5_are_all_there() -> None:
    assert {o.value for o in Outcome} == {
        *("ATTC", "AFTC", "ATSH", "ATSS", "UACP", "AASD"),
        *("AAME", "AAEM", "AAFC", "AACL", "RSSR", "RSOF"),
    }


def test_enforceable_outcomes_are_failing_to_comply_sent_home_for_behaviour_and_absence() -> None:
    assert {Outcome.AFTC, Outcome.ATSH, Outcome.UACP} == ENFORCEABLE_OUTCOMES


def test_only_attending_credits_hours_including_sent_home() -> None:
    credited = {o for o in Outcome if o.credits_hours}
    assert credited == {Outcome.ATTC, Outcome.AFTC, Outcome.ATSH, Outcome.ATSS}


def test_acceptable_absences_are_the_aa_codes_and_only_they_go_on_future_sessions() -> None:
    assert {
        *(Outcome.AASD, Outcome.AAME, Outcome.AAEM, Outcome.AAFC, Outcome.AACL)
    } == ACCEPTABLE_ABSENCES
    assert {o for o in Outcome if o.allowed_on_future_session} == ACCEPTABLE_ABSENCES
    assert not Outcome.RSSR.allowed_on_future_session


def test_no_acceptable_absence_is_enforceable_or_credits_hours() -> None:
    for outcome in ACCEPTABLE_ABSENCES:
        assert not outcome.enforceable and not outcome.credits_hours


def test_stood_down_in_advance_is_aasd_and_on_the_day_is_atss() -> None:
    assert Notice.ADVANCE.outcome is Outcome.AASD
    assert Notice.ON_THE_DAY.outcome is Outcome.ATSS
    assert {o for o in Outcome if o.is_stand_down} == {Outcome.AASD, Outcome.ATSS}
    assert not Outcome.AASD.enforceable and not Outcome.AASD.credits_hours
    assert Outcome.ATSS.credits_hours and not Outcome.ATSS.enforceable


def test_rescheduled_outcomes() -> None:
    assert {o for o in Outcome if o.is_rescheduled} == {Outcome.RSSR, Outcome.RSOF}


def test_nine_stand_down_reasons_with_the_codes_domain_5_names() -> None:
    assert [r.value for r in StandDownReason] == [
        "supervisor_absent",
        "no_supervisor",
        "weather",
        "vehicle_equipment",
        "placement_unavailable",
        "oversubscribed",
        "health_and_safety",
        "early_closure",
        "other",
    ]
    assert [n.value for n in Notice] == ["advance", "on_the_day"]


@pytest.mark.parametrize("kind", [Outcome, ProjectType, StandDownReason, Notice])
def test_every_code_has_a_label_in_words_without_its_code(kind: type) -> None:
    for member in kind:
        assert member.label and member.label[0].isupper()
        assert "_" not in member.label
    if kind is Outcome:
        assert all(o.value not in o.label for o in Outcome)


def test_project_types_ete_travel_and_groups() -> None:
    assert [p.is_ete for p in ProjectType] == [False, False, True, False]
    assert {p for p in ProjectType if p.credits_travel} == {
        ProjectType.GROUP,
        ProjectType.INDIVIDUAL,
    }
    assert {p for p in ProjectType if p.meets_as_group} == {
        ProjectType.GROUP,
        ProjectType.INDUCTION,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("group", ProjectType.GROUP),
        ("Group placement", ProjectType.GROUP),
        ("individual", ProjectType.INDIVIDUAL),
        ("ETE", ProjectType.ETE),
        ("ete", ProjectType.ETE),
        ("Induction", ProjectType.INDUCTION),
    ],
)
def test_project_type_cells_of_the_import(text: str, expected: ProjectType) -> None:
    assert PROJECT_TYPES.parse(text) is expected


def test_outcome_cells_accept_the_codes_the_old_uaab_and_names() -> None:
    assert OUTCOMES.parse("attc") is Outcome.ATTC
    assert OUTCOMES.parse("UAAB") is Outcome.UACP
    assert OUTCOMES.parse("Acceptable absence: stood down") is Outcome.AASD
    assert OUTCOMES.parse("") is None
    with pytest.raises(ParseError, match="not an attendance outcome"):
        OUTCOMES.parse("XYZZ")


def test_stand_down_reason_and_notice_cells() -> None:
    assert STAND_DOWN_REASONS.parse("Weather") is StandDownReason.WEATHER
    assert STAND_DOWN_REASONS.parse("early closure") is StandDownReason.EARLY_CLOSURE
    assert NOTICES.parse("on_the_day") is Notice.ON_THE_DAY
    assert NOTICES.parse("On the day") is Notice.ON_THE_DAY
    assert NOTICES.parse("advance") is Notice.ADVANCE
    with pytest.raises(ParseError, match="advance or on_the_day"):
        NOTICES.parse("tomorrow")


# -- settings --------------------------------------------------------------------


def test_every_unpaid_work_setting_is_in_the_catalogue_with_a_valid_default() -> None:
    for spec in UNPAID_WORK_SETTINGS:
        assert SETTINGS[spec.key] is spec
        assert spec.validate(spec.default) == spec.default


def test_settings_fields_are_the_declared_keys_and_their_defaults() -> None:
    declared = {spec.key: spec.default for spec in UNPAID_WORK_SETTINGS}
    declared["ete_share_percent"] = SETTINGS["ete_share_percent"].default
    assert vars(DEFAULT_UNPAID_WORK_SETTINGS) == declared


def test_settings_read_from_a_lookup_in_their_declared_types() -> None:
    stored = {key: spec.default for key, spec in SETTINGS.items()}
    stored |= {"upw_assessment_working_days": 12, "ete_share_percent_london": 25}
    read = UnpaidWorkSettings.from_lookup(stored.__getitem__)
    assert read.upw_assessment_working_days == 12
    assert read.ete_share_percent_london == 25.0
    assert isinstance(read.ete_share_percent_london, float)


def test_london_pdus_allow_30_percent_ete_and_others_20() -> None:
    s = DEFAULT_UNPAID_WORK_SETTINGS
    assert s.ete_share_percent_for("L") == 30.0
    assert s.ete_share_percent_for("A") == 20.0
    assert s.ete_share_percent_for(None) == 20.0
    own = UnpaidWorkSettings(ete_share_percent=25.0, ete_share_percent_london=35.0)
    assert own.ete_share_percent_for("L") == 35.0
    assert own.ete_share_percent_for("H") == 25.0


def test_minutes_and_hours() -> None:
    assert hours(90) == 1.5
    assert minutes_from_hours(12.5) == 750
    assert minutes_from_hours(0.01) == 1
    with pytest.raises(UnpaidWorkInputError):
        minutes_from_hours(-1)
