"""The log file in the user's data folder: rotating, owner-only, never personal data.

Only what a developer needs to mend a bug is logged: tracebacks and the
names of what failed. SQL parameters are hidden by the engine (they hold
names and dates of birth), and no service logs a record's values.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "pdu-manager.log"


def rotating_handler(directory: Path) -> RotatingFileHandler:
    """A handler writing ``directory/pdu-manager.log``, 1 MB a file, three kept."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / LOG_NAME
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def start_log(directory: Path) -> Path:
    """Log the app's messages to ``directory`` once per process; the log file's path."""
    logger = logging.getLogger("pdu_manager")
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    handler = rotating_handler(directory)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return Path(handler.baseFilename)
