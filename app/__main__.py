"""``python -m app`` runs the command line (SPEC.md 6)."""

from __future__ import annotations

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
