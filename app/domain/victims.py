"""Victim contact: eligibility, the VLO's task types, settings and the queue's groups.

The statutory Victim Contact Scheme covers victims of a specified violent or
sexual offence where the offender receives 12 months or more in custody, and
victims of offenders detained under hospital orders, restricted and
unrestricted; the TOM extends it to stalking and harassment under 12 months,
and to discretionary cases (DOMAIN.md 6, TOM 1725-1800). The app holds no
offence category: the basis is recorded, chosen by the VLO or imported.

Before a Parole Board review the enhanced opt-in contacts qualifying victims
twice, including those who opted out: IPP, life and extended sentences,
restricted hospital orders, and kidnapping, rape, attempted murder and
manslaughter (recorded by the VLO as a listed offence, since the app holds no
offence). Every offset is a setting (:data:`VICTIM_SETTINGS`); the defaults
are PDU Manager's own where no public source fixes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

from app.domain.calendar import WorkingCalendar
from app.domain.coded import enum_table
from app.domain.setting_spec import SettingSpec


class EligibilityBasis(StrEnum):
    """Why a case is in the Victim Contact Scheme (SPEC.md 5 ``eligibility``)."""

    STATUTORY = "statutory"
    HOSPITAL_RESTRICTED = "hospital_restricted"
    HOSPITAL_UNRESTRICTED = "hospital_unrestricted"
    STALKING_HARASSMENT = "stalking_harassment"
    DISCRETIONARY = "discretionary"

    @property
    def label(self) -> str:
        return _BASIS_LABELS[self]

    @property
    def is_statutory(self) -> bool:
        """Inside the statutory scheme (the hospital orders since the 2020 Code)."""
        return self in (
            EligibilityBasis.STATUTORY,
            EligibilityBasis.HOSPITAL_RESTRICTED,
            EligibilityBasis.HOSPITAL_UNRESTRICTED,
        )

    @property
    def is_hospital_order(self) -> bool:
        return self in (
            EligibilityBasis.HOSPITAL_RESTRICTED,
            EligibilityBasis.HOSPITAL_UNRESTRICTED,
        )


_BASIS_LABELS = {
    EligibilityBasis.STATUTORY: "Violent or sexual offence, 12 months or more in custody",
    EligibilityBasis.HOSPITAL_RESTRICTED: "Hospital order, restricted",
    EligibilityBasis.HOSPITAL_UNRESTRICTED: "Hospital order, unrestricted",
    EligibilityBasis.STALKING_HARASSMENT: "Stalking or harassment, under 12 months in custody",
    EligibilityBasis.DISCRETIONARY: "Discretionary, outside the statutory criteria",
}


class SentenceKind(StrEnum):
    """The custodial sentence, as far as the enhanced parole opt-in needs it."""

    DETERMINATE = "DETERMINATE"
    EXTENDED = "EXTENDED"
    LIFE = "LIFE"
    IPP = "IPP"

    @property
    def label(self) -> str:
        return _SENTENCE_LABELS[self]


_SENTENCE_LABELS = {
    SentenceKind.DETERMINATE: "Determinate sentence",
    SentenceKind.EXTENDED: "Extended determinate sentence",
    SentenceKind.LIFE: "Life sentence",
    SentenceKind.IPP: "Imprisonment for public protection",
}
ENHANCED_PAROLE_SENTENCES = frozenset({SentenceKind.IPP, SentenceKind.LIFE, SentenceKind.EXTENDED})


def qualifies_for_enhanced_parole(
    basis: EligibilityBasis, sentence: SentenceKind | None, listed_offence: bool = False
) -> bool:
    """The enhanced parole opt-in applies: IPP, life, extended, restricted hospital order,
    or an offence the VLO recorded as listed (kidnapping, rape, attempted murder,
    manslaughter), DOMAIN.md 6."""
    return (
        sentence in ENHANCED_PAROLE_SENTENCES
        or basis is EligibilityBasis.HOSPITAL_RESTRICTED
        or listed_offence
    )


class Relationship(StrEnum):
    """Who the contact is (SPEC.md 5): bereaved next of kin and parents are included."""

    VICTIM = "VICTIM"
    BEREAVED_RELATIVE = "BEREAVED_RELATIVE"
    PARENT_OR_CARER = "PARENT_OR_CARER"

    @property
    def label(self) -> str:
        return {
            "VICTIM": "Victim",
            "BEREAVED_RELATIVE": "Bereaved relative",
            "PARENT_OR_CARER": "Parent or carer of a child victim",
        }[self.value]


class ContactPreference(StrEnum):
    LETTER = "LETTER"
    PHONE = "PHONE"
    EMAIL = "EMAIL"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SecurityCategory(StrEnum):
    """A prisoner's security category, which the annual letter must give (DOMAIN.md 6)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    YOI_CLOSED = "YOI_CLOSED"
    YOI_OPEN = "YOI_OPEN"
    WOMEN_RESTRICTED = "WOMEN_RESTRICTED"
    WOMEN_CLOSED = "WOMEN_CLOSED"
    WOMEN_OPEN = "WOMEN_OPEN"

    @property
    def label(self) -> str:
        if len(self.value) == 1:
            return f"Category {self.value}"
        estate, _, kind = self.value.partition("_")
        where = "Young offender" if estate == "YOI" else "Women's"
        return f"{where}, {kind.lower()}"


