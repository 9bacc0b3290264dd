"""Progress summaries for care-plan actions.

Pure functions over the entries a patient logs. Every entry already carries its
*local* date (the patient's calendar day in their own time zone), so all counting
here is plain calendar arithmetic on `date` objects: a day is a day even when the
clocks change and it lasts 23 or 25 hours. Only `local_date_of` touches instants.

Counting rules (the product's, written down once here):

- A day marked "not today" with a reason (unwell, away, other) does not count
  against the patient: it leaves the planned total. "Not today" without a reason
  is a planned day not done.
- "Partly" counts as logged, and is reported separately.
- Weeks start on Monday in the patient's local calendar. Days after today are
  never counted as missed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

DAYS_IN_WEEK = 7


class Status(StrEnum):
    DONE = "done"
    PARTLY = "partly"
    NOT_TODAY = "not_today"


class SkipReason(StrEnum):
    UNWELL = "unwell"
    AWAY = "away"
    OTHER = "other"


class Per(StrEnum):
    DAY = "day"
    WEEK = "week"


class DayOutcome(StrEnum):
    """What one local day looked like for one action."""

    DONE = "done"  # daily: the day's target was met; weekly: done at least once
    PARTLY = "partly"  # something was logged, but not the whole target
    NOT_TODAY = "not_today"  # the patient said "not today" and gave no reason
    SKIPPED = "skipped"  # "not today" with a reason: leaves the planned total
    NO_ENTRY = "no_entry"


_SMALL_COUNTS = {1: "once", 2: "twice"}


@dataclass(frozen=True)
class Frequency:
    """How often an action is planned: `times` per day or per week."""

    times: int
    per: Per

    def __post_init__(self) -> None:
        object.__setattr__(self, "per", Per(self.per))
        if isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1:
            raise ValueError("times must be a whole number, 1 or more")

    @classmethod
    def daily(cls, times: int = 1) -> Frequency:
        return cls(times, Per.DAY)

    @classmethod
    def weekly(cls, times: int) -> Frequency:
        return cls(times, Per.WEEK)

    def describe(self) -> str:
        """Plain English, e.g. "once a day", "3 times a week"."""
        count = _SMALL_COUNTS.get(self.times, f"{self.times} times")
        return f"{count} a {self.per.value}"


@dataclass(frozen=True)
class Entry:
    """One logged entry. Strings are accepted for status and reason (as stored)."""

    local_date: date
    status: Status
    amount: float | None = None
    note: str = ""
    reason: SkipReason | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        if self.reason is not None:
            object.__setattr__(self, "reason", SkipReason(self.reason))
            if self.status is not Status.NOT_TODAY:
                raise ValueError("only a 'not today' entry can have a reason")
        if self.amount is not None and self.amount < 0:
            raise ValueError("amount cannot be negative")

    @property
    def is_progress(self) -> bool:
        return self.status in (Status.DONE, Status.PARTLY)

    @property
    def is_excused(self) -> bool:
        return self.status is Status.NOT_TODAY and self.reason is not None


@dataclass(frozen=True)
class DayRecord:
    day: date
    outcome: DayOutcome
    done_count: int = 0
    partly_count: int = 0
    amount: float | None = None  # total of the amounts logged that day, if any
    reason: SkipReason | None = None  # set when the outcome is SKIPPED


class TrendPoint(NamedTuple):
    day: date
    total: float


@dataclass(frozen=True)
class WeekSummary:
    """One Monday-to-Sunday week, clipped to the plan's start and the period's end.

    For a daily action the figures are days; for a weekly action they are times.
    `logged` is `done + partly`. `not_done` is what was planned and not logged; it
    is always 0 for a weekly action's current week, because a weekly target can
    still be met until Sunday.
    """

    frequency: Frequency
    week_start: date
    first_day: date
    last_day: date
    is_current: bool
    planned: int
    done: int
    partly: int
    skipped: int  # days skipped with a reason
    not_done: int
    days_not_today: int  # days with "not today" and no reason

    @property
    def logged(self) -> int:
        return self.done + self.partly

    @property
    def unit(self) -> str:
        return "days" if self.frequency.per is Per.DAY else "times"

    @property
    def sentence(self) -> str:
        return progress_sentence(self)


@dataclass(frozen=True)
class PlanSummary:
    """From the plan's start to today (or an earlier end date), for the clinician."""

    frequency: Frequency
    start: date
    end: date
    planned: int
    done: int
    partly: int
    skipped: int
    not_done: int
    skipped_by_reason: Mapping[SkipReason, int]
    weeks: tuple[WeekSummary, ...]
    days: tuple[DayRecord, ...]
    trend: tuple[TrendPoint, ...]
    sentence: str

    @property
    def logged(self) -> int:
        return self.done + self.partly

    @property
    def unit(self) -> str:
        return "days" if self.frequency.per is Per.DAY else "times"


