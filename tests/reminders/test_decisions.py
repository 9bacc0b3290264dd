"""What the dispatcher does with a due reminder, decided as a plain function."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from webapp.reminders.decisions import SHORTEST_TTL_SECONDS, Verdict, decide, is_logged
from webapp.reminders.schedule import EVERY_DAY, QuietHours, ReminderSchedule

LONDON = "Europe/London"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def daily(*times: time, quiet: tuple[time, time] | None = None, zone: str = LONDON,
          **options) -> ReminderSchedule:
    return ReminderSchedule(days=EVERY_DAY, times=times, timezone=zone,
                            quiet_hours=QuietHours(*quiet) if quiet else None, **options)


SUMMER_NINE = utc(2026, 6, 10, 8, 0)  # 9am in London (BST)
NINE_AND_SIX = daily(time(9, 0), time(18, 0))


def test_a_reminder_due_now_is_sent_for_as_long_as_it_stays_useful():
    decision = decide(schedule=NINE_AND_SIX, due_at=SUMMER_NINE, local_date=date(2026, 6, 10),
                      now=SUMMER_NINE)
    assert decision.verdict is Verdict.SEND
    assert decision.ttl == 9 * 3600  # until the 6pm reminder


def test_a_late_reminder_is_sent_with_what_is_left_of_its_usefulness():
    decision = decide(schedule=NINE_AND_SIX, due_at=SUMMER_NINE, local_date=date(2026, 6, 10),
                      now=SUMMER_NINE + timedelta(minutes=90))
    assert decision.verdict is Verdict.SEND and decision.ttl == 9 * 3600 - 90 * 60


def test_two_hours_late_is_still_sent_and_a_second_more_is_missed():
    on_the_edge = decide(schedule=NINE_AND_SIX, due_at=SUMMER_NINE, local_date=date(2026, 6, 10),
                         now=SUMMER_NINE + timedelta(hours=2))
    too_late = decide(schedule=NINE_AND_SIX, due_at=SUMMER_NINE, local_date=date(2026, 6, 10),
                      now=SUMMER_NINE + timedelta(hours=2, seconds=1))
    assert on_the_edge.verdict is Verdict.SEND
    assert too_late.verdict is Verdict.MISSED and too_late.reason == "more than 2 hours late"


def test_the_missed_window_is_a_setting():
    decision = decide(schedule=NINE_AND_SIX, due_at=SUMMER_NINE, local_date=date(2026, 6, 10),
                      now=SUMMER_NINE + timedelta(minutes=31),
                      missed_after=timedelta(minutes=30))
    assert decision.verdict is Verdict.MISSED and decision.reason == "more than 30 minutes late"


def test_a_reminder_is_missed_once_the_next_one_for_the_action_is_due():
    every_half_hour = daily(time(9, 0), time(9, 30))
    decision = decide(schedule=every_half_hour, due_at=SUMMER_NINE, local_date=date(2026, 6, 10),
                      now=SUMMER_NINE + timedelta(minutes=30))
    assert decision.verdict is Verdict.MISSED


def test_an_evening_reminder_is_not_sent_after_the_patients_midnight():
    late = daily(time(23, 30))
    due = utc(2026, 6, 10, 22, 30)  # 11:30pm BST
    decision = decide(schedule=late, due_at=due, local_date=date(2026, 6, 10),
                      now=due + timedelta(minutes=40))
    assert decision.verdict is Verdict.MISSED


def test_quiet_hours_at_send_time_hold_a_reminder_to_their_end_the_same_day():
    schedule = daily(time(9, 0), time(18, 0), quiet=(time(9, 5), time(9, 45)))
    decision = decide(schedule=schedule, due_at=SUMMER_NINE, local_date=date(2026, 6, 10),
                      now=SUMMER_NINE + timedelta(minutes=10))
    assert decision.verdict is Verdict.DEFER
    assert decision.until == SUMMER_NINE + timedelta(minutes=45)


def test_quiet_hours_that_last_past_the_reminders_day_make_it_missed_not_next_morning():
    evening = daily(time(21, 0), quiet=(time(21, 30), time(7, 0)))
    due = utc(2026, 6, 10, 20, 0)  # 9pm BST
    decision = decide(schedule=evening, due_at=due, local_date=date(2026, 6, 10),
                      now=due + timedelta(minutes=40))
    assert decision.verdict is Verdict.MISSED
    assert decision.reason == "quiet hours last past the reminder's day"


def test_quiet_hours_are_read_on_the_patients_clock_in_any_zone():
    new_york = daily(time(9, 0), time(18, 0), quiet=(time(9, 5), time(9, 45)),
                     zone="America/New_York")
    due = utc(2026, 6, 10, 13, 0)  # 9am EDT
    decision = decide(schedule=new_york, due_at=due, local_date=date(2026, 6, 10),
                      now=due + timedelta(minutes=10))
    assert decision.verdict is Verdict.DEFER and decision.until == due + timedelta(minutes=45)


def test_a_reminder_is_not_needed_once_the_day_is_logged_paused_or_the_action_retired():
    common = {"schedule": NINE_AND_SIX, "due_at": SUMMER_NINE, "local_date": date(2026, 6, 10),
              "now": SUMMER_NINE}
    assert decide(**common, already_logged=True).verdict is Verdict.NOT_NEEDED
    assert decide(**common, action_retired=True).verdict is Verdict.NOT_NEEDED
    paused = daily(time(9, 0), paused=True)
    assert decide(**{**common, "schedule": paused}).reason == "reminders are paused"
    paused_till_friday = daily(time(9, 0), paused=True, paused_until=date(2026, 6, 12))
    assert decide(**{**common, "schedule": paused_till_friday}).verdict is Verdict.NOT_NEEDED
    resumed = daily(time(9, 0), paused=True, paused_until=date(2026, 6, 10))
    assert decide(**{**common, "schedule": resumed}).verdict is Verdict.SEND


def test_a_reminder_not_yet_due_waits_for_its_time():
    decision = decide(schedule=NINE_AND_SIX, due_at=SUMMER_NINE, local_date=date(2026, 6, 10),
                      now=SUMMER_NINE - timedelta(seconds=1))
    assert decision.verdict is Verdict.DEFER and decision.until == SUMMER_NINE


def test_the_ttl_never_drops_below_the_shortest():
    late = daily(time(23, 50))
    due = utc(2026, 6, 10, 22, 50)  # 11:50pm BST: useful for its 15-minute minimum
    decision = decide(schedule=late, due_at=due, local_date=date(2026, 6, 10),
                      now=due + timedelta(minutes=14, seconds=50))
    assert decision.verdict is Verdict.SEND and decision.ttl == SHORTEST_TTL_SECONDS


@pytest.mark.parametrize(("statuses", "times", "per", "logged"), [
    ([], 1, "day", False),
    (["done"], 1, "day", True),
    (["partly"], 1, "day", True),
    (["not_today"], 3, "day", True),
    (["done"], 2, "day", False),  # the evening dose is still to come
    (["done", "partly"], 2, "day", True),
    (["done"], 3, "week", True),
])
def test_what_counts_as_already_logged_for_the_day(statuses, times, per, logged):
    assert is_logged(statuses, times, per) is logged


def test_across_the_autumn_change_a_reminder_is_judged_by_real_time_not_the_clock():
    # 1:30am on 25 October 2026 happens twice in London; the reminder is due at the first.
    night = daily(time(1, 30))
    first = utc(2026, 10, 25, 0, 30)
    decision = decide(schedule=night, due_at=first, local_date=date(2026, 10, 25),
                      now=first + timedelta(hours=1, minutes=59))
    assert decision.verdict is Verdict.SEND
    missed = decide(schedule=night, due_at=first, local_date=date(2026, 10, 25),
                    now=first + timedelta(hours=2, minutes=1))
    assert missed.verdict is Verdict.MISSED
