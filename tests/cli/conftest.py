"""Running ``pdu-manager`` in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``python -m app ARGS``; returns the CompletedProcess."""
    env = dict(os.environ)
    env.update(
        PDU_MANAGER_DATA_DIR=str(tmp_path / "data"),
        PDU_MANAGER_TODAY="2026-11-25",
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(REPO),
    )
    env.pop("PDU_MANAGER_DATABASE_URL", None)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=600,
        )

    return run


@pytest.fixture
def database(store_urls) -> str:  # type: ignore[no-untyped-def]
    """The store a command works on: a new SQLite file, or a migrated PostgreSQL database."""
    return str(store_urls.new())


def count(url: str, sql: str) -> int:
    """One number read from the store at ``url`` (a SQLite path or any URL)."""
    from sqlalchemy import text

    from app.db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()
