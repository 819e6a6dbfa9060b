"""The coded values of probation work: grades, sentence types, RoSH, requirements.

Every enum's value is the stable code stored in the database; ``label`` is what a
user reads. Sources: DOMAIN.md sections 1-4 and SPEC.md section 3.
"""

from __future__ import annotations

from enum import StrEnum


class Grade(StrEnum):
    """Staff grades (SPEC.md 3, DOMAIN.md 1)."""

    PO = "PO"
    PQIP = "PQIP"
    PSO = "PSO"
    SPO = "SPO"
    CASE_ADMIN = "CASE_ADMIN"
    VLO = "VLO"
    CP_SUPERVISOR = "CP_SUPERVISOR"
    UPW_MANAGER = "UPW_MANAGER"
    HEAD_OF_PDU = "HEAD_OF_PDU"

    @property
    def label(self) -> str:
        return _GRADE_LABELS[self]

    @property
    def short(self) -> str:
        """The grade as practitioners write it: PO, PQiP, PSO, SPO..."""
        return "PQiP" if self is Grade.PQIP else self.value

    @property
    def is_practitioner(self) -> bool:
        """Probation Practitioners hold a caseload: PO, PQiP and PSO."""
        return self in PRACTITIONER_GRADES


_GRADE_LABELS = {
    Grade.PO: "Probation Officer",
    Grade.PQIP: "PQiP (trainee PO)",
    Grade.PSO: "Probation Services Officer",
    Grade.SPO: "Senior Probation Officer",
    Grade.CASE_ADMIN: "Case administrator",
    Grade.VLO: "Victim Liaison Officer",
    Grade.CP_SUPERVISOR: "Community payback supervisor",
    Grade.UPW_MANAGER: "Unpaid work manager",
    Grade.HEAD_OF_PDU: "Head of PDU",
}

PRACTITIONER_GRADES = frozenset({Grade.PO, Grade.PQIP, Grade.PSO})


class SentenceType(StrEnum):
    """Case types (DOMAIN.md 2)."""

    CO = "CO"
    SSO = "SSO"
    LICENCE = "LICENCE"
    PSS = "PSS"
    CUSTODY = "CUSTODY"

    @property
    def label(self) -> str:
        return _SENTENCE_LABELS[self]

    @property
    def short(self) -> str:
        """The abbreviation practitioners use: CO, SSO, Licence, PSS, Custody."""
        return {"LICENCE": "Licence", "CUSTODY": "Custody"}.get(self.value, self.value)

    @property
    def is_custodial(self) -> bool:
        """Licence, PSS and custody cases are custodial; CO and SSO are not (SPEC.md 5)."""
        return self in (SentenceType.LICENCE, SentenceType.PSS, SentenceType.CUSTODY)

    @property
    def workload_kind(self) -> str:
        """The column of the workload points table (DOMAIN.md 4a)."""
        if self in (SentenceType.CO, SentenceType.SSO):
            return "community"
        if self is SentenceType.CUSTODY:
            return "custody"
        return "licence"


_SENTENCE_LABELS = {
    SentenceType.CO: "Community Order",
    SentenceType.SSO: "Suspended Sentence Order",
    SentenceType.LICENCE: "Licence",
    SentenceType.PSS: "Post-Sentence Supervision",
    SentenceType.CUSTODY: "Custody pre-release",
}


class Rosh(StrEnum):
    """Risk of Serious Harm. ``None`` in a field means not yet assessed."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    VERY_HIGH = "VERY_HIGH"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()

    @property
    def is_high(self) -> bool:
        """High and Very High: the high side of a PO's mix (DOMAIN.md 2)."""
        return self in (Rosh.HIGH, Rosh.VERY_HIGH)

    @property
    def rank(self) -> int:
        return _ROSH_RANK[self]


_ROSH_RANK = {Rosh.LOW: 1, Rosh.MEDIUM: 2, Rosh.HIGH: 3, Rosh.VERY_HIGH: 4}

ROSH_NOT_ASSESSED_LABEL = "Not assessed"


