"""Staff entry: what was typed becomes a value, or errors a person can act on."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.content import result_catalogue as catalogue
from webapp.results.assessment import (
    EntryError,
    ResultValue,
    ValueKind,
    parse_and_check,
)


def parse(code, **raw):
    return parse_and_check(catalogue.get(code), raw)


def messages(result):
    assert isinstance(result, list), result
    return [(e.field, e.message) for e in result]


# --- numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "number"), [
    ("53", "53"), (" 53 ", "53"), ("53 mmol/mol", "53"), ("53mmol/mol", "53"), ("53.0", "53"),
    ("20", "20"), ("200", "200"),
])
def test_hba1c_accepts_whole_numbers_with_or_without_the_unit(typed, number):
    assert parse("hba1c", value=typed) == ResultValue.of_number(Decimal(number))


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Enter HbA1c"),
    ("   ", "Enter HbA1c"),
    ("abc", "Enter HbA1c as a number, like 53"),
    ("5 3", "Enter HbA1c as a number, like 53"),
    ("NaN", "Enter HbA1c as a number, like 53"),
    ("Infinity", "Enter HbA1c as a number, like 53"),
    ("5e1", "Enter HbA1c as a number, like 53"),
    ("53.5", "HbA1c must be a whole number, like 53"),
    ("19", "HbA1c must be between 20 and 200"),
    ("201", "HbA1c must be between 20 and 200"),
    ("-53", "HbA1c must be between 20 and 200"),
])
def test_hba1c_typing_errors_get_clear_messages(typed, message):
    assert messages(parse("hba1c", value=typed)) == [("value", message)]


def test_a_missing_field_reads_as_empty():
    assert messages(parse("hba1c")) == [("value", "Enter HbA1c")]


@pytest.mark.parametrize(("typed", "ok"), [("1.4", False), ("1.5", True), ("10", True),
                                           ("10.1", False)])
def test_potassium_entry_range_is_1_5_to_10(typed, ok):
    result = parse("potassium", value=typed)
    if ok:
        assert result == ResultValue.of_number(Decimal(typed))
    else:
        assert messages(result) == [("value", "Potassium must be between 1.5 and 10")]


@pytest.mark.parametrize(("code", "typed", "message"), [
    ("potassium", "4.25", "Potassium must have no more than 1 decimal place, like 4.2"),
    ("total-cholesterol", "4.855",
     "Total cholesterol must have no more than 2 decimal places, like 4.8"),
    ("egfr", "75.5", "eGFR must be a whole number, like 75"),
    ("egfr", ">90", "Enter eGFR as a number without < or >, like 75"),
    ("urine-acr", "<0.3", "Enter urine ACR as a number without < or >, like 2.5"),
    ("egfr", "0", "eGFR must be between 1 and 200"),
    ("weight", "", "Enter weight"),
    ("weight", "seventy", "Enter weight as a number, like 72.5"),
])
def test_number_errors_name_the_result_and_show_an_example(code, typed, message):
    assert messages(parse(code, value=typed)) == [("value", message)]


@pytest.mark.parametrize(("code", "typed", "number"), [
    ("weight", "72.5kg", "72.5"),
    ("fev1", "65%", "65"),
    ("fev1", "65 % predicted", "65"),
    ("potassium", "4.20", "4.2"),
    ("total-cholesterol", "4.85", "4.85"),
    ("urine-acr", "0", "0"),
    ("bmi", ".5e0", None),
])
def test_numbers_are_stored_without_trailing_zeros_or_units(code, typed, number):
    result = parse(code, value=typed)
    if number is None:
        assert isinstance(result, list)
    else:
        assert result == ResultValue.of_number(Decimal(number))
        assert str(result.number) == number


NUMBER_SPECS = [s for s in catalogue.RESULT_TYPES if s.kind is ValueKind.NUMBER]


@pytest.mark.parametrize("spec", NUMBER_SPECS, ids=[s.code for s in NUMBER_SPECS])
@given(data=st.data())
def test_any_in_range_value_with_allowed_decimals_round_trips(spec, data):
    steps = int((spec.entry_range.high - spec.entry_range.low) * 10 ** spec.decimals)
    k = data.draw(st.integers(min_value=0, max_value=steps))
    number = spec.entry_range.low + Decimal(k).scaleb(-spec.decimals)
    typed = format(number, "f")
    result = parse_and_check(spec, {"value": typed})
    assert isinstance(result, ResultValue)
    assert result.number == number


@pytest.mark.parametrize("spec", NUMBER_SPECS, ids=[s.code for s in NUMBER_SPECS])
def test_one_step_outside_the_entry_range_is_refused(spec):
    step = Decimal(1).scaleb(-spec.decimals)
    for number in (spec.entry_range.low - step, spec.entry_range.high + step):
        result = parse_and_check(spec, {"value": format(number, "f")})
        assert [e.field for e in result] == ["value"]
        assert "must be between" in result[0].message


# --- blood pressure ------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["135/85", "135 / 85", " 135/85 ", "135/85 mmHg"])
def test_blood_pressure_in_one_box(typed):
    assert parse("blood-pressure", value=typed) == ResultValue.of_blood_pressure(135, 85)


@pytest.mark.parametrize("typed", ["", "135", "135/", "/85", "135/85/70", "135-85",
                                   "135.5/85", "abc"])
def test_blood_pressure_in_one_box_must_be_two_numbers(typed):
    assert messages(parse("blood-pressure", value=typed)) == [
        ("value", "Enter blood pressure as two numbers, like 135 and 85")]


def test_blood_pressure_in_two_boxes():
    result = parse("blood-pressure", systolic="135", diastolic="85")
    assert result == ResultValue.of_blood_pressure(135, 85)


@pytest.mark.parametrize(("systolic", "diastolic", "expected"), [
    ("", "85", [("systolic", "Enter systolic blood pressure (the top number), like 135")]),
    ("135", "", [("diastolic", "Enter diastolic blood pressure (the bottom number), like 85")]),
    ("", "", [("systolic", "Enter systolic blood pressure (the top number), like 135"),
              ("diastolic", "Enter diastolic blood pressure (the bottom number), like 85")]),
    ("13a5", "85", [("systolic", "Enter systolic blood pressure as a whole number, like 135")]),
    ("135", "85.5", [("diastolic",
                      "Enter diastolic blood pressure as a whole number, like 85")]),
    ("49", "30", [("systolic", "Systolic blood pressure must be between 50 and 300")]),
    ("301", "90", [("systolic", "Systolic blood pressure must be between 50 and 300")]),
    ("120", "19", [("diastolic", "Diastolic blood pressure must be between 20 and 200")]),
    ("300", "201", [("diastolic", "Diastolic blood pressure must be between 20 and 200")]),
    ("85", "135", [("diastolic", "Diastolic blood pressure (the bottom number) must be lower "
                                 "than systolic (the top number)")]),
    ("120", "120", [("diastolic", "Diastolic blood pressure (the bottom number) must be lower "
                                  "than systolic (the top number)")]),
])
def test_blood_pressure_errors_point_at_the_box(systolic, diastolic, expected):
    assert messages(parse("blood-pressure", systolic=systolic, diastolic=diastolic)) == expected


@pytest.mark.parametrize(("systolic", "diastolic"), [(50, 20), (300, 200), (121, 120)])
def test_blood_pressure_at_the_edges_of_the_entry_range(systolic, diastolic):
    result = parse("blood-pressure", systolic=str(systolic), diastolic=str(diastolic))
    assert result == ResultValue.of_blood_pressure(systolic, diastolic)


def test_one_box_blood_pressure_out_of_range_is_reported_on_that_box():
    assert messages(parse("blood-pressure", value="350/85")) == [
        ("value", "Systolic blood pressure must be between 50 and 300")]


# --- categories ----------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "typed"), [("foot-risk", "moderate"),
                                             ("retinal-screening", "referable"),
                                             ("smoking-status", "ex-smoker")])
def test_categories_are_chosen_by_code(code, typed):
    assert parse(code, value=typed) == ResultValue.of_category(typed)


@pytest.mark.parametrize(("code", "typed", "message"), [
    ("foot-risk", "", "Select foot risk from the list"),
    ("foot-risk", "Moderate risk", "Select foot risk from the list"),
    ("smoking-status", "sometimes", "Select smoking status from the list"),
    ("retinal-screening", None, "Select the eye screening result from the list"),
])
def test_unknown_categories_are_refused(code, typed, message):
    assert messages(parse(code, value=typed)) == [("value", message)]


# --- questionnaires ------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "typed", "message"), [
    ("cat", "41", "The CAT score must be between 0 and 40"),
    ("cat", "-1", "The CAT score must be between 0 and 40"),
    ("act", "4", "The Asthma Control Test score must be between 5 and 25"),
    ("act", "26", "The Asthma Control Test score must be between 5 and 25"),
    ("mrc-dyspnoea", "0", "The MRC breathlessness grade must be between 1 and 5"),
    ("mrc-dyspnoea", "6", "The MRC breathlessness grade must be between 1 and 5"),
    ("gad-7", "22", "The GAD-7 score must be between 0 and 21"),
    ("gad-7", "7.5", "The GAD-7 score must be a whole number, like 6"),
    ("gad-7", "", "Enter the GAD-7 score"),
])
def test_questionnaire_scores_stay_in_the_instrument_s_range(code, typed, message):
    assert messages(parse(code, value=typed)) == [("value", message)]


@pytest.mark.parametrize(("code", "typed"), [("cat", "0"), ("cat", "40"), ("act", "5"),
                                             ("act", "25"), ("mrc-dyspnoea", "1"),
                                             ("mrc-dyspnoea", "5"), ("gad-7", "21")])
def test_questionnaire_scores_at_the_ends_of_their_range(code, typed):
    assert parse(code, value=typed) == ResultValue.of_score(int(typed))


def test_phq9_takes_the_total_and_the_item_9_answer():
    assert parse("phq-9", value="12", item_9="1") == ResultValue.of_score(12, item_9=1)


@pytest.mark.parametrize(("total", "item_9", "expected"), [
    ("12", "", [("item_9", "Enter the answer to question 9 (thoughts of self-harm), "
                           "from 0 to 3")]),
    ("12", "4", [("item_9", "The answer to question 9 must be 0, 1, 2 or 3")]),
    ("12", "-1", [("item_9", "The answer to question 9 must be 0, 1, 2 or 3")]),
    ("12", "one", [("item_9", "The answer to question 9 must be 0, 1, 2 or 3")]),
    ("2", "3", [("item_9", "The answer to question 9 cannot be more than the total score")]),
    ("28", "1", [("value", "The PHQ-9 score must be between 0 and 27")]),
    ("", "", [("value", "Enter the PHQ-9 score"),
              ("item_9", "Enter the answer to question 9 (thoughts of self-harm), "
                         "from 0 to 3")]),
])
def test_phq9_entry_errors(total, item_9, expected):
    assert messages(parse("phq-9", value=total, item_9=item_9)) == expected


@pytest.mark.parametrize("item_9", ["0", "1", "2", "3"])
def test_phq9_accepts_every_item_9_answer(item_9):
    assert parse("phq-9", value="3", item_9=item_9).item_9 == int(item_9)


def test_errors_are_entry_errors_with_field_and_message():
    result = parse("hba1c", value="x")
    assert result == [EntryError("value", "Enter HbA1c as a number, like 53")]


@pytest.mark.parametrize("huge", ["10000000000000000000000000000", "9" * 60])
def test_an_absurdly_large_number_is_out_of_range_not_an_error(huge):
    problems = parse_and_check(catalogue.get("bmi"), {"value": huge})
    assert isinstance(problems, list) and "must be between" in problems[0].message
