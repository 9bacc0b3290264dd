from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.tracking.adherence import (
    DayOutcome,
    Entry,
    Frequency,
    Per,
    SkipReason,
    Status,
    TrendPoint,
    day_history,
    local_date_of,
    since_plan_summary,
    week_start,
    week_summary,
)

# Monday 3 November 2025 to Sunday 9 November 2025.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 11, 3) + timedelta(days=i) for i in range(7))
DAY = timedelta(days=1)
ONCE_A_DAY = Frequency.daily()
TWICE_A_DAY = Frequency.daily(2)


def done(day, amount=None):
    return Entry(day, Status.DONE, amount=amount)


def partly(day, amount=None):
    return Entry(day, Status.PARTLY, amount=amount)


def not_today(day, reason=None):
    return Entry(day, Status.NOT_TODAY, reason=reason)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# --- frequency and entries ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "words"),
    [
        (Frequency.daily(), "once a day"),
        (Frequency.daily(2), "twice a day"),
        (Frequency.daily(3), "3 times a day"),
        (Frequency.weekly(1), "once a week"),
        (Frequency.weekly(4), "4 times a week"),
    ],
)
def test_frequency_is_described_in_plain_english(frequency, words):
    assert frequency.describe() == words


@pytest.mark.parametrize("times", [0, -1, 1.5, True])
def test_frequency_needs_a_whole_number_of_times(times):
    with pytest.raises(ValueError, match="whole number"):
        Frequency(times, Per.DAY)


def test_frequency_and_entry_accept_the_stored_strings():
    assert Frequency(3, "week") == Frequency.weekly(3)
    entry = Entry(MON, "not_today", reason="away")
    assert entry.status is Status.NOT_TODAY
    assert entry.reason is SkipReason.AWAY


def test_only_a_not_today_entry_can_have_a_reason():
    with pytest.raises(ValueError, match="reason"):
        Entry(MON, Status.DONE, reason=SkipReason.UNWELL)


def test_an_amount_cannot_be_negative():
    with pytest.raises(ValueError, match="negative"):
        Entry(MON, Status.DONE, amount=-5)


# --- local dates -------------------------------------------------------------------------------


def test_local_date_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date_of(datetime(2025, 11, 3, 12, 0), "Europe/London")


def test_late_evening_utc_in_summer_is_already_tomorrow_in_london():
    assert local_date_of(utc(2025, 6, 30, 23, 30), "Europe/London") == date(2025, 7, 1)


def test_late_evening_utc_in_winter_is_the_same_day_in_london():
    assert local_date_of(utc(2025, 12, 31, 23, 30), "Europe/London") == date(2025, 12, 31)


def test_sunday_evening_utc_is_monday_morning_in_sydney_and_a_new_week():
    instant = utc(2025, 11, 2, 21, 0)  # 08:00 on Monday 3 Nov in Sydney (AEDT, +11)
    assert instant.date() == date(2025, 11, 2)
    assert local_date_of(instant, "Australia/Sydney") == MON
    assert week_start(local_date_of(instant, "Australia/Sydney")) == MON
    assert week_start(instant.date()) == date(2025, 10, 27)


def test_early_monday_utc_is_still_sunday_night_in_new_york_after_its_clocks_go_back():
    # New York left daylight saving at 06:00 UTC on 2 Nov 2025; 03:00 UTC on 3 Nov is
    # 22:00 EST on Sunday 2 Nov (it would be 23:00 if the offset were still -4).
    assert local_date_of(utc(2025, 11, 3, 3, 0), "America/New_York") == date(2025, 11, 2)
    assert local_date_of(utc(2025, 11, 3, 5, 0), "America/New_York") == MON


def test_the_hour_after_the_spring_change_moves_london_into_the_next_day_and_week():
    # Clocks went forward at 01:00 UTC on Sunday 30 March 2025.
    assert local_date_of(utc(2025, 3, 30, 0, 59), "Europe/London") == date(2025, 3, 30)
    monday_half_past_midnight = utc(2025, 3, 30, 23, 30)
    local = local_date_of(monday_half_past_midnight, "Europe/London")
    assert local == date(2025, 3, 31)
    assert week_start(local) == date(2025, 3, 31)


