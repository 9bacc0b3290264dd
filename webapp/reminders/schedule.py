"""When a care-plan action's reminders fall due.

A schedule is written the way the patient thinks of it: days of the week and times on the
clock, in their own time zone, with optional quiet hours and a pause. Every instant that
leaves this module is an aware UTC datetime, because that is what the database stores and
what the dispatcher compares against. Nothing here knows about Flask or the database, so
the forms, the dispatcher, the worker and the tests share one set of rules.

The clocks changing never skips or doubles a reminder:

* a time that does not exist that day (the spring-forward gap) fires at the first moment
  after the gap, so 01:30 on the last Sunday of March in London fires at 02:00 BST;
* a time that happens twice (the autumn fold) fires once, at its first occurrence.

Occurrences that land on the same instant (01:30 and 02:00 on the spring-forward day, or
two reminders held back to the end of the same quiet hours) are one reminder, named by
the earlier-scheduled of them.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from functools import cache, lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

DEFAULT_TIME_ZONE = "Europe/London"
DEFAULT_MISSED_AFTER = timedelta(hours=2)
SHORTEST_USEFUL = timedelta(minutes=15)
LONGEST_USEFUL = timedelta(hours=12)

DueStatus = Literal["send", "missed", "not-yet"]

# Form messages, written for patients (GOV.UK / NHS.UK error message style).
CHOOSE_A_DAY = "Choose at least one day"
ENTER_A_TIME = "Enter a time, like 8:30am"
ENTER_A_REAL_TIME = "Enter a real time, like 8:30am or 18:00"
SAY_AM_OR_PM = "Enter a time with am or pm, like 6am or 6pm"
CHOOSE_A_TIME_ZONE = "Choose a time zone from the list"
QUIET_HOURS_SAME = "Quiet hours start and end can't be the same time"
QUIET_HOURS_INCOMPLETE = "Enter both a start and an end time for quiet hours"

_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)


class Day(IntEnum):
    """A day of the week, numbered as ``date.weekday()`` numbers it (Monday is 0)."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6

    @property
    def label(self) -> str:
        return self.name.title()


EVERY_DAY = frozenset(Day)


