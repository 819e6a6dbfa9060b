"""What the two unpaid work imports share: the PDU the file is for, codes and times."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Team
from app.domain.parsing import ParseError, clean_text, show
from app.services.imports.common import Context
from app.services.imports.lookups import PduLookup
from app.services.imports.report import RowError

_CODE = re.compile(r"[A-Z0-9][A-Z0-9_\-/.]{0,39}")
NO_PDU = (
    "the file does not say which PDU it is for: add a pdu column, or choose the PDU "
    "(--pdu on the command line)"
)


def parse_project_code(value: Any) -> str | None:
    """A project's code: letters, digits and - _ / . , up to 40 characters; blank None."""
    text = clean_text(value)
    if text is None:
        return None
    code = text.upper().replace(" ", "")
    if not _CODE.fullmatch(code):
        raise ParseError(f"{show(value)} is not a project code (letters and digits, up to 40)")
    return code


def default_pdu(ctx: Context, pdus: PduLookup) -> int | None:
    """The PDU a row without a pdu cell belongs to: the one chosen, else the only one in use."""
    if ctx.pdu is not None:
        return pdus(ctx.pdu)
    used = sorted(set(ctx.session.scalars(select(Team.pdu_id))))
    return used[0] if len(used) == 1 else None


def row_pdu(
    row_number: int, given: int | None, fallback: int | None, errors: list[RowError]
) -> int | None:
    if given is not None:
        return given
    if fallback is None:
        errors.append(RowError(row_number, "pdu", None, NO_PDU))
    return fallback


def pdu_in_use(session: Session) -> Sequence[int]:
    return sorted(set(session.scalars(select(Team.pdu_id))))
