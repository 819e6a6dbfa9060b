"""The one way a whole import file is refused: a sentence for the user, never a traceback."""

from __future__ import annotations

from app.services.core.errors import UserError


class FileProblem(UserError):
    """The file as a whole cannot be read; nothing in it is imported."""
