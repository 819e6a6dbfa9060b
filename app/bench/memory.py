"""The memory figure: a process showing the whole caseload, scrolled once.

``python -m app.bench.memory URL`` prints one JSON line, ``{"peak_mb": ...,
"rows": ...}``, once the caseload is listed, scrolled half-way and idle.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, cast

from app.bench.app_window import show_main_window
from app.bench.painted import when_ready

if TYPE_CHECKING:
    from app.ui.caseload.screen import CaseloadScreen


def peak_mb() -> float:
    """This process's own peak resident memory, in MB."""
    # Linux: VmHWM is this process's own peak; ru_maxrss would include the
    # parent's size at fork, as the kernel carries it across exec.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # Unix only, like the figure

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def main(url: str) -> None:
    app, window = show_main_window(url)
    scrolled = False

    def caseload() -> CaseloadScreen:
        return cast("CaseloadScreen", window.open_screen("Caseload"))

    def ready() -> bool:
        nonlocal scrolled
        if window.ctx.ops.pending:
            return False
        if not scrolled:
            bar = caseload().table.verticalScrollBar()
            bar.setValue(bar.maximum() // 2)
            scrolled = True
            return False
        return True

    def report() -> None:
        rows = caseload().model.rowCount()
        print(json.dumps({"peak_mb": round(peak_mb(), 1), "rows": rows}))

    when_ready(app, window, ready, report)


if __name__ == "__main__":
    main(sys.argv[1])
