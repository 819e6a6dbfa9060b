"""Fixtures of the screen tests: a small demo PDU shared by a module's tests."""

from __future__ import annotations

from typing import Any

import pytest

from app.services.core.actor import system_actor
from app.services.demo import generate_demo


@pytest.fixture(autouse=True)
def _own_settings(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Each test starts with no window settings of its own (QSettings), as a new login."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from app.services.core.store import open_store
    from tests.conftest import TODAY

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as env:  # the same day and data folder as every test
        env.setenv("PDU_MANAGER_TODAY", TODAY.isoformat())
        env.setenv("PDU_MANAGER_DATA_DIR", str(folder / "data"))
        store = open_store(str(folder / "demo.sqlite3"))
        with store.sessions.begin() as session:
            generate_demo(session, system_actor(session), 300, 1)
    yield store
    store.close()
