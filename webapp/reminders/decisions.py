"""What the dispatcher does with one due reminder on one device, as plain functions.

Nothing here touches the database or the network: the dispatcher gathers the facts, asks
``decide``, and carries the answer out, so every rule can be tested on its own.

The rules, in order:

1. The action has left the plan, or the reminders are paused for that day: not needed.
2. The patient already logged the action for that local day: not needed. Reminders nag
   only when there is something to do.
3. More than the missed window (default 2 hours) late, or past the moment the reminder
   stopped being useful (the next one for the action is due, or the patient's day ended;
   see ``schedule.useful_for``): missed, not sent late at night or for the wrong day.
4. The patient's quiet hours have started since the due time was worked out (they changed
   them, or a retry or snooze landed in them): held back to the end of the quiet hours and
   judged from then, as ``schedule.classify_due`` asks, if that is still within the
   reminder's day; otherwise missed. Quiet hours are checked *after* the missed window so
   that a reminder from before them is not carried through the night.
5. Otherwise send, with a TTL of however long it stays useful.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from webapp.reminders import schedule as rules

# A push service holds a message at least this long for a phone that is briefly offline.
SHORTEST_TTL_SECONDS = 30


class Verdict(enum.StrEnum):
    SEND = "send"
    DEFER = "defer"
    MISSED = "missed"
    NOT_NEEDED = "not-needed"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str = ""
    until: datetime | None = None  # DEFER: the new due time
    ttl: int | None = None  # SEND: seconds the push service should keep it

    @classmethod
    def send(cls, ttl: int) -> Decision:
        return cls(Verdict.SEND, ttl=ttl)


def decide(*, schedule: rules.ReminderSchedule, due_at: datetime, local_date: date,
           now: datetime, missed_after: timedelta = rules.DEFAULT_MISSED_AFTER,
           already_logged: bool = False, action_retired: bool = False,
           following: rules.Occurrence | object | None = rules.NOT_GIVEN) -> Decision:
    """What to do now with a reminder due at ``due_at`` for the patient's ``local_date``.

    ``following`` is the schedule's next occurrence after ``due_at``, when the caller
    already knows it (see ``schedule.useful_for``).
    """
    if action_retired:
        return Decision(Verdict.NOT_NEEDED, "the action is no longer in the care plan")
    if schedule.paused_indefinitely or (
        schedule.resumes_on is not None and local_date < schedule.resumes_on
    ):
        return Decision(Verdict.NOT_NEEDED, "reminders are paused")
    if already_logged:
        return Decision(Verdict.NOT_NEEDED, "already logged for the day")
    status = rules.classify_due(due_at, now, missed_after)
    if status == "not-yet":
        return Decision(Verdict.DEFER, "not due yet", until=due_at)
    if status == "missed":
        return Decision(Verdict.MISSED, f"more than {_minutes(missed_after)} late")
    useful_until = due_at + rules.useful_for(schedule, due_at, following)
    if now >= useful_until:
        return Decision(Verdict.MISSED, "its day ended or the next reminder is due")
    if rules.is_quiet(schedule, now):
        held = rules.apply_quiet_hours(schedule, now)
        if held >= useful_until or _local_date(schedule, held) != local_date:
            return Decision(Verdict.MISSED, "quiet hours last past the reminder's day")
        return Decision(Verdict.DEFER, "quiet hours", until=held)
    seconds = int((useful_until - now).total_seconds())
    return Decision.send(ttl=max(SHORTEST_TTL_SECONDS, seconds))


def is_logged(statuses: Iterable[str], times: int, per: str) -> bool:
    """Whether the day's entries for an action mean its reminder is not needed.

    "Not today" (with or without a reason) means the patient has decided about the day. For
    an action planned several times a day (an inhaler morning and evening) the day is done
    once that many entries say done or partly, so the evening reminder still comes after
    the morning is logged. For a weekly action any entry that day is enough.
    """
    statuses = list(statuses)
    if "not_today" in statuses:
        return True
    progress = sum(1 for status in statuses if status in ("done", "partly"))
    needed = max(1, times) if per == "day" else 1
    return progress >= needed


def retry_or_give_up(attempts_so_far: int, max_attempts: int) -> bool:
    """True to retry again after a temporary failure, False when out of attempts."""
    return attempts_so_far + 1 < max_attempts


def _local_date(schedule: rules.ReminderSchedule, moment: datetime) -> date:
    return moment.astimezone(schedule.zone).date()


def _minutes(window: timedelta) -> str:
    minutes = int(window.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"
