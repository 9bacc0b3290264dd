"""Default targets by patient context, targets in words, and in/out of target at every edge."""

from datetime import date
from decimal import Decimal

import pytest

from webapp.content import result_catalogue as catalogue
from webapp.results.assessment import (
    PatientContext,
    ResultValue,
    Status,
    Target,
    TargetKind,
    When,
    assess,
    default_target,
    describe_target,
    effective_target,
    target_met,
)

ADULT = PatientContext(age=60)
TAKEN_ON = date(2026, 3, 12)


def spec(code):
    return catalogue.get(code)


def value_for(code, raw):
    kind = spec(code).kind.value
    if kind == "blood-pressure":
        systolic, diastolic = raw
        return ResultValue.of_blood_pressure(systolic, diastolic)
    if kind == "category":
        return ResultValue.of_category(raw)
    return ResultValue.of_number(Decimal(str(raw)))


def status_of(code, raw, context=ADULT):
    s = spec(code)
    result = assess(s, value_for(code, raw), default_target(s, context), [], TAKEN_ON, context)
    return result.in_target, result.status_words


# --- targets in words ----------------------------------------------------------------------

@pytest.mark.parametrize(("code", "words", "with_unit"), [
    ("hba1c", "48 or lower", "48 mmol/mol or lower"),
    ("blood-pressure", "below 140/90", "below 140/90 mmHg"),
    ("total-cholesterol", "5 or lower", "5 mmol/L or lower"),
    ("urine-acr", "below 3", "below 3 mg/mmol"),
    ("potassium", "between 3.5 and 5.3", "between 3.5 and 5.3 mmol/L"),
    ("bmi", "between 18.5 and 24.9", "between 18.5 and 24.9 kg/m²"),
    ("foot-risk", "low risk", "low risk"),
    ("smoking-status", "not smoking", "not smoking"),
    ("cat", "below 10", "below 10"),
    ("act", "20 or higher", "20 or higher"),
    ("phq-9", "below 5", "below 5"),
    ("gad-7", "below 5", "below 5"),
])
def test_default_target_in_words(code, words, with_unit):
    target = default_target(spec(code), ADULT)
    assert describe_target(target) == words
    assert describe_target(target, spec(code)) == with_unit


@pytest.mark.parametrize("code", [
    "non-hdl-cholesterol", "ldl-cholesterol", "egfr", "weight", "retinal-screening", "fev1",
    "mrc-dyspnoea",
])
def test_results_without_a_default_target_for_a_plain_adult(code):
    assert default_target(spec(code), ADULT) is None


@pytest.mark.parametrize(("target", "words"), [
    (Target.at_most(53), "53 or lower"),
    (Target.below(Decimal("7.5")), "below 7.5"),
    (Target.at_least(20), "20 or higher"),
    (Target.between(Decimal("3.5"), Decimal("5.3")), "between 3.5 and 5.3"),
    (Target.bp_below(140, 90), "below 140/90"),
    (Target.one_of("none", wording="no problem found"), "no problem found"),
    (Target.reduction(40), "more than 40% lower than before treatment"),
])
def test_targets_describe_themselves(target, words):
    assert describe_target(target) == words


def test_category_target_without_wording_uses_category_labels_in_order():
    target = Target.one_of("moderate", "low")
    assert describe_target(target, spec("foot-risk")) == "low risk or moderate risk"


# --- HbA1c: NICE NG28 and NG17 -------------------------------------------------------------

@pytest.mark.parametrize(("context", "high", "basis"), [
    (PatientContext(conditions=frozenset({"diabetes"})), 48, "NG28"),
    (PatientContext(conditions=frozenset({"diabetes"}), on_hypo_causing_drug=True), 53, "NG28"),
    (PatientContext(type_1_diabetes=True), 48, "NG17"),
    # Everyone with type 1 takes insulin; NG17's 48 still applies.
    (PatientContext(type_1_diabetes=True, on_hypo_causing_drug=True), 48, "NG17"),
])
def test_hba1c_default_target_depends_on_diabetes_type_and_hypo_causing_drugs(context, high,
                                                                             basis):
    target = default_target(spec("hba1c"), context)
    assert target == Target.at_most(high)
    assert basis in target.basis


