"""Unpaid work's coded values and settings (DOMAIN.md 5, TOM 1393-1492).

The codes are those HMPPS's own Community Payback service records
(hmpps-community-payback-api): project types, the attendance outcome codes and
what each one means for hours, enforcement and future sessions. Stand-down
reasons and notice are PDU Manager's own (HMPPS keeps no structured reason).
Every enum's value is the stable code stored in the database; ``label`` is
what a user reads. Every policy number is a setting declared here
(:data:`UNPAID_WORK_SETTINGS`) and read into :class:`UnpaidWorkSettings`.

Durations are whole minutes everywhere in the unpaid work rules (NDelius
counts unpaid work in minutes); :func:`hours` turns them into hours to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from app.domain.coded import enum_table
from app.domain.setting_spec import SettingSpec

LONDON_REGION_CODE = "L"
"""London's letter among the 12 probation regions (TOM Annex C, resources/regions.csv)."""


class UnpaidWorkInputError(ValueError):
    """Unpaid work facts that cannot be right (an end before a start, negative minutes).

    The message is written for the user ("The end time 09:00 is not after the
    start time 16:00").
    """


class ProjectType(StrEnum):
    """Kinds of unpaid work project (DOMAIN.md 5; CP-API project type groups)."""

    GROUP = "GROUP"
    INDIVIDUAL = "INDIVIDUAL"
    ETE = "ETE"
    INDUCTION = "INDUCTION"

    @property
    def label(self) -> str:
        return _PROJECT_LABELS[self]

    @property
    def is_ete(self) -> bool:
        """Hours here count against the ETE allowance (20%, 30% in London)."""
        return self is ProjectType.ETE

    @property
    def credits_travel(self) -> bool:
        """Supervised travel may be credited: group and individual placements only.

        HMPPS's service raises travel time only for GROUP and INDIVIDUAL
        project types (CP-API ``ProjectTypeEntity``).
        """
        return self in (ProjectType.GROUP, ProjectType.INDIVIDUAL)

    @property
    def meets_as_group(self) -> bool:
        """People work or meet together: the all-male group rule applies (DOMAIN.md 5)."""
        return self in (ProjectType.GROUP, ProjectType.INDUCTION)


_PROJECT_LABELS = {
    ProjectType.GROUP: "Group placement",
    ProjectType.INDIVIDUAL: "Individual placement",
    ProjectType.ETE: "Education, training and employment",
    ProjectType.INDUCTION: "Induction",
}


@dataclass(frozen=True)
class _OutcomeMeaning:
    label: str
    attended: bool = False
    enforceable: bool = False
    acceptable_absence: bool = False


class Outcome(StrEnum):
    """Attendance outcomes, HMPPS's codes (DOMAIN.md 5; CP-API contact outcomes)."""

    ATTC = "ATTC"
    AFTC = "AFTC"
    ATSH = "ATSH"
    ATSS = "ATSS"
    UACP = "UACP"
    AASD = "AASD"
    AAME = "AAME"
    AAEM = "AAEM"
    AAFC = "AAFC"
    AACL = "AACL"
    RSSR = "RSSR"
    RSOF = "RSOF"

    @property
    def label(self) -> str:
        return _OUTCOMES[self].label

    @property
    def credits_hours(self) -> bool:
        """The person attended, so time is credited: end - start - penalty."""
        return _OUTCOMES[self].attended

    @property
    def enforceable(self) -> bool:
        """The practitioner must be told within one business day (DOMAIN.md 5)."""
        return _OUTCOMES[self].enforceable

    @property
    def acceptable_absence(self) -> bool:
        return _OUTCOMES[self].acceptable_absence

    @property
    def allowed_on_future_session(self) -> bool:
        """Only acceptable absences may be recorded ahead (CP-API, CPB-397)."""
        return _OUTCOMES[self].acceptable_absence

    @property
    def is_rescheduled(self) -> bool:
        return self in (Outcome.RSSR, Outcome.RSOF)

    @property
    def is_stand_down(self) -> bool:
        """The outcomes of a stand-down: AASD in advance, ATSS on the day."""
        return self in (Outcome.AASD, Outcome.ATSS)