@dataclass(frozen=True)
class QuietHours:
    """Local clock times between which no reminder is delivered.

    ``start`` is inside the quiet hours and ``end`` is not, so 22:00-07:00 holds back a
    22:00 reminder and lets a 07:00 one through. When ``start`` is later than ``end`` the
    quiet hours run past midnight.

    A reminder that falls inside quiet hours is deferred to their end rather than dropped.
    The patient asked for it because the action matters to them (an evening inhaler, a
    blood pressure reading), so a dropped reminder is a missed action, and the app would
    be silently overriding the plan they agreed with their clinician. Deferring delivers
    it when they are awake, and it keeps its scheduled occurrence key, so it is still sent
    only once however often the due time is recomputed.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _wall_time(self.start))
        object.__setattr__(self, "end", _wall_time(self.end))
        if self.start == self.end:
            raise ValueError(QUIET_HOURS_SAME)

    @property
    def wraps_midnight(self) -> bool:
        return self.start > self.end

    def contains(self, wall: time) -> bool:
        """True if the local clock time ``wall`` is inside the quiet hours."""
        if self.wraps_midnight:
            return wall >= self.start or wall < self.end
        return self.start <= wall < self.end


@dataclass(frozen=True)
class ReminderSchedule:
    """When one care-plan action's reminders are due, in the patient's terms.

    ``days`` and ``times`` accept any iterables and are normalised: days to a frozenset of
    ``Day``, times to a sorted tuple without repeats. Times are whole minutes on the local
    clock, without a time zone. ``paused`` with no ``paused_until`` stops reminders until
    the patient resumes them; with ``paused_until`` there are no occurrences on local
    dates before that one. A ``paused_until`` left behind on a schedule that is no longer
    paused is ignored, so resuming early only has to clear the flag.

    Raises ``ValueError`` for a schedule the form should not have let through.
    """

    days: frozenset[Day]
    times: tuple[time, ...]
    timezone: str = DEFAULT_TIME_ZONE
    quiet_hours: QuietHours | None = None
    paused: bool = False
    paused_until: date | None = None

    def __post_init__(self) -> None:
        days = frozenset(Day(day) for day in self.days)
        if not days:
            raise ValueError("a reminder schedule needs at least one day")
        times = tuple(sorted({_wall_time(wall) for wall in self.times}))
        if not times:
            raise ValueError("a reminder schedule needs at least one time")
        _zone(self.timezone)
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "times", times)

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    @property
    def paused_indefinitely(self) -> bool:
        return self.paused and self.paused_until is None

    @property
    def resumes_on(self) -> date | None:
        """The first local date with reminders when paused until a date, otherwise None."""
        return self.paused_until if self.paused else None


@dataclass(frozen=True, order=True)
class Occurrence:
    """One reminder: when it is due (UTC, after quiet hours) and what it was scheduled as.

    ``local_date`` and ``local_time`` are the date and clock time the patient chose, not
    where quiet hours or a clock change moved it; they make the occurrence's identity.
    """

    due: datetime
    local_date: date
    local_time: time

    @property
    def key(self) -> str:
        return occurrence_key(self.local_date, self.local_time)


def occurrence_key(local_date: date, local_time: time) -> str:
    """A stable name for an occurrence, like ``2025-03-30T01:30``.

    Built only from what the patient scheduled, so it is the same however and whenever
    ``next_due`` is recomputed; the dispatcher records "sent" against it per device.
    """
    return f"{local_date.isoformat()}T{local_time.isoformat('minutes')}"


def next_occurrence(schedule: ReminderSchedule, after: datetime) -> Occurrence | None:
    """The first occurrence due strictly after ``after``, or None if paused indefinitely."""
    return _next_occurrence(schedule, _as_utc(after, "after"))


# Most reminders share a few schedules (a round hour in one zone), so a dispatcher batch asks
# this of the same schedule and instant hundreds of times. The key is the instant in UTC: in
# a local zone the two readings of a time in the autumn fold compare, and hash, as equal.
@lru_cache(maxsize=4096)
def _next_occurrence(schedule: ReminderSchedule, after: datetime) -> Occurrence | None:
    if schedule.paused_indefinitely:
        return None
    # Quiet hours hold an occurrence back by less than a day, so starting two local days
    # before `after` (one to spare for clock changes) cannot miss one still to come.
    start = after.astimezone(schedule.zone).date() - 2 * _ONE_DAY
    for occurrence in _occurrences_from(schedule, start):
        if occurrence.due > after:
            return occurrence
    raise AssertionError("unreachable: a schedule that is not paused always recurs")


def next_due(schedule: ReminderSchedule, after: datetime) -> datetime | None:
    """When the next reminder is due (aware UTC), strictly after ``after``.

    None if the schedule is paused indefinitely. Quiet hours are already applied.
    """
    occurrence = next_occurrence(schedule, after)
    return occurrence.due if occurrence else None


def occurrences_between(
    schedule: ReminderSchedule, start_utc: datetime, end_utc: datetime
) -> list[Occurrence]:
    """Occurrences due after ``start_utc`` and up to and including ``end_utc``, in order.

    The window is open at the start and closed at the end, like ``next_due``'s "strictly
    after", so back-to-back windows never count an occurrence twice or lose one.
    """
    start = _as_utc(start_utc, "start_utc")
    end = _as_utc(end_utc, "end_utc")
    found: list[Occurrence] = []
    if schedule.paused_indefinitely or end <= start:
        return found
    first_day = start.astimezone(schedule.zone).date() - 2 * _ONE_DAY
    for occurrence in _occurrences_from(schedule, first_day):
        if occurrence.due > end:
            break
        if occurrence.due > start:
            found.append(occurrence)
    return found


def is_quiet(schedule: ReminderSchedule, at_utc: datetime) -> bool:
    """True if ``at_utc`` falls inside the schedule's quiet hours on the patient's clock."""
    quiet = schedule.quiet_hours
    at = _as_utc(at_utc, "at_utc")
    return quiet is not None and quiet.contains(at.astimezone(schedule.zone).time())


def apply_quiet_hours(schedule: ReminderSchedule, at_utc: datetime) -> datetime:
    """``at_utc``, or the end of the quiet hours it falls in (see ``QuietHours``)."""
    return _defer(schedule, schedule.zone, _as_utc(at_utc, "at_utc"))


def snooze_until(schedule: ReminderSchedule, now_utc: datetime, minutes: int = 60) -> datetime:
    """When a reminder snoozed at ``now_utc`` comes back.

    ``minutes`` of real time later (a snooze across a clock change is still an hour
    long), then deferred out of quiet hours like any other reminder.
    """
    if minutes <= 0:
        raise ValueError("a snooze must last at least a minute")
    now = _as_utc(now_utc, "now_utc")
    return apply_quiet_hours(schedule, now + timedelta(minutes=minutes))


def classify_due(
    due_utc: datetime, now_utc: datetime, missed_after: timedelta = DEFAULT_MISSED_AFTER
) -> DueStatus:
    """Whether a reminder due at ``due_utc`` should go out at ``now_utc``.

    "not-yet" before it is due; "send" from the moment it is due until ``missed_after``
    has passed, inclusive (exactly two hours late is still sent); "missed" after that, so
    a dispatcher catching up after downtime does not send this morning's reminder late at
    night. Pass the due time after quiet hours (what ``next_due`` returns), so a reminder
    deferred overnight is judged from the morning, not from when it was scheduled.
    """
    due = _as_utc(due_utc, "due_utc")
    now = _as_utc(now_utc, "now_utc")
    if due > now:
        return "not-yet"
    if now - due <= missed_after:
        return "send"
    return "missed"


NOT_GIVEN = object()


def useful_for(schedule: ReminderSchedule, due_utc: datetime,
               following: Occurrence | object | None = NOT_GIVEN) -> timedelta:
    """How long a push message for the reminder due at ``due_utc`` stays worth delivering.

    Used as the Web Push TTL (RFC 8030 section 5.2): the push service holds the message
    while the phone is off or out of signal and drops it once the TTL runs out. A reminder
    stops being useful when the next one for the same action is due (it would only be a
    duplicate) or when the patient's day ends (yesterday's "take your evening tablets"
    arriving next morning is confusing and could prompt a double dose), whichever is
    sooner. It is capped at 12 hours, so a weekly reminder at 00:30 does not sit in a
    queue all day, and is at least 15 minutes, so a phone briefly out of signal still
    gets a reminder that is due just before midnight or just before the next one.

    A caller that has already worked out the next occurrence (the dispatcher does, to move
    the schedule on) passes it as ``following`` rather than have it computed again.
    """
    due = _as_utc(due_utc, "due_utc")
    zone = schedule.zone
    useful_until = _resolve(due.astimezone(zone).date() + _ONE_DAY, _MIDNIGHT, zone)
    if following is NOT_GIVEN:
        following = next_occurrence(schedule, due)
    if isinstance(following, Occurrence):
        useful_until = min(useful_until, following.due)
    return min(max(useful_until - due, SHORTEST_USEFUL), LONGEST_USEFUL)


# --- Form helpers: each returns a message for the patient, or None when all is well. ---


_CLOCK = re.compile(
    r"(?:(?P<hhmm>\d{4})|(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?)"
    r"\s*(?:(?P<meridiem>[ap])\.?\s*m\.?)?"
)
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": _MIDNIGHT}


def parse_time_of_day(text: str) -> time | str:
    """A clock time from what a patient typed, or a message saying what to fix.

    Accepts "8:30am", "8.30 pm", "6pm", "08:30", "18:00", "1800", "18", "noon" and
    "midnight". A time with minutes and no am or pm is read as the 24-hour clock, but a
    bare hour from 1 to 12 is ambiguous, so it asks for am or pm rather than guess.
    """
    cleaned = " ".join(text.lower().split())
    if cleaned.removeprefix("12 ") in _WORDS:
        return _WORDS[cleaned.removeprefix("12 ")]
    match = _CLOCK.fullmatch(cleaned)
    if match is None:
        return ENTER_A_TIME
    clock = match.group("hhmm")
    hour = int(clock[:2] if clock else match.group("hour"))
    minute = int(clock[2:] if clock else match.group("minute") or 0)
    meridiem = match.group("meridiem")
    if minute > 59:
        return ENTER_A_REAL_TIME
    if meridiem:
        if not 1 <= hour <= 12:
            return ENTER_A_REAL_TIME
        return time(hour % 12 + (12 if meridiem == "p" else 0), minute)
    if hour > 23:
        return ENTER_A_REAL_TIME
    if not clock and match.group("minute") is None and 1 <= hour <= 12:
        return SAY_AM_OR_PM
    return time(hour, minute)


def check_days(days: Collection[int]) -> str | None:
    return None if days else CHOOSE_A_DAY


def check_times(times: Collection[time]) -> str | None:
    return None if times else ENTER_A_TIME


def check_time_zone(name: str) -> str | None:
    return None if name in time_zone_choices() else CHOOSE_A_TIME_ZONE


def check_quiet_hours(start: time | None, end: time | None) -> str | None:
    """Quiet hours are optional, but need both ends, and the ends must differ."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        return QUIET_HOURS_INCOMPLETE
    if start.replace(fold=0) == end.replace(fold=0):
        return QUIET_HOURS_SAME
    return None