class KeyStage(StrEnum):
    """The key stages an opted-in victim is told of (DOMAIN.md 6)."""

    OPEN_CONDITIONS = "OPEN_CONDITIONS"
    TEMPORARY_RELEASE = "TEMPORARY_RELEASE"
    HOME_DETENTION_CURFEW = "HOME_DETENTION_CURFEW"
    PAROLE_ELIGIBILITY = "PAROLE_ELIGIBILITY"
    PAROLE_DECISION = "PAROLE_DECISION"
    RELEASE = "RELEASE"
    LICENCE_END = "LICENCE_END"
    RECALL = "RECALL"
    HOSPITAL_LEAVE_OR_DISCHARGE = "HOSPITAL_LEAVE_OR_DISCHARGE"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    KeyStage.OPEN_CONDITIONS: "Move to open conditions",
    KeyStage.TEMPORARY_RELEASE: "Temporary release",
    KeyStage.HOME_DETENTION_CURFEW: "Home detention curfew",
    KeyStage.PAROLE_ELIGIBILITY: "Parole eligibility",
    KeyStage.PAROLE_DECISION: "Parole decision",
    KeyStage.RELEASE: "Release",
    KeyStage.LICENCE_END: "Licence end",
    KeyStage.RECALL: "Recall",
    KeyStage.HOSPITAL_LEAVE_OR_DISCHARGE: "Hospital leave or discharge",
}


# -- reading import cells (SPEC.md 5) -------------------------------------------

ELIGIBILITY = enum_table(
    EligibilityBasis,
    "an eligibility basis",
    {
        EligibilityBasis.STATUTORY: ("Statutory violent or sexual", "Violent or sexual"),
        EligibilityBasis.HOSPITAL_RESTRICTED: ("Restricted hospital order", "Restricted patient"),
        EligibilityBasis.HOSPITAL_UNRESTRICTED: ("Unrestricted hospital order",),
        EligibilityBasis.STALKING_HARASSMENT: ("Stalking", "Harassment", "Stalking or harassment"),
        EligibilityBasis.DISCRETIONARY: ("Non-statutory",),
    },
    hint="statutory, hospital_restricted, hospital_unrestricted, stalking_harassment or "
    "discretionary",
)
SECURITY_CATEGORIES = enum_table(
    SecurityCategory,
    "a security category",
    {c: (f"Cat {c.value}", f"Cat{c.value}") for c in SecurityCategory if len(c.value) == 1},
    hint="A, B, C, D, YOI closed, YOI open, women's restricted, closed or open",
)
RELATIONSHIPS = enum_table(
    Relationship,
    "a relationship",
    {
        Relationship.BEREAVED_RELATIVE: ("Bereaved", "Next of kin", "Bereaved family"),
        Relationship.PARENT_OR_CARER: ("Parent", "Carer", "Guardian", "Parent or carer"),
    },
    hint="victim, bereaved relative, or parent or carer of a child victim",
)
CONTACT_PREFERENCES = enum_table(
    ContactPreference,
    "a contact preference",
    {ContactPreference.LETTER: ("Post",), ContactPreference.PHONE: ("Telephone", "Call")},
    hint="letter, phone or email",
)


