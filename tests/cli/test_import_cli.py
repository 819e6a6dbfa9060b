"""``pdu-manager import`` in a subprocess: exit codes, the printed report, --dry-run (SPEC.md 6)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import count

STAFF_CSV = """staff_code,forename,surname,grade,pdu,team
N07A001,Ada,Fielding,PO,17,Team North
"""
CASES_CSV = """crn,forename,surname,pdu,sentence_type,sentence_date,practitioner_code
X100001,Alex,Testcase,17,CO,20/11/2026,N07A001
X100002,Sam,Testcase,17,SSO,21/11/2026,
"""
BAD_CSV = """crn,forename,surname,pdu,sentence_type,sentence_date,Offence
X100001,Alex,Testcase,17,CO,31/02/2026,Theft
"""


def pdu_manager(tmp_path: Path, database: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        PDU_MANAGER_DATA_DIR=str(tmp_path / "data"),
        PDU_MANAGER_TODAY="2026-11-25",
        QT_QPA_PLATFORM="offscreen",
    )
    env.pop("PDU_MANAGER_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "app", "--database", database, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def people(database: str) -> int:
    return count(database, "SELECT count(*) FROM person")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    written = {}
    for name, text in (("staff", STAFF_CSV), ("cases", CASES_CSV), ("bad", BAD_CSV)):
        written[name] = tmp_path / f"{name}.csv"
        written[name].write_text(text, encoding="utf-8")
    return written


def test_import_prints_the_report_and_exits_0(
    tmp_path: Path, database: str, files: dict[str, Path]
) -> None:
    staff = pdu_manager(tmp_path, database, "import", "staff", str(files["staff"]))
    assert staff.returncode == 0, staff.stderr
    assert staff.stdout.startswith("Imported the staff extract staff.csv: 1 added")

    dry = pdu_manager(tmp_path, database, "import", "cases", str(files["cases"]), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Preview of the caseload extract cases.csv: 2 added")
    assert people(database) == 0

    cases = pdu_manager(tmp_path, database, "import", "cases", str(files["cases"]))
    assert cases.returncode == 0, cases.stderr
    assert "Added: 2" in cases.stdout and "File SHA-256: " in cases.stdout
    assert people(database) == 2


def test_a_refused_file_exits_2_naming_each_bad_row(
    tmp_path: Path, database: str, files: dict[str, Path]
) -> None:
    result = pdu_manager(tmp_path, database, "import", "cases", str(files["bad"]))
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Refused: the caseload extract bad.csv has 1 problem in 1 row")
    assert "Ignored columns: Offence" in lines
    assert "Row 2, sentence_date '31/02/2026': not a date: there is no 31 February 2026" in lines
    assert people(database) == 0


def test_a_missing_file_is_one_line_on_stderr(tmp_path: Path, database: str) -> None:
    result = pdu_manager(tmp_path, database, "import", "cases", str(tmp_path / "nowhere.csv"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"pdu-manager: No such file or directory: {tmp_path / 'nowhere.csv'}"
    ]


def test_unpaid_work_projects_import_from_the_command_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "store.sqlite3"
    projects = tmp_path / "projects.csv"
    projects.write_text(
        "project_code,name,type,places,days,start_time,end_time\n"
        "CAN1,Canal clearance,Group,8,Sat;Sun,09:00,16:00\n"
        "BAD1,Bad times,Group,8,Sat,16:00,09:00\n",
        encoding="utf-8",
    )
    refused = run_cli("--database", str(db), "import", "upw-projects", str(projects), "--pdu", "17")
    assert refused.returncode != 0
    assert "Row 3, end_time '09:00': is not after the start time 16:00" in refused.stdout
    projects.write_text(
        "project_code,name,type,places,days\nCAN1,Canal clearance,Group,8,Sat;Sun\n",
        encoding="utf-8",
    )
    done = run_cli("--database", str(db), "import", "upw-projects", str(projects), "--pdu", "Leeds")
    assert done.returncode == 0, done.stderr
    assert "1 added" in done.stdout