@pytest.mark.parametrize(("raw", "in_target"), [(47, True), (48, True), (49, False)])
def test_hba1c_against_target_48(raw, in_target):
    assert status_of("hba1c", raw)[0] is in_target


@pytest.mark.parametrize(("raw", "in_target"), [(52, True), (53, True), (54, False)])
def test_hba1c_against_target_53_on_a_hypo_causing_drug(raw, in_target):
    context = PatientContext(on_hypo_causing_drug=True)
    assert status_of("hba1c", raw, context)[0] is in_target


# --- blood pressure: NICE NG136, NG17, NG203 -----------------------------------------------

CKD = frozenset({"ckd"})


@pytest.mark.parametrize(("context", "systolic", "diastolic"), [
    (PatientContext(age=79), 140, 90),
    (PatientContext(age=80), 150, 90),
    (PatientContext(age=95), 150, 90),
    (PatientContext(age=None), 140, 90),
    (PatientContext(age=60, conditions=CKD, latest_acr=Decimal(70)), 130, 80),
    (PatientContext(age=60, conditions=CKD, latest_acr=Decimal("69.9")), 140, 90),
    (PatientContext(age=60, conditions=CKD), 140, 90),
    # The CKD target is for people with CKD; a high ACR alone does not change it.
    (PatientContext(age=60, latest_acr=Decimal(120)), 140, 90),
    (PatientContext(age=85, conditions=CKD, latest_acr=Decimal(70)), 130, 80),
    (PatientContext(age=50, type_1_diabetes=True), 135, 85),
    (PatientContext(age=85, type_1_diabetes=True), 135, 85),
    (PatientContext(age=50, type_1_diabetes=True, conditions=CKD, latest_acr=Decimal(80)),
     130, 80),
])
def test_blood_pressure_default_target_depends_on_age_ckd_and_type_1(context, systolic,
                                                                      diastolic):
    assert default_target(spec("blood-pressure"), context) == Target.bp_below(systolic,
                                                                              diastolic)


@pytest.mark.parametrize(("context", "reading", "in_target"), [
    (PatientContext(age=60), (139, 89), True),
    (PatientContext(age=60), (140, 89), False),
    (PatientContext(age=60), (139, 90), False),
    (PatientContext(age=60), (141, 70), False),
    (PatientContext(age=82), (149, 89), True),
    (PatientContext(age=82), (150, 80), False),
    (PatientContext(age=82), (145, 90), False),
    (PatientContext(conditions=CKD, latest_acr=Decimal(70)), (129, 79), True),
    (PatientContext(conditions=CKD, latest_acr=Decimal(70)), (130, 79), False),
    (PatientContext(conditions=CKD, latest_acr=Decimal(70)), (129, 80), False),
    (PatientContext(type_1_diabetes=True), (134, 84), True),
    (PatientContext(type_1_diabetes=True), (135, 84), False),
    (PatientContext(type_1_diabetes=True), (134, 85), False),
])
def test_blood_pressure_must_be_below_both_numbers(context, reading, in_target):
    got, words = status_of("blood-pressure", reading, context)
    assert got is in_target
    assert words == ("In your target range" if in_target else "Above your target")


# --- cholesterol: NICE NG238 ---------------------------------------------------------------

def test_non_hdl_target_in_secondary_prevention_is_2_6_or_lower():
    target = default_target(spec("non-hdl-cholesterol"), PatientContext(established_cvd=True))
    assert describe_target(target) == "2.6 or lower"


def test_non_hdl_target_on_a_statin_is_a_fall_of_more_than_40_percent_from_baseline():
    context = PatientContext(treatment_baselines={"non-hdl-cholesterol": Decimal("5.2")})
    target = default_target(spec("non-hdl-cholesterol"), context)
    assert target.kind is TargetKind.REDUCTION
    assert describe_target(target, spec("non-hdl-cholesterol")) == (
        "more than 40% lower than before treatment (5.2 mmol/L), so below 3.12 mmol/L")


@pytest.mark.parametrize(("raw", "in_target"), [("3.11", True), ("3.12", False),
                                                ("3.13", False)])
def test_non_hdl_reduction_target_needs_more_than_40_percent(raw, in_target):
    context = PatientContext(treatment_baselines={"non-hdl-cholesterol": Decimal("5.2")})
    assert status_of("non-hdl-cholesterol", raw, context)[0] is in_target


