"""The Victim liaison screen (SPEC.md 4.6)."""
