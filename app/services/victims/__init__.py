"""Victim liaison: VCS cases, victims (sealed), the VLO's tasks (issue 19)."""
