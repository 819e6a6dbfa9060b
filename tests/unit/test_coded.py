"""Coded values in import cells (app/domain/coded.py; SPEC.md 5, DOMAIN.md 3a)."""

from __future__ import annotations

import contextlib
from enum import Enum, StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import coded
from app.domain.codes import Gender, Grade, Requirement, Rosh, SentenceType, Specialism
from app.domain.parsing import ParseError, printable
from app.domain.tiering import ComplexityFactor, NeedSeverity

ALL_TABLES: list[coded.CodeTable[Any]] = [
    coded.SENTENCE_TYPES,
    coded.ROSH_LEVELS,
    coded.GRADES,
    coded.GENDERS,
    coded.REQUIREMENTS,
    coded.MAPPA_LEVELS,
    coded.MAPPA_CATEGORIES,
    coded.YES_NO,
    coded.NEED_SEVERITIES,
    coded.COMPLEXITY_FACTORS,
    coded.SPECIALISMS,
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CO", SentenceType.CO),
        ("community order", SentenceType.CO),
        ("ORA Community Order", SentenceType.CO),
        ("SSO", SentenceType.SSO),
        ("Suspended Sentence Order", SentenceType.SSO),
        ("Licence", SentenceType.LICENCE),
        ("license", SentenceType.LICENCE),
        ("PSS", SentenceType.PSS),
        ("Post-Sentence Supervision", SentenceType.PSS),
        ("post_sentence supervision", SentenceType.PSS),
        ("Custody", SentenceType.CUSTODY),
        ("Custody pre-release", SentenceType.CUSTODY),
    ],
)
def test_sentence_types(text: str, expected: SentenceType) -> None:
    assert coded.parse_sentence_type(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Low", Rosh.LOW),
        ("L", Rosh.LOW),
        ("RLRH", Rosh.LOW),
        ("medium", Rosh.MEDIUM),
        ("M", Rosh.MEDIUM),
        ("RMRH", Rosh.MEDIUM),
        ("HIGH", Rosh.HIGH),
        ("H", Rosh.HIGH),
        ("rhrh", Rosh.HIGH),
        ("Very High", Rosh.VERY_HIGH),
        ("very-high", Rosh.VERY_HIGH),
        ("VERY_HIGH", Rosh.VERY_HIGH),
        ("VH", Rosh.VERY_HIGH),
        ("RVHR", Rosh.VERY_HIGH),
    ],
)
def test_rosh_levels(text: str, expected: Rosh) -> None:
    assert coded.parse_rosh(text) is expected


@pytest.mark.parametrize("text", ["", "  ", "N/A", "Not assessed", "not-yet-assessed", None])
def test_rosh_not_assessed_reads_as_none(text: str | None) -> None:
    assert coded.parse_rosh(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PO", Grade.PO),
        ("Probation Officer", Grade.PO),
        ("PSM", Grade.PO),
        ("PQiP", Grade.PQIP),
        ("PSP", Grade.PQIP),
        ("trainee PO", Grade.PQIP),
        ("PSO", Grade.PSO),
        ("Probation Services Officer", Grade.PSO),
        ("PSQ", Grade.PSO),
        ("SPO", Grade.SPO),
        ("PSC", Grade.SPO),
        ("Senior Probation Officer", Grade.SPO),
        ("Case administrator", Grade.CASE_ADMIN),
        ("admin", Grade.CASE_ADMIN),
        ("VLO", Grade.VLO),
        ("Community payback supervisor", Grade.CP_SUPERVISOR),
        ("UPW manager", Grade.UPW_MANAGER),
        ("Head of PDU", Grade.HEAD_OF_PDU),
        ("head_of_pdu", Grade.HEAD_OF_PDU),
    ],
)
def test_grades(text: str, expected: Grade) -> None:
    assert coded.parse_grade(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M", Gender.MALE),
        ("male", Gender.MALE),
        ("F", Gender.FEMALE),
        ("Female", Gender.FEMALE),
        ("X", Gender.OTHER),
        ("Not stated", Gender.OTHER),
        ("non-binary", Gender.OTHER),
    ],
)
def test_genders(text: str, expected: Gender) -> None:
    assert coded.parse_gender(text) is expected


