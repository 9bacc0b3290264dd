"""Reminder test data in one line per object: make_action(), make_device(), make_reminder().

make_action builds the smallest care plan that holds an action (a plan, a goal, the action);
the care plan capability's own factories can replace it.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from webapp.extensions import db
from webapp.models import (
    Action,
    CarePlan,
    Goal,
    Patient,
    Per,
    ProgressEntry,
    ProgressStatus,
    PushSubscription,
    Reminder,
    utcnow,
)
from webapp.reminders import service

_sequence = itertools.count(1)
# A real P-256 public key (uncompressed point), for devices that are never sent to.
EXAMPLE_P256DH = ("BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1Xbjha"
                  "zAkj7I99e8QcYP7DkM")


def make_action(patient: Patient, what: str = "Walk for 20 minutes", *, times: int = 1,
                per: Per = Per.DAY, plan: CarePlan | None = None) -> Action:
    if plan is None:
        # version=1: a saved plan, as the care plan editor leaves it.
        plan = CarePlan(practice_id=patient.practice_id, patient_id=patient.id,
                        agreed_on=date(2026, 1, 5), version=1)
        db.session.add(plan)
        db.session.flush()
    goal = Goal(care_plan_id=plan.id, patient_id=patient.id, text="Get fitter")
    db.session.add(goal)
    db.session.flush()
    action = Action(goal_id=goal.id, care_plan_id=plan.id, patient_id=patient.id, what=what,
                    times=times, per=per)
    db.session.add(action)
    db.session.flush()
    return action


def make_device(patient: Patient, subscription: dict | None = None, *,
                name: str | None = None) -> PushSubscription:
    """A device; pass a local push service's subscription to really deliver to it."""
    n = next(_sequence)
    subscription = subscription or {
        "endpoint": f"https://fcm.googleapis.com/fcm/send/device-{n}",
        "keys": {"p256dh": EXAMPLE_P256DH, "auth": "tBHItJI5svbpez7KI4CCXg"},
    }
    device = PushSubscription(user_id=patient.user.id, patient_id=patient.id,
                              endpoint=subscription["endpoint"],
                              p256dh=subscription["keys"]["p256dh"],
                              auth=subscription["keys"]["auth"], name=name or f"Phone {n}",
                              user_agent="test")
    db.session.add(device)
    db.session.flush()
    return device


def make_reminder(action: Action, *times: str, days=range(7), zone: str = "Europe/London",
                  quiet: tuple[str, str] | None = None, show_action_words: bool = False,
                  after: datetime | None = None, paused: bool = False,
                  paused_until: date | None = None) -> Reminder:
    """A reminder whose next occurrence is the first after ``after`` (default: now)."""
    choice = service.ScheduleChoice(
        days=frozenset(days), times=tuple(time.fromisoformat(t) for t in times or ("08:30",)),
        time_zone=zone, quiet_start=time.fromisoformat(quiet[0]) if quiet else None,
        quiet_end=time.fromisoformat(quiet[1]) if quiet else None, paused=paused,
        paused_until=paused_until, show_action_words=show_action_words)
    return service.save_reminder(action, choice, now=after or utcnow())


def due_reminder(action: Action, now: datetime, *, minutes_ago: int = 1, **options) -> Reminder:
    """A daily reminder whose next occurrence fell due ``minutes_ago`` before ``now``."""
    zone = options.pop("zone", "Europe/London")
    from zoneinfo import ZoneInfo

    local = (now - timedelta(minutes=minutes_ago)).astimezone(ZoneInfo(zone))
    wall = local.replace(second=0, microsecond=0)
    return make_reminder(action, f"{wall:%H:%M}", zone=zone,
                         after=wall - timedelta(seconds=1), **options)


def log_progress(action: Action, local_date: date, status: str = "done") -> ProgressEntry:
    import hashlib
    import uuid

    entry = ProgressEntry(client_id=uuid.uuid4(), body_hash=hashlib.sha256(b"x").hexdigest(),
                          patient_id=action.patient_id, action_id=action.id,
                          local_date=local_date, status=ProgressStatus(status), source="web")
    db.session.add(entry)
    db.session.flush()
    return entry


def make_occurrence(patient: Patient, now: datetime | None = None):
    """A recorded occurrence of a reminder for one of the patient's actions."""
    from webapp.models import ReminderOccurrence

    now = now or utcnow()
    action = make_action(patient)
    reminder = make_reminder(action, "08:30", after=now - timedelta(days=1))
    occurrence = ReminderOccurrence(
        reminder_id=reminder.id, patient_id=patient.id, action_id=action.id,
        key=f"2026-01-05T08:30+{next(_sequence)}",
        local_date=reminder.next_local_date, local_time=reminder.next_local_time,
        due_at=reminder.next_due_at, **service.new_occurrence_identity())
    db.session.add(occurrence)
    db.session.flush()
    return occurrence
