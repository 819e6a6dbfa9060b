"""The Returns screen (SPEC.md 4.7)."""
