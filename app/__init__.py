"""PDU Manager: caseload, allocation and returns for a Probation Delivery Unit."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path
from types import ModuleType

__version__ = "0.1.0"

# An installed wheel (and an editable install in strict mode) carries resources/
# and migrations/ as app.resources and app.migrations (pyproject's package-dir).
# Tests and ``python -m app`` started in the source checkout import app/ straight
# from the checkout, where those two folders sit beside app/, not inside it. A
# finder for exactly these two names serves them from there. (Adding the checkout
# to app.__path__ instead made app.app, app.app.app... importable, and
# PyInstaller's walk of the package recursed through them without end.)
_DATA_PACKAGES = ("app.resources", "app.migrations")
_CHECKOUT = Path(__file__).resolve().parent.parent


class _CheckoutDataFinder(MetaPathFinder):
    """Finds app.resources and app.migrations in the top level of a source checkout."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname not in _DATA_PACKAGES:
            return None
        # PathFinder looks for the last part of the name ("resources") in the checkout.
        return PathFinder.find_spec(fullname, [str(_CHECKOUT)])


def _in_checkout() -> bool:
    here = Path(__file__).parent
    return not (here / "resources").exists() and (_CHECKOUT / "pyproject.toml").is_file()


if _in_checkout() and not any(isinstance(f, _CheckoutDataFinder) for f in sys.meta_path):
    sys.meta_path.append(_CheckoutDataFinder())
