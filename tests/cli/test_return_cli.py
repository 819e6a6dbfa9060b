"""``pdu-manager return`` in a subprocess: the files, the JSON's shape, refusals (SPEC.md 6)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.tiering import ALL_TIERS
from app.domain.unpaid_work import StandDownReason
from app.domain.unpaid_work_standdowns import percent

KEYS = {
    "caseload": {"active", "by_sentence_type", "tiers", "untiered", "rosh", "started", "ended"},
    "allocation": {
        "due_in_week",
        "allocated_on_time",
        "on_time_pct",
        "unallocated",
        "oldest_unallocated_working_days",
        "reallocations",
        "tier_changes",
    },
    "workload": {
        "practitioners",
        "mean_capacity_pct",
        "max_capacity_pct",
        "over_100",
        "over_110",
        "pso_with_high_rosh",
        "po_without_mix",
        "teams",
    },
    "unpaid_work": {
        "active_requirements",
        "hours_ordered",
        "hours_worked_week",
        "hours_worked_to_date",
        "ete_hours_week",
        "ete_share_pct",
        "sessions_scheduled",
        "sessions_held",
        "sessions_stood_down",
        "sessions_stood_down_on_day",
        "stand_down_rate_pct",
        "stand_downs_by_reason",
        "person_hours_lost_pct",
        "assessed_within_10_pct",
        "started_within_15_pct",
        "reviews_due",
        "reviews_overdue",
        "at_risk_12_months",
    },
    "victims": {
        "open_cases",
        "tasks_due",
        "tasks_completed",
        "tasks_overdue",
        "first_offer_on_time_pct",
        "releases_next_4_weeks",
        "parole_next_4_weeks",
    },
}


def pdu_manager(
    tmp_path: Path, *args: str, today: str = "2026-11-27"
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        PDU_MANAGER_DATA_DIR=str(tmp_path / "data"),
        PDU_MANAGER_TODAY=today,
        QT_QPA_PLATFORM="offscreen",
    )
    env.pop("PDU_MANAGER_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "app", "--database", str(tmp_path / "demo.sqlite3"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        cwd=tmp_path,  # a relative file name is written there
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    done = pdu_manager(folder, "demo", "--cases", "80", "--seed", "2")
    assert done.returncode == 0, done.stderr
    return folder


def test_the_return_writes_json_excel_and_pdf_owner_only(demo: Path) -> None:
    done = pdu_manager(
        demo,
        "return",
        "--pdu",
        "Leeds",
        "--week-ending",
        "2026-11-27",
        "--json",
        "r.json",
        "--xlsx",
        str(demo / "r.xlsx"),
        "--pdf",
        str(demo / "r.pdf"),
    )
    assert done.returncode == 0, done.stderr
    assert "version 1" in done.stdout
    assert (demo / "r.json").read_text(encoding="utf-8").startswith("{")
    for name in ("r.xlsx", "r.pdf"):
        assert stat.S_IMODE((demo / name).stat().st_mode) == 0o600
    assert (demo / "r.xlsx").read_bytes()[:2] == b"PK"
    assert (demo / "r.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_json_lists_every_key_with_zeros(demo: Path) -> None:
    done = pdu_manager(demo, "return", "--pdu", "17", "--week-ending", "2026-11-27")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert (figures["pdu"], figures["pdu_number"], figures["week_ending"]) == (
        "Leeds",
        17,
        "2026-11-27",
    )
    for section, keys in KEYS.items():
        assert keys <= set(figures[section]), section
    assert list(figures["caseload"]["tiers"]) == list(ALL_TIERS)
    assert list(figures["unpaid_work"]["stand_downs_by_reason"]) == [
        r.value for r in StandDownReason
    ]
    assert "Not assessed" in figures["caseload"]["rosh"]
    assert "Post-Sentence Supervision" in figures["caseload"]["by_sentence_type"]
    upw = figures["unpaid_work"]
    assert upw["sessions_scheduled"] > 0  # the demo's unpaid work is counted
    assert upw["stand_down_rate_pct"] == percent(
        upw["sessions_stood_down"], upw["sessions_scheduled"]
    )
    assert len(figures["audit_head"]) == 64


def test_a_week_ending_on_another_day_is_refused_in_one_line(demo: Path) -> None:
    done = pdu_manager(demo, "return", "--pdu", "Leeds", "--week-ending", "2026-11-26")
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0
    assert "26/11/2026 is a Thursday" in done.stderr


def test_an_unknown_pdu_or_a_bad_date_is_refused(demo: Path) -> None:
    unknown = pdu_manager(demo, "return", "--pdu", "Atlantis", "--week-ending", "2026-11-27")
    assert unknown.returncode != 0 and "no PDU called 'Atlantis'" in unknown.stderr
    bad = pdu_manager(demo, "return", "--pdu", "17", "--week-ending", "27/11/2026")
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr
