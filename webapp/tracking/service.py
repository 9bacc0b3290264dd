"""Logging progress, idempotently, and reading it back as summaries.

Every entry carries an id made where it was made (the device, or the page that showed the
button), so the same entry arriving twice (a double tap, a replay from the offline queue,
a retry after a lost response) is stored once and answered the same way each time.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.careplans.service import current_plan, frequency_of
from webapp.extensions import db
from webapp.models import (
    Action,
    CarePlan,
    Patient,
    ProgressEntry,
    ProgressStatus,
    SkipReason,
    utcnow,
)
from webapp.tracking import adherence

# How far from the patient's "today" a device's date may be: a phone in another zone can
# be a day ahead, and offline entries may arrive weeks later.
LATEST_DAYS_AHEAD = 1


class EntryRefused(ValueError):
    """The entry can't be stored; `field` names the part that was wrong."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class EntryData:
    """An entry as sent: already type-checked, not yet checked against the plan."""

    id: uuid.UUID
    action_id: int
    local_date: date
    status: ProgressStatus
    amount: Decimal | None = None
    note: str = ""
    reason: SkipReason | None = None

    def body_hash(self) -> str:
        body = {"action_id": self.action_id, "local_date": self.local_date.isoformat(),
                "status": self.status.value,
                "amount": None if self.amount is None else f"{self.amount.normalize():f}",
                "note": self.note, "reason": self.reason.value if self.reason else None}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def patient_today(patient: Patient, now: datetime | None = None) -> date:
    return adherence.local_date_of(now or utcnow(), patient.time_zone)


def actions_of(plan: CarePlan) -> list[Action]:
    return [action for goal in plan.goals for action in goal.actions]


def active_actions(patient: Patient) -> list[Action]:
    plan = current_plan(patient.id)
    return actions_of(plan) if plan else []


def previous_plan(patient_id: int, *, before: CarePlan | None) -> CarePlan | None:
    """The plan the patient was following before `before` (or before any new plan)."""
    stmt = select(CarePlan).where(CarePlan.patient_id == patient_id, CarePlan.version > 0)
    if before is not None:
        stmt = stmt.where(CarePlan.id != before.id, CarePlan.created_at <= before.created_at)
    return db.session.scalar(stmt.order_by(CarePlan.created_at.desc(), CarePlan.id.desc())
                             .limit(1))


