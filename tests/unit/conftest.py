"""Under mutation testing, Hypothesis draws fewer and repeatable examples (README)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests.unit import MUTATING, examples

if MUTATING:
    settings.register_profile(
        "mutation",
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
        max_examples=examples(100),
    )
    settings.load_profile("mutation")
