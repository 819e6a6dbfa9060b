"""The settings as the settings screen reads them: value in force, default, history."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.codes import Role
from app.domain.settings import SETTINGS
from app.services.core import settings
from app.services.core.errors import PermissionDenied, UserError
from tests import factories as f
from tests.conftest import TODAY


def _view(views: list[settings.SettingView], key: str) -> settings.SettingView:
    return next(v for v in views if v.key == key)


def test_list_settings_shows_every_declared_setting_at_its_default(session) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    views = settings.list_settings(session, TODAY, pdu.id)
    assert [v.key for v in views] == list(SETTINGS)
    mix = _view(views, "po_mix_min_cases")
    assert (mix.value, mix.default, mix.kind, mix.scope) == (5, 5, "int", "default")
    assert mix.effective_from is None and mix.history == ()
    assert (mix.minimum, mix.maximum) == (1, 100)
    assert mix.label.startswith("Cases a PO holds before a mix")
    assert (
        mix.source
        == SETTINGS["po_mix_min_cases"].source
        == "Target Operating Model (2021), combined caseloads"
    )
    assert not mix.pdu_own
    assert _view(views, "foreign_travel_restrictive").kind == "bool"
    assert _view(views, "workload_points").value == SETTINGS["workload_points"].default


def test_list_settings_shows_national_then_own_values_with_history(session, head) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    other = f.pdu(session, 18)
    settings.put(session, head, "po_mix_min_cases", 6, date(2026, 10, 1))
    settings.put(session, head, "po_mix_min_cases", 7, date(2026, 11, 1), pdu.id)
    with pytest.raises(PermissionDenied, match="do not cover"):
        settings.put(session, head, "po_mix_min_cases", 9, date(2026, 11, 1), other.id)
    regional = f.actor(session, Role.HEAD_OF_PDU, pdus=(17, 18))
    settings.put(session, regional, "po_mix_min_cases", 9, date(2026, 11, 1), other.id)
    settings.put(session, head, "po_mix_min_cases", 8, date(2027, 1, 1))  # future
    session.commit()

    before = _view(settings.list_settings(session, date(2026, 10, 15), pdu.id), "po_mix_min_cases")
    assert (before.value, before.scope, before.effective_from) == (6, "national", date(2026, 10, 1))

    now = _view(settings.list_settings(session, TODAY, pdu.id), "po_mix_min_cases")
    assert (now.value, now.scope, now.effective_from, now.default) == (
        7,
        "pdu",
        date(2026, 11, 1),
        5,
    )
    assert now.pdu_own
    assert now.value == settings.get(session, "po_mix_min_cases", TODAY, pdu.id)
    # The other PDU's own value is not this PDU's history.
    assert now.history == (
        settings.SettingChange(date(2026, 10, 1), 6, pdu_own=False),
        settings.SettingChange(date(2026, 11, 1), 7, pdu_own=True),
        settings.SettingChange(date(2027, 1, 1), 8, pdu_own=False),
    )

    national = _view(settings.list_settings(session, TODAY, None), "po_mix_min_cases")
    assert (national.value, national.scope) == (6, "national")
    assert [c.value for c in national.history] == [6, 8]


def test_put_refuses_a_value_outside_the_declared_range(session, head) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="at most 100"):
        settings.put(session, head, "po_mix_min_cases", 101, TODAY)
