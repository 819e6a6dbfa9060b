"""The import dialog (SPEC.md 5)."""
