"""Domain rule tests: pure Python, no store, no Qt."""

from __future__ import annotations

import os

MUTATING = "MUTANT_UNDER_TEST" in os.environ
"""True while mutmut runs these tests against a mutant (README, "Mutation testing")."""


def examples(n: int) -> int:
    """``n`` Hypothesis examples, or a tenth of them under mutation testing.

    Each surviving mutant reruns every test that reaches it, so a mutation run
    asks for fewer examples; the explicit ``@example`` cases always run.
    """
    return max(10, n // 10) if MUTATING else n
