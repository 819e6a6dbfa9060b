"""The columns of each import file and the header names accepted for them (SPEC.md 5).

Headers match ignoring case, spaces, underscores and hyphens; NDelius and
Workload Management Tool extract names are accepted as aliases. A missing
required column refuses the file; an unknown column is reported as ignored.
NDelius counts unpaid work in minutes: a header naming an hours column in
minutes ("upw_minutes_ordered", "UPW hours ordered (minutes)") is mapped to
that column and flagged, so the importer divides by 60.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from app.domain.parsing import normalise_key


def normalise_header(text: str | None) -> str:
    """A header folded for matching: lower case, no spaces, underscores, hyphens or BOM."""
    return "" if text is None else normalise_key(text)


ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # NDelius and WMT extract names (SPEC.md 5)
        "crn": ("CRN", "Case_Ref_No", "Case reference number"),
        "forename": ("FIRST_NAME", "Forename1", "First name", "Given name"),
        "surname": ("SURNAME", "Last name", "Family name"),
        "date_of_birth": ("Birth_Date", "DOB", "Date of birth"),
        "gender": ("Sex",),
        "pdu": ("PDU_Code", "PDU_Desc", "PDU name", "PDU number", "LDU_Code", "LDU_Desc"),
        "team": ("Team_Code", "Team_Desc", "Team name"),
        "practitioner_code": (
            *("OM_Key", "Staff_Cd_Offender_Manager", "OFFICER_CODE", "Offender manager code"),
            *("Staff_Code", "Practitioner", "Allocated_To"),
        ),
        "staff_code": ("OM_Key", "Staff_Cd", "OFFICER_CODE", "Staff_Cd_Offender_Manager"),
        "grade": ("OM_Grade_Code", "Grade_Code", "Staff_Grade"),
        "tier": ("Tier_Code", "Current_Tier"),
        "allocation_date": ("Allocation_Date", "Allocated_Date", "Date allocated"),
        "sentence_date": ("Sentence_Date", "Conviction_Date", "Date of sentence"),
        "sentence_type": ("Disposal_Type", "Case type", "Order type"),
        "sentence_end_date": ("Expected_End_Date", "End date", "Sentence_Expiry_Date"),
        "release_date": ("Actual_Release_Date", "Release date"),
        "rosh": ("RoSH_Level", "Risk of serious harm", "RoSH level"),
        "rsr_percent": ("RSR", "RSR_Score", "RSR%"),
        "ogrs_percent": ("OGRS", "OGRS_Score", "OGRS%"),
        "mappa_level": ("MAPPA", "MAPPA_Level_Code"),
        "iom_nominal": ("IOM",),
        "upw_hours_ordered": ("UPW_Hours", "Hours ordered", "UPW_Length"),
        "upw_hours_completed": ("Hours completed", "UPW_Hours_Worked"),
        "contracted_hours": ("Hours", "Contracted hours per week", "Weekly hours"),
        "date": ("Session_Date", "Appointment_Date"),
        "vlo_code": ("VLO",),
        "supervisor_code": ("Supervisor",),
    }
)
"""Other names for canonical columns, used by every file that has the column."""

HOURS_COLUMNS = frozenset({"upw_hours_ordered", "upw_hours_completed"})
"""Columns counted in hours that NDelius extracts give in minutes (SPEC.md 5)."""

_MINUTES_WORDS = ("inminutes", "minutes", "mins")


@dataclass(frozen=True, slots=True)
class HeaderMapping:
    """Where each canonical column is in a file, and what was not understood.

    ``indexes``: canonical column -> position of its header (first wins).
    ``ignored``: headers naming no column, as written (reported, not fatal).
    ``duplicates``: headers naming a column already found (reported, ignored).
    ``missing``: required canonical columns absent (the file is refused).
    ``in_minutes``: canonical hours columns given in minutes (divide by 60).
    """

    indexes: Mapping[str, int]
    ignored: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    in_minutes: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        """True when every required column is present."""
        return not self.missing


@dataclass(frozen=True)
class ColumnSpec(Mapping[str, str]):
    """The columns of one import kind; as a mapping, normalised header -> canonical column."""

    kind: str
    columns: tuple[str, ...]
    required: frozenset[str]
    _aliases: Mapping[str, str] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def build(
        cls, kind: str, spec: Iterable[str], extra: Mapping[str, tuple[str, ...]] | None = None
    ) -> ColumnSpec:
        """A spec from SPEC.md-style names, ``*`` marking the required ones.

        ``extra`` adds aliases for this kind only (a staff file's ``OM_Surname``
        is the surname; a case file's is the practitioner's, not the person's).
        """
        spec = tuple(spec)
        names = [name.rstrip("*") for name in spec]
        required = frozenset(name.rstrip("*") for name in spec if name.endswith("*"))
        # Canonical names first, so that no alias can take a column's own name.
        aliases = {normalise_header(name): name for name in names}
        for name in names:
            for text in (*(extra or {}).get(name, ()), *ALIASES.get(name, ())):
                aliases.setdefault(normalise_header(text), name)
        return cls(kind, tuple(names), required, MappingProxyType(aliases))

    def __getitem__(self, key: str) -> str:
        return self._aliases[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._aliases)

    def __len__(self) -> int:
        return len(self._aliases)

    def canonical(self, header: str | None) -> tuple[str | None, bool]:
        """The column a header names and whether it is given in minutes; (None, False) if none."""
        key = normalise_header(header)
        if key in self._aliases:
            return self._aliases[key], False
        for word in _MINUTES_WORDS:
            if word not in key:
                continue
            for replacement in ("hours", ""):
                name = self._aliases.get(key.replace(word, replacement, 1))
                if name in HOURS_COLUMNS:
                    return name, True
        return None, False


def map_headers(headers: Sequence[str | None], columns: ColumnSpec) -> HeaderMapping:
    """Match a file's header row to the columns of one import kind (SPEC.md 5).

    Empty header cells (trailing Excel columns) are skipped silently.
    """
    indexes: dict[str, int] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    in_minutes: set[str] = set()
    for position, header in enumerate(headers):
        if not normalise_header(header):
            continue
        name, minutes = columns.canonical(header)
        if name is None:
            ignored.append(str(header).strip())
        elif name in indexes:
            duplicates.append(str(header).strip())
        else:
            indexes[name] = position
            if minutes:
                in_minutes.add(name)
    missing = tuple(name for name in columns.columns if name in columns.required - indexes.keys())
    return HeaderMapping(
        MappingProxyType(indexes), tuple(ignored), tuple(duplicates), missing, frozenset(in_minutes)
    )


CASE_COLUMNS = ColumnSpec.build(
    "cases",
    (
        *("crn*", "forename*", "surname*", "date_of_birth", "gender", "pdu*", "sentence_type*"),
        *("sentence_date*", "release_date", "sentence_end_date", "requirements", "rosh"),
        *("rsr_percent", "ogrs_percent", "mappa_level", "mappa_category", "complexity_factors"),
        *("iom_nominal", "parenting_responsibilities", "impulsivity_or_temper_control"),
        *("previous_enforcement", "need_accommodation", "need_ete", "need_relationships"),
        *("need_lifestyle", "need_drugs", "need_alcohol", "need_thinking_behaviour"),
        *("need_attitudes", "assessment_date", "tier", "practitioner_code", "allocation_date"),
        *("female_practitioner_requested", "upw_hours_ordered", "upw_hours_completed"),
        *("upw_assessment_date", "upw_start_date", "upw_intensive"),
    ),
)
STAFF_COLUMNS = ColumnSpec.build(
    "staff",
    (
        *("staff_code*", "forename*", "surname*", "grade*", "pdu*", "team", "pod"),
        *("contracted_hours", "gender", "specialisms", "start_date", "leave_date"),
    ),
    extra={"forename": ("OM_Forename",), "surname": ("OM_Surname",)},
)
UPW_PROJECT_COLUMNS = ColumnSpec.build(
    "upw-projects",
    (
        *("project_code*", "name*", "type*", "places*", "days", "start_time", "end_time"),
        *("women_only", "high_rosh_suitable", "beneficiary", "address", "pdu"),
    ),
)
UPW_SESSION_COLUMNS = ColumnSpec.build(
    "upw-sessions",
    (
        *("project_code*", "date*", "supervisor_code", "crn*", "outcome", "start_time"),
        *("end_time", "penalty_minutes", "stand_down_reason", "stand_down_notice", "pdu"),
    ),
)
VCS_CASE_COLUMNS = ColumnSpec.build(
    "vcs-cases",
    (
        *("crn*", "vcs_case_ref*", "eligibility*", "referral_date*", "vlo_code"),
        *("opted_in_date", "opted_out_date", "first_offer_date", "parole_review_date"),
        *("expected_release_date", "security_category"),
    ),
)
VICTIM_COLUMNS = ColumnSpec.build(
    "victims",
    (
        *("vcs_case_ref*", "victim_name*", "relationship", "address", "postcode", "phone"),
        *("email", "preferred_contact", "opted_in_date", "opted_out_date"),
    ),
)

COLUMN_SPECS: Mapping[str, ColumnSpec] = MappingProxyType(
    {
        spec.kind: spec
        for spec in (
            CASE_COLUMNS,
            STAFF_COLUMNS,
            UPW_PROJECT_COLUMNS,
            UPW_SESSION_COLUMNS,
            VCS_CASE_COLUMNS,
            VICTIM_COLUMNS,
        )
    }
)
"""The column spec of each import kind, keyed as the command line names it (SPEC.md 6)."""
