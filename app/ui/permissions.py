"""What the signed-in user may do, for the screens: disable it, and say who can.

The check that counts is the service's (``app.services.core.permissions``);
a screen asks here only to grey out what would be refused, with a tooltip
naming the roles that can (SPEC.md 1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.services.core.actor import Actor
from app.services.core.permissions import may, who_can


def allowed(target: QAction | QWidget, actor: Actor, service: Callable[..., Any]) -> bool:
    """Whether ``actor`` may call ``service``; if not, ``target`` says who can and is disabled.

    Screens keep the answer and enable the target only when it is True and
    the screen's own state allows.
    """
    ok = may(actor, service)
    if not ok:
        text = who_can(service)
        target.setToolTip(text)
        target.setStatusTip(text)
        target.setEnabled(False)
    return ok
