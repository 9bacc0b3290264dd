"""Red flags for the clinician's triage: every threshold at and either side of its edge."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from webapp.content import result_catalogue as catalogue
from webapp.results.assessment import (
    Comparison,
    EntryRange,
    PatientContext,
    ResultSpec,
    ResultValue,
    ThresholdRule,
    Urgency,
    ValueKind,
    assess,
)

TAKEN_ON = date(2026, 3, 12)
ADULT = PatientContext(age=60)
HEART_FAILURE = PatientContext(age=70, conditions=frozenset({"heart-failure"}))


def n(raw):
    return ResultValue.of_number(Decimal(str(raw)))


def flags(code, value, previous=(), context=ADULT, taken_on=TAKEN_ON):
    spec = catalogue.get(code)
    return assess(spec, value, None, list(previous), taken_on, context).flags


def codes(code, value, previous=(), context=ADULT, taken_on=TAKEN_ON):
    return [f.code for f in flags(code, value, previous, context, taken_on)]


# --- absolute thresholds -------------------------------------------------------------------

def test_hba1c_of_86_is_a_red_flag():
    (flag,) = flags("hba1c", n(86))
    assert flag.code == "hba1c-very-high"
    assert flag.reason == "HbA1c 86 mmol/mol is 86 or above"
    assert flag.urgency is Urgency.ROUTINE


@pytest.mark.parametrize(("code", "raw", "flag", "fires"), [
    ("hba1c", "85.9", "hba1c-very-high", False),
    ("hba1c", "86", "hba1c-very-high", True),
    ("hba1c", "86.1", "hba1c-very-high", True),
    ("egfr", "30", "egfr-below-30", False),
    ("egfr", "29.9", "egfr-below-30", True),
    ("egfr", "29", "egfr-below-30", True),
    ("urine-acr", "69.9", "urine-acr-70", False),
    ("urine-acr", "70", "urine-acr-70", True),
    ("urine-acr", "70.1", "urine-acr-70", True),
    ("potassium", "5.9", "potassium-high", False),
    ("potassium", "6.0", "potassium-high", True),
    ("potassium", "6.1", "potassium-high", True),
    ("potassium", "3.1", "potassium-low", False),
    ("potassium", "3.0", "potassium-low", False),
    ("potassium", "2.9", "potassium-low", True),
])
def test_number_thresholds_at_and_either_side_of_the_edge(code, raw, flag, fires):
    assert (flag in codes(code, n(raw))) is fires


@pytest.mark.parametrize(("code", "score", "flag", "fires"), [
    ("mrc-dyspnoea", 4, "mrc-grade-5", False),
    ("mrc-dyspnoea", 5, "mrc-grade-5", True),
    ("cat", 29, "cat-very-high", False),
    ("cat", 30, "cat-very-high", False),
    ("cat", 31, "cat-very-high", True),
    ("act", 16, "act-poor-control", False),
    ("act", 15, "act-poor-control", True),
    ("act", 14, "act-poor-control", True),
    ("phq-9", 19, "phq-9-severe", False),
    ("phq-9", 20, "phq-9-severe", True),
    ("phq-9", 21, "phq-9-severe", True),
    ("gad-7", 14, "gad-7-severe", False),
    ("gad-7", 15, "gad-7-severe", True),
    ("gad-7", 16, "gad-7-severe", True),
])
def test_questionnaire_thresholds_at_and_either_side_of_the_edge(code, score, flag, fires):
    value = ResultValue.of_score(score, item_9=0 if code == "phq-9" else None)
    assert (flag in codes(code, value)) is fires


@pytest.mark.parametrize(("code", "raw", "reason", "urgency"), [
    ("potassium", "6.2", "Potassium 6.2 mmol/L is 6.0 or above", Urgency.SAME_DAY),
    ("potassium", "2.8", "Potassium 2.8 mmol/L is below 3.0", Urgency.SAME_DAY),
    ("egfr", "28", "eGFR 28 mL/min/1.73m² is below 30", Urgency.ROUTINE),
    ("urine-acr", "75", "Urine ACR 75 mg/mmol is 70 or above", Urgency.ROUTINE),
])
def test_threshold_reasons_name_value_unit_and_threshold(code, raw, reason, urgency):
    (flag,) = flags(code, n(raw))
    assert (flag.reason, flag.urgency) == (reason, urgency)


@pytest.mark.parametrize(("code", "score", "reason"), [
    ("cat", 31, "CAT score 31 is above 30"),
    ("act", 15, "ACT score 15 is 15 or below"),
    ("mrc-dyspnoea", 5, "MRC dyspnoea grade 5 is 5 or above"),
    ("gad-7", 15, "GAD-7 score 15 is 15 or above"),
])
def test_questionnaire_reasons(code, score, reason):
    (flag,) = flags(code, ResultValue.of_score(score))
    assert flag.reason == reason


@pytest.mark.parametrize(("reading", "expected"), [
    ((179, 119), []),
    ((180, 100), ["bp-systolic-severe"]),
    ((170, 120), ["bp-diastolic-severe"]),
    ((181, 121), ["bp-systolic-severe", "bp-diastolic-severe"]),
])
def test_blood_pressure_of_180_or_120_is_a_same_day_flag(reading, expected):
    found = flags("blood-pressure", ResultValue.of_blood_pressure(*reading))
    assert [f.code for f in found] == expected
    assert all(f.urgency is Urgency.SAME_DAY for f in found)


def test_blood_pressure_reason_names_the_number_that_crossed():
    (flag,) = flags("blood-pressure", ResultValue.of_blood_pressure(182, 95))
    assert flag.reason == "Systolic blood pressure 182 mmHg is 180 or above"


@pytest.mark.parametrize(("category", "expected"), [
    ("low", []), ("moderate", []), ("high", []), ("active", ["foot-active-problem"]),
])
def test_an_active_foot_problem_is_a_same_day_flag(category, expected):
    found = flags("foot-risk", ResultValue.of_category(category))
    assert [f.code for f in found] == expected
    if found:
        assert found[0].urgency is Urgency.SAME_DAY
        assert found[0].reason == "Foot risk recorded as active foot problem"


@pytest.mark.parametrize(("category", "expected"), [
    ("none", []), ("background", []), ("referable", ["retinal-referable"]),
])
def test_referable_retinopathy_is_flagged(category, expected):
    assert codes("retinal-screening", ResultValue.of_category(category)) == expected


# --- PHQ-9 item 9 --------------------------------------------------------------------------

def test_phq9_item_9_answered_not_at_all_does_not_flag():
    assert codes("phq-9", ResultValue.of_score(12, item_9=0)) == []


@pytest.mark.parametrize(("answer", "words"), [
    (1, "several days"), (2, "more than half the days"), (3, "nearly every day"),
])
def test_any_item_9_answer_above_not_at_all_flags_for_same_day_attention(answer, words):
    (flag,) = flags("phq-9", ResultValue.of_score(3, item_9=answer))
    assert flag.code == "phq-9-item-9"
    assert flag.urgency is Urgency.SAME_DAY
    assert f'answered "{words}" ({answer})' in flag.reason


def test_phq9_of_20_flags_for_same_day_attention():
    (flag,) = flags("phq-9", ResultValue.of_score(20, item_9=0))
    assert (flag.code, flag.urgency) == ("phq-9-severe", Urgency.SAME_DAY)
    assert flag.reason == "PHQ-9 score 20 is 20 or above"


def test_phq9_severe_total_and_item_9_both_flag():
    found = codes("phq-9", ResultValue.of_score(24, item_9=2))
    assert found == ["phq-9-severe", "phq-9-item-9"]


def test_phq9_total_without_the_item_9_answer_asks_the_clinician_to_check():
    (flag,) = flags("phq-9", ResultValue.of_score(6))
    assert flag.code == "phq-9-item-9-missing"
    assert "item 9" in flag.reason


def test_phq9_total_of_0_needs_no_item_9_answer():
    assert codes("phq-9", ResultValue.of_score(0)) == []


def test_same_day_flags_come_first():
    # The catalogue lists same-day rules first; a made-up spec proves the sort itself.
    spec = ResultSpec(
        code="made-up", name="Made-up", unit="", kind=ValueKind.SCORE, what_it_is="x",
        how_to_read="x", source="x", conditions=frozenset({"general"}), example="1",
        entry_range=EntryRange(Decimal(0), Decimal(10)),
        red_flags=(
            ThresholdRule("routine-one", Comparison.AT_LEAST, Decimal(1), Urgency.ROUTINE, "x"),
            ThresholdRule("urgent-one", Comparison.AT_LEAST, Decimal(2), Urgency.SAME_DAY, "x"),
        ),
    )
    result = assess(spec, ResultValue.of_score(3), None, [], TAKEN_ON, ADULT)
    assert [f.code for f in result.flags] == ["urgent-one", "routine-one"]
    assert result.needs_same_day_attention


def test_routine_flags_alone_do_not_need_same_day_attention():
    spec = catalogue.get("hba1c")
    result = assess(spec, n(90), None, [], TAKEN_ON, ADULT)
    assert result.flags and not result.needs_same_day_attention


# --- HbA1c rise since last -----------------------------------------------------------------

def earlier(days_before, raw, taken_on=TAKEN_ON):
    return (taken_on - timedelta(days=days_before), n(raw))


@pytest.mark.parametrize(("before", "now", "fires"), [
    (60, 70, False), (60, 71, True), (60, 72, True), ("60", "70.9", False),
])
def test_hba1c_rise_of_11_since_last_is_a_red_flag(before, now, fires):
    assert ("hba1c-rise" in codes("hba1c", n(now), [earlier(200, before)])) is fires


def test_hba1c_rise_reason_gives_amount_date_and_threshold():
    found = flags("hba1c", n(76), [(date(2026, 2, 3), n(64))])
    assert [f.reason for f in found] == [
        "HbA1c rose by 12 mmol/mol since 3 February 2026 (from 64 to 76; threshold: 11)"]


def test_hba1c_rise_is_measured_from_the_last_result_only():
    previous = [earlier(400, 50), earlier(100, 65)]
    assert codes("hba1c", n(70), previous) == []


def test_hba1c_rise_uses_the_latest_earlier_result_whatever_the_list_order():
    previous = [earlier(100, 58), earlier(400, 70)]
    assert codes("hba1c", n(70), previous) == ["hba1c-rise"]


def test_hba1c_fall_is_not_a_red_flag():
    assert codes("hba1c", n(60), [earlier(90, 75)]) == []


def test_results_on_or_after_the_day_are_not_earlier_results():
    previous = [(TAKEN_ON, n(50)), (TAKEN_ON + timedelta(days=5), n(50))]
    assert codes("hba1c", n(70), previous) == []


def test_no_earlier_result_means_no_change_flag():
    assert codes("hba1c", n(70)) == []


def test_hba1c_very_high_and_rise_both_flag():
    assert codes("hba1c", n(88), [earlier(90, 70)]) == ["hba1c-very-high", "hba1c-rise"]


# --- eGFR falls (NICE NG203) ---------------------------------------------------------------

def a_year_before(day):
    return day.replace(year=day.year - 1)


@pytest.mark.parametrize(("before", "now", "fires"), [(60, 46, False), (60, 45, True),
                                                      (60, 40, True)])
def test_egfr_fall_of_15_within_12_months_is_a_red_flag(before, now, fires):
    previous = [(a_year_before(TAKEN_ON), n(before))]
    assert ("egfr-fall-15" in codes("egfr", n(now), previous)) is fires


def test_egfr_fall_of_15_over_more_than_12_months_is_not_flagged():
    previous = [(a_year_before(TAKEN_ON) - timedelta(days=1), n(60))]
    assert codes("egfr", n(45), previous) == []


def test_egfr_slow_slide_within_12_months_is_caught_even_when_each_step_is_small():
    previous = [(date(2025, 4, 1), n(61)), (date(2025, 9, 1), n(54)), (date(2026, 1, 5), n(50))]
    found = flags("egfr", n(46), previous)
    assert [f.code for f in found] == ["egfr-fall-15"]
    assert found[0].reason == ("eGFR fell by 15 mL/min/1.73m² since 1 April 2025 "
                               "(from 61 to 46; threshold: 15 within 12 months)")


def test_egfr_window_on_29_february_ends_on_28_february_a_year_before():
    leap_day = date(2024, 2, 29)
    assert codes("egfr", n(55), [(date(2023, 2, 28), n(70))], taken_on=leap_day) == [
        "egfr-fall-15"]
    assert codes("egfr", n(55), [(date(2023, 2, 27), n(70))], taken_on=leap_day) == []


@pytest.mark.parametrize(("before", "now", "fires"), [
    (52, 39, True),  # 25% exactly, G3a to G3b
    (52, 40, False),  # 23%, G3a to G3b
    (40, 30, False),  # 25% but both G3b
    (44, 33, False),  # 25% but both G3b
    (46, 34, True),  # 26%, G3a to G3b
])
def test_egfr_fall_of_25_percent_needs_a_change_of_stage(before, now, fires):
    previous = [(date(2025, 10, 1), n(before))]
    assert ("egfr-fall-25-percent" in codes("egfr", n(now), previous)) is fires


def test_egfr_percent_fall_reason_names_the_stages():
    found = flags("egfr", n(39), [(date(2025, 10, 1), n(52))])
    assert [f.reason for f in found] == [
        "eGFR fell by 25% since 1 October 2025 (from 52 to 39, stage G3a to G3b; "
        "threshold: 25% with a change of stage within 12 months)"]


def test_egfr_percent_fall_outside_12_months_is_not_flagged():
    previous = [(a_year_before(TAKEN_ON) - timedelta(days=1), n(52))]
    assert codes("egfr", n(39), previous) == []


def test_egfr_big_fall_into_stage_4_raises_every_rule_it_meets():
    found = codes("egfr", n(28), [(date(2025, 10, 1), n(50))])
    assert found == ["egfr-below-30", "egfr-fall-25-percent", "egfr-fall-15"]


def test_egfr_rise_is_not_a_red_flag():
    assert codes("egfr", n(70), [(date(2025, 10, 1), n(40))]) == []


# --- weight in heart failure ---------------------------------------------------------------

@pytest.mark.parametrize(("before", "now", "fires"), [
    ("80.0", "81.9", False), ("80.0", "82.0", True), ("80.0", "82.5", True),
])
def test_weight_gain_of_2_kg_in_3_days_flags_in_heart_failure(before, now, fires):
    previous = [(TAKEN_ON - timedelta(days=3), n(before))]
    found = flags("weight", n(now), previous, HEART_FAILURE)
    assert bool(found) is fires
    if fires:
        assert (found[0].code, found[0].urgency) == ("weight-gain-heart-failure",
                                                     Urgency.SAME_DAY)


def test_weight_gain_over_4_days_is_outside_the_window():
    previous = [(TAKEN_ON - timedelta(days=4), n(80))]
    assert codes("weight", n(83), previous, HEART_FAILURE) == []


def test_weight_gain_without_heart_failure_is_not_a_red_flag():
    previous = [(TAKEN_ON - timedelta(days=1), n(80))]
    assert codes("weight", n(83), previous, ADULT) == []


def test_weight_gain_is_measured_from_the_lowest_weight_in_the_window():
    previous = [(TAKEN_ON - timedelta(days=3), n("79.5")), (TAKEN_ON - timedelta(days=1),
                                                           n("81.0"))]
    found = flags("weight", n("81.6"), previous, HEART_FAILURE)
    assert [f.reason for f in found] == [
        "Weight rose by 2.1 kg since 9 March 2026 "
        "(from 79.5 to 81.6; threshold: 2 within 3 days, heart failure)"]


def test_weight_loss_is_not_a_red_flag():
    previous = [(TAKEN_ON - timedelta(days=2), n(85))]
    assert codes("weight", n(80), previous, HEART_FAILURE) == []
