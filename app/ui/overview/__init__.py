"""The Overview screen (SPEC.md 4.1)."""