def test_the_repeated_hour_in_autumn_is_one_london_day():
    # Clocks went back at 01:00 UTC on Sunday 26 October 2025: 01:30 happened twice.
    first = utc(2025, 10, 26, 0, 30)
    second = utc(2025, 10, 26, 1, 30)
    london = ZoneInfo("Europe/London")
    assert first.astimezone(london).hour == second.astimezone(london).hour == 1
    assert local_date_of(first, "Europe/London") == date(2025, 10, 26)
    assert local_date_of(second, "Europe/London") == date(2025, 10, 26)
    # The 25-hour Sunday: 23:30 UTC is still Sunday, whereas in summer it would be Monday.
    assert local_date_of(utc(2025, 10, 26, 23, 30), "Europe/London") == date(2025, 10, 26)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (MON, MON),
        (SUN, MON),
        (date(2026, 1, 1), date(2025, 12, 29)),  # a Thursday: the week starts last year
        (date(2025, 3, 30), date(2025, 3, 24)),  # the spring clock change
    ],
)
def test_weeks_start_on_monday(day, monday):
    assert week_start(day) == monday


@given(st.dates())
def test_week_start_is_always_the_monday_of_the_same_week(day):
    monday = week_start(day)
    assert monday.weekday() == 0
    assert 0 <= (day - monday).days <= 6


# --- daily actions -----------------------------------------------------------------------------


def test_daily_action_counts_days_done_this_week():
    entries = [done(MON), done(TUE), done(THU), done(FRI), done(SUN)]
    week = week_summary(ONCE_A_DAY, entries, today=SUN)
    assert (week.planned, week.logged, week.not_done) == (7, 5, 2)
    assert week.unit == "days"
    assert week.sentence == "You've done this on 5 of 7 days this week"


def test_days_after_today_are_not_counted_as_missed():
    week = week_summary(ONCE_A_DAY, [done(MON), done(TUE)], today=WED)
    assert (week.planned, week.logged, week.not_done) == (3, 2, 1)
    assert week.sentence == "You've done this on 2 of 3 days this week"


def test_an_entry_dated_after_today_is_ignored():
    week = week_summary(ONCE_A_DAY, [done(MON), done(FRI)], today=TUE)
    assert week.logged == 1


def test_day_skipped_for_being_unwell_does_not_count_against_the_patient():
    entries = [done(MON), not_today(TUE, SkipReason.UNWELL), done(WED), done(THU)]
    week = week_summary(ONCE_A_DAY, entries, today=THU)
    assert (week.planned, week.logged, week.skipped, week.not_done) == (3, 3, 1, 0)
    assert week.sentence == "You've done this on 3 of 3 days this week"


@pytest.mark.parametrize("reason", list(SkipReason))
def test_every_reason_takes_the_day_out_of_the_plan(reason):
    week = week_summary(ONCE_A_DAY, [not_today(MON, reason), done(TUE)], today=TUE)
    assert (week.planned, week.skipped) == (1, 1)


def test_not_today_without_a_reason_is_a_planned_day_not_done():
    week = week_summary(ONCE_A_DAY, [done(MON), not_today(TUE)], today=TUE)
    assert (week.planned, week.logged, week.skipped, week.not_done) == (2, 1, 0, 1)
    assert week.days_not_today == 1


def test_partly_counts_as_logged_and_is_reported_separately():
    week = week_summary(ONCE_A_DAY, [done(MON), partly(TUE), done(WED)], today=WED)
    assert (week.logged, week.done, week.partly) == (3, 2, 1)
    assert week.sentence == "You've done this on 3 of 3 days this week"


def test_two_entries_on_one_day_count_once_for_a_once_a_day_action():
    week = week_summary(ONCE_A_DAY, [done(MON), done(MON), done(TUE)], today=TUE)
    assert (week.planned, week.logged) == (2, 2)


def test_progress_on_a_day_also_marked_unwell_still_counts_as_progress():
    entries = [partly(MON), not_today(MON, SkipReason.UNWELL)]
    week = week_summary(ONCE_A_DAY, entries, today=MON)
    assert (week.planned, week.partly, week.skipped) == (1, 1, 0)


def test_a_reason_wins_over_a_plain_not_today_on_the_same_day():
    entries = [not_today(MON), not_today(MON, SkipReason.AWAY)]
    [record] = day_history(ONCE_A_DAY, entries, MON, MON)
    assert record.outcome is DayOutcome.SKIPPED
    assert record.reason is SkipReason.AWAY


def test_the_week_starts_at_the_plan_start_when_the_plan_began_mid_week():
    week = week_summary(ONCE_A_DAY, [done(MON), done(THU)], today=FRI, plan_start=THU)
    assert (week.first_day, week.planned, week.logged) == (THU, 2, 1)


# --- several times a day -------------------------------------------------------------------------