def test_requirements_by_name_abbreviation_and_code() -> None:
    assert coded.parse_requirements("UPW;RAR;Curfew") == {
        Requirement.UPW,
        Requirement.RAR,
        Requirement.CURFEW,
    }
    assert coded.parse_requirements(
        "Unpaid work; rehabilitation activity ;accredited programme"
    ) == {
        Requirement.UPW,
        Requirement.RAR,
        Requirement.PROGRAMME,
    }
    assert coded.parse_requirements("Curfew requirement;Electronic monitoring") == {
        Requirement.CURFEW,
        Requirement.EM,
    }
    assert coded.parse_requirements("") == frozenset()
    assert coded.parse_requirements("UPW;;UPW;") == {Requirement.UPW}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("W", Requirement.UPW),
        ("F", Requirement.RAR),
        ("M", Requirement.CURFEW),
        ("X", Requirement.EXCLUSION),
        ("RM49", Requirement.EM),
        ("R", Requirement.PROHIBITED_ACTIVITY),
        ("N", Requirement.ATTENDANCE_CENTRE),
        ("3", Requirement.RESIDENCE),
        ("P", Requirement.MHTR),
        ("H", Requirement.ATR),
        ("7", Requirement.PROGRAMME),
        ("RM38", Requirement.PROGRAMME),
        ("DRR", Requirement.DRR),
        ("Foreign travel", Requirement.FOREIGN_TRAVEL),
        ("Prohibited-activity", Requirement.PROHIBITED_ACTIVITY),
        ("attendance_centre", Requirement.ATTENDANCE_CENTRE),
    ],
)
def test_requirement_ndelius_codes(code: str, expected: Requirement) -> None:
    assert coded.parse_requirements(code) == {expected}


def test_excel_number_cells_read_as_codes() -> None:
    assert coded.parse_requirements(3) == {Requirement.RESIDENCE}
    assert coded.parse_mappa_level(2.0) == 2


def test_unknown_requirement_names_the_item_and_the_cell() -> None:
    with pytest.raises(ParseError, match="'Yoga' in 'UPW;Yoga' is not a requirement: use UPW"):
        coded.parse_requirements("UPW;Yoga")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("M1", 1),
        ("m2", 2),
        ("M3", 3),
        ("Level 2", 2),
        ("", None),
        ("0", None),
    ],
)
def test_mappa_levels(text: str, expected: int | None) -> None:
    assert coded.parse_mappa_level(text) == expected


@pytest.mark.parametrize("text", ["4", "M4", "high"])
def test_bad_mappa_levels(text: str) -> None:
    with pytest.raises(ParseError, match="is not a MAPPA level"):
        coded.parse_mappa_level(text)


def test_mappa_categories() -> None:
    assert coded.parse_mappa_category("C4") == 4
    assert coded.parse_mappa_category("Category 1") == 1
    assert coded.parse_mappa_category(" ") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Y", True),
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        (1, True),
        (True, True),
        ("N", False),
        ("No", False),
        ("false", False),
        ("0", False),
        (0, False),
        (False, False),
        ("", None),
        ("n/a", None),
        (None, None),
    ],
)
def test_yes_no(value: object, expected: bool | None) -> None:
    assert coded.parse_yes_no(value) is expected


def test_yes_no_refuses_anything_else() -> None:
    with pytest.raises(ParseError, match="'maybe' is not yes or no: use Y or N"):
        coded.parse_yes_no("maybe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("none", NeedSeverity.NO_NEED),
        ("No need", NeedSeverity.NO_NEED),
        ("NO_NEED", NeedSeverity.NO_NEED),
        ("standard", NeedSeverity.STANDARD),
        ("Severe", NeedSeverity.SEVERE),
        ("", None),
    ],
)
def test_need_severities(text: str, expected: NeedSeverity | None) -> None:
    assert coded.parse_need_severity(text) is expected


