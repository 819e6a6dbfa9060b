"""The settings dialog: every policy number, generated from its declaration."""
