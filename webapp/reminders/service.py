"""Reminder schedules for a patient's actions, and snoozing one reminder.

Plain functions the pages, the dispatcher and the tests share. The schedule maths is in
schedule.py; here a ``Reminder`` row becomes a ``ReminderSchedule`` and back, and the row's
next occurrence is kept up to date so the dispatcher finds due work with one index scan.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import (
    Action,
    DeliveryState,
    Patient,
    ProgressEntry,
    ProgressStatus,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderOccurrence,
    utcnow,
)
from webapp.reminders import schedule as rules
from webapp.reminders.delivery import topic_for
from webapp.tracking import service as tracking

# How long after its due time a notification's "Done" and "Snooze" still work without a
# session: a day covers a notification left on the lock screen overnight, and no longer is
# useful, so the reminder's id stops being a key to anything once the day is over.
NOTIFICATION_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class ScheduleChoice:
    """What the patient chose on the form, already checked."""

    days: frozenset[int]
    times: tuple[time, ...]
    time_zone: str
    quiet_start: time | None = None
    quiet_end: time | None = None
    paused: bool = False
    paused_until: date | None = None
    show_action_words: bool = False


def schedule_of(reminder: Reminder) -> rules.ReminderSchedule:
    return schedule_from(days=reminder.days, times=reminder.times, time_zone=reminder.time_zone,
                         quiet_start=reminder.quiet_start, quiet_end=reminder.quiet_end,
                         paused=reminder.paused, paused_until=reminder.paused_until)


def schedule_from(*, days, times, time_zone, quiet_start, quiet_end, paused,
                  paused_until) -> rules.ReminderSchedule:
    """A ``ReminderSchedule`` from a reminder's columns (``days`` and ``times`` as lists)."""
    quiet = (rules.QuietHours(quiet_start, quiet_end)
             if quiet_start is not None and quiet_end is not None else None)
    return rules.ReminderSchedule(
        days=frozenset(days), times=tuple(time.fromisoformat(t) for t in times),
        timezone=time_zone, quiet_hours=quiet, paused=paused, paused_until=paused_until)


@lru_cache(maxsize=1024)
def stored_schedule(days: str, times: str, time_zone: str, quiet_start: time | None,
                    quiet_end: time | None, paused: bool, paused_until: date | None
                    ) -> rules.ReminderSchedule:
    """``schedule_from`` for columns as stored, ``days`` and ``times`` as their JSON text.

    The dispatcher reads a schedule for every reminder in a batch, and most reminders share
    a few schedules; read as text, each distinct one is parsed and built once (a schedule
    is immutable, so one can be shared).
    """
    return schedule_from(days=json.loads(days), times=json.loads(times), time_zone=time_zone,
                         quiet_start=quiet_start, quiet_end=quiet_end, paused=paused,
                         paused_until=paused_until)


def choice_of(reminder: Reminder) -> ScheduleChoice:
    return ScheduleChoice(
        days=frozenset(reminder.days), times=tuple(time.fromisoformat(t) for t in reminder.times),
        time_zone=reminder.time_zone, quiet_start=reminder.quiet_start,
        quiet_end=reminder.quiet_end, paused=reminder.paused, paused_until=reminder.paused_until,
        show_action_words=reminder.show_action_words)


def reminders_by_action(patient: Patient) -> dict[int, Reminder]:
    found = db.session.scalars(select(Reminder).where(Reminder.patient_id == patient.id))
    return {reminder.action_id: reminder for reminder in found}


def reminder_for(action: Action) -> Reminder | None:
    return db.session.scalar(select(Reminder).where(Reminder.action_id == action.id))


def save_reminder(action: Action, choice: ScheduleChoice, now: datetime | None = None
                  ) -> Reminder:
    """Create or change the action's reminders; the next one is worked out from ``now``."""
    now = now or utcnow()
    reminder = reminder_for(action)
    if reminder is None:
        reminder = Reminder(patient_id=action.patient_id, action_id=action.id, created_at=now)
        db.session.add(reminder)
    reminder.days = sorted(int(day) for day in choice.days)
    reminder.times = [f"{wall:%H:%M}" for wall in sorted(set(choice.times))]
    reminder.time_zone = choice.time_zone
    reminder.quiet_start, reminder.quiet_end = choice.quiet_start, choice.quiet_end
    reminder.paused = choice.paused
    reminder.paused_until = choice.paused_until if choice.paused else None
    reminder.show_action_words = choice.show_action_words
    reminder.updated_at = now
    # An occurrence already recorded keeps going; one not yet recorded is recomputed, so
    # a change made a minute before a reminder is due applies to that reminder.
    schedule_next(reminder, after=now)
    db.session.flush()
    return reminder


def schedule_next(reminder: Reminder, after: datetime) -> None:
    """Point the reminder at its first occurrence due strictly after ``after``."""
    occurrence = rules.next_occurrence(schedule_of(reminder), after)
    if occurrence is None:
        reminder.next_due_at = reminder.next_local_date = reminder.next_local_time = None
    else:
        reminder.next_due_at = occurrence.due
        reminder.next_local_date = occurrence.local_date
        reminder.next_local_time = occurrence.local_time


def remove_reminder(reminder: Reminder) -> None:
    """Turn an action's reminders off; what was waiting to be sent goes with them."""
    occurrence_ids = select(ReminderOccurrence.id).where(
        ReminderOccurrence.reminder_id == reminder.id)
    db.session.execute(ReminderDelivery.__table__.delete().where(
        ReminderDelivery.occurrence_id.in_(occurrence_ids)))
    db.session.execute(ReminderOccurrence.__table__.delete().where(
        ReminderOccurrence.reminder_id == reminder.id, ReminderOccurrence.snoozed_from_id
        .is_not(None)))
    db.session.execute(ReminderOccurrence.__table__.delete().where(
        ReminderOccurrence.reminder_id == reminder.id))
    db.session.delete(reminder)