def test_day_is_met_when_done_as_many_times_as_planned():
    entries = [done(MON), done(MON), done(TUE), done(TUE), done(TUE)]
    week = week_summary(TWICE_A_DAY, entries, today=TUE)
    assert (week.done, week.partly) == (2, 0)
    assert week.sentence == "You've done this twice a day on 2 of 2 days this week"


def test_day_with_fewer_than_planned_is_partial_but_still_counted():
    entries = [done(MON), done(MON), done(TUE), partly(WED), partly(WED)]
    week = week_summary(TWICE_A_DAY, entries, today=WED)
    assert (week.planned, week.logged, week.done, week.partly) == (3, 3, 1, 2)
    assert week.sentence == "You've done this on 3 of 3 days this week, twice a day on 1 of them"


def test_partly_entries_do_not_add_up_to_a_met_day():
    history = day_history(TWICE_A_DAY, [partly(MON), partly(MON)], MON, MON)
    assert history[0].outcome is DayOutcome.PARTLY
    assert (history[0].done_count, history[0].partly_count) == (0, 2)


def test_only_partial_days_are_described_as_some_of_it():
    week = week_summary(TWICE_A_DAY, [done(MON), partly(TUE)], today=WED)
    assert week.sentence == "You've done some of this on 2 of 3 days this week"


# --- weekly actions ------------------------------------------------------------------------------


def test_weekly_action_counts_times_done_this_week():
    entries = [done(MON), done(WED), partly(SAT)]
    week = week_summary(Frequency.weekly(4), entries, today=SUN)
    assert (week.planned, week.done, week.partly, week.logged) == (4, 2, 1, 3)
    assert week.unit == "times"
    assert week.sentence == "You've done this 3 of 4 times this week"


def test_two_walks_on_one_day_are_two_times_for_a_weekly_action():
    week = week_summary(Frequency.weekly(3), [done(SAT), done(SAT)], today=SAT)
    assert week.logged == 2


def test_weekly_target_is_not_missed_before_the_week_ends():
    week = week_summary(Frequency.weekly(3), [done(MON)], today=TUE)
    assert (week.planned, week.not_done) == (3, 0)
    assert week.sentence == "You've done this 1 of 3 times this week"


def test_a_weekly_target_counts_as_not_done_only_once_the_week_is_over():
    on_sunday = since_plan_summary(Frequency.weekly(3), [done(MON)], plan_start=MON, today=SUN)
    assert (on_sunday.weeks[0].planned, on_sunday.weeks[0].not_done) == (3, 0)

    next_monday = SUN + timedelta(days=1)
    summary = since_plan_summary(Frequency.weekly(3), [done(MON)], MON, today=next_monday)
    finished = summary.weeks[0]
    assert not finished.is_current
    assert (finished.planned, finished.logged, finished.not_done) == (3, 1, 2)


def test_days_away_take_their_share_off_a_weekly_target():
    away = [not_today(d, SkipReason.AWAY) for d in (MON, TUE, WED, THU)]
    week = week_summary(Frequency.weekly(3), [*away, done(SAT)], today=SUN)
    # 3 times over 7 days, with 3 days left: 3 x 3/7 = 1.3, which rounds to 1.
    assert (week.planned, week.skipped, week.logged) == (1, 4, 1)
    assert week.sentence == "You've done this 1 of 1 time this week"


def test_a_whole_week_away_plans_nothing_and_says_so_kindly():
    away = [not_today(MON + timedelta(days=i), SkipReason.AWAY) for i in range(7)]
    week = week_summary(Frequency.weekly(3), away, today=SUN)
    assert (week.planned, week.skipped, week.not_done) == (0, 7, 0)
    assert week.sentence == (
        "You took a break this week — that's OK. Pick it up again when you're ready"
    )


def test_doing_more_than_planned_is_acknowledged():
    week = week_summary(Frequency.weekly(2), [done(MON), done(TUE), done(WED)], today=WED)
    assert week.sentence == "You've done this 3 times this week — more than the 2 you planned"


def test_a_weekly_plan_starting_on_thursday_plans_a_share_of_the_first_week():
    summary = since_plan_summary(Frequency.weekly(3), [], plan_start=THU, today=SUN + 7 * DAY)
    # Thursday to Sunday is 4 of 7 days: 3 x 4/7 = 1.7, which rounds to 2.
    assert [w.planned for w in summary.weeks] == [2, 3]


# --- sentences -----------------------------------------------------------------------------------


def test_no_entries_yet_is_met_with_encouragement():
    week = week_summary(ONCE_A_DAY, [], today=MON)
    assert week.sentence == "No entries yet this week — that's OK, today is a new day"


