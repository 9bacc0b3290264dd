"""When reminders fall due: clock changes, quiet hours, pauses, missed windows, forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.reminders import service
from webapp.reminders.schedule import (
    CHOOSE_A_DAY,
    CHOOSE_A_TIME_ZONE,
    ENTER_A_REAL_TIME,
    ENTER_A_TIME,
    EVERY_DAY,
    QUIET_HOURS_INCOMPLETE,
    QUIET_HOURS_SAME,
    SAY_AM_OR_PM,
    Day,
    QuietHours,
    ReminderSchedule,
    apply_quiet_hours,
    check_days,
    check_quiet_hours,
    check_time_zone,
    check_times,
    classify_due,
    is_quiet,
    next_due,
    next_occurrence,
    occurrence_key,
    occurrences_between,
    parse_time_of_day,
    snooze_until,
    useful_for,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"


def at(text: str) -> time:
    parsed = parse_time_of_day(text)
    assert isinstance(parsed, time), parsed
    return parsed


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))


def schedule(
    *times: str,
    days: frozenset[Day] | set[Day] = EVERY_DAY,
    zone: str = LONDON,
    quiet: tuple[str, str] | None = None,
    paused: bool = False,
    paused_until: date | None = None,
) -> ReminderSchedule:
    return ReminderSchedule(
        days=frozenset(days),
        times=tuple(at(text) for text in times),
        timezone=zone,
        quiet_hours=QuietHours(at(quiet[0]), at(quiet[1])) if quiet else None,
        paused=paused,
        paused_until=paused_until,
    )


# --- Clock changes in Europe/London (last Sundays of March and October) ---


def test_half_past_one_on_the_spring_forward_day_fires_at_two_bst():
    due = next_due(schedule("01:30"), after=utc(2025, 3, 29, 12))

    assert due == utc(2025, 3, 30, 1, 0)
    assert due.astimezone(ZoneInfo(LONDON)).strftime("%H:%M %Z") == "02:00 BST"


def test_reminders_after_the_spring_change_are_read_as_summer_time():
    assert next_due(schedule("08:30"), after=utc(2025, 3, 30)) == utc(2025, 3, 30, 7, 30)


def test_times_in_and_just_after_the_spring_gap_are_one_reminder_not_two():
    # 01:30 does not exist and moves to 02:00 BST, which is also when 02:00 is due.
    found = occurrences_between(
        schedule("01:30", "02:00"), utc(2025, 3, 29, 12), utc(2025, 3, 30, 12)
    )

    assert [(o.due, o.key) for o in found] == [(utc(2025, 3, 30, 1, 0), "2025-03-30T01:30")]


def test_half_past_one_on_the_autumn_day_fires_once_at_the_first_half_past_one():
    daily = schedule("01:30")

    first = next_due(daily, after=utc(2025, 10, 25, 12))
    after_first = next_due(daily, after=first)

    assert first == utc(2025, 10, 26, 0, 30)  # 01:30 BST
    assert after_first == utc(2025, 10, 27, 1, 30)  # not 01:30 GMT on the 26th


def test_recomputing_during_the_repeated_hour_does_not_bring_back_half_past_one():
    during_the_second_pass = utc(2025, 10, 26, 1, 0)  # 01:00 GMT, after the first 01:30

    assert next_due(schedule("01:30"), during_the_second_pass) == utc(2025, 10, 27, 1, 30)


def test_the_two_readings_of_a_time_in_the_autumn_fold_each_get_their_own_next_reminder():
    daily = schedule("01:30")
    first_pass = local(LONDON, 2025, 10, 26, 1, 15)  # 00:15 UTC, before 01:30 BST
    second_pass = first_pass.replace(fold=1)  # 01:15 UTC, after it

    # Python compares and hashes the two readings as equal, so remembered answers must be
    # kept by the instant, not by the reading.
    assert first_pass == second_pass and hash(first_pass) == hash(second_pass)
    assert next_due(daily, first_pass) == utc(2025, 10, 26, 0, 30)
    assert next_due(daily, second_pass) == utc(2025, 10, 27, 1, 30)
    assert next_due(daily, first_pass) == utc(2025, 10, 26, 0, 30)


@pytest.mark.parametrize("plan", [
    schedule("01:30"),
    schedule("00:45", "01:30", "02:15", quiet=("01:00", "01:45")),
    schedule("01:30", "02:30", zone=NEW_YORK),
])
def test_a_remembered_next_reminder_is_the_one_worked_out_afresh_across_clock_changes(plan):
    for change_day in (date(2025, 3, 9), date(2025, 3, 30), date(2025, 10, 26),
                       date(2025, 11, 2)):
        start = datetime.combine(change_day, time(0), tzinfo=UTC) - timedelta(hours=6)
        moments = [start + timedelta(minutes=10 * step) for step in range(6 * 18)]
        # The second pass, backwards and read on the patient's clock, is answered from
        # what the first remembered.
        for moment in [*moments, *reversed(moments)]:
            afresh = occurrences_between(plan, moment, moment + timedelta(days=2))[0]

            assert next_occurrence(plan, moment.astimezone(plan.zone)) == afresh


def test_a_stored_schedule_read_again_is_shared_and_any_change_makes_a_new_one():
    columns = {"days": "[0, 1, 2, 3, 4]", "times": '["08:30", "18:00"]', "time_zone": LONDON,
               "quiet_start": time(22), "quiet_end": time(7), "paused": False,
               "paused_until": None}
    read = service.stored_schedule(**columns)
    changes = {"days": "[0, 1, 2, 3]", "times": '["08:30"]', "time_zone": NEW_YORK,
               "quiet_start": time(23), "quiet_end": time(6), "paused": True,
               "paused_until": date(2025, 6, 1)}

    assert service.stored_schedule(**columns) is read
    assert read == schedule("08:30", "18:00", days={0, 1, 2, 3, 4}, quiet=("22:00", "07:00"))
    for name, value in changes.items():
        assert service.stored_schedule(**{**columns, name: value}) != read, name


def test_a_daily_reminder_fires_exactly_once_a_day_through_a_year_of_clock_changes():
    found = occurrences_between(schedule("01:30"), utc(2025, 1, 1), utc(2026, 1, 1))

    assert len(found) == 365
    assert len({o.local_date for o in found}) == 365


# --- Clock changes in America/New_York (second Sunday in March, first in November) ---


def test_half_past_two_on_new_yorks_spring_forward_day_fires_at_three_edt():
    due = next_due(schedule("02:30", zone=NEW_YORK), after=utc(2025, 3, 8, 12))

    assert due == utc(2025, 3, 9, 7, 0)
    assert due.astimezone(ZoneInfo(NEW_YORK)).strftime("%H:%M %Z") == "03:00 EDT"


def test_half_past_one_on_new_yorks_autumn_day_fires_once_in_daylight_time():
    daily = schedule("01:30", zone=NEW_YORK)

    first = next_due(daily, after=utc(2025, 11, 1, 12))

    assert first == utc(2025, 11, 2, 5, 30)  # 01:30 EDT
    assert next_due(daily, after=first) == utc(2025, 11, 3, 6, 30)  # 01:30 EST next day


def test_new_york_changes_its_clocks_on_a_different_weekend_from_london():
    sunday = utc(2025, 3, 16)  # New York is on summer time, London is not yet

    assert next_due(schedule("08:00", zone=NEW_YORK), sunday) == utc(2025, 3, 16, 12, 0)
    assert next_due(schedule("08:00", zone=LONDON), sunday) == utc(2025, 3, 16, 8, 0)


# --- Clock changes in Australia/Sydney (southern hemisphere: April back, October forward) ---


def test_half_past_two_on_sydneys_october_change_fires_at_three_aedt_on_the_local_date():
    found = next_occurrence(schedule("02:30", zone=SYDNEY), after=utc(2025, 10, 4, 12))

    assert found.due == utc(2025, 10, 4, 16, 0)  # 03:00 AEDT on Sunday 5 October
    assert found.key == "2025-10-05T02:30"


def test_half_past_two_on_sydneys_april_change_fires_once_in_daylight_time():
    daily = schedule("02:30", zone=SYDNEY)

    first = next_due(daily, after=utc(2025, 4, 5, 12))

    assert first == utc(2025, 4, 5, 15, 30)  # 02:30 AEDT on Sunday 6 April
    assert next_due(daily, after=first) == utc(2025, 4, 6, 16, 30)  # 02:30 AEST on the 7th


def first_reading_of_the_clock(day: date, wall: time, zone: str) -> datetime:
    """Step through real time half an hour at a time until the clock shows ``wall``."""
    moment = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=15)
    target = datetime.combine(day, wall)
    while moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) < target:
        moment += timedelta(minutes=30)
    return moment


@pytest.mark.parametrize(
    ("zone", "change_day"),
    [
        (LONDON, date(2025, 3, 30)),
        (LONDON, date(2025, 10, 26)),
        (NEW_YORK, date(2025, 3, 9)),
        (NEW_YORK, date(2025, 11, 2)),
        (SYDNEY, date(2025, 4, 6)),
        (SYDNEY, date(2025, 10, 5)),
    ],
)
def test_every_half_hour_on_a_clock_change_day_fires_when_the_clock_first_reaches_it(
    zone, change_day
):
    for minutes in range(0, 24 * 60, 30):
        wall = time(minutes // 60, minutes % 60)
        found = next_occurrence(
            schedule(wall.strftime("%H:%M"), zone=zone),
            first_reading_of_the_clock(change_day, time(0), zone) - timedelta(seconds=1),
        )

        assert found.key == occurrence_key(change_day, wall)
        assert found.due == first_reading_of_the_clock(change_day, wall, zone)


# --- Times of day and days of the week ---


def test_several_times_a_day_come_in_clock_order_whatever_order_they_were_entered():
    twice = schedule("18:00", "8:30am")

    found = occurrences_between(twice, utc(2025, 6, 2), utc(2025, 6, 3))

    assert twice.times == (time(8, 30), time(18, 0))
    assert [o.due for o in found] == [utc(2025, 6, 2, 7, 30), utc(2025, 6, 2, 17, 0)]


def test_next_due_is_strictly_after_the_instant_given():
    twice = schedule("08:30", "18:00")

    assert next_due(twice, after=local(LONDON, 2025, 6, 2, 8, 30)) == utc(2025, 6, 2, 17, 0)


def test_reminders_come_only_on_the_chosen_days():
    weekdays = schedule("08:30", "18:00", days={Day.MONDAY, Day.WEDNESDAY, Day.FRIDAY})

    found = occurrences_between(weekdays, utc(2025, 6, 2), utc(2025, 6, 9))  # Mon to Mon
    after_friday = next_due(weekdays, after=local(LONDON, 2025, 6, 6, 18, 0))

    assert {o.local_date.weekday() for o in found} == {Day.MONDAY, Day.WEDNESDAY, Day.FRIDAY}
    assert len(found) == 6
    assert after_friday == local(LONDON, 2025, 6, 9, 8, 30)


def test_windows_back_to_back_neither_repeat_nor_lose_a_reminder():
    twice = schedule("08:30", "18:00")
    edge = utc(2025, 6, 2, 17, 0)  # exactly the 18:00 reminder

    before = occurrences_between(twice, utc(2025, 6, 1), edge)
    after = occurrences_between(twice, edge, utc(2025, 6, 4))

    assert before + after == occurrences_between(twice, utc(2025, 6, 1), utc(2025, 6, 4))
    assert before[-1].due == edge


# --- Occurrence identity ---


def test_an_occurrence_key_is_the_scheduled_local_date_and_time():
    assert occurrence_key(date(2025, 3, 30), time(1, 30)) == "2025-03-30T01:30"


def test_occurrence_keys_stay_the_same_when_next_due_is_recomputed():
    twice = schedule("08:30", "18:00", quiet=("22:00", "07:00"))
    target = next_occurrence(twice, after=utc(2025, 6, 2, 12))

    recomputed = [
        next_occurrence(twice, after=utc(2025, 6, 2, 12) + timedelta(minutes=m))
        for m in range(0, 5 * 60, 7)
    ]

    assert {(o.due, o.key) for o in recomputed} == {(target.due, "2025-06-02T18:00")}


def test_occurrence_keys_stay_the_same_from_any_starting_point():
    weekdays = schedule("07:15", "23:30", days={Day.TUESDAY}, quiet=("23:00", "06:00"))

    whole = occurrences_between(weekdays, utc(2025, 1, 1), utc(2025, 3, 1))
    later = occurrences_between(weekdays, utc(2025, 1, 20, 3), utc(2025, 3, 1))

    assert later == [o for o in whole if o.due > utc(2025, 1, 20, 3)]


# --- Quiet hours ---


def test_a_reminder_inside_overnight_quiet_hours_waits_until_they_end_next_morning():
    late = schedule("23:00", quiet=("22:00", "07:00"))

    found = next_occurrence(late, after=utc(2025, 6, 2, 12))

    assert found.due == local(LONDON, 2025, 6, 3, 7, 0)
    assert found.key == "2025-06-02T23:00"


def test_an_early_morning_reminder_inside_quiet_hours_waits_until_they_end_that_morning():
    early = schedule("06:30", quiet=("22:00", "07:00"))

    assert next_due(early, after=utc(2025, 6, 2)) == local(LONDON, 2025, 6, 2, 7, 0)


def test_quiet_hours_include_their_start_and_exclude_their_end():
    mondays = schedule("22:00", "07:00", days={Day.MONDAY}, quiet=("22:00", "07:00"))

    found = occurrences_between(mondays, utc(2025, 6, 2), utc(2025, 6, 3, 12))

    assert [(o.due, o.key) for o in found] == [
        (local(LONDON, 2025, 6, 2, 7, 0), "2025-06-02T07:00"),
        (local(LONDON, 2025, 6, 3, 7, 0), "2025-06-02T22:00"),
    ]


def test_daytime_quiet_hours_hold_a_reminder_until_they_end_the_same_day():
    nap = schedule("13:30", quiet=("13:00", "14:00"))

    assert next_due(nap, after=utc(2025, 6, 2)) == local(LONDON, 2025, 6, 2, 14, 0)


def test_reminders_held_back_to_the_same_moment_arrive_as_one():
    late_and_early = schedule("22:30", "06:00", quiet=("22:00", "07:00"))

    found = occurrences_between(late_and_early, utc(2025, 6, 2, 12), utc(2025, 6, 3, 12))

    assert [(o.due, o.key) for o in found] == [
        (local(LONDON, 2025, 6, 3, 7, 0), "2025-06-02T22:30"),
    ]


def test_a_held_back_reminder_on_the_last_chosen_day_still_arrives_next_morning():
    sundays = schedule("23:00", days={Day.SUNDAY}, quiet=("22:00", "07:00"))

    found = next_occurrence(sundays, after=utc(2025, 6, 1))

    assert found.due == local(LONDON, 2025, 6, 2, 7, 0)  # Monday
    assert found.local_date.weekday() == Day.SUNDAY


def test_quiet_hours_ending_inside_the_spring_gap_end_when_the_clocks_go_forward():
    late = schedule("23:30", quiet=("23:00", "01:30"))

    due = next_due(late, after=utc(2025, 3, 29, 12))

    assert due == utc(2025, 3, 30, 1, 0)  # 02:00 BST


def test_quiet_hours_are_read_on_the_patients_own_clock():
    sydney_evening = schedule("23:00", zone=SYDNEY, quiet=("22:00", "07:00"))

    due = next_due(sydney_evening, after=utc(2025, 6, 2))

    assert due == local(SYDNEY, 2025, 6, 3, 7, 0)
    assert is_quiet(sydney_evening, local(SYDNEY, 2025, 6, 2, 23, 0))
    assert not is_quiet(sydney_evening, local(LONDON, 2025, 6, 2, 23, 0))


def test_an_instant_outside_quiet_hours_is_left_alone():
    quiet = schedule("08:00", quiet=("22:00", "07:00"))

    assert apply_quiet_hours(quiet, local(LONDON, 2025, 6, 2, 12, 0)) == utc(2025, 6, 2, 11, 0)
    assert apply_quiet_hours(schedule("08:00"), utc(2025, 6, 2, 2)) == utc(2025, 6, 2, 2)


# --- Snooze ---


def test_snooze_brings_a_reminder_back_an_hour_later():
    assert snooze_until(schedule("08:30"), utc(2025, 6, 2, 7, 31)) == utc(2025, 6, 2, 8, 31)


def test_snoozing_into_quiet_hours_waits_until_they_end():
    quiet = schedule("21:30", quiet=("22:00", "07:00"))

    back = snooze_until(quiet, local(LONDON, 2025, 6, 2, 21, 30), minutes=60)

    assert back == local(LONDON, 2025, 6, 3, 7, 0)


def test_a_snooze_across_the_spring_change_lasts_an_hour_of_real_time():
    back = snooze_until(schedule("00:45"), local(LONDON, 2025, 3, 30, 0, 45))

    assert back == utc(2025, 3, 30, 1, 45)  # 02:45 BST on the clock


def test_a_snooze_must_last_at_least_a_minute():
    with pytest.raises(ValueError):
        snooze_until(schedule("08:00"), utc(2025, 6, 2), minutes=0)


# --- Pausing ---


def test_a_paused_schedule_has_no_next_reminder():
    paused = schedule("08:30", paused=True)

    assert next_due(paused, after=utc(2025, 6, 2)) is None
    assert occurrences_between(paused, utc(2025, 6, 2), utc(2026, 6, 2)) == []


def test_a_schedule_paused_until_a_date_starts_again_on_that_local_date():
    paused = schedule("08:30", paused=True, paused_until=date(2025, 6, 10))

    assert next_due(paused, after=utc(2025, 6, 1)) == local(LONDON, 2025, 6, 10, 8, 30)


def test_the_pause_date_is_the_patients_local_date_not_the_utc_date():
    paused = schedule("08:00", zone=SYDNEY, paused=True, paused_until=date(2025, 6, 10))

    found = next_occurrence(paused, after=utc(2025, 6, 1))

    assert found.due == utc(2025, 6, 9, 22, 0)  # 08:00 AEST on 10 June
    assert found.key == "2025-06-10T08:00"


def test_a_reminder_from_before_the_pause_ends_is_not_sent_after_it_ends():
    # The 9 June 23:00 reminder would be held to 07:00 on the 10th, but was paused.
    paused = schedule(
        "23:00", quiet=("22:00", "07:00"), paused=True, paused_until=date(2025, 6, 10)
    )

    found = next_occurrence(paused, after=utc(2025, 6, 1))

    assert found.key == "2025-06-10T23:00"
    assert found.due == local(LONDON, 2025, 6, 11, 7, 0)


def test_a_pause_date_left_behind_after_resuming_early_is_ignored():
    resumed = schedule("08:30", paused=False, paused_until=date(2025, 6, 10))

    assert next_due(resumed, after=utc(2025, 6, 1)) == local(LONDON, 2025, 6, 1, 8, 30)


# --- Sending, missing and how long a push message is worth delivering ---


def test_a_reminder_exactly_two_hours_late_is_still_sent():
    due = utc(2025, 6, 2, 7, 30)

    assert classify_due(due, now_utc=due + timedelta(hours=2)) == "send"


def test_a_reminder_more_than_two_hours_late_is_missed():
    due = utc(2025, 6, 2, 7, 30)

    assert classify_due(due, now_utc=due + timedelta(hours=2, microseconds=1)) == "missed"


def test_a_reminder_due_this_instant_is_sent():
    due = utc(2025, 6, 2, 7, 30)

    assert classify_due(due, now_utc=due) == "send"


def test_a_reminder_due_in_the_future_is_not_yet_sent():
    due = utc(2025, 6, 2, 7, 30)

    assert classify_due(due, now_utc=due - timedelta(microseconds=1)) == "not-yet"


def test_the_missed_window_can_be_shortened():
    due = utc(2025, 6, 2, 7, 30)
    half_hour = timedelta(minutes=30)

    assert classify_due(due, due + half_hour, missed_after=half_hour) == "send"
    assert classify_due(due, due + timedelta(minutes=31), missed_after=half_hour) == "missed"


def test_a_reminder_is_worth_delivering_until_the_next_one_is_due():
    twice = schedule("08:30", "18:00")

    assert useful_for(twice, local(LONDON, 2025, 6, 2, 8, 30)) == timedelta(hours=9, minutes=30)


def test_the_last_reminder_of_the_day_is_worth_delivering_until_local_midnight():
    twice = schedule("08:30", "18:00")

    assert useful_for(twice, local(LONDON, 2025, 6, 2, 18, 0)) == timedelta(hours=6)


def test_a_reminder_just_before_midnight_is_still_held_for_fifteen_minutes():
    late = schedule("23:55")

    assert useful_for(late, local(LONDON, 2025, 6, 2, 23, 55)) == timedelta(minutes=15)


def test_a_push_message_is_never_held_for_more_than_twelve_hours():
    weekly = schedule("00:30", days={Day.MONDAY})

    assert useful_for(weekly, local(LONDON, 2025, 6, 2, 0, 30)) == timedelta(hours=12)


# --- Reading what the patient typed ---


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("8:30am", time(8, 30)),
        ("8:30 AM", time(8, 30)),
        ("8.30am", time(8, 30)),
        ("08:30", time(8, 30)),
        ("8:30", time(8, 30)),
        ("18:00", time(18, 0)),
        ("1800", time(18, 0)),
        ("18", time(18, 0)),
        ("6pm", time(18, 0)),
        ("6 p.m.", time(18, 0)),
        (" 7:05 a.m. ", time(7, 5)),
        ("12pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("12:15am", time(0, 15)),
        ("noon", time(12, 0)),
        ("Midday", time(12, 0)),
        ("12 midnight", time(0, 0)),
        ("00:00", time(0, 0)),
    ],
)
def test_patients_can_type_a_time_the_way_they_would_write_it(typed, expected):
    assert parse_time_of_day(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "soon", "8:30xm", "830", "8:5", "half eight"])
def test_a_missing_or_unreadable_time_asks_for_one_like_half_past_eight(typed):
    assert parse_time_of_day(typed) == "Enter a time, like 8:30am" == ENTER_A_TIME


@pytest.mark.parametrize("typed", ["25:00", "24:00", "8:75", "13pm", "0am", "2460"])
def test_an_impossible_time_asks_for_a_real_one(typed):
    assert parse_time_of_day(typed) == ENTER_A_REAL_TIME


@pytest.mark.parametrize("typed", ["6", "12"])
def test_a_bare_hour_that_could_be_morning_or_evening_asks_for_am_or_pm(typed):
    assert parse_time_of_day(typed) == SAY_AM_OR_PM


def test_a_reminder_needs_at_least_one_day():
    assert check_days(set()) == "Choose at least one day" == CHOOSE_A_DAY
    assert check_days({Day.MONDAY}) is None


def test_a_reminder_needs_at_least_one_time():
    assert check_times([]) == ENTER_A_TIME
    assert check_times([time(8, 30)]) is None


def test_the_time_zone_must_come_from_the_list():
    assert check_time_zone("Europe/London") is None
    assert check_time_zone("Australia/Sydney") is None
    assert check_time_zone("Mars/Olympus_Mons") == "Choose a time zone from the list"
    assert check_time_zone("US/Eastern") == CHOOSE_A_TIME_ZONE  # an alias, not in the list
    assert check_time_zone("") == CHOOSE_A_TIME_ZONE


def test_quiet_hours_cannot_start_and_end_at_the_same_time():
    assert check_quiet_hours(time(22, 0), time(22, 0)) == QUIET_HOURS_SAME
    assert QUIET_HOURS_SAME == "Quiet hours start and end can't be the same time"
    with pytest.raises(ValueError):
        QuietHours(time(22, 0), time(22, 0))


def test_quiet_hours_are_optional_but_need_both_ends():
    assert check_quiet_hours(None, None) is None
    assert check_quiet_hours(time(22, 0), None) == QUIET_HOURS_INCOMPLETE
    assert check_quiet_hours(time(22, 0), time(7, 0)) is None


def test_a_schedule_the_form_should_have_refused_is_rejected():
    with pytest.raises(ValueError):
        ReminderSchedule(days=frozenset(), times=(time(8, 0),))
    with pytest.raises(ValueError):
        ReminderSchedule(days=EVERY_DAY, times=())
    with pytest.raises(ValueError):
        ReminderSchedule(days=EVERY_DAY, times=(time(8, 0),), timezone="Mars/Olympus_Mons")
    with pytest.raises(ValueError):
        ReminderSchedule(days=EVERY_DAY, times=(time(8, 0, 30),))


def test_the_time_zone_defaults_to_london():
    assert ReminderSchedule(days=EVERY_DAY, times=(time(8, 0),)).timezone == "Europe/London"


def test_an_instant_without_a_time_zone_is_refused():
    with pytest.raises(ValueError):
        next_due(schedule("08:00"), after=datetime(2025, 6, 2, 8, 0))


# --- Properties over random schedules ---

ZONES = [
    LONDON,
    NEW_YORK,
    SYDNEY,
    "Australia/Lord_Howe",  # clocks move by half an hour
    "America/Havana",  # clocks change at midnight, so some days have no midnight
    "America/Santiago",
    "America/St_Johns",
    "Pacific/Chatham",
    "Africa/Casablanca",  # clocks go back and forward again around Ramadan
    "Asia/Kolkata",
]

clock_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 30, 45, 59]))


@st.composite
def schedules(draw: st.DrawFn) -> ReminderSchedule:
    quiet = draw(
        st.none() | st.tuples(clock_times, clock_times).filter(lambda ends: ends[0] != ends[1])
    )
    paused_until = draw(st.none() | st.dates(date(2020, 1, 1), date(2031, 12, 31)))
    return ReminderSchedule(
        days=draw(st.frozensets(st.sampled_from(Day), min_size=1)),
        times=tuple(draw(st.lists(clock_times, min_size=1, max_size=4))),
        timezone=draw(st.sampled_from(ZONES)),
        quiet_hours=QuietHours(*quiet) if quiet else None,
        paused=paused_until is not None,
        paused_until=paused_until,
    )


instants = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC))


@settings(max_examples=60, deadline=None)
@given(schedules(), instants)
def test_a_years_reminders_are_in_order_once_each_and_on_the_chosen_days(plan, start):
    found = occurrences_between(plan, start, start + timedelta(days=366))
    dues = [o.due for o in found]

    assert all(earlier < later for earlier, later in pairwise(dues))
    assert len({o.key for o in found}) == len(found)
    assert all(o.local_date.weekday() in plan.days for o in found)
    assert all(o.local_time in plan.times for o in found)
    assert all(plan.paused_until is None or o.local_date >= plan.paused_until for o in found)
    assert all(o.due.tzinfo is UTC and start < o.due for o in found)


@settings(max_examples=60, deadline=None)
@given(schedules(), instants, st.data())
def test_recomputing_from_any_moment_before_a_reminder_finds_that_same_reminder(plan, start, data):
    found = occurrences_between(plan, start, start + timedelta(days=30))
    if len(found) < 2:
        return
    index = data.draw(st.integers(1, len(found) - 1))
    previous, target = found[index - 1].due, found[index].due
    gap = int((target - previous).total_seconds())
    moment = previous + timedelta(seconds=data.draw(st.integers(0, gap - 1)))

    assert next_occurrence(plan, moment) == found[index]
    assert next_due(plan, previous) == target
