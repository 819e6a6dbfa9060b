"""Import headers and the columns of each file (app/domain/columns.py; SPEC.md 5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.columns import (
    CASE_COLUMNS,
    COLUMN_SPECS,
    STAFF_COLUMNS,
    UPW_PROJECT_COLUMNS,
    UPW_SESSION_COLUMNS,
    VCS_CASE_COLUMNS,
    VICTIM_COLUMNS,
    ColumnSpec,
    map_headers,
    normalise_header,
)


def test_normalise_header_drops_case_spaces_underscores_hyphens_and_bom() -> None:
    assert normalise_header("\ufeffDate_of-Birth ") == "dateofbirth"
    assert normalise_header(None) == ""


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("CRN", "crn"),
        ("Case_Ref_No", "crn"),
        ("FIRST_NAME", "forename"),
        ("SURNAME", "surname"),
        ("Birth_Date", "date_of_birth"),
        ("PDU_Code", "pdu"),
        ("PDU_Desc", "pdu"),
        ("OM_Key", "practitioner_code"),
        ("Staff_Cd_Offender_Manager", "practitioner_code"),
        ("OFFICER_CODE", "practitioner_code"),
        ("Tier_Code", "tier"),
        ("Allocation_Date", "allocation_date"),
        ("Sentence Type", "sentence_type"),
        ("sentence-date", "sentence_date"),
        ("RSR %", "rsr_percent"),
        ("need_thinking_behaviour", "need_thinking_behaviour"),
    ],
)
def test_case_file_aliases(header: str, column: str) -> None:
    assert CASE_COLUMNS[normalise_header(header)] == column


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("OM_Key", "staff_code"),
        ("OFFICER_CODE", "staff_code"),
        ("OM_Grade_Code", "grade"),
        ("Team_Code", "team"),
        ("Team_Desc", "team"),
        ("PDU_Desc", "pdu"),
        ("OM_Surname", "surname"),
    ],
)
def test_staff_file_aliases(header: str, column: str) -> None:
    assert STAFF_COLUMNS[normalise_header(header)] == column


def test_a_practitioner_name_column_is_not_the_persons_name_in_a_case_file() -> None:
    assert normalise_header("OM_Surname") not in CASE_COLUMNS


REQUIRED = {
    CASE_COLUMNS: {"crn", "forename", "surname", "pdu", "sentence_type", "sentence_date"},
    STAFF_COLUMNS: {"staff_code", "forename", "surname", "grade", "pdu"},
    UPW_PROJECT_COLUMNS: {"project_code", "name", "type", "places"},
    UPW_SESSION_COLUMNS: {"project_code", "date", "crn"},
    VCS_CASE_COLUMNS: {"crn", "vcs_case_ref", "eligibility", "referral_date"},
    VICTIM_COLUMNS: {"vcs_case_ref", "victim_name"},
}


@pytest.mark.parametrize("spec", list(REQUIRED))
def test_required_columns_are_those_starred_in_the_spec(spec: ColumnSpec) -> None:
    assert spec.required == REQUIRED[spec]
    assert spec.required <= set(spec.columns)


def test_column_counts_match_the_spec() -> None:
    counts = {kind: len(spec.columns) for kind, spec in COLUMN_SPECS.items()}
    assert counts == {
        "cases": 39,
        "staff": 12,
        "upw-projects": 11,
        "upw-sessions": 10,
        "vcs-cases": 11,
        "victims": 10,
    }


def test_an_ndelius_case_extract_maps_with_duplicates_and_unknowns_reported() -> None:
    headers = [
        "\ufeffCase_Ref_No",
        "FIRST_NAME",
        "SURNAME",
        "Birth_Date",
        "PDU_Code",
        "PDU_Desc",
        "Disposal_Type",
        "Sentence_Date",
        "OM_Key",
        "Favourite colour",
        "",
        None,
    ]
    mapping = map_headers(headers, CASE_COLUMNS)
    assert mapping.ok
    assert mapping.indexes["crn"] == 0
    assert mapping.indexes["pdu"] == 4
    assert mapping.indexes["practitioner_code"] == 8
    assert mapping.duplicates == ("PDU_Desc",)
    assert mapping.ignored == ("Favourite colour",)
    assert mapping.missing == ()


def test_missing_required_columns_are_listed_in_spec_order() -> None:
    mapping = map_headers(["surname", "CRN"], CASE_COLUMNS)
    assert not mapping.ok
    assert mapping.missing == ("forename", "pdu", "sentence_type", "sentence_date")


@pytest.mark.parametrize(
    "header",
    [
        "upw_hours_ordered_minutes",
        "UPW hours ordered (minutes)",
        "upw_minutes_ordered",
        "UPW_Length_Minutes",
        "UPW hours ordered in minutes",
        "upw_hours_ordered_mins",
    ],
)
def test_unpaid_work_given_in_minutes_is_flagged(header: str) -> None:
    mapping = map_headers(["crn", header], CASE_COLUMNS)
    assert mapping.indexes["upw_hours_ordered"] == 1
    assert mapping.in_minutes == {"upw_hours_ordered"}


def test_hours_columns_in_hours_are_not_flagged() -> None:
    mapping = map_headers(["UPW_Hours", "upw hours completed"], CASE_COLUMNS)
    assert mapping.indexes == {"upw_hours_ordered": 0, "upw_hours_completed": 1}
    assert mapping.in_minutes == frozenset()


def test_penalty_minutes_stay_minutes() -> None:
    mapping = map_headers(["penalty_minutes"], UPW_SESSION_COLUMNS)
    assert mapping.indexes == {"penalty_minutes": 0}
    assert mapping.in_minutes == frozenset()


def test_minutes_of_a_column_that_is_not_hours_is_ignored() -> None:
    assert map_headers(["surname minutes"], CASE_COLUMNS).ignored == ("surname minutes",)


@given(st.lists(st.one_of(st.text(), st.none())), st.sampled_from(list(COLUMN_SPECS.values())))
def test_map_headers_is_total_and_consistent(headers: list[str | None], spec: ColumnSpec) -> None:
    mapping = map_headers(headers, spec)
    for name, position in mapping.indexes.items():
        assert name in spec.columns
        assert spec.canonical(headers[position])[0] == name
    assert set(mapping.missing) == spec.required - mapping.indexes.keys()
    assert mapping.in_minutes <= mapping.indexes.keys()
    named = len(mapping.indexes) + len(mapping.ignored) + len(mapping.duplicates)
    assert named == sum(1 for h in headers if normalise_header(h))


@given(st.permutations(list(CASE_COLUMNS.columns)))
def test_canonical_headers_in_any_order_map_to_their_positions(headers: list[str]) -> None:
    mapping = map_headers(headers, CASE_COLUMNS)
    assert mapping.ok and not mapping.ignored and not mapping.duplicates
    assert all(headers[i] == name for name, i in mapping.indexes.items())


@given(st.text())
def test_normalise_header_is_idempotent(text: str) -> None:
    assert normalise_header(normalise_header(text)) == normalise_header(text)


# --- Building a spec (each file's spec is built once, at import) -----------------


def test_build_reads_starred_names_as_required_and_keeps_the_order() -> None:
    spec = ColumnSpec.build("things", ("code*", "name*", "rosh", "notes"))
    assert spec.kind == "things"
    assert spec.columns == ("code", "name", "rosh", "notes")
    assert spec.required == frozenset({"code", "name"})
    assert spec.canonical("Code") == ("code", False)
    assert spec.canonical("NOTES") == ("notes", False)


def test_build_adds_the_shared_aliases_and_this_kinds_own() -> None:
    spec = ColumnSpec.build(
        "people", iter(["crn*", "surname", "team"]), extra={"surname": ("OM_Surname", "Family")}
    )
    assert spec.canonical("Case_Ref_No") == ("crn", False)  # a shared alias
    assert spec.canonical("Last name") == ("surname", False)  # a shared alias
    assert spec.canonical("OM_Surname") == ("surname", False)  # this kind's own
    assert spec.canonical("family") == ("surname", False)
    assert spec.canonical("Team_Desc") == ("team", False)
    assert spec.canonical("OM_Forename") == (None, False)
    assert dict(spec) == {
        "crn": "crn",
        "surname": "surname",
        "team": "team",
        "omsurname": "surname",
        "family": "surname",
        "caserefno": "crn",
        "casereferencenumber": "crn",
        "lastname": "surname",
        "familyname": "surname",
        "teamcode": "team",
        "teamdesc": "team",
        "teamname": "team",
    }
    assert len(spec) == 12 and sorted(spec) == sorted(dict(spec))


def test_an_alias_never_takes_a_columns_own_name() -> None:
    # "staff_code" is an alias of practitioner_code too: in a spec with both, each keeps its own.
    spec = ColumnSpec.build("both", ("practitioner_code", "staff_code*"))
    assert spec["staffcode"] == "staff_code"
    assert spec["practitionercode"] == "practitioner_code"
    assert spec["omkey"] == "practitioner_code"  # the first column to claim an alias keeps it


def test_a_spec_without_extra_aliases_builds_from_the_shared_ones() -> None:
    spec = ColumnSpec.build("hours", ("upw_hours_ordered",), extra=None)
    assert spec.canonical("UPW_Length") == ("upw_hours_ordered", False)
    assert spec.canonical("upw_minutes_ordered") == ("upw_hours_ordered", True)


def test_a_header_naming_no_column_is_not_in_minutes_either() -> None:
    assert CASE_COLUMNS.canonical("Favourite colour") == (None, False)
    assert CASE_COLUMNS.canonical("Favourite minutes") == (None, False)
    assert CASE_COLUMNS.canonical(None) == (None, False)


def test_only_the_star_marks_a_required_column() -> None:
    spec = ColumnSpec.build("boxes", ("BOX*", "fax", "tax_x*"))
    assert spec.columns == ("BOX", "fax", "tax_x")
    assert spec.required == frozenset({"BOX", "tax_x"})
