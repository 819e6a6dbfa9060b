"""Reading coded values from import cells: sentence type, RoSH, grade, requirements ...

A coded value matches its name, its usual abbreviations or its NDelius code,
ignoring case, spaces, hyphens and underscores (SPEC.md 5). Each parser here
is one :class:`CodeTable`; a blank cell reads as None (or an empty set for a
list). Anything else raises :class:`~app.domain.parsing.ParseError`.
NDelius codes: SPEC.md 5; complexity factor register codes: HMPPS's tier
service (ministryofjustice/hmpps-tier, ``ComplexityFactor``).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import Generic, TypeVar

from app.domain.codes import Gender, Grade, Requirement, Rosh, SentenceType, Specialism
from app.domain.parsing import ParseError, is_blank, normalise_key, show
from app.domain.tiering import ComplexityFactor, NeedSeverity, TierInputError, format_tier
from app.domain.tiering import parse_tier as _tiering_parse_tier

T = TypeVar("T", bound=Hashable)
E = TypeVar("E", bound=Enum)

LIST_SEPARATORS = re.compile(r"[;,|\n]")
"""What separates the items of a list cell such as ``UPW;RAR;Curfew``."""


def _cell_text(value: object) -> str:
    """A cell as text: Excel gives numbers (3 or 3.0) where a file holds codes such as '3'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class CodeTable(Generic[T]):
    """A table of the texts that name each value of one kind of code.

    ``what`` names the kind with its article ("a RoSH level") and ``hint``
    lists what to write instead; both go into the user's error message.
    ``blank_texts`` read as None like a blank cell ("Not assessed");
    ``suffixes`` may follow any name ("Curfew requirement").
    """

    def __init__(
        self,
        what: str,
        entries: Mapping[T, Iterable[str]],
        *,
        hint: str,
        blank_texts: Iterable[str] = (),
        suffixes: Iterable[str] = (),
    ) -> None:
        self.what = what
        self.hint = hint
        codes: dict[str, T] = {}
        for value, texts in entries.items():
            for text in texts:
                key = normalise_key(text)
                if key and codes.setdefault(key, value) != value:
                    raise ValueError(f"{text!r} names both {codes[key]!r} and {value!r}")
        self.codes: Mapping[str, T] = MappingProxyType(codes)
        self._blank = frozenset(normalise_key(text) for text in blank_texts)
        self._suffixes = tuple(normalise_key(s) for s in suffixes)

    def lookup(self, value: object) -> T | None:
        """The value a cell names, or None when blank or unknown (never raises)."""
        if is_blank(value):
            return None
        key = normalise_key(_cell_text(value))
        if key in self.codes:
            return self.codes[key]
        for suffix in self._suffixes:
            if key.endswith(suffix) and key[: -len(suffix)] in self.codes:
                return self.codes[key[: -len(suffix)]]
        return None

    def _is_blank(self, value: object) -> bool:
        return is_blank(value) or normalise_key(_cell_text(value)) in self._blank

    def parse(self, value: object) -> T | None:
        """The value a cell names; None when blank; ParseError when unknown."""
        if self._is_blank(value):
            return None
        found = self.lookup(value)
        if found is None:
            raise ParseError(f"{show(value)} is not {self.what}: use {self.hint}")
        return found

    def parse_many(self, value: object) -> frozenset[T]:
        """The values named in a list cell (``UPW;RAR;Curfew``); empty when blank."""
        if is_blank(value):
            return frozenset()
        found: set[T] = set()
        for item in LIST_SEPARATORS.split(_cell_text(value)):
            if self._is_blank(item):
                continue
            code = self.lookup(item)
            if code is None:
                raise ParseError(
                    f"{show(item)} in {show(value)} is not {self.what}: use {self.hint}"
                )
            found.add(code)
        return frozenset(found)

    def __call__(self, value: object) -> T | None:
        return self.parse(value)


def enum_table(
    kind: type[E],
    what: str,
    extra: Mapping[E, Iterable[str]],
    *,
    hint: str,
    blank_texts: Iterable[str] = (),
    suffixes: Iterable[str] = (),
) -> CodeTable[E]:
    """A CodeTable for an enum: each member's value, name and label, plus ``extra`` texts."""
    entries = {
        member: (member.value, member.name, getattr(member, "label", ""), *extra.get(member, ()))
        for member in kind
    }
    return CodeTable(what, entries, hint=hint, blank_texts=blank_texts, suffixes=suffixes)