def test_secondary_prevention_target_wins_over_the_reduction_target():
    context = PatientContext(established_cvd=True,
                             treatment_baselines={"non-hdl-cholesterol": Decimal("5.2")})
    assert default_target(spec("non-hdl-cholesterol"), context) == Target.at_most(
        Decimal("2.6"))


@pytest.mark.parametrize(("raw", "in_target"), [("2.59", True), ("2.6", True),
                                                ("2.61", False)])
def test_non_hdl_against_2_6(raw, in_target):
    assert status_of("non-hdl-cholesterol", raw,
                     PatientContext(established_cvd=True))[0] is in_target


@pytest.mark.parametrize(("raw", "in_target"), [("1.99", True), ("2.0", True), ("2.01", False)])
def test_ldl_in_secondary_prevention_against_2_0(raw, in_target):
    context = PatientContext(established_cvd=True)
    assert describe_target(default_target(spec("ldl-cholesterol"), context)) == "2.0 or lower"
    assert status_of("ldl-cholesterol", raw, context)[0] is in_target


@pytest.mark.parametrize(("raw", "in_target"), [("4.99", True), ("5", True), ("5.01", False)])
def test_total_cholesterol_against_5(raw, in_target):
    assert status_of("total-cholesterol", raw)[0] is in_target


# --- kidneys, potassium ----------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "in_target"), [("2.9", True), ("3", False), ("3.1", False)])
def test_urine_acr_must_be_below_3(raw, in_target):
    assert status_of("urine-acr", raw)[0] is in_target


@pytest.mark.parametrize(("raw", "in_target", "words"), [
    ("3.4", False, "Below your target range"),
    ("3.5", True, "In your target range"),
    ("5.3", True, "In your target range"),
    ("5.4", False, "Above your target range"),
])
def test_potassium_between_3_5_and_5_3(raw, in_target, words):
    assert status_of("potassium", raw) == (in_target, words)


# --- BMI and family background -------------------------------------------------------------

@pytest.mark.parametrize("background", sorted(catalogue.LOWER_BMI_CUTOFF_BACKGROUNDS))
def test_bmi_target_uses_lower_cut_offs_for_higher_risk_family_backgrounds(background):
    context = PatientContext(family_background=background)
    assert default_target(spec("bmi"), context) == Target.between(Decimal("18.5"),
                                                                   Decimal("22.9"))


@pytest.mark.parametrize("background", [None, "white", "mixed", "other", "not-stated"])
def test_bmi_target_uses_standard_cut_offs_otherwise(background):
    context = PatientContext(family_background=background)
    assert default_target(spec("bmi"), context) == Target.between(Decimal("18.5"),
                                                                   Decimal("24.9"))


@pytest.mark.parametrize(("raw", "background", "in_target", "words"), [
    ("18.4", None, False, "Below your target range"),
    ("18.5", None, True, "In your target range"),
    ("24.9", None, True, "In your target range"),
    ("25.0", None, False, "Above your target range"),
    ("22.9", "south-asian", True, "In your target range"),
    ("23.0", "south-asian", False, "Above your target range"),
    ("18.4", "chinese", False, "Below your target range"),
])
def test_bmi_against_its_target(raw, background, in_target, words):
    context = PatientContext(family_background=background)
    assert status_of("bmi", raw, context) == (in_target, words)


# --- categories and scores -----------------------------------------------------------------

@pytest.mark.parametrize(("code", "raw", "in_target", "words"), [
    ("foot-risk", "low", True, "Meets your target"),
    ("foot-risk", "moderate", False, "Not in your target"),
    ("foot-risk", "active", False, "Not in your target"),
    ("smoking-status", "never", True, "Meets your target"),
    ("smoking-status", "ex-smoker", True, "Meets your target"),
    ("smoking-status", "current", False, "Not in your target"),
])
def test_category_targets(code, raw, in_target, words):
    assert status_of(code, raw) == (in_target, words)


@pytest.mark.parametrize(("code", "raw", "in_target", "words"), [
    ("cat", 9, True, "In your target range"),
    ("cat", 10, False, "Above your target"),
    ("cat", 11, False, "Above your target"),
    ("act", 19, False, "Below your target"),
    ("act", 20, True, "In your target range"),
    ("act", 21, True, "In your target range"),
    ("phq-9", 4, True, "In your target range"),
    ("phq-9", 5, False, "Above your target"),
    ("gad-7", 4, True, "In your target range"),
    ("gad-7", 5, False, "Above your target"),
])
def test_questionnaire_targets(code, raw, in_target, words):
    assert status_of(code, raw) == (in_target, words)


