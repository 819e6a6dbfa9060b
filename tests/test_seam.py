"""The seam between screens and services: only the runner opens a session."""

from __future__ import annotations

import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
SESSION_OPENED = re.compile(r"\.sessions\b|\bSession\(|sessionmaker|write_session\(")


def test_no_screen_code_but_the_runner_opens_a_session() -> None:
    offenders = [
        f"{path.relative_to(APP.parent)}:{number}"
        for path in sorted((APP / "ui").rglob("*.py"))
        if path.name != "ops.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SESSION_OPENED.search(line)
    ]
    assert offenders == []


def test_the_screen_context_carries_no_store() -> None:
    from dataclasses import fields

    from app.ui.context import AppContext

    names = {f.name for f in fields(AppContext)}
    assert "store" not in names and "sessions" not in names