SENTENCE_TYPES = enum_table(
    SentenceType,
    "a sentence type",
    {
        SentenceType.CO: (
            *("Community", "Community sentence"),
            *("CJA Community Order", "ORA Community Order"),
        ),
        SentenceType.SSO: (
            *("Suspended", "Suspended sentence"),
            *("CJA Suspended Sentence Order", "ORA Suspended Sentence Order"),
        ),
        SentenceType.LICENCE: ("License", "Lic", "On licence", "Post-release licence"),
        SentenceType.PSS: ("Post sentence supervision",),
        SentenceType.CUSTODY: ("Custody", "In custody", "Pre-release", "Custodial"),
    },
    hint="CO, SSO, Licence, PSS or Custody",
)
ROSH_LEVELS = enum_table(
    Rosh,
    "a RoSH level",
    {
        Rosh.LOW: ("L", "RLRH", "Low risk"),
        Rosh.MEDIUM: ("M", "Med", "RMRH", "Medium risk"),
        Rosh.HIGH: ("H", "RHRH", "High risk"),
        Rosh.VERY_HIGH: ("VH", "RVHR", "Very high risk"),
    },
    hint="Low, Medium, High or Very High (L, M, H, VH; NDelius RLRH, RMRH, RHRH, RVHR)",
    blank_texts=("Not assessed", "Unassessed", "Not yet assessed"),
)
GRADES = enum_table(
    Grade,
    "a grade",
    {
        Grade.PO: ("PSM", "Probation Officer"),
        Grade.PQIP: ("PSP", "Trainee PO", "Trainee probation officer"),
        Grade.PSO: ("PSQ", "Probation Service Officer"),
        Grade.SPO: ("PSC", "Senior PO"),
        Grade.CASE_ADMIN: ("Admin", "Case admin", "Administrator", "Admin officer"),
        Grade.CP_SUPERVISOR: ("CP supervisor", "UPW supervisor", "Unpaid work supervisor"),
        Grade.UPW_MANAGER: ("UPW manager", "CP manager", "Community payback manager"),
        Grade.HEAD_OF_PDU: ("HoPDU", "Head of Probation Delivery Unit"),
    },
    hint="PO, PQiP, PSO, SPO, Case administrator, VLO, CP supervisor, UPW manager "
    "or Head of PDU (NDelius PSM, PSP, PSQ, PSC)",
)
GENDERS = enum_table(
    Gender,
    "a gender",
    {
        Gender.MALE: ("Man",),
        Gender.FEMALE: ("Woman",),
        Gender.OTHER: (
            *("Other", "Not stated", "Not known", "Unknown", "U", "N"),
            *("Prefer not to say", "Non-binary", "Indeterminate"),
        ),
    },
    hint="M, F or X (Male, Female, Other / not stated)",
)
REQUIREMENTS = enum_table(
    Requirement,
    "a requirement",
    {
        Requirement.UPW: ("W", "Community payback", "CP"),
        Requirement.RAR: ("F", "Rehabilitation activity requirement", "Rehab activity"),
        Requirement.PROGRAMME: ("7", "RM38", "Program", "Accredited program"),
        Requirement.DRR: ("Drug rehab",),
        Requirement.ATR: ("H",),
        Requirement.MHTR: ("P", "MHT"),
        Requirement.CURFEW: ("M",),
        Requirement.EXCLUSION: ("X",),
        Requirement.EM: ("RM49", "Tag", "Tagging"),
        Requirement.PROHIBITED_ACTIVITY: ("R", "Prohibited activities"),
        Requirement.FOREIGN_TRAVEL: ("Foreign travel prohibition",),
        Requirement.RESIDENCE: ("3",),
        Requirement.ATTENDANCE_CENTRE: ("N", "Attendance center"),
    },
    hint="UPW, RAR, Programme, DRR, ATR, MHTR, Curfew, Exclusion, EM, Prohibited activity, "
    "Foreign travel, Residence or Attendance centre, separated by ;",
    suffixes=("requirement", "requirements"),
)
MAPPA_LEVELS: CodeTable[int] = CodeTable(
    "a MAPPA level",
    {
        n: (str(n), f"M{n}", f"Level {n}", f"L{n}", f"MAPPA {n}", f"MAPPA level {n}")
        for n in (1, 2, 3)
    },
    hint="1, 2 or 3 (or M1, M2, M3)",
    blank_texts=("0", "M0", "None", "No", "Not MAPPA"),
)
MAPPA_CATEGORIES: CodeTable[int] = CodeTable(
    "a MAPPA category",
    {n: (str(n), f"C{n}", f"Cat {n}", f"Category {n}") for n in (1, 2, 3, 4)},
    hint="1, 2, 3 or 4 (or C1 to C4)",
    blank_texts=("0", "C0", "None"),
)
YES_NO: CodeTable[bool] = CodeTable(
    "yes or no",
    {True: ("Y", "Yes", "True", "1"), False: ("N", "No", "False", "0")},
    hint="Y or N",
)
NEED_SEVERITIES = enum_table(
    NeedSeverity,
    "a need severity",
    {
        NeedSeverity.NO_NEED: ("None", "No", "0"),
        NeedSeverity.STANDARD: ("Std", "1"),
        NeedSeverity.SEVERE: ("Sev", "2"),
    },
    hint="none, standard or severe",
)
COMPLEXITY_FACTORS = enum_table(
    ComplexityFactor,
    "a complexity factor",
    {
        ComplexityFactor.MENTAL_HEALTH: ("RMDO", "Mental health issues"),
        ComplexityFactor.ATTEMPTED_SUICIDE_OR_SELF_HARM: (
            *("ALSH", "Self-harm", "Self harming", "Suicide", "Attempted suicide"),
            *("Suicide or self-harm", "Suicide/self-harm", "Attempted suicide/self-harm"),
            "Attempted suicide or self harm",
        ),
        ComplexityFactor.VULNERABILITY_ISSUE: ("RVLN", "Vulnerability", "Vulnerable"),
        ComplexityFactor.CHILD_CONCERNS: ("RCCO",),
        ComplexityFactor.CHILD_PROTECTION: ("RCPR",),
        ComplexityFactor.RISK_TO_CHILDREN: ("RCHD",),
        ComplexityFactor.PUBLIC_INTEREST: ("RPIR", "High public interest"),
        ComplexityFactor.ADULT_AT_RISK: ("RVAD", "Vulnerable adult", "Adults at risk"),
        ComplexityFactor.STREET_GANGS: ("STRG", "Street gang", "Gangs", "Gang"),
        ComplexityFactor.TERRORISM: ("TACT", "Terrorism Act"),
    },
    hint="Mental health, Attempted suicide or self-harm, Vulnerability issue, Child concerns, "
    "Child protection, Risk to children, Public interest, Adult at risk, Street gangs "
    "or Terrorism, separated by ;",
)
SPECIALISMS = enum_table(
    Specialism,
    "a specialism",
    {
        Specialism.WOMEN: ("Woman", "Female", "Womens", "Women's", "Women concentrator"),
        Specialism.YOUNG_ADULTS: ("Young adult", "YA", "18-25", "18 to 25"),
        Specialism.DOMESTIC_ABUSE: ("DA", "Domestic violence", "DV"),
    },
    hint="Women, Young adults or Domestic abuse, separated by ;",
)


