"""The Allocation screen (SPEC.md 4.3)."""