def test_only_not_today_entries_are_not_called_no_entries():
    week = week_summary(ONCE_A_DAY, [not_today(MON)], today=TUE)
    assert week.sentence == "Not done yet this week — that's OK, today is a new day"


def test_a_single_planned_day_is_singular():
    week = week_summary(ONCE_A_DAY, [done(MON)], today=MON)
    assert week.sentence == "You've done this on 1 of 1 day this week"


def test_a_past_week_is_described_as_that_week():
    past = since_plan_summary(ONCE_A_DAY, [done(MON)], MON, today=MON + 7 * DAY, end=SUN)
    assert not past.weeks[-1].is_current
    assert past.sentence == "You've done this on 1 of 7 days that week"


@pytest.mark.parametrize(
    "frequency", [ONCE_A_DAY, TWICE_A_DAY, Frequency.weekly(1), Frequency.weekly(5)]
)
@pytest.mark.parametrize(
    "entries",
    [
        [],
        [not_today(MON)],
        [not_today(MON, SkipReason.UNWELL), not_today(TUE, SkipReason.AWAY)],
        [done(MON), partly(TUE)],
    ],
)
def test_no_sentence_blames_the_patient(frequency, entries):
    sentence = week_summary(frequency, entries, today=TUE).sentence
    for word in ("missed", "failed", "only", "didn't", "should"):
        assert word not in sentence.lower()


# --- since the plan started ----------------------------------------------------------------------


def test_since_plan_summary_gives_totals_weeks_skips_and_the_measure_trend():
    plan_start = date(2025, 10, 30)  # a Thursday
    entries = [
        done(date(2025, 10, 30), amount=10),
        done(date(2025, 10, 31), amount=12),
        not_today(date(2025, 11, 1), SkipReason.UNWELL),
        done(MON, amount=10),
        done(MON, amount=5),
        partly(TUE, amount=6),
        not_today(WED),
        not_today(THU, SkipReason.AWAY),
        not_today(FRI, SkipReason.UNWELL),
    ]
    summary = since_plan_summary(ONCE_A_DAY, entries, plan_start, today=FRI)

    assert [(w.week_start, w.planned, w.logged, w.skipped) for w in summary.weeks] == [
        (date(2025, 10, 27), 3, 2, 1),
        (MON, 3, 2, 2),
    ]
    assert (summary.planned, summary.done, summary.partly, summary.not_done) == (6, 3, 1, 2)
    assert summary.skipped == 3
    assert summary.skipped_by_reason == {SkipReason.UNWELL: 2, SkipReason.AWAY: 1}
    assert summary.trend == (
        TrendPoint(date(2025, 10, 30), 10),
        TrendPoint(date(2025, 10, 31), 12),
        TrendPoint(MON, 15),
        TrendPoint(TUE, 6),
    )
    assert len(summary.days) == 9
    assert summary.sentence == "You've done this on 2 of 3 days this week"


def test_since_plan_summary_stops_at_an_earlier_end_date():
    summary = since_plan_summary(
        ONCE_A_DAY, [done(MON), done(THU)], plan_start=MON, today=SUN, end=TUE
    )
    assert (summary.end, summary.planned, summary.logged) == (TUE, 2, 1)


def test_since_plan_summary_never_counts_beyond_today():
    summary = since_plan_summary(ONCE_A_DAY, [], plan_start=MON, today=TUE, end=SUN + 30 * DAY)
    assert (summary.end, summary.planned) == (TUE, 2)


def test_a_plan_that_has_not_started_has_nothing_planned():
    summary = since_plan_summary(ONCE_A_DAY, [done(MON)], plan_start=THU, today=TUE)
    assert (summary.planned, summary.logged, summary.weeks) == (0, 0, ())
    assert summary.sentence == "Your plan hasn't started yet"
    assert week_summary(Frequency.weekly(3), [], today=TUE, plan_start=THU).planned == 0


def test_not_today_amounts_are_left_out_of_the_trend():
    entries = [Entry(MON, Status.NOT_TODAY, amount=3), done(TUE)]
    assert since_plan_summary(ONCE_A_DAY, entries, MON, today=TUE).trend == ()


# --- across the clocks changing ------------------------------------------------------------------


def entries_logged_at(local_times, tz_name):
    """Entries as the device makes them: dated by the patient's own calendar."""
    zone = ZoneInfo(tz_name)
    return [
        done(local_date_of(t.replace(tzinfo=zone).astimezone(UTC), tz_name)) for t in local_times
    ]