def parse_sentence_type(value: object) -> SentenceType | None:
    """Community Order, Suspended Sentence Order, Licence, PSS or Custody (SPEC.md 5)."""
    return SENTENCE_TYPES.parse(value)


def parse_rosh(value: object) -> Rosh | None:
    """A RoSH level; blank or "Not assessed" gives None: not yet assessed (DOMAIN.md 2)."""
    return ROSH_LEVELS.parse(value)


def parse_grade(value: object) -> Grade | None:
    """A staff grade by name, abbreviation or NDelius code (PSM PO, PSP PQiP, PSQ PSO, PSC SPO)."""
    return GRADES.parse(value)


def parse_gender(value: object) -> Gender | None:
    """M, F or X, by letter or word."""
    return GENDERS.parse(value)


def parse_requirements(value: object) -> frozenset[Requirement]:
    """Requirements separated by ``;``, by name, abbreviation or NDelius code (SPEC.md 5)."""
    return REQUIREMENTS.parse_many(value)


def parse_mappa_level(value: object) -> int | None:
    """MAPPA level 1, 2 or 3 (also M1-M3); blank, 0 or None gives None: not MAPPA."""
    return MAPPA_LEVELS.parse(value)


def parse_mappa_category(value: object) -> int | None:
    """MAPPA category 1 to 4 (also C1-C4); blank gives None."""
    return MAPPA_CATEGORIES.parse(value)


def parse_yes_no(value: object) -> bool | None:
    """Y/N, Yes/No, True/False, 1/0 (or an Excel true/false); blank gives None."""
    if isinstance(value, bool):
        return value
    return YES_NO.parse(value)


def parse_need_severity(value: object) -> NeedSeverity | None:
    """None (no need), standard or severe (DOMAIN.md 3a); blank gives None: not assessed."""
    return NEED_SEVERITIES.parse(value)


def parse_complexity_factors(value: object) -> frozenset[ComplexityFactor]:
    """Complexity factors of DOMAIN.md 3a separated by ``;``, by name or NDelius register code."""
    return COMPLEXITY_FACTORS.parse_many(value)


def parse_specialisms(value: object) -> frozenset[Specialism]:
    """Women, young adults, domestic abuse, separated by ``;`` (SPEC.md 3)."""
    return SPECIALISMS.parse_many(value)


_DELIUS_TIER = re.compile(r"U([A-D][0-3]S?)", re.I)
_UNTIERED = frozenset({"untiered", "u", "none"})


def parse_tier_code(value: object) -> str | None:
    """A tier as text (``B2``, ``B2S``), or None when untiered or blank.

    Accepts ``B2``/``b2s``, NDelius ``UB2`` and the numeric ``Tier_Code`` 0-32
    (0 untiered, 1 A3 ... 16 D0, 17-32 the same with S; SPEC.md 5).
    """
    if is_blank(value) or normalise_key(_cell_text(value)) in _UNTIERED:
        return None
    text = _cell_text(value)
    if match := _DELIUS_TIER.fullmatch(text):
        text = match[1]
    try:
        parsed = _tiering_parse_tier(text)
    except TierInputError:
        raise ParseError(
            f"{show(value)} is not a tier: use A3 to D0 (B2S when unsupervised) "
            "or an NDelius tier code from 0 to 32"
        ) from None
    return None if parsed is None else format_tier(*parsed)
