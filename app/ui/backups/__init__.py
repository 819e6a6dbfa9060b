"""File > Restore from backup…: choose a backup of this database and restore it."""