def describe(reminder: Reminder | ScheduleChoice | None) -> str:
    """The reminders in words: "Every day at 8:30am and 6pm", "Monday and Thursday at 9am"."""
    if reminder is None:
        return "Off"
    choice = choice_of(reminder) if isinstance(reminder, Reminder) else reminder
    days = sorted(choice.days)
    if len(days) == 7:
        when = "Every day"
    elif days == [0, 1, 2, 3, 4]:
        when = "Weekdays"
    elif days == [5, 6]:
        when = "Weekends"
    else:
        when = _and([rules.Day(day).label for day in days])
    text = f"{when} at {_and([clock_words(t) for t in sorted(choice.times)])}"
    if choice.paused:
        text += (f" (paused until {choice.paused_until.day} {choice.paused_until:%B}"
                 if choice.paused_until else " (paused")
        text += ")"
    return text


def clock_words(wall: time) -> str:
    """'8:30am', '6pm', '12 noon', '12 midnight' (the NHS.UK style for times)."""
    if wall == time(12, 0):
        return "12 noon"
    if wall == time(0, 0):
        return "12 midnight"
    hour = wall.hour % 12 or 12
    suffix = "am" if wall.hour < 12 else "pm"
    return f"{hour}:{wall.minute:02d}{suffix}" if wall.minute else f"{hour}{suffix}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --- From a notification: Done and Snooze ---------------------------------------------------


class NotificationRefused(ValueError):
    pass


def occurrence_by_public_id(public_id: uuid.UUID) -> ReminderOccurrence | None:
    return db.session.scalar(
        select(ReminderOccurrence).where(ReminderOccurrence.public_id == public_id))


def done(occurrence: ReminderOccurrence, now: datetime | None = None
         ) -> tuple[ProgressEntry, bool]:
    """Log the reminder's action as done on the reminder's day. Returns (entry, created).

    The entry's id is the occurrence's ``entry_id``, the one its notification carries on
    every device. So Done pressed on two devices, or sent again from a device's offline
    queue after this, logs the day once, and the dispatcher holds back the rest of the
    day's reminders for it as soon as it is stored.
    """
    now = now or utcnow()
    if now - occurrence.due_at > NOTIFICATION_WINDOW:
        raise NotificationRefused("this reminder is too old to mark as done from here; "
                                  "log it on your care plan")
    patient = db.session.get(Patient, occurrence.patient_id)
    try:
        return tracking.record_entry(patient, tracking.EntryData(
            id=occurrence.entry_id, action_id=occurrence.action_id,
            local_date=occurrence.local_date, status=ProgressStatus.DONE),
            source="notification", now=now)
    except tracking.EntryRefused as problem:
        raise NotificationRefused(str(problem)) from problem


def snooze(occurrence: ReminderOccurrence, now: datetime | None = None
           ) -> tuple[ReminderOccurrence, bool]:
    """Bring a reminder back an hour from now (later if that is in quiet hours).

    Returns the snoozed occurrence and True if it was made now. Snoozing the same
    notification twice (a double tap, or a replay from the device's queue) gives the same
    one: each occurrence can be snoozed once, which the unique ``snoozed_from_id`` enforces
    even when two requests race.
    """
    now = now or utcnow()
    existing = db.session.scalar(select(ReminderOccurrence).where(
        ReminderOccurrence.snoozed_from_id == occurrence.id))
    if existing is not None:
        return existing, False
    if now - occurrence.due_at > NOTIFICATION_WINDOW:
        raise NotificationRefused("this reminder is too old to snooze")
    reminder = occurrence.reminder
    due = rules.snooze_until(schedule_of(reminder), now)
    base, _, generation = occurrence.key.partition("+")
    snoozed = ReminderOccurrence(
        public_id=uuid.uuid4(), reminder_id=reminder.id, patient_id=occurrence.patient_id,
        action_id=occurrence.action_id, key=f"{base}+{int(generation or 0) + 1}",
        local_date=occurrence.local_date, local_time=occurrence.local_time, due_at=due,
        topic=occurrence.topic, entry_id=occurrence.entry_id, snoozed_from_id=occurrence.id,
        created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(snoozed)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(select(ReminderOccurrence).where(
            ReminderOccurrence.snoozed_from_id == occurrence.id))
        if existing is None:
            raise
        return existing, False
    devices = db.session.scalars(select(PushSubscription.id).where(
        PushSubscription.patient_id == occurrence.patient_id)).all()
    db.session.add_all(ReminderDelivery(
        occurrence_id=snoozed.id, subscription_id=device_id, patient_id=snoozed.patient_id,
        state=DeliveryState.PENDING, due_at=due, next_attempt_at=due, updated_at=now)
        for device_id in devices)
    # Devices the original has not reached yet would only show it an hour early.
    db.session.execute(update(ReminderDelivery).where(
        ReminderDelivery.occurrence_id == occurrence.id,
        ReminderDelivery.state.in_([DeliveryState.PENDING, DeliveryState.RETRY]),
    ).values(state=DeliveryState.NOT_NEEDED, reason="snoozed", lease_owner=None,
             lease_expires_at=None, updated_at=now))
    db.session.flush()
    return snoozed, True


def new_occurrence_identity() -> dict:
    """The opaque parts of a new (not snoozed) occurrence."""
    public_id = uuid.uuid4()
    return {"public_id": public_id, "topic": topic_for(public_id), "entry_id": uuid.uuid4()}
