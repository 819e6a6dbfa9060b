"""The bundle's entry point: both programs run PDU Manager's command line.

Started with no command, the command line opens the window. The windowed
program has no console, so its standard streams go nowhere rather than to None
(a print would otherwise fail).
"""

from __future__ import annotations

import os
import sys

if sys.stdout is None or sys.stderr is None:  # the windowed Windows program
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stdout or sink
    sys.stderr = sys.stderr or sink

from app.cli import main

sys.exit(main())