_REGIONS = (
    "Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/",
    "Australia/", "Europe/", "Indian/", "Pacific/",
)  # fmt: skip


@cache
def time_zone_choices() -> tuple[str, ...]:
    """The zones a patient can choose: "Region/City" names, sorted.

    Leaves out aliases such as "GB", "US/Eastern", "Etc/GMT+5" (whose sign is the reverse
    of what people expect) and "Australia/NSW", which only confuse a list.
    """
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if name.startswith(_REGIONS) and not name.rsplit("/", 1)[1].isupper()
        )
    )


# --- Internals ---


def _occurrences_from(schedule: ReminderSchedule, first_day: date) -> Iterator[Occurrence]:
    """Every occurrence scheduled on ``first_day`` or later, in due order, without end.

    Two occurrences due at the same instant (say 22:30 and 06:00, both held back to the
    07:00 end of quiet hours) are one reminder, named by the earlier-scheduled of them:
    the patient gets one nudge, not two at once.
    """
    zone = schedule.zone
    day = max(first_day, schedule.resumes_on or first_day)
    pending: list[Occurrence] = []
    last_due: datetime | None = None
    while True:
        if day.weekday() in schedule.days:
            for wall in schedule.times:
                due = _defer(schedule, zone, _resolve(day, wall, zone))
                heapq.heappush(pending, Occurrence(due, day, wall))
        day += _ONE_DAY
        # Nothing scheduled on `day` or later is due before that day begins, so whatever
        # is pending before then is final; quiet hours can reorder only what is pending.
        horizon = _resolve(day, _MIDNIGHT, zone)
        while pending and pending[0].due < horizon:
            occurrence = heapq.heappop(pending)
            if last_due is None or occurrence.due > last_due:
                last_due = occurrence.due
                yield occurrence