def test_complexity_factors_by_name_variant_and_register_code() -> None:
    assert coded.parse_complexity_factors("Mental health;Child concerns") == {
        ComplexityFactor.MENTAL_HEALTH,
        ComplexityFactor.CHILD_CONCERNS,
    }
    assert coded.parse_complexity_factors(
        "self-harm; SELF_HARM; Attempted suicide or self harm"
    ) == {ComplexityFactor.ATTEMPTED_SUICIDE_OR_SELF_HARM}
    assert coded.parse_complexity_factors(
        "RMDO;ALSH;RVLN;RCCO;RCPR;RCHD;RPIR;RVAD;STRG;TACT"
    ) == set(ComplexityFactor)
    names = ";".join(factor.name for factor in ComplexityFactor)
    assert coded.parse_complexity_factors(names) == set(ComplexityFactor)
    labels = ";".join(factor.label.upper().replace(" ", "-") for factor in ComplexityFactor)
    assert coded.parse_complexity_factors(labels) == set(ComplexityFactor)


def test_specialisms() -> None:
    assert coded.parse_specialisms("women; young adults;Domestic-abuse") == set(Specialism)
    assert coded.parse_specialisms("DA") == {Specialism.DOMESTIC_ABUSE}
    assert coded.parse_specialisms("") == frozenset()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("B2", "B2"),
        ("b2s", "B2S"),
        ("UA3", "A3"),
        ("1", "A3"),
        ("2", "A2"),
        ("16", "D0"),
        ("17", "A3S"),
        ("32", "D0S"),
        (5, "B3"),
        ("0", None),
        ("", None),
        ("Untiered", None),
    ],
)
def test_tier_codes(value: object, expected: str | None) -> None:
    assert coded.parse_tier_code(value) == expected


@pytest.mark.parametrize("value", ["E1", "A4", "33", "-1", "B2X"])
def test_bad_tier_codes(value: str) -> None:
    with pytest.raises(ParseError, match="is not a tier"):
        coded.parse_tier_code(value)


def test_every_enum_member_is_read_from_its_value_name_and_label() -> None:
    tables: list[tuple[coded.CodeTable[Any], type[Enum]]] = [
        (coded.SENTENCE_TYPES, SentenceType),
        (coded.ROSH_LEVELS, Rosh),
        (coded.GRADES, Grade),
        (coded.GENDERS, Gender),
        (coded.REQUIREMENTS, Requirement),
        (coded.NEED_SEVERITIES, NeedSeverity),
        (coded.COMPLEXITY_FACTORS, ComplexityFactor),
        (coded.SPECIALISMS, Specialism),
    ]
    for table, kind in tables:
        for member in kind:
            for text in (member.value, member.name, member.label):  # type: ignore[attr-defined]
                assert table.parse(text) is member
                assert table.parse(f"  {str(text).upper()} ") is member


@pytest.mark.parametrize("table", ALL_TABLES)
def test_every_alias_reads_back_whatever_its_spelling(table: coded.CodeTable[Any]) -> None:
    for key, value in table.codes.items():
        assert table.parse(key) == value
        assert table.parse(key.upper()) == value


def test_a_table_refuses_one_text_naming_two_values() -> None:
    with pytest.raises(ValueError, match="names both"):
        coded.CodeTable("a thing", {1: ("one",), 2: ("One",)}, hint="1 or 2")


def test_code_table_lookup_never_raises() -> None:
    assert coded.ROSH_LEVELS.lookup("nonsense") is None
    assert coded.ROSH_LEVELS.lookup("h") is Rosh.HIGH
    assert coded.ROSH_LEVELS("h") is Rosh.HIGH


@given(st.lists(st.sampled_from(list(Requirement)), min_size=1))
def test_requirement_lists_round_trip(requirements: list[Requirement]) -> None:
    text = "; ".join(r.label for r in requirements)
    assert coded.parse_requirements(text) == set(requirements)