@dataclass
class _DayTally:
    done: int = 0
    partly: int = 0
    amounts: list[float] = field(default_factory=list)
    reason: SkipReason | None = None
    said_not_today: bool = False


def local_date_of(instant_utc: datetime, tz_name: str) -> date:
    """The patient's calendar date at an instant. Also how the server finds "today".

    Raises ValueError for a naive datetime (it is ambiguous) and
    zoneinfo.ZoneInfoNotFoundError for an unknown zone name.
    """
    if instant_utc.tzinfo is None or instant_utc.utcoffset() is None:
        raise ValueError("instant_utc must be timezone-aware")
    return instant_utc.astimezone(ZoneInfo(tz_name)).date()


def week_start(local_date: date) -> date:
    """The Monday on or before `local_date`."""
    return local_date - timedelta(days=local_date.weekday())


def day_history(
    frequency: Frequency, entries: Iterable[Entry], start: date, end: date
) -> list[DayRecord]:
    """One record per local date from `start` to `end` inclusive (empty if end < start)."""
    tallies = _tally(entries, start, end)
    records = []
    day = start
    while day <= end:
        records.append(_record(frequency, day, tallies.get(day)))
        day += timedelta(days=1)
    return records


def week_summary(
    frequency: Frequency, entries: Iterable[Entry], today: date, plan_start: date | None = None
) -> WeekSummary:
    """This week so far: Monday (or the plan's start, if later) to today."""
    monday = week_start(today)
    first = max(monday, plan_start) if plan_start else monday
    days = day_history(frequency, entries, first, today)
    return _summarise_week(frequency, monday, first, today, days, today)


def since_plan_summary(
    frequency: Frequency,
    entries: Iterable[Entry],
    plan_start: date,
    today: date,
    end: date | None = None,
) -> PlanSummary:
    """Everything from the plan's start to `end` (default and latest: today)."""
    period_end = min(end, today) if end else today
    days = day_history(frequency, entries, plan_start, period_end)
    weeks = []
    monday = week_start(plan_start)
    while plan_start <= period_end and monday <= period_end:
        first = max(monday, plan_start)
        last = min(monday + timedelta(days=DAYS_IN_WEEK - 1), period_end)
        in_week = [d for d in days if first <= d.day <= last]
        weeks.append(_summarise_week(frequency, monday, first, last, in_week, today))
        monday += timedelta(days=DAYS_IN_WEEK)

    reasons = Counter(d.reason for d in days if d.outcome is DayOutcome.SKIPPED)
    trend = tuple(TrendPoint(d.day, d.amount) for d in days if d.amount is not None)
    sentence = progress_sentence(weeks[-1]) if weeks else "Your plan hasn't started yet"
    return PlanSummary(
        frequency=frequency,
        start=plan_start,
        end=period_end,
        planned=sum(w.planned for w in weeks),
        done=sum(w.done for w in weeks),
        partly=sum(w.partly for w in weeks),
        skipped=sum(w.skipped for w in weeks),
        not_done=sum(w.not_done for w in weeks),
        skipped_by_reason={r: reasons[r] for r in SkipReason if reasons[r]},
        weeks=tuple(weeks),
        days=tuple(days),
        trend=trend,
        sentence=sentence,
    )