@pytest.mark.parametrize("code", ["egfr", "weight", "fev1", "mrc-dyspnoea"])
def test_no_target_means_in_target_is_none_and_says_so(code):
    raw = {"egfr": 70, "weight": 80, "fev1": 65, "mrc-dyspnoea": 2}[code]
    in_target, words = status_of(code, raw)
    assert in_target is None
    assert words == "No target set"


def test_retinal_screening_has_no_default_target():
    assert status_of("retinal-screening", "background") == (None, "No target set")


# --- personal and practice targets ---------------------------------------------------------

PERSONAL = Target.at_most(58, basis="Agreed with you")
PRACTICE = Target.at_most(55)


def test_personal_target_wins_over_practice_and_default():
    assert effective_target(spec("hba1c"), ADULT, PERSONAL, PRACTICE) is PERSONAL


def test_practice_target_wins_over_default():
    assert effective_target(spec("hba1c"), ADULT, None, PRACTICE) is PRACTICE


def test_default_target_applies_when_nothing_is_set():
    context = PatientContext(on_hypo_causing_drug=True)
    assert effective_target(spec("hba1c"), context) == Target.at_most(53)


def test_a_personal_target_changes_the_reading():
    s = spec("hba1c")
    result = assess(s, ResultValue.of_number(56), PERSONAL, [], TAKEN_ON, ADULT)
    assert result.in_target is True
    assert result.target_words == "58 mmol/mol or lower"


def test_reduction_target_without_a_baseline_reads_as_no_target():
    s = spec("non-hdl-cholesterol")
    result = assess(s, ResultValue.of_number(3), Target.reduction(40), [], TAKEN_ON, ADULT)
    assert (result.in_target, result.status) == (None, Status.NO_TARGET)


# --- Target as data ------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: Target(TargetKind.AT_MOST),
    lambda: Target(TargetKind.BETWEEN, low=Decimal(5)),
    lambda: Target(TargetKind.BETWEEN, low=Decimal(5), high=Decimal(3)),
    lambda: Target(TargetKind.BP_BELOW, systolic=140),
    lambda: Target(TargetKind.ONE_OF),
])
def test_incomplete_targets_are_refused(make):
    with pytest.raises(ValueError, match="target"):
        make()


def test_zero_is_a_real_target_value():
    assert describe_target(Target.at_least(0)) == "0 or higher"


def test_targets_compare_by_value_not_by_basis():
    assert Target.at_most(48, basis="NG17") == Target.at_most(48, basis="NG28")


@pytest.mark.parametrize(("target", "value"), [
    (Target.bp_below(140, 90), ResultValue.of_number(5)),
    (Target.at_most(48), ResultValue.of_blood_pressure(140, 90)),
    (Target.one_of("low"), ResultValue.of_number(1)),
])
def test_a_target_refuses_a_value_of_the_wrong_kind(target, value):
    with pytest.raises(ValueError, match="needs"):
        target_met(target, value)


# --- When: the context conditions behind default targets and band sets --------------------

@pytest.mark.parametrize(("when", "context", "matches"), [
    (When(), PatientContext(), True),
    (When(conditions=frozenset({"diabetes"})), PatientContext(type_1_diabetes=True), True),
    (When(conditions=frozenset({"diabetes"})), PatientContext(), False),
    (When(conditions=frozenset({"ckd", "diabetes"})),
     PatientContext(conditions=frozenset({"ckd"})), False),
    (When(min_age=80), PatientContext(age=None), False),
    (When(acr_at_least=Decimal(70)), PatientContext(latest_acr=None), False),
    (When(family_backgrounds=frozenset({"chinese"})), PatientContext(), False),
    (When(has_treatment_baseline=True),
     PatientContext(treatment_baselines={"other-result": Decimal(5)}), False),
    (When(has_treatment_baseline=False), PatientContext(), True),
    (When(established_cvd=False), PatientContext(established_cvd=True), False),
])
def test_when_matches_only_the_contexts_it_describes(when, context, matches):
    assert when.matches(context, "non-hdl-cholesterol") is matches