def test_a_week_spanning_the_spring_clock_change_still_has_seven_days():
    # Monday 24 to Sunday 30 March 2025; logged at 00:30 local each night, which is
    # the previous day in UTC once the clocks have gone forward.
    nights = [datetime(2025, 3, 24, 0, 30) + timedelta(days=i) for i in range(8)]
    entries = entries_logged_at(nights, "Europe/London")
    now = utc(2025, 3, 30, 22, 30)  # 23:30 BST, Sunday
    week = week_summary(ONCE_A_DAY, entries, today=local_date_of(now, "Europe/London"))
    assert (week.week_start, week.planned, week.logged) == (date(2025, 3, 24), 7, 7)

    # An hour later it is Monday in London, though still Sunday in UTC: a new week.
    later = now + timedelta(hours=1)
    assert later.date() == date(2025, 3, 30)
    next_week = week_summary(ONCE_A_DAY, entries, today=local_date_of(later, "Europe/London"))
    assert (next_week.week_start, next_week.planned, next_week.logged) == (
        date(2025, 3, 31),
        1,
        1,
    )


def test_a_week_spanning_the_autumn_clock_change_still_has_seven_days():
    # Monday 20 to Sunday 26 October 2025; Sunday has 25 hours.
    evenings = [datetime(2025, 10, 20, 23, 30) + timedelta(days=i) for i in range(7)]
    entries = entries_logged_at(evenings, "Europe/London")
    now = utc(2025, 10, 26, 23, 30)  # still Sunday in London: 23:30 GMT
    week = week_summary(ONCE_A_DAY, entries, today=local_date_of(now, "Europe/London"))
    assert (week.week_start, week.planned, week.logged) == (date(2025, 10, 20), 7, 7)


def test_twice_in_the_repeated_autumn_hour_meets_a_twice_a_day_target():
    london = "Europe/London"
    entries = [
        done(local_date_of(utc(2025, 10, 26, 0, 30), london)),  # 01:30 BST
        done(local_date_of(utc(2025, 10, 26, 1, 30), london)),  # 01:30 GMT
    ]
    [record] = day_history(TWICE_A_DAY, entries, date(2025, 10, 26), date(2025, 10, 26))
    assert record.outcome is DayOutcome.DONE


def test_a_sydney_patient_starts_a_new_week_while_it_is_still_sunday_in_utc():
    sydney = "Australia/Sydney"
    entries = [done(date(2025, 10, 27) + timedelta(days=i)) for i in range(7)]
    now = utc(2025, 11, 2, 21, 0)
    week = week_summary(ONCE_A_DAY, entries, today=local_date_of(now, sydney))
    assert (week.week_start, week.planned, week.logged) == (MON, 1, 0)
    assert week.sentence == "No entries yet this week — that's OK, today is a new day"


# --- properties ----------------------------------------------------------------------------------


@st.composite
def entry_strategy(draw):
    status = draw(st.sampled_from(list(Status)))
    reason = None
    if status is Status.NOT_TODAY:
        reason = draw(st.one_of(st.none(), st.sampled_from(list(SkipReason))))
    return Entry(
        local_date=draw(st.dates(min_value=date(2025, 10, 1), max_value=date(2025, 12, 31))),
        status=status,
        amount=draw(st.one_of(st.none(), st.integers(0, 120))),
        reason=reason,
    )


@given(
    entries=st.lists(entry_strategy(), max_size=40),
    times=st.integers(1, 3),
    start=st.dates(min_value=date(2025, 10, 1), max_value=date(2025, 11, 15)),
    length=st.integers(0, 45),
)
def test_daily_totals_always_add_up(entries, times, start, length):
    today = start + timedelta(days=length)
    summary = since_plan_summary(Frequency.daily(times), entries, start, today)
    assert summary.planned + summary.skipped == length + 1
    assert summary.done + summary.partly + summary.not_done == summary.planned
    assert summary.planned == sum(w.planned for w in summary.weeks)
    assert all(w.week_start.weekday() == 0 for w in summary.weeks)
    assert all(w.first_day <= w.last_day <= today for w in summary.weeks)


@given(
    entries=st.lists(entry_strategy(), max_size=40),
    times=st.integers(1, 7),
    start=st.dates(min_value=date(2025, 10, 1), max_value=date(2025, 11, 15)),
    length=st.integers(0, 45),
)
def test_weekly_planned_never_exceeds_the_target(entries, times, start, length):
    summary = since_plan_summary(Frequency.weekly(times), entries, start, start + length * DAY)
    for week in summary.weeks:
        assert 0 <= week.planned <= times
        assert week.not_done <= week.planned
