"""Reading one result for the patient: value, target, band and change since last time."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from webapp.content import result_catalogue as catalogue
from webapp.results.assessment import (
    NO_PREVIOUS_WORDS,
    PatientContext,
    ResultValue,
    Status,
    Target,
    assess,
    band_for,
    default_target,
    describe_value,
    red_flags,
    uk_date,
)

TAKEN_ON = date(2026, 3, 12)
ADULT = PatientContext(age=60)
COPD = PatientContext(age=70, conditions=frozenset({"copd"}))


def n(raw):
    return ResultValue.of_number(Decimal(str(raw)))


def read(code, value, previous=(), context=ADULT, target="default"):
    spec = catalogue.get(code)
    if target == "default":
        target = default_target(spec, context)
    return assess(spec, value, target, list(previous), TAKEN_ON, context)


# --- a whole reading -----------------------------------------------------------------------

def test_an_hba1c_reading_in_words():
    result = read("hba1c", n(57), [(date(2025, 9, 10), n(53))],
                  PatientContext(on_hypo_causing_drug=True))
    assert result.value_words == "57 mmol/mol"
    assert result.target_words == "53 mmol/mol or lower"
    assert (result.in_target, result.status, result.status_words) == (
        False, Status.ABOVE, "Above your target")
    assert result.change_words == "Up 4 since 10 September 2025"
    assert result.change.difference == 4
    assert result.flags == ()


def test_an_egfr_reading_has_a_stage_but_no_target():
    result = read("egfr", n(52))
    assert result.target is None and result.target_words is None
    assert result.band.code == "G3a"
    assert result.band_label == "Stage G3a: a mild to moderate fall in how well your kidneys filter"


def test_a_category_reading_carries_the_category_s_meaning():
    result = read("foot-risk", ResultValue.of_category("moderate"))
    assert result.value_words == "Moderate risk"
    assert result.band_label.startswith("Moderate risk:")


def test_the_wrong_kind_of_value_is_refused():
    with pytest.raises(ValueError, match="blood-pressure"):
        read("blood-pressure", n(140))


def test_an_unknown_category_is_refused():
    with pytest.raises(ValueError, match="no category"):
        read("foot-risk", ResultValue.of_category("medium"))


# --- value in words ------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "value", "words"), [
    ("hba1c", n(53), "53 mmol/mol"),
    ("blood-pressure", ResultValue.of_blood_pressure(135, 85), "135/85 mmHg"),
    ("potassium", n("4.2"), "4.2 mmol/L"),
    ("egfr", n(75), "75 mL/min/1.73m²"),
    ("bmi", n("27.4"), "27.4 kg/m²"),
    ("fev1", n(65), "65% predicted"),
    ("weight", n("72.5"), "72.5 kg"),
    ("foot-risk", ResultValue.of_category("active"), "Active foot problem"),
    ("smoking-status", ResultValue.of_category("ex-smoker"), "Ex-smoker"),
    ("phq-9", ResultValue.of_score(8, item_9=0), "8 out of 27"),
    ("cat", ResultValue.of_score(14), "14 out of 40"),
    ("mrc-dyspnoea", ResultValue.of_score(3), "3 out of 5"),
])
def test_values_in_words(code, value, words):
    assert describe_value(catalogue.get(code), value) == words


@pytest.mark.parametrize(("day", "words"), [
    (date(2026, 3, 12), "12 March 2026"), (date(2026, 2, 3), "3 February 2026"),
    (date(2025, 12, 31), "31 December 2025"),
])
def test_dates_are_written_the_uk_way(day, words):
    assert uk_date(day) == words


# --- change since last time ----------------------------------------------------------------

def test_no_earlier_result_says_so():
    result = read("hba1c", n(50))
    assert (result.change, result.change_words) == (None, NO_PREVIOUS_WORDS)


@pytest.mark.parametrize(("before", "now", "words"), [
    (50, 50, "About the same as last time"),
    (50, 52, "About the same as last time"),  # within HbA1c's 2 mmol/mol wobble
    (50, 48, "About the same as last time"),
    (50, 53, "Up 3 since 12 December 2025"),
    (50, 47, "Down 3 since 12 December 2025"),
])
def test_hba1c_change_since_last_time(before, now, words):
    assert read("hba1c", n(now), [(date(2025, 12, 12), n(before))]).change_words == words


@pytest.mark.parametrize(("before", "now", "words"), [
    ("4.8", "4.5", "Down 0.3 since 12 December 2025"),
    ("4.8", "4.6", "About the same as last time"),
    ("4.8", "5.1", "Up 0.3 since 12 December 2025"),
])
def test_decimal_changes_keep_their_decimals(before, now, words):
    assert read("potassium", n(now), [(date(2025, 12, 12), n(before))]).change_words == words


def test_change_is_against_the_most_recent_earlier_result():
    previous = [(date(2025, 3, 1), n(70)), (date(2025, 12, 12), n(60)),
                (date(2025, 6, 1), n(40))]
    result = read("hba1c", n(64), previous)
    assert result.change_words == "Up 4 since 12 December 2025"
    assert result.change.previous == n(60)
    assert result.change.previous_on == date(2025, 12, 12)


def test_results_from_the_same_day_or_later_are_not_compared():
    previous = [(TAKEN_ON, n(40)), (TAKEN_ON + timedelta(days=1), n(40))]
    assert read("hba1c", n(64), previous).change is None


@pytest.mark.parametrize(("before", "now", "words"), [
    ((140, 85), (142, 83), "About the same as last time"),
    ((140, 85), (150, 86), "Top number up 10, bottom number about the same, since "
                           "12 December 2025"),
    ((140, 85), (130, 75), "Top number down 10, bottom number down 10, since "
                           "12 December 2025"),
    ((140, 85), (141, 92), "Top number about the same, bottom number up 7, since "
                           "12 December 2025"),
])
def test_blood_pressure_change_speaks_of_top_and_bottom_numbers(before, now, words):
    previous = [(date(2025, 12, 12), ResultValue.of_blood_pressure(*before))]
    result = read("blood-pressure", ResultValue.of_blood_pressure(*now), previous)
    assert result.change_words == words


@pytest.mark.parametrize(("before", "now", "words"), [
    ("moderate", "moderate", "The same as last time"),
    ("moderate", "high", "Changed since 12 December 2025, when it was: moderate risk"),
])
def test_category_change(before, now, words):
    previous = [(date(2025, 12, 12), ResultValue.of_category(before))]
    result = read("foot-risk", ResultValue.of_category(now), previous)
    assert result.change_words == words


def test_score_change():
    previous = [(date(2025, 12, 12), ResultValue.of_score(14))]
    assert read("cat", ResultValue.of_score(10), previous).change_words == (
        "Down 4 since 12 December 2025")


# --- bands ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "stage"), [
    (120, "G1"), (90, "G1"), (89, "G2"), (60, "G2"), (59, "G3a"), (45, "G3a"), (44, "G3b"),
    (30, "G3b"), (29, "G4"), (15, "G4"), (14, "G5"), (1, "G5"), ("89.9", "G2"),
    ("59.9", "G3a"),
])
def test_egfr_stage_edges(raw, stage):
    assert band_for(catalogue.get("egfr"), n(raw), ADULT).code == stage


@pytest.mark.parametrize(("raw", "category"), [
    ("0", "A1"), ("2.9", "A1"), ("3", "A2"), ("30", "A2"), ("30.1", "A3"), ("70", "A3"),
])
def test_urine_acr_category_edges(raw, category):
    assert band_for(catalogue.get("urine-acr"), n(raw), ADULT).code == category


@pytest.mark.parametrize(("raw", "band"), [
    ("18.4", "underweight"), ("18.5", "healthy"), ("24.9", "healthy"), ("25", "overweight"),
    ("29.9", "overweight"), ("30", "obesity-1"), ("34.9", "obesity-1"), ("35", "obesity-2"),
    ("39.9", "obesity-2"), ("40", "obesity-3"),
])
def test_bmi_band_edges_standard(raw, band):
    assert band_for(catalogue.get("bmi"), n(raw), PatientContext(family_background="white")
                    ).code == band


@pytest.mark.parametrize(("raw", "band"), [
    ("18.4", "underweight"), ("18.5", "healthy"), ("22.9", "healthy"), ("23", "overweight"),
    ("27.4", "overweight"), ("27.5", "obesity-1"), ("32.4", "obesity-1"),
    ("32.5", "obesity-2"), ("37.4", "obesity-2"), ("37.5", "obesity-3"),
])
@pytest.mark.parametrize("background", sorted(catalogue.LOWER_BMI_CUTOFF_BACKGROUNDS))
def test_bmi_band_edges_with_lower_cut_offs(raw, band, background):
    context = PatientContext(family_background=background)
    assert band_for(catalogue.get("bmi"), n(raw), context).code == band


def test_bmi_label_says_when_lower_cut_offs_were_used():
    result = read("bmi", n(24), context=PatientContext(family_background="south-asian"))
    assert result.band_label == ("Above the healthy weight range for your family background "
                                 "(overweight)")
    assert result.status_words == "Above your target range"


@pytest.mark.parametrize(("raw", "grade"), [
    (100, "GOLD-1"), (80, "GOLD-1"), (79, "GOLD-2"), (50, "GOLD-2"), (49, "GOLD-3"),
    (30, "GOLD-3"), (29, "GOLD-4"), (10, "GOLD-4"),
])
def test_fev1_gold_grade_edges_in_copd(raw, grade):
    assert band_for(catalogue.get("fev1"), n(raw), COPD).code == grade


def test_fev1_has_no_gold_grade_without_copd():
    asthma = PatientContext(conditions=frozenset({"asthma"}))
    assert band_for(catalogue.get("fev1"), n(60), asthma) is None
    assert read("fev1", n(60), context=asthma).band_label is None


@pytest.mark.parametrize(("code", "score", "band"), [
    ("mrc-dyspnoea", 1, "1"), ("mrc-dyspnoea", 2, "2"), ("mrc-dyspnoea", 3, "3"),
    ("mrc-dyspnoea", 4, "4"), ("mrc-dyspnoea", 5, "5"),
    ("cat", 0, "low"), ("cat", 9, "low"), ("cat", 10, "medium"), ("cat", 20, "medium"),
    ("cat", 21, "high"), ("cat", 30, "high"), ("cat", 31, "very-high"), ("cat", 40, "very-high"),
    ("act", 5, "poor"), ("act", 15, "poor"), ("act", 16, "not-well"), ("act", 19, "not-well"),
    ("act", 20, "well"), ("act", 25, "well"),
    ("phq-9", 0, "minimal"), ("phq-9", 4, "minimal"), ("phq-9", 5, "mild"), ("phq-9", 9, "mild"),
    ("phq-9", 10, "moderate"), ("phq-9", 14, "moderate"), ("phq-9", 15, "moderately-severe"),
    ("phq-9", 19, "moderately-severe"), ("phq-9", 20, "severe"), ("phq-9", 27, "severe"),
    ("gad-7", 0, "minimal"), ("gad-7", 4, "minimal"), ("gad-7", 5, "mild"), ("gad-7", 9, "mild"),
    ("gad-7", 10, "moderate"), ("gad-7", 14, "moderate"), ("gad-7", 15, "severe"),
    ("gad-7", 21, "severe"),
])
def test_questionnaire_band_edges(code, score, band):
    assert band_for(catalogue.get(code), ResultValue.of_score(score), ADULT).code == band


@pytest.mark.parametrize("code", ["hba1c", "potassium", "weight", "total-cholesterol"])
def test_results_without_bands_have_no_band_label(code):
    result = read(code, n(5) if code != "hba1c" else n(50))
    assert (result.band, result.band_label) == (None, None)


# --- target passed in is the one used ------------------------------------------------------

def test_assess_uses_the_target_it_is_given_not_the_default():
    result = read("hba1c", n(50), target=Target.at_most(45))
    assert (result.in_target, result.target_words) == (False, "45 mmol/mol or lower")


def test_assess_without_a_target_says_no_target_set():
    result = read("hba1c", n(50), target=None)
    assert (result.in_target, result.status_words, result.target_words) == (
        None, "No target set", None)


# --- the value model -----------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: ResultValue(),
    lambda: ResultValue(number=Decimal(5), category="low"),
    lambda: ResultValue(systolic=140),
    lambda: ResultValue(category="low", item_9=1),
    lambda: ResultValue.of_score(10, item_9=4),
])
def test_a_value_holds_exactly_one_well_formed_shape(make):
    with pytest.raises(ValueError, match=r"result value|blood pressure|item_9"):
        make()


def test_a_number_must_be_a_decimal():
    with pytest.raises(TypeError):
        ResultValue(number=5.3)


def test_red_flags_alone_sort_and_filter_earlier_results_themselves():
    spec = catalogue.get("hba1c")
    previous = [(date(2025, 12, 1), n(60)), (date(2025, 6, 1), n(40)), (TAKEN_ON, n(30))]
    found = red_flags(spec, n(71), previous, TAKEN_ON, ADULT)
    assert [f.code for f in found] == ["hba1c-rise"]
