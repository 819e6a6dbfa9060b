"""Every malformed input is a sentence on the command line: no traceback, no raw control bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import malformed
from tests.cli.conftest import REPO

ESC = "\x1b"


def test_control_characters_are_refused_and_never_echoed_raw(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extract = tmp_path / "cases.csv"
    extract.write_text(
        "crn,forename,surname,pdu,sentence_type,sentence_date\n"
        f"X100001,Al{ESC}]0;pwned\x07ex,Smith,17,CO,20/11/2026\n"
        f"X100002,Bo,Sm\u202eith,17,CO{ESC}[2J,20/11/2026\n"
        f"{ESC}[31mX,Cy,Jones,17,CO,20/11/2026\n",
        encoding="utf-8",
    )
    result = run_cli("--database", str(tmp_path / "db.sqlite3"), "import", "cases", str(extract))
    assert result.returncode == 2
    assert ESC not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "\u202e" not in result.stdout
    assert "holds a control character" in result.stdout
    assert "\\x1b" in result.stdout  # shown, escaped


@pytest.mark.parametrize(
    "make",
    [
        malformed.bad_typed_date,
        malformed.untyped_text_cell,
        malformed.damaged_deflate,
        malformed.long_cell,
    ],
)
def test_a_damaged_workbook_is_refused_in_a_sentence(run_cli, tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / "bad.xlsx")
    result = run_cli("--database", str(tmp_path / "db.sqlite3"), "import", "cases", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("Refused:")


def test_a_closed_pipe_ends_quietly_with_the_commands_own_exit_code(tmp_path: Path) -> None:
    extract = malformed.bad_rows_csv(tmp_path / "bad.csv", 3_000)
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        PDU_MANAGER_DATA_DIR=str(tmp_path / "data"),
        PDU_MANAGER_TODAY="2026-11-25",
    )
    command = [sys.executable, "-m", "app", "--database", str(tmp_path / "db.sqlite3")]
    child = subprocess.Popen(
        [*command, "import", "cases", str(extract)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().startswith(b"Refused:")  # as `| head -1` reads
    child.stdout.close()
    errors = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=120) == 2  # refused, as without the pipe
    assert errors == b""


def test_a_folder_given_for_a_file_is_one_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "not-a-file.csv"
    folder.mkdir()
    result = run_cli("--database", str(tmp_path / "db.sqlite3"), "import", "cases", str(folder))
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