_OUTCOMES = {
    Outcome.ATTC: _OutcomeMeaning("Attended: complied", attended=True),
    Outcome.AFTC: _OutcomeMeaning("Attended: failed to comply", attended=True, enforceable=True),
    Outcome.ATSH: _OutcomeMeaning(
        "Attended: sent home for behaviour", attended=True, enforceable=True
    ),
    Outcome.ATSS: _OutcomeMeaning("Attended: sent home (service issues)", attended=True),
    Outcome.UACP: _OutcomeMeaning("Unacceptable absence", enforceable=True),
    Outcome.AASD: _OutcomeMeaning("Acceptable absence: stood down", acceptable_absence=True),
    Outcome.AAME: _OutcomeMeaning("Acceptable absence: medical", acceptable_absence=True),
    Outcome.AAEM: _OutcomeMeaning("Acceptable absence: employment", acceptable_absence=True),
    Outcome.AAFC: _OutcomeMeaning(
        "Acceptable absence: family or childcare", acceptable_absence=True
    ),
    Outcome.AACL: _OutcomeMeaning("Acceptable absence: court or legal", acceptable_absence=True),
    Outcome.RSSR: _OutcomeMeaning("Rescheduled: service request"),
    Outcome.RSOF: _OutcomeMeaning("Rescheduled: the person's request"),
}

ENFORCEABLE_OUTCOMES = frozenset(o for o in Outcome if o.enforceable)
ACCEPTABLE_ABSENCES = frozenset(o for o in Outcome if o.acceptable_absence)


class StandDownReason(StrEnum):
    """Why the service cancelled a session (DOMAIN.md 5: PDU Manager's own codes)."""

    SUPERVISOR_ABSENT = "supervisor_absent"
    NO_SUPERVISOR = "no_supervisor"
    WEATHER = "weather"
    VEHICLE_EQUIPMENT = "vehicle_equipment"
    PLACEMENT_UNAVAILABLE = "placement_unavailable"
    OVERSUBSCRIBED = "oversubscribed"
    HEALTH_AND_SAFETY = "health_and_safety"
    EARLY_CLOSURE = "early_closure"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    StandDownReason.SUPERVISOR_ABSENT: "Supervisor absent",
    StandDownReason.NO_SUPERVISOR: "No supervisor allocated",
    StandDownReason.WEATHER: "Weather",
    StandDownReason.VEHICLE_EQUIPMENT: "Vehicle or equipment",
    StandDownReason.PLACEMENT_UNAVAILABLE: "Placement unavailable",
    StandDownReason.OVERSUBSCRIBED: "Oversubscribed",
    StandDownReason.HEALTH_AND_SAFETY: "Health and safety",
    StandDownReason.EARLY_CLOSURE: "Early closure",
    StandDownReason.OTHER: "Other",
}


class Notice(StrEnum):
    """When a stand-down was given: in advance, or on the day after people reported."""

    ADVANCE = "advance"
    ON_THE_DAY = "on_the_day"

    @property
    def label(self) -> str:
        return "In advance" if self is Notice.ADVANCE else "On the day"

    @property
    def outcome(self) -> Outcome:
        """AASD when stood down in advance; ATSS when sent home on the day (DOMAIN.md 5)."""
        return Outcome.AASD if self is Notice.ADVANCE else Outcome.ATSS


# -- reading import cells (SPEC.md 5) -------------------------------------------

PROJECT_TYPES = enum_table(
    ProjectType,
    "a project type",
    {
        ProjectType.GROUP: ("Group", "G", "Group project", "NP1", "NP2"),
        ProjectType.INDIVIDUAL: ("Individual", "I", "ICP", "Partner supervised", "PSP"),
        ProjectType.ETE: ("Education training and employment", "Education", "ET1", "ET3"),
        ProjectType.INDUCTION: ("PI", "UPW induction"),
    },
    hint="group, individual, ETE or induction",
    suffixes=("placement", "project"),
)
OUTCOMES = enum_table(
    Outcome,
    "an attendance outcome",
    {
        Outcome.UACP: ("UAAB",),
        Outcome.ATTC: ("Attended", "Attended complied", "Complied"),
        Outcome.AASD: ("Stood down",),
    },
    hint="an HMPPS outcome code such as ATTC, AFTC, ATSH, ATSS, UACP, AASD, AAME, AAEM, "
    "AAFC, AACL, RSSR or RSOF",
)
STAND_DOWN_REASONS = enum_table(
    StandDownReason,
    "a stand-down reason",
    {
        StandDownReason.SUPERVISOR_ABSENT: ("Supervisor sick", "Supervisor absence"),
        StandDownReason.VEHICLE_EQUIPMENT: ("Vehicle", "Equipment", "Van"),
        StandDownReason.PLACEMENT_UNAVAILABLE: ("Beneficiary unavailable", "No placement"),
        StandDownReason.HEALTH_AND_SAFETY: ("H&S", "Health & safety"),
    },
    hint=", ".join(r.value for r in StandDownReason),
)
NOTICES = enum_table(
    Notice,
    "a stand-down notice",
    {Notice.ADVANCE: ("In advance", "Planned"), Notice.ON_THE_DAY: ("Same day",)},
    hint="advance or on_the_day",
)


