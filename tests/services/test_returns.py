"""Weekly returns through the services: figures from the store, storage, versions, sign-off."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import AuditEntry, WeeklyReturn
from app.domain.codes import Role
from app.services.allocation import writes
from app.services.core import settings
from app.services.core.actor import Actor, system_actor
from app.services.core.changes import Kind
from app.services.core.errors import PermissionDenied, UserError
from app.services.core.store import last_changes
from app.services.returns.export import export_return, preview_return
from app.services.returns.versions import (
    build_return,
    correct_return,
    return_history,
    sign_off_return,
    stored_figures,
)
from tests import factories as f
from tests.services.returns_setup import FRIDAY, WEEK_ENDING, Known, admin, build_pdu


@pytest.fixture(autouse=True)
def _friday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDU_MANAGER_TODAY", FRIDAY)


@pytest.fixture
def known(session) -> Known:  # type: ignore[no-untyped-def]
    found = build_pdu(session)
    session.commit()
    return found


def test_the_figures_of_a_known_week_from_the_store(session, known: Known) -> None:  # type: ignore[no-untyped-def]
    figures = preview_return(session, admin(session), known.pdu_id, WEEK_ENDING).figures
    caseload = figures["caseload"]
    assert caseload["active"] == 5
    assert caseload["by_sentence_type"]["Community Order"] == 5
    assert {k: v for k, v in caseload["tiers"].items() if v} == {"B1": 2, "C1": 1, "D1": 2}
    assert caseload["untiered"] == 0
    assert caseload["rosh"] == {
        "Very High": 0,
        "High": 2,
        "Medium": 1,
        "Low": 1,
        "Not assessed": 1,
    }
    assert (caseload["started"], caseload["ended"]) == (0, 1)
    allocation = figures["allocation"]
    assert allocation == {
        "due_in_week": 1,
        "allocated_on_time": 0,
        "on_time_pct": 0.0,
        "unallocated": 1,
        "oldest_unallocated_working_days": 7,
        "reallocations": 0,
        "tier_changes": 0,
    }
    workload = figures["workload"]
    assert workload["practitioners"] == 2  # the leaver left on Wednesday
    assert workload["cases"] == 3
    assert workload["workload_points"] == 102 + 50 + 102
    assert workload["mean_capacity_pct"] == 5.8  # (152 / 2176 + 102 / 2176) / 2
    assert workload["max_capacity_pct"] == 7.0
    assert workload["pso_with_high_rosh"] == 1
    assert [t["team"] for t in workload["teams"]] == ["Team North"]
    assert figures["audit_head"] and len(figures["audit_head"]) == 64


def test_a_preview_stores_nothing(session, known: Known) -> None:  # type: ignore[no-untyped-def]
    preview = preview_return(session, admin(session), known.pdu_id, WEEK_ENDING)
    assert preview.stored is None
    assert session.scalar(select(WeeklyReturn.id)) is None


def test_a_week_ending_on_another_day_is_refused(session, known: Known) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="26/11/2026 is a Thursday"):
        preview_return(session, admin(session), known.pdu_id, date(2026, 11, 26))


def test_a_week_not_yet_ended_is_previewed_but_not_built(  # type: ignore[no-untyped-def]
    session, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDU_MANAGER_TODAY", "2026-11-26")
    assert preview_return(session, admin(session), known.pdu_id, WEEK_ENDING).stored is None
    with pytest.raises(UserError, match="has not ended yet"):
        build_return(session, admin(session), known.pdu_id, WEEK_ENDING)


def test_export_stores_the_figures_rules_and_settings_and_records_who(  # type: ignore[no-untyped-def]
    store, session, known: Known, tmp_path: Path
) -> None:
    actor = admin(session)
    result = export_return(
        session, actor, known.pdu_id, WEEK_ENDING, folder=tmp_path, json_file=tmp_path / "r.json"
    )
    session.commit()
    assert {p.suffix for p in result.files} == {".xlsx", ".pdf", ".json"}
    assert all(p.stat().st_mode & 0o077 == 0 for p in result.files)
    row = session.scalar(select(WeeklyReturn))
    assert row.version == 1 and row.built_by_name == row.exported_by_name == "Ada Admin"
    assert row.exports == 1
    assert json.loads(row.settings)["allocation_working_days"] == 5
    assert row.rules_version
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == row.figures
    assert last_changes(session).touches(Kind.RETURN)
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["return.built", "return.exported"]


def test_exporting_a_past_week_again_reproduces_its_json_byte_for_byte(  # type: ignore[no-untyped-def]
    session, known: Known, head: Actor, tmp_path: Path
) -> None:
    actor = admin(session)
    first = export_return(session, actor, known.pdu_id, WEEK_ENDING, json_file=tmp_path / "1.json")
    session.commit()
    # Later: the unallocated case is allocated, a setting changes, a new case arrives.
    writes.allocate(session, head, known.unallocated_id, known.po_id, 1, as_at=date(2026, 11, 30))
    settings.put(session, head, "allocation_working_days", 3, date(2026, 1, 1))
    from tests import factories

    factories.case(session, known.pdu_id, sentence_date=date(2026, 11, 23))
    session.commit()
    again = export_return(session, actor, known.pdu_id, WEEK_ENDING, json_file=tmp_path / "2.json")
    session.commit()
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()
    assert again.json == first.json
    assert again.version.version == 1
    assert preview_return(session, admin(session), known.pdu_id, WEEK_ENDING).figures == json.loads(
        first.json
    )


def test_a_correction_is_a_new_version_with_what_changed(  # type: ignore[no-untyped-def]
    session, known: Known, head: Actor
) -> None:
    first = build_return(session, admin(session), known.pdu_id, WEEK_ENDING)
    session.commit()
    # An allocation recorded late, dated in the week.
    writes.allocate(session, head, known.unallocated_id, known.po_id, 1, as_at=date(2026, 11, 25))
    session.commit()
    corrected = correct_return(session, head, known.pdu_id, WEEK_ENDING, "Allocation keyed late")
    session.commit()
    assert corrected.version == 2
    changed = {c.path: (c.before, c.after) for c in corrected.changes}
    assert changed["allocation.unallocated"] == (1, 0)
    assert changed["allocation.allocated_on_time"] == (0, 1)
    assert changed["allocation.on_time_pct"] == (0.0, 100.0)
    assert "audit_head" not in changed
    history = return_history(session, admin(session), known.pdu_id)
    assert [(v.version, v.correction_reason) for v in history] == [
        (2, "Allocation keyed late"),
        (1, ""),
    ]
    assert (
        json.loads(stored_figures(session, admin(session), first.id))["allocation"]["unallocated"]
        == 1
    )


def test_only_the_head_of_pdu_corrects(session, known: Known) -> None:  # type: ignore[no-untyped-def]
    actor = admin(session)
    build_return(session, actor, known.pdu_id, WEEK_ENDING)
    with pytest.raises(PermissionDenied):
        correct_return(session, actor, known.pdu_id, WEEK_ENDING, "because")


def test_the_head_signs_off_and_a_signed_off_return_is_frozen(  # type: ignore[no-untyped-def]
    session, known: Known, head: Actor
) -> None:
    built = build_return(session, admin(session), known.pdu_id, WEEK_ENDING)
    signed = sign_off_return(session, head, built.id)
    session.commit()
    assert signed.signed_off and signed.signed_off_by == head.display_name
    with pytest.raises(UserError, match="frozen"):
        sign_off_return(session, head, built.id)
    assert [a for a in session.scalars(select(AuditEntry.action))][-1] == "return.signed_off"


def test_an_earlier_version_cannot_be_signed_off(session, known: Known, head: Actor) -> None:  # type: ignore[no-untyped-def]
    first = build_return(session, admin(session), known.pdu_id, WEEK_ENDING)
    correct_return(session, head, known.pdu_id, WEEK_ENDING, "Recount")
    with pytest.raises(UserError, match="sign off the latest version"):
        sign_off_return(session, head, first.id)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SYSTEM, Role.SPO, Role.VLO, Role.UPW_MANAGER])
def test_nobody_but_the_head_signs_off(session, known: Known, role: Role) -> None:  # type: ignore[no-untyped-def]
    built = build_return(session, admin(session), known.pdu_id, WEEK_ENDING)
    with pytest.raises(PermissionDenied):
        sign_off_return(session, f.actor(session, role, name="Someone"), built.id)


@pytest.mark.parametrize("role", [Role.SPO, Role.VLO, Role.UPW_MANAGER])
def test_other_roles_may_not_build_or_export(session, known: Known, role: Role) -> None:  # type: ignore[no-untyped-def]
    actor = f.actor(session, role, name="Someone")  # covering the PDU: refused for the role
    with pytest.raises(PermissionDenied):
        build_return(session, actor, known.pdu_id, WEEK_ENDING)
    with pytest.raises(PermissionDenied):
        export_return(session, actor, known.pdu_id, WEEK_ENDING)


def test_the_command_lines_account_builds_and_exports(
    session, known: Known, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    actor = system_actor(session)
    result = export_return(session, actor, known.pdu_id, WEEK_ENDING, xlsx=tmp_path / "r.xlsx")
    assert result.version.built_by == "Command line"


def test_another_pdus_user_may_not_build_it(session, known: Known) -> None:  # type: ignore[no-untyped-def]
    outsider = f.actor(session, Role.ADMIN, pdus=(18,), name="Other Admin")
    with pytest.raises(PermissionDenied, match="PDU they do not cover"):
        build_return(session, outsider, known.pdu_id, WEEK_ENDING)


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb}


def test_a_second_export_differs_only_in_the_covers_exporter_and_time(  # type: ignore[no-untyped-def]
    session, known: Known, head: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_return(session, admin(session), known.pdu_id, WEEK_ENDING, xlsx=tmp_path / "1.xlsx")
    session.commit()
    writes.allocate(session, head, known.unallocated_id, known.po_id, 1, as_at=date(2026, 11, 30))
    session.commit()
    monkeypatch.setenv("PDU_MANAGER_TODAY", "2026-12-02")
    export_return(
        session, system_actor(session), known.pdu_id, WEEK_ENDING, xlsx=tmp_path / "2.xlsx"
    )
    first, second = _sheets(tmp_path / "1.xlsx"), _sheets(tmp_path / "2.xlsx")
    assert first.keys() == second.keys()
    for name in first:
        if name != "Cover":
            assert first[name] == second[name], name
    differing = [a[0] for a, b in zip(first["Cover"], second["Cover"], strict=True) if a != b]
    assert differing == ["Exported by", "Exported"]


def test_an_allocation_undone_as_a_mistake_counts_in_no_figure(  # type: ignore[no-untyped-def]
    session, known: Known, head: Actor
) -> None:
    from app.db.models import Person
    from app.services.allocation.undo import undo_allocation

    allocation_id = writes.allocate(
        session, head, known.unallocated_id, known.po_id, 1, as_at=date(2026, 11, 25)
    )
    session.commit()
    assert (
        preview_return(session, admin(session), known.pdu_id, WEEK_ENDING).figures["allocation"][
            "unallocated"
        ]
        == 0
    )
    version = session.get(Person, known.unallocated_id).version
    undo_allocation(session, head, allocation_id, version)
    session.commit()
    figures = preview_return(session, admin(session), known.pdu_id, WEEK_ENDING).figures
    assert figures["allocation"]["unallocated"] == 1
    assert figures["allocation"]["allocated_on_time"] == 0
    assert figures["workload"]["cases"] == 3
