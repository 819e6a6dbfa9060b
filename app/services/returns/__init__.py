"""The weekly return: gather the facts, build the figures, store, export, sign off (SPEC.md 7)."""