def record_entry(patient: Patient, data: EntryData, *, source: str = "web",
                 now: datetime | None = None) -> tuple[ProgressEntry, bool]:
    """Store an entry once. Returns (entry, created); a replay returns the stored entry."""
    existing = _entry_by_client_id(data.id)
    if existing is not None:
        return _replayed(existing, patient, data), False
    action = _patients_action(patient, data.action_id)
    _check(patient, action, data, now)
    entry = ProgressEntry(
        client_id=data.id, body_hash=data.body_hash(), patient_id=patient.id,
        action_id=action.id, local_date=data.local_date, status=data.status,
        amount=data.amount, note=data.note, reason=_reason_for(data), source=source,
        created_at=now or utcnow(), updated_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        # The same id arrived twice at once: the other request stored it.
        existing = _entry_by_client_id(data.id)
        if existing is None:
            raise
        return _replayed(existing, patient, data), False
    return entry, True


def _entry_by_client_id(client_id: uuid.UUID) -> ProgressEntry | None:
    return db.session.scalar(select(ProgressEntry).where(ProgressEntry.client_id == client_id))


def _replayed(existing: ProgressEntry, patient: Patient, data: EntryData) -> ProgressEntry:
    if existing.patient_id != patient.id or existing.body_hash != data.body_hash():
        raise EntryRefused("This entry id has already been used for a different entry. "
                           "Make a new id for a new entry", "id")
    return existing


def _patients_action(patient: Patient, action_id: int) -> Action:
    action = db.session.scalar(select(Action).where(Action.id == action_id,
                                                    Action.patient_id == patient.id))
    if action is None:
        raise EntryRefused("This action is not in your care plan", "action_id", status=404)
    return action


def _check(patient: Patient, action: Action, data: EntryData, now: datetime | None) -> None:
    today = patient_today(patient, now)
    plan = db.session.get(CarePlan, action.care_plan_id)
    if data.local_date > today + timedelta(days=LATEST_DAYS_AHEAD):
        raise EntryRefused("The date can't be in the future", "local_date")
    earliest = plan.agreed_on or plan.created_at.date()
    if data.local_date < earliest - timedelta(days=LATEST_DAYS_AHEAD):
        raise EntryRefused("The date is before this care plan started", "local_date")
    if action.retired_at is not None and data.local_date > action.retired_at.date():
        raise EntryRefused("This action is no longer in your care plan", "action_id")
    if data.reason is not None and data.status is not ProgressStatus.NOT_TODAY:
        raise EntryRefused("A reason can only be given for “not today”", "reason")


def _reason_for(data: EntryData) -> SkipReason | None:
    return data.reason if data.status is ProgressStatus.NOT_TODAY else None


def entry_for_patient(patient: Patient, client_id: uuid.UUID) -> ProgressEntry | None:
    return db.session.scalar(select(ProgressEntry).where(
        ProgressEntry.client_id == client_id, ProgressEntry.patient_id == patient.id,
        ProgressEntry.deleted_at.is_(None)))


def change_entry(entry: ProgressEntry, *, status: ProgressStatus, amount: Decimal | None,
                 note: str, reason: SkipReason | None) -> None:
    if reason is not None and status is not ProgressStatus.NOT_TODAY:
        raise EntryRefused("A reason can only be given for “not today”", "reason")
    entry.status, entry.amount, entry.note = status, amount, note
    entry.reason = reason if status is ProgressStatus.NOT_TODAY else None
    entry.updated_at = utcnow()


def delete_entry(entry: ProgressEntry) -> None:
    # The row stays (marked deleted) so a late replay of its id is not stored again.
    entry.deleted_at = utcnow()


# Reading back ----------------------------------------------------------------------------


def entries_for(action_ids: list[int], *, since: date | None = None,
                until: date | None = None) -> list[ProgressEntry]:
    if not action_ids:
        return []
    stmt = select(ProgressEntry).where(ProgressEntry.action_id.in_(action_ids),
                                       ProgressEntry.deleted_at.is_(None))
    if since is not None:
        stmt = stmt.where(ProgressEntry.local_date >= since)
    if until is not None:
        stmt = stmt.where(ProgressEntry.local_date <= until)
    return list(db.session.scalars(stmt.order_by(ProgressEntry.local_date.desc(),
                                                 ProgressEntry.created_at.desc())))


def as_adherence_entry(entry: ProgressEntry) -> adherence.Entry:
    return adherence.Entry(local_date=entry.local_date, status=entry.status,
                           amount=float(entry.amount) if entry.amount is not None else None,
                           note=entry.note, reason=entry.reason)


@dataclass(frozen=True)
class ActionProgress:
    """One action with its progress, for the patient's pages and the clinician's view."""

    action: Action
    week: adherence.WeekSummary
    since_plan: adherence.PlanSummary
    today: list[ProgressEntry]
    recent: list[ProgressEntry]
    history: list[adherence.DayRecord]


def progress_for(actions: list[Action], today: date, *, plan_start: date,
                 history_days: int = 28) -> list[ActionProgress]:
    """Progress for several actions with one query for all their entries."""
    entries = entries_for([a.id for a in actions], since=plan_start)
    by_action: dict[int, list[ProgressEntry]] = {a.id: [] for a in actions}
    for entry in entries:
        by_action[entry.action_id].append(entry)
    result = []
    for action in actions:
        rows = by_action[action.id]
        plain = [as_adherence_entry(e) for e in rows]
        frequency = frequency_of(action)
        start = max(plan_start, today - timedelta(days=history_days - 1))
        result.append(ActionProgress(
            action=action,
            week=adherence.week_summary(frequency, plain, today, plan_start=plan_start),
            since_plan=adherence.since_plan_summary(frequency, plain, plan_start, today),
            today=[e for e in rows if e.local_date == today],
            recent=rows[:10],
            history=adherence.day_history(frequency, plain, start, today),
        ))
    return result


def plan_start(plan: CarePlan) -> date:
    return plan.agreed_on or plan.created_at.date()


def plan_progress(plan: CarePlan, patient: Patient) -> list[ActionProgress]:
    """How each action of the plan has gone since it started, up to the patient's today."""
    return progress_for(actions_of(plan), patient_today(patient), plan_start=plan_start(plan))