def _resolve(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant the clock in ``zone`` first reads ``wall`` on ``day``.

    In the autumn fold that is the first reading (fold=0). In the spring gap the clock
    never reads it, so it is the moment the clocks go forward, the first after the gap.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    # Inside a gap, fold=0 reads the time with the offset from before the change and
    # fold=1 with the offset from after it, so the change lies between the two readings.
    before_change = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return _moment_offset_changes(zone, before_change, first)


def _moment_offset_changes(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first whole second in (before, after] with a different UTC offset from before."""
    low, high = int(before.timestamp()), int(after.timestamp())
    offset_before = datetime.fromtimestamp(low, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def _defer(schedule: ReminderSchedule, zone: ZoneInfo, moment: datetime) -> datetime:
    quiet = schedule.quiet_hours
    if quiet is None:
        return moment
    local = moment.astimezone(zone)
    if not quiet.contains(local.time()):
        return moment
    end_day = local.date()
    if quiet.wraps_midnight and local.time() >= quiet.start:
        end_day += _ONE_DAY
    end = _resolve(end_day, quiet.end, zone)
    if end <= moment:
        # In the autumn fold the clock can read a quiet time again after the quiet hours
        # first ended; they end for the second time at the second reading of `end`.
        end = datetime.combine(end_day, quiet.end, tzinfo=zone).replace(fold=1)
        end = end.astimezone(UTC)
    return max(end, moment)


def _wall_time(value: time) -> time:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValueError(f"{value!r} is not a local clock time")
    if value.second or value.microsecond:
        raise ValueError(f"{value!r} is not a whole minute")
    return value.replace(fold=0)


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone") from error


def _as_utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment!r}")
    return moment.astimezone(UTC)