# -- settings --------------------------------------------------------------------

_TOM = "Target Operating Model (2021), unpaid work"

UNPAID_WORK_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "ete_share_percent_london",
        float,
        30.0,
        "Share of unpaid work hours that may be ETE in London PDUs",
        "London Reducing Reoffending Plan; HMPPS Community Payback service (30%)",
        0,
        100,
    ),
    SettingSpec(
        "upw_assessment_working_days",
        int,
        10,
        "Working days from sentence to the unpaid work assessment",
        f"{_TOM}: assessment within 10 working days of sentence",
        1,
        60,
    ),
    SettingSpec(
        "upw_start_working_days",
        int,
        15,
        "Working days from sentence to the first unpaid work session",
        f"{_TOM}: work starts within 15 working days of sentence",
        1,
        60,
    ),
    SettingSpec(
        "upw_first_review_months",
        int,
        6,
        "Months from sentence to the first unpaid work review",
        f"{_TOM}: reviews at 6 and 9 months",
        1,
        24,
    ),
    SettingSpec(
        "upw_second_review_months",
        int,
        9,
        "Months from sentence to the second unpaid work review",
        f"{_TOM}: reviews at 6 and 9 months",
        1,
        24,
    ),
    SettingSpec(
        "upw_completion_months",
        int,
        12,
        "Months from sentence to complete the unpaid work hours",
        "Sentencing Council; HMPPS service level SL029 (within 12 months)",
        1,
        36,
    ),
    SettingSpec(
        "upw_standard_hours_per_week",
        float,
        7.0,
        "Unpaid work hours a person can work in a week",
        "HM Inspectorate of Probation (2016): most areas offer 7 hours a week",
        1,
        80,
    ),
    SettingSpec(
        "upw_intensive_hours_per_week",
        float,
        28.0,
        "Unpaid work hours a week on intensive working",
        f"{_TOM}: intensive working up to 28 hours a week",
        1,
        80,
    ),
    SettingSpec(
        "upw_travel_credit_minutes_each_way",
        int,
        60,
        "Supervised travel credited against the hours, each way (minutes)",
        f"{_TOM}: at most 60 minutes each way of supervised travel",
        0,
        180,
    ),
    SettingSpec(
        "upw_practitioner_notice_working_days",
        int,
        1,
        "Working days to tell the practitioner of an enforceable outcome",
        f"{_TOM}: the practitioner is told within one business day",
        0,
        10,
    ),
)


@dataclass(frozen=True)
class UnpaidWorkSettings:
    """The unpaid work numbers in force; each field is the setting of the same key.

    ``ete_share_percent`` is the core setting for PDUs outside London;
    ``ete_share_percent_london`` applies to the PDUs of London's region.
    """

    ete_share_percent: float = 20.0
    ete_share_percent_london: float = 30.0
    upw_assessment_working_days: int = 10
    upw_start_working_days: int = 15
    upw_first_review_months: int = 6
    upw_second_review_months: int = 9
    upw_completion_months: int = 12
    upw_standard_hours_per_week: float = 7.0
    upw_intensive_hours_per_week: float = 28.0
    upw_travel_credit_minutes_each_way: int = 60
    upw_practitioner_notice_working_days: int = 1

    @classmethod
    def from_lookup(cls, value_of: Callable[[str], Any]) -> UnpaidWorkSettings:
        """Read every field from ``value_of(key)``, e.g. the settings service's ``get``."""
        defaults = cls()
        values = {f.name: value_of(f.name) for f in fields(cls)}
        return cls(**{k: type(getattr(defaults, k))(v) for k, v in values.items()})

    def ete_share_percent_for(self, region_code: str | None) -> float:
        """The PDU's ETE allowance (%): London's own figure in London's region."""
        if region_code == LONDON_REGION_CODE:
            return self.ete_share_percent_london
        return self.ete_share_percent


DEFAULT_UNPAID_WORK_SETTINGS = UnpaidWorkSettings()


def hours(minutes: int) -> float:
    """Minutes as hours to show or export (90 -> 1.5)."""
    return minutes / 60


def minutes_from_hours(value: float) -> int:
    """Hours (as an extract or a setting gives them) as whole minutes, to the nearest."""
    if value < 0:
        raise UnpaidWorkInputError(f"{value:g} hours cannot be negative")
    return round(value * 60)
