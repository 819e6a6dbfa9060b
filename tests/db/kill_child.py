"""A child process for the kill trials: creates or migrates a store, and is killed.

``python -m tests.db.kill_child create|migrate|restore DATABASE KILL_AT [BACKUP]``:
before statement number KILL_AT (counting every SQL statement and the commit),
the process sends itself SIGKILL; 0 never kills and prints how many there
were; -1 (restore) kills just after the backup was copied into the live file.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

TRIAL_VERSIONS = Path(__file__).resolve().parent / "trial_versions"


def trial_config() -> Any:
    """Alembic's configuration with the never-shipped trial migration beside the real ones."""
    from app.db import migrate

    config = migrate.alembic_config()
    real = Path(config.get_main_option("script_location") or "") / "versions"
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join([str(real), str(TRIAL_VERSIONS)]))
    return config


def _arm(engine: Engine, kill_at: int, counter: list[int]) -> None:
    def tick(*_args: Any, **_kwargs: Any) -> None:
        counter[0] += 1
        if counter[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(engine, "before_cursor_execute", tick)
    event.listen(engine, "commit", tick)


def _restore(database: str, backup: Path, kill_at: int, armed: Any) -> None:
    from app.db import backups
    from app.services import maintenance

    maintenance.make_engine = armed  # type: ignore[attr-defined]
    copy = backups.copy_into_live

    def copy_then_die(staged: Path, live: Path) -> None:
        copy(staged, live)
        if kill_at == -1:
            os.kill(os.getpid(), signal.SIGKILL)

    backups.copy_into_live = copy_then_die  # type: ignore[assignment]
    maintenance.restore(database, backup)


def main(mode: str, database: str, kill_at: int, backup: str = "") -> int:
    from app.db import engine as engine_module

    counter = [0]
    made = engine_module.make_engine

    def armed(url: str) -> Engine:
        engine = made(url)
        _arm(engine, kill_at, counter)
        return engine

    engine_module.make_engine = armed  # type: ignore[assignment]
    if mode == "restore":
        _restore(database, Path(backup), kill_at, armed)
    elif mode == "create":
        from app.services.core import store

        store.make_engine = armed  # type: ignore[attr-defined]
        store.open_store(database).close()
    else:
        from app.db import migrate

        engine = armed(database)
        migrate.upgrade(engine, config=trial_config())
        engine.dispose()
    print(counter[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3], int(sys.argv[3]), *sys.argv[4:]))
