"""The exported return's files read back: every figure of the JSON in the workbook and the PDF.

Also: LibreOffice opens the workbook and shows the same figures (heavy), and
no exported file names a person on probation or a victim.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.db.models import Person
from app.domain.report import DASH, format_value
from app.domain.returns_figures import flatten
from app.domain.returns_report import (
    FIGURE_LABELS,
    SECTION_TITLES,
    STAND_DOWNS,
    TEAM_COLUMNS,
    TEAMS,
    TIER_MATRIX,
    WHOLE_TEAM,
)
from app.domain.unpaid_work import StandDownReason
from app.services.core.actor import system_actor
from app.services.core.store import open_store, write_session
from app.services.returns.export import export_return
from tests.exports.test_excel import tables
from tests.exports.test_external_tools import CSV_FILTER
from tests.services.returns_setup import FRIDAY, WEEK_ENDING, build_pdu
from tests.tools import need

SHEETS = {key: title for key, title in SECTION_TITLES.items()}
ON_THE_COVER = {"pdu", "pdu_number", "week_starting", "week_ending", "audit_head"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A known PDU's return exported once to all three files."""
    folder = tmp_path_factory.mktemp("return")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PDU_MANAGER_TODAY", FRIDAY)
        env.setenv("PDU_MANAGER_DATA_DIR", str(folder / "data"))
        store = open_store(str(folder / "store.sqlite3"))
        try:
            with write_session(store, _system(store)) as session:
                build_pdu(session)
            with write_session(store, _system(store)) as session:
                actor = system_actor(session)
                export_return(
                    session,
                    actor,
                    _pdu_id(session),
                    WEEK_ENDING,
                    xlsx=folder / "r.xlsx",
                    pdf=folder / "r.pdf",
                    json_file=folder / "r.json",
                )
        finally:
            store.close()
    yield {
        "json": json.loads((folder / "r.json").read_text(encoding="utf-8")),
        "xlsx": (folder / "r.xlsx").read_bytes(),
        "pdf": (folder / "r.pdf").read_bytes(),
        "folder": folder,
    }


def _system(store: Any) -> Any:
    with store.sessions.begin() as session:
        return system_actor(session)


def _pdu_id(session: Any) -> int:
    return int(session.scalar(select(Person.pdu_id).limit(1)))


def shown(value: object) -> object:
    return DASH if value is None else value


@pytest.fixture(scope="module")
def workbook(exported: dict[str, Any]) -> Workbook:
    return load_workbook(io.BytesIO(exported["xlsx"]))


def workbook_figures(wb: Workbook) -> dict[str, object]:
    """Every figure of the workbook by the JSON path it stands for."""
    found: dict[str, object] = {}
    for key, title in SHEETS.items():
        sheet = tables(wb[title])
        labels = {label: k for k, label, _kind in FIGURE_LABELS[key]}
        for label, value in sheet["Key figures"][1:]:
            found[f"{key}.{labels[label]}"] = value
        if key == "caseload":
            for kind, value in sheet["Active cases by sentence type"][1:]:
                found[f"caseload.by_sentence_type.{kind}"] = value
            for rosh, value in sheet["Active cases by RoSH"][1:]:
                found[f"caseload.rosh.{rosh}"] = value
            header, *rows = sheet[TIER_MATRIX]
            for level, *counts in rows:
                for change, value in zip(header[1:], counts, strict=True):
                    found[f"caseload.tiers.{level}{change}"] = value
        if key == "unpaid_work":
            by_label = {r.label: r.value for r in StandDownReason}
            for reason, value in sheet[STAND_DOWNS][1:]:
                found[f"unpaid_work.stand_downs_by_reason.{by_label[str(reason)]}"] = value
        if key == "workload":
            for team, pod, *values in sheet[TEAMS][1:]:
                path = f"workload.teams[{team}]" + ("" if pod == WHOLE_TEAM else f".pods[{pod}]")
                for (name, _t, _k), value in zip(TEAM_COLUMNS, values, strict=True):
                    found[f"{path}.{name}"] = value
                found[f"{path}.{'team' if pod == WHOLE_TEAM else 'pod'}"] = (
                    team if pod == WHOLE_TEAM else pod
                )
    return found


def test_the_workbook_holds_every_figure_of_the_json(
    exported: dict[str, Any], workbook: Workbook
) -> None:
    expected = {
        path: shown(value)
        for path, value in flatten(exported["json"]).items()
        if path not in ON_THE_COVER
    }
    assert workbook_figures(workbook) == expected


def test_the_workbooks_cover_names_the_pdu_week_and_audit_head(
    exported: dict[str, Any], workbook: Workbook
) -> None:
    cover = {row[0].value: row[1].value for row in workbook["Cover"].iter_rows() if len(row) > 1}
    figures = exported["json"]
    assert cover["PDU"] == f"{figures['pdu_number']}. {figures['pdu']}"
    assert cover["Week"] == "Saturday 21/11/2026 to Friday 27/11/2026"
    assert cover["Audit head"] == figures["audit_head"]
    assert cover["Built by"] == cover["Exported by"] == "Command line"
    assert cover["Signed off by"] == DASH