def progress_sentence(week: WeekSummary) -> str:
    """One gentle line for the patient. Never blames; a missed day is just a day."""
    when = "this week" if week.is_current else "that week"
    yet = " yet" if week.is_current else ""
    if week.planned == 0 and week.logged == 0:
        if week.skipped:
            return f"You took a break {when} — that's OK. Pick it up again when you're ready"
        return "Your plan hasn't started yet"
    if week.logged == 0:
        opening = f"Not done{yet} {when}" if week.days_not_today else f"No entries{yet} {when}"
        return f"{opening} — that's OK, today is a new day"

    if week.frequency.per is Per.WEEK:
        if week.logged > week.planned:
            extra = f" — more than the {week.planned} you planned" if week.planned else ""
            return f"You've done this {_count(week.logged, 'time')} {when}{extra}"
        return f"You've done this {week.logged} of {_count(week.planned, 'time')} {when}"

    of_days = f"{week.logged} of {_count(week.planned, 'day')} {when}"
    if week.frequency.times == 1:
        return f"You've done this on {of_days}"
    how_often = week.frequency.describe()
    if week.done == week.logged:
        return f"You've done this {how_often} on {of_days}"
    if week.done == 0:
        return f"You've done some of this on {of_days}"
    return f"You've done this on {of_days}, {how_often} on {week.done} of them"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _tally(entries: Iterable[Entry], start: date, end: date) -> dict[date, _DayTally]:
    tallies: dict[date, _DayTally] = {}
    for entry in entries:
        # Entries outside the period, including any a skewed device clock dated in
        # the future, are ignored rather than counted.
        if not start <= entry.local_date <= end:
            continue
        tally = tallies.setdefault(entry.local_date, _DayTally())
        if entry.status is Status.DONE:
            tally.done += 1
        elif entry.status is Status.PARTLY:
            tally.partly += 1
        elif entry.reason is not None:
            tally.reason = tally.reason or entry.reason
        else:
            tally.said_not_today = True
        if entry.amount is not None and entry.is_progress:
            tally.amounts.append(entry.amount)
    return tallies


def _record(frequency: Frequency, day: date, tally: _DayTally | None) -> DayRecord:
    if tally is None:
        return DayRecord(day, DayOutcome.NO_ENTRY)
    amount = sum(tally.amounts) if tally.amounts else None
    # On a weekly action each "done" is one of the week's times, so one is enough
    # for the day; on a daily action the day needs all of its N.
    needed = frequency.times if frequency.per is Per.DAY else 1
    if tally.done >= needed:
        outcome = DayOutcome.DONE
    elif tally.done or tally.partly:
        outcome = DayOutcome.PARTLY
    # Progress logged on a day wins over a reason given the same day: the patient
    # gets credit for what they did rather than the day vanishing from the count.
    elif tally.reason is not None:
        outcome = DayOutcome.SKIPPED
    else:
        outcome = DayOutcome.NOT_TODAY
    return DayRecord(
        day=day,
        outcome=outcome,
        done_count=tally.done,
        partly_count=tally.partly,
        amount=amount,
        reason=tally.reason if outcome is DayOutcome.SKIPPED else None,
    )


def _summarise_week(
    frequency: Frequency,
    monday: date,
    first: date,
    last: date,
    days: Sequence[DayRecord],
    today: date,
) -> WeekSummary:
    outcomes = Counter(d.outcome for d in days)
    skipped = outcomes[DayOutcome.SKIPPED]
    sunday = monday + timedelta(days=DAYS_IN_WEEK - 1)
    is_current = monday <= today <= sunday

    if frequency.per is Per.DAY:
        planned = len(days) - skipped
        done = outcomes[DayOutcome.DONE]
        partly = outcomes[DayOutcome.PARTLY]
        not_done = planned - done - partly
    else:
        done = sum(d.done_count for d in days)
        partly = sum(d.partly_count for d in days)
        # The weekly target is shared evenly over the days the plan covers; days
        # skipped with a reason take their share away. The current week keeps its
        # remaining days, since the patient can still reach the target by Sunday.
        covered_last = sunday if is_current else last
        available = (covered_last - first).days + 1 - skipped if first <= last else 0
        planned = _round_half_up(frequency.times * available, DAYS_IN_WEEK)
        not_done = 0 if is_current else max(planned - done - partly, 0)

    return WeekSummary(
        frequency=frequency,
        week_start=monday,
        first_day=first,
        last_day=last,
        is_current=is_current,
        planned=planned,
        done=done,
        partly=partly,
        skipped=skipped,
        not_done=not_done,
        days_not_today=outcomes[DayOutcome.NOT_TODAY],
    )


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)
