"""System tools the heavy tests need: skipped without them here, a failure under CI."""

from __future__ import annotations

import os
import shutil

import pytest


def need(program: str, package: str, why: str = "run the heavy checks") -> str:
    """The program's path; the test is skipped without it, but fails under CI."""
    found = shutil.which(program)
    if found is None:
        message = f"{program} is not installed: apt-get install {package}"
        if os.environ.get("CI"):
            pytest.fail(f"CI must {why}. {message}")
        pytest.skip(message)
    return found