def test_the_workbook_draws_the_tier_matrix_and_stand_downs_as_charts(workbook: Workbook) -> None:
    assert len(workbook[SHEETS["caseload"]]._charts) == 1
    assert len(workbook[SHEETS["unpaid_work"]]._charts) == 1


def pdf_lines(data: bytes) -> list[str]:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split("\n")


def test_the_pdf_shows_every_key_figure_as_the_json_has_it(exported: dict[str, Any]) -> None:
    lines = pdf_lines(exported["pdf"])
    for key, rows in FIGURE_LABELS.items():
        for name, label, kind in rows:
            at = lines.index(label)
            assert lines[at + 1] == format_value(exported["json"][key][name], kind), label


def test_the_pdf_shows_the_tier_matrix_teams_and_the_audit_head(exported: dict[str, Any]) -> None:
    text = "".join("".join(pdf_lines(exported["pdf"])).split())
    figures = exported["json"]
    tiers = figures["caseload"]["tiers"]
    for level in "ABCD":
        assert f"{level}{tiers[level + '0']}{tiers[level + '1']}{tiers[level + '2']}" in text
    for team in figures["workload"]["teams"]:
        assert (
            f"{team['team']}{WHOLE_TEAM}{team['practitioners']}{team['cases']}".replace(" ", "")
            in text
        )
    assert figures["audit_head"] in text
    assert "OFFICIAL-SENSITIVE" in text


# -- no personal details ------------------------------------------------------------------


def victim_names(store: Any) -> set[str]:
    """Every victim's name, phone and email of the demo, read as its VLO reads them.

    The store holds them only sealed, so they are opened through the VLO's keyring.
    """
    from app.db.victim_models import VcsCase
    from app.services.users.gate import Gate
    from app.services.victims.view import case_view

    vlo = Gate(store).sign_in("vlo", "demo").actor
    assert vlo is not None and vlo.keyring is not None and vlo.keyring.is_open
    names: set[str] = set()
    with store.sessions() as session:
        for case_id in session.scalars(select(VcsCase.id)):
            view = case_view(session, vlo, case_id)
            assert view.names_open
            names |= {v.name for v in view.victims} | {v.phone for v in view.victims}
            names |= {v.email for v in view.victims}
    names.discard("")
    assert len(names) > 20  # the demo's victims, really read
    return names


def exported_text(folder: Path) -> str:
    """Every byte of text the exported files hold: the workbook's XML, the PDF's text, the JSON."""
    parts = []
    with zipfile.ZipFile(folder / "demo.xlsx") as archive:
        parts += [archive.read(name).decode("utf-8") for name in archive.namelist()]
    parts += pdf_lines((folder / "demo.pdf").read_bytes())
    parts.append((folder / "demo.json").read_text(encoding="utf-8"))
    return "\n".join(parts)


@pytest.mark.slow
def test_no_file_names_a_person_on_probation_or_a_victim_of_the_demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from app.services.demo import create_demo

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PDU_MANAGER_TODAY", FRIDAY)
        store = open_store(str(folder / "demo.sqlite3"))
        try:
            create_demo(store, cases=60, seed=3)
            names = victim_names(store)
            with write_session(store, _system(store)) as session:
                people = session.execute(select(Person.crn, Person.forename, Person.surname)).all()
                export_return(
                    session,
                    system_actor(session),
                    _pdu_id(session),
                    WEEK_ENDING,
                    xlsx=folder / "demo.xlsx",
                    pdf=folder / "demo.pdf",
                    json_file=folder / "demo.json",
                )
        finally:
            store.close()
    figures = json.loads((folder / "demo.json").read_text(encoding="utf-8"))
    # The demo's victim liaison and unpaid work are counted in the return (counts only).
    assert figures["victims"]["open_cases"] > 0 and figures["victims"]["tasks_due"] > 0
    assert figures["unpaid_work"]["sessions_scheduled"] > 0
    assert figures["unpaid_work"]["active_requirements"] > 0
    everything = exported_text(folder)
    for name in names:
        assert name not in everything
    for crn, forename, surname in people:
        assert crn not in everything
        assert f"{forename} {surname}" not in everything
        assert f"{surname}, {forename}" not in everything


# -- LibreOffice (heavy) ---------------------------------------------------------------------


@pytest.mark.heavy
def test_libreoffice_opens_the_workbook_and_shows_the_figures(
    exported: dict[str, Any], tmp_path: Path
) -> None:
    soffice = need("soffice", "libreoffice-calc-nogui")
    source = tmp_path / "return.xlsx"
    source.write_bytes(exported["xlsx"])
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    figures = exported["json"]
    for key, title in SHEETS.items():
        rows = (tmp_path / f"return-{title}.csv").read_text(encoding="utf-8").splitlines()
        joined = "\n".join(rows)
        for name, label, kind in FIGURE_LABELS[key]:
            assert f'"{label}","{format_value(figures[key][name], kind)}"' in joined or (
                f"{label},{format_value(figures[key][name], kind)}" in joined
            ), label
    cover = (tmp_path / "return-Cover.csv").read_text(encoding="utf-8")
    assert figures["audit_head"] in cover
    assert date.fromisoformat(figures["week_ending"]).strftime("%d/%m/%Y") in cover