@given(st.text())
def test_code_tables_are_total(text: str) -> None:
    for table in ALL_TABLES:
        try:
            table.parse(text)
        except ParseError as error:
            shown = printable(str(text).strip()[:10], keep_lines=False)  # never echoed raw
            assert shown in str(error) or "…" in str(error)
        with contextlib.suppress(ParseError):
            table.parse_many(text)


# --- Building tables (the app's tables are built once, at import) ----------------


class Shade(StrEnum):
    PALE = "PL"
    DARK_GREY = "DG"

    @property
    def label(self) -> str:
        return {"PL": "Light", "DG": "Charcoal"}[self.value]


class Plain(Enum):
    ONE = "1"
    TWO = "2"


def test_a_code_table_reads_its_texts_blanks_and_suffixes() -> None:
    table = coded.CodeTable(
        "a colour",
        {"R": ("Red", "r", "-"), "G": ("Green", "Vert")},
        hint="Red or Green",
        blank_texts=("No colour", "none"),
        suffixes=("colour", "Shade"),
    )
    assert (table.what, table.hint) == ("a colour", "Red or Green")
    assert dict(table.codes) == {"red": "R", "r": "R", "green": "G", "vert": "G"}
    assert table.parse("No colour") is None and table.parse(" NONE ") is None
    assert table.parse("Red colour") == "R" and table.parse("green shade") == "G"
    assert table.lookup("No colour") is None
    assert table.parse_many("red; none; Vert") == {"R", "G"}
    with pytest.raises(ParseError) as error:
        table.parse("Blue")
    assert str(error.value) == "'Blue' is not a colour: use Red or Green"
    with pytest.raises(ParseError) as error:
        table.parse_many("Red;Blue")
    assert str(error.value) == "'Blue' in 'Red;Blue' is not a colour: use Red or Green"


def test_a_code_table_without_blanks_or_suffixes_reads_only_its_texts() -> None:
    table = coded.CodeTable("a colour", {"R": ("Red",)}, hint="Red")
    assert table.parse("Red") == "R"
    assert table.lookup("Red colour") is None
    with pytest.raises(ParseError, match="'none' is not a colour"):
        table.parse("none")


def test_a_text_naming_two_values_is_refused_by_name() -> None:
    with pytest.raises(ValueError) as error:
        coded.CodeTable("a thing", {1: ("one", "uno"), 2: ("two", "One")}, hint="1 or 2")
    assert str(error.value) == "'One' names both 1 and 2"
    same = coded.CodeTable("a thing", {1: ("one", "One", "ONE")}, hint="1")
    assert dict(same.codes) == {"one": 1}


def test_an_enum_table_reads_each_members_value_name_label_and_extra_texts() -> None:
    table = coded.enum_table(
        Shade,
        "a shade",
        {Shade.DARK_GREY: ("Slate",)},
        hint="Light or Charcoal",
        blank_texts=("No shade",),
        suffixes=("tone",),
    )
    assert dict(table.codes) == {
        "pl": Shade.PALE,
        "pale": Shade.PALE,
        "light": Shade.PALE,
        "dg": Shade.DARK_GREY,
        "darkgrey": Shade.DARK_GREY,
        "charcoal": Shade.DARK_GREY,
        "slate": Shade.DARK_GREY,
    }
    assert table.parse("No shade") is None
    assert table.parse("slate tone") is Shade.DARK_GREY
    with pytest.raises(ParseError) as error:
        table.parse("Navy")
    assert str(error.value) == "'Navy' is not a shade: use Light or Charcoal"


def test_an_enum_without_labels_is_read_from_its_values_and_names() -> None:
    table = coded.enum_table(Plain, "a number", {}, hint="1 or 2")
    assert dict(table.codes) == {"1": Plain.ONE, "one": Plain.ONE, "2": Plain.TWO, "two": Plain.TWO}