class Requirement(StrEnum):
    """Requirements of a community sentence (SPEC.md 5)."""

    UPW = "UPW"
    RAR = "RAR"
    PROGRAMME = "PROGRAMME"
    DRR = "DRR"
    ATR = "ATR"
    MHTR = "MHTR"
    CURFEW = "CURFEW"
    EXCLUSION = "EXCLUSION"
    EM = "EM"
    PROHIBITED_ACTIVITY = "PROHIBITED_ACTIVITY"
    FOREIGN_TRAVEL = "FOREIGN_TRAVEL"
    RESIDENCE = "RESIDENCE"
    ATTENDANCE_CENTRE = "ATTENDANCE_CENTRE"

    @property
    def label(self) -> str:
        return _REQUIREMENT_LABELS.get(self, self.value.replace("_", " ").capitalize())


_REQUIREMENT_LABELS = {
    Requirement.UPW: "Unpaid work",
    Requirement.RAR: "Rehabilitation activity",
    Requirement.PROGRAMME: "Accredited programme",
    Requirement.DRR: "Drug rehabilitation",
    Requirement.ATR: "Alcohol treatment",
    Requirement.MHTR: "Mental health treatment",
    Requirement.EM: "Electronic monitoring",
}

# Restrictive requirements do not give a mandate for change (DOMAIN.md 3a); the
# foreign travel prohibition is one by default (a setting).
RESTRICTIVE_REQUIREMENTS = frozenset(
    {
        Requirement.CURFEW,
        Requirement.EXCLUSION,
        Requirement.EM,
        Requirement.PROHIBITED_ACTIVITY,
        Requirement.FOREIGN_TRAVEL,
    }
)


class Gender(StrEnum):
    MALE = "M"
    FEMALE = "F"
    OTHER = "X"

    @property
    def label(self) -> str:
        return {"M": "Male", "F": "Female", "X": "Other / not stated"}[self.value]


class Specialism(StrEnum):
    """Practitioner specialisms used in allocation (SPEC.md 3)."""

    WOMEN = "WOMEN"
    YOUNG_ADULTS = "YOUNG_ADULTS"
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ReallocationReason(StrEnum):
    """Why a case moves to another practitioner (SPEC.md 4.3)."""

    TIER_OR_RISK_CHANGE = "TIER_OR_RISK_CHANGE"
    CASELOAD_ADJUSTMENT = "CASELOAD_ADJUSTMENT"
    PRACTITIONER_LEFT = "PRACTITIONER_LEFT"
    CHANGE_OF_ADDRESS = "CHANGE_OF_ADDRESS"
    RISK_TO_STAFF = "RISK_TO_STAFF"
    TRANSFER_IN = "TRANSFER_IN"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        return _REALLOCATION_LABELS[self]


_REALLOCATION_LABELS = {
    ReallocationReason.TIER_OR_RISK_CHANGE: "Change in tier or risk",
    ReallocationReason.CASELOAD_ADJUSTMENT: "Caseload adjustment",
    ReallocationReason.PRACTITIONER_LEFT: "Practitioner left",
    ReallocationReason.CHANGE_OF_ADDRESS: "Change of address",
    ReallocationReason.RISK_TO_STAFF: "Risk to staff",
    ReallocationReason.TRANSFER_IN: "Transfer in",
    ReallocationReason.OTHER: "Other",
}


class Role(StrEnum):
    """Roles of signed-in users (SPEC.md 1)."""

    HEAD_OF_PDU = "HEAD_OF_PDU"
    SPO = "SPO"
    ADMIN = "ADMIN"
    UPW_MANAGER = "UPW_MANAGER"
    VLO = "VLO"
    SYSTEM = "SYSTEM"

    @property
    def label(self) -> str:
        return {
            "HEAD_OF_PDU": "Head of PDU",
            "SPO": "Senior Probation Officer",
            "ADMIN": "Case administrator",
            "UPW_MANAGER": "Unpaid work manager",
            "VLO": "Victim liaison officer",
            "SYSTEM": "System account",
        }[self.value]

    @property
    def who(self) -> str:
        """The role in a sentence: "only the Head of PDU or a case administrator can..."."""
        return {
            "HEAD_OF_PDU": "the Head of PDU",
            "SPO": "a Senior Probation Officer",
            "ADMIN": "a case administrator",
            "UPW_MANAGER": "an unpaid work manager",
            "VLO": "a victim liaison officer",
            "SYSTEM": "the command line",
        }[self.value]


PEOPLE_ROLES = (Role.HEAD_OF_PDU, Role.SPO, Role.ADMIN, Role.UPW_MANAGER, Role.VLO)
"""The roles a person signs in with; the system account is the command line's alone."""