# -- settings --------------------------------------------------------------------

_OWN = "PDU Manager's own default (no public source fixes it)"
_CODE = "Victims' Code, Right 11, as summarised publicly"


def _wd(key: str, default: int, label: str, source: str = _OWN) -> SettingSpec:
    return SettingSpec(key, int, default, label, source, 0, 120)


def _weeks(key: str, default: int, label: str) -> SettingSpec:
    return SettingSpec(key, int, default, label, _OWN, 0, 104)


VICTIM_SETTINGS: tuple[SettingSpec, ...] = (
    _wd(
        "vcs_eligibility_check_working_days",
        5,
        "Working days from referral to the eligibility check",
    ),
    _wd("vcs_first_offer_working_days", 20, "Working days from referral to the first offer", _CODE),
    _wd("vcs_second_offer_working_days", 20, "Working days from the first offer to the second"),
    _wd("vcs_reply_working_days", 20, "Working days from the second offer to record no reply"),
    _weeks(
        "vcs_release_notice_weeks_before", 8, "Weeks before release of the release-month notice"
    ),
    _weeks(
        "vcs_release_representations_weeks_before",
        6,
        "Weeks before release to take representations on licence conditions",
    ),
    _weeks(
        "vcs_parole_representations_weeks_before",
        6,
        "Weeks before a parole review to take representations on licence conditions",
    ),
    _weeks(
        "vcs_vps_invitation_weeks_before", 12, "Weeks before a parole review of the VPS invitation"
    ),
    _weeks(
        "vcs_enhanced_first_contact_weeks_before",
        16,
        "Weeks before a parole review of the first enhanced opt-in contact",
    ),
    _weeks(
        "vcs_enhanced_second_contact_weeks_before",
        12,
        "Weeks before a parole review of the second enhanced opt-in contact",
    ),
    _wd(
        "vcs_parole_decision_working_days",
        15,
        "Working days after a parole review to pass on the decision",
    ),
    _wd("vcs_key_stage_working_days", 5, "Working days after a key stage to tell the victim"),
    _wd("vcs_closure_working_days", 20, "Working days after sentence or licence end to close"),
    SettingSpec(
        "vcs_annual_letter_months",
        int,
        12,
        "Months between annual letters, from opting in",
        "Victim Contact Scheme: an annual contact letter",
        1,
        24,
    ),
)


@dataclass(frozen=True)
class VictimSettings:
    """The victim contact offsets in force; each field is the setting of the same key."""

    vcs_eligibility_check_working_days: int = 5
    vcs_first_offer_working_days: int = 20
    vcs_second_offer_working_days: int = 20
    vcs_reply_working_days: int = 20
    vcs_release_notice_weeks_before: int = 8
    vcs_release_representations_weeks_before: int = 6
    vcs_parole_representations_weeks_before: int = 6
    vcs_vps_invitation_weeks_before: int = 12
    vcs_enhanced_first_contact_weeks_before: int = 16
    vcs_enhanced_second_contact_weeks_before: int = 12
    vcs_parole_decision_working_days: int = 15
    vcs_key_stage_working_days: int = 5
    vcs_closure_working_days: int = 20
    vcs_annual_letter_months: int = 12

    @classmethod
    def from_lookup(cls, value_of: Callable[[str], Any]) -> VictimSettings:
        """Read every field from ``value_of(key)``, e.g. the settings service's ``get``."""
        return cls(**{f.name: int(value_of(f.name)) for f in fields(cls)})


DEFAULT_VICTIM_SETTINGS = VictimSettings()


# -- deadlines and the queue ----------------------------------------------------------


def first_offer_due(referral: date, calendar: WorkingCalendar, settings: VictimSettings) -> date:
    """The first offer goes within 20 working days of the referral (Victims' Code)."""
    return calendar.add_working_days(referral, settings.vcs_first_offer_working_days)


def first_offer_in_time(
    referral: date,
    offered_on: date | None,
    calendar: WorkingCalendar,
    settings: VictimSettings,
) -> bool:
    """The first contact was made by its deadline (SPEC.md 7 section 5)."""
    return offered_on is not None and offered_on <= first_offer_due(referral, calendar, settings)
