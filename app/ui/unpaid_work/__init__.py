"""The unpaid work screen (SPEC.md 4.5)."""
