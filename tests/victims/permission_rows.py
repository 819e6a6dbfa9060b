"""The role matrix's rows for victim liaison (tests/services/test_permissions.py)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.db.models import Person
from app.db.victim_models import VcsCase, Victim, VictimTask
from app.domain.codes import Role
from app.domain.victims import KeyStage, Relationship
from app.domain.victims_task_types import TaskOutcome, TaskType
from app.services.core.actor import Actor
from app.services.core.keyring import Keyring
from app.services.core.permissions import EVERY_ROLE
from app.services.victims import cases, keys, letters, retention, staffing, tasks, view
from app.services.victims.cases import CaseDates, VictimForm
from app.services.victims.letters import LetterKind
from app.services.victims.planning import replan
from tests.conftest import TODAY
from tests.factories import PASSWORD

HEAD, ADMIN, VLO, SYSTEM = Role.HEAD_OF_PDU, Role.ADMIN, Role.VLO, Role.SYSTEM
HELPERS = {
    "app.services.victims.keys.with_keyring",
    "app.services.victims.keys.share_pending",
    "app.services.victims.keys.entitlement_changed",
    "app.services.victims.keys.rekey",
    "app.services.victims.keys.create_first_key",
    "app.services.victims.fields.sealer",
    "app.services.victims.fields.sealer_or_none",
    "app.services.victims.cases.get_case",
    "app.services.victims.cases.write_victim",
}
"""Helpers the guarded victims services call (they check the actor's role themselves)."""


def keyed(w: Any, a: Actor) -> Actor:
    """The actor with an open keyring when entitled (the data key made on first need)."""
    s = w.session
    if a.user_id is None or not keys.is_entitled(a):
        return a
    for actor in w.actors.values():
        if keys.is_entitled(actor) and actor.user_id is not None:
            keys.ensure_user_key(s, actor.user_id, PASSWORD)
    if keys.current_key(s) is None:
        keys.create_first_key(s, replace(w.actors[HEAD], keyring=Keyring()))
    return keys.with_keyring(s, replace(a, keyring=None), PASSWORD)


def vcs(w: Any, out: bool) -> VcsCase:
    """A VCS case of the place's PDU, with a victim and open tasks (made when first needed)."""
    p = w.place(out)
    ref = f"VCS-{p.number}"
    case = w.session.scalar(select(VcsCase).where(VcsCase.vcs_case_ref == ref))
    if case is None:
        vlo = w.actors[VLO].user_id if not out else None
        case = VcsCase(
            vcs_case_ref=ref,
            person_id=p.held.id,
            pdu_id=p.pdu_id,
            eligibility="statutory",
            referral_date=TODAY - timedelta(days=10),
            vlo_user_id=vlo,
            listed_offence=False,
            created_at=TODAY,
            version=1,
        )
        w.session.add(case)
        w.session.flush()
        starter = keyed(w, w.actors[HEAD])
        victim = Victim(vcs_case_id=case.id, relationship="VICTIM", version=1)
        w.session.add(victim)
        w.session.flush()
        cases.write_victim(
            w.session, starter, victim, VictimForm("Ada Testvictim", Relationship.VICTIM)
        )
        replan(w.session, case)
    return case


def _victim(w: Any, out: bool) -> Victim:
    case = vcs(w, out)
    found = w.session.scalar(select(Victim).where(Victim.vcs_case_id == case.id))
    assert found is not None
    return found


def _task(w: Any, out: bool) -> VictimTask:
    case = vcs(w, out)
    found = w.session.scalar(
        select(VictimTask).where(
            VictimTask.vcs_case_id == case.id,
            VictimTask.task_type == TaskType.FIRST_OFFER.value,
            VictimTask.status == "OPEN",
        )
    )
    assert found is not None
    return found


def vcs_file(w: Any, out: bool) -> Any:
    p = w.place(out)
    path = w.tmp / f"vcs-{p.number}.csv"
    crn = w.session.scalar(select(Person.crn).where(Person.id == p.waiting.id))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["crn", "vcs_case_ref", "eligibility", "referral_date"])
        writer.writerow(
            [crn, f"VCSNEW{p.number}", "statutory", (TODAY - timedelta(days=3)).isoformat()]
        )
    return path


def _dates(case: VcsCase) -> CaseDates:
    return CaseDates(
        case.vlo_user_id, TODAY + timedelta(weeks=20), None, None, None, None, "C", None, False
    )


def rows(row: Any) -> dict[str, Any]:
    """The rows, made with the matrix's own ``row`` decorator."""
    both = (VLO, HEAD)
    return {
        "app.services.victims.cases.update_case": row(*both)(
            lambda w, a, out: cases.update_case(
                w.session, keyed(w, a), vcs(w, out).id, vcs(w, out).version, _dates(vcs(w, out))
            )
        ),
        "app.services.victims.cases.close_case": row(*both)(
            lambda w, a, out: cases.close_case(
                w.session, a, vcs(w, out).id, vcs(w, out).version, TODAY
            )
        ),
        "app.services.victims.cases.record_key_stage": row(*both)(
            lambda w, a, out: cases.record_key_stage(
                w.session, a, vcs(w, out).id, vcs(w, out).version, KeyStage.RECALL, TODAY
            )
        ),
        "app.services.victims.cases.add_victim": row(*both)(
            lambda w, a, out: cases.add_victim(
                w.session,
                keyed(w, a),
                vcs(w, out).id,
                vcs(w, out).version,
                VictimForm("Bea Testvictim", Relationship.VICTIM),
            )
        ),
        "app.services.victims.cases.update_victim": row(*both)(
            lambda w, a, out: cases.update_victim(
                w.session,
                keyed(w, a),
                _victim(w, out).id,
                _victim(w, out).version,
                VictimForm("Ada Testvictim", Relationship.PARENT_OR_CARER),
            )
        ),
        "app.services.victims.cases.set_opt": row(*both)(
            lambda w, a, out: cases.set_opt(
                w.session, a, _victim(w, out).id, _victim(w, out).version, True, TODAY
            )
        ),
        "app.services.victims.tasks.task_queue": row(*both)(
            lambda w, a, out: tasks.task_queue(w.session, keyed(w, a), vcs(w, out).pdu_id)
        ),
        "app.services.victims.tasks.vlo_choices": row(*both)(
            lambda w, a, out: tasks.vlo_choices(w.session, a, vcs(w, out).pdu_id)
        ),
        "app.services.victims.tasks.complete_task": row(*both)(
            lambda w, a, out: tasks.complete_task(
                w.session, a, _task(w, out).id, TaskOutcome.LETTER_SENT
            )
        ),
        "app.services.victims.tasks.add_task": row(*both)(
            lambda w, a, out: tasks.add_task(
                w.session, a, vcs(w, out).id, TaskType.KEY_STAGE_NOTIFICATION, TODAY
            )
        ),
        "app.services.victims.view.case_view": row(*both)(
            lambda w, a, out: view.case_view(w.session, keyed(w, a), vcs(w, out).id)
        ),
        "app.services.victims.staffing.reassign_cases": row(*both, scoped=False)(
            lambda w, a, out: (
                staffing.reassign_cases(w.session, a, w.actors[VLO].user_id, w.actors[HEAD].user_id)
                if False
                else _reassign(w, a)
            )
        ),
        "app.services.victims.letters.draft_letter": row(VLO)(
            lambda w, a, out: letters.draft_letter(
                w.session, keyed(w, a), _victim(w, out).id, LetterKind.FIRST_OFFER
            )
        ),
        "app.services.victims.letters.make_letter": row(VLO)(
            lambda w, a, out: letters.make_letter(
                w.session, keyed(w, a), _victim(w, out).id, LetterKind.ANNUAL, "Dear reader"
            )
        ),
        "app.services.victims.keys.access": row(*both, scoped=False)(
            lambda w, a, out: keys.access(w.session, a)
        ),
        "app.services.victims.keys.open_keyring": row(*both, scoped=False)(
            lambda w, a, out: keys.open_keyring(w.session, keyed(w, a), PASSWORD)
        ),
        "app.services.victims.keys.recover": row(HEAD, scoped=False)(
            lambda w, a, out: _recover(w, a)
        ),
        "app.services.victims.retention.erase_due_details": row(*EVERY_ROLE, scoped=False)(
            lambda w, a, out: retention.erase_due_details(w.session, a, TODAY)
        ),
    }


def _reassign(w: Any, a: Actor) -> int:
    from app.services.core.errors import UserError

    vcs(w, False)
    try:
        return staffing.reassign_cases(w.session, a, w.actors[VLO].user_id, w.actors[VLO].user_id)
    except UserError as error:
        if type(error) is not UserError:
            raise
        return 0  # the guard let them in; "choose another VLO" is the service's own answer


def _recover(w: Any, a: Actor) -> object:
    from app.services.core.errors import UserError

    vcs(w, False)
    try:
        return keys.recover(w.session, replace(a, keyring=Keyring()), "00" * 32)
    except UserError as error:
        if type(error) is not UserError:
            raise
        return None  # let in: the wrong recovery key is refused by the service itself
