"""The result catalogue is complete, consistent and written for patients."""

import re
from decimal import Decimal

import pytest

from webapp.content import result_catalogue as catalogue
from webapp.results.assessment import (
    FIELD_DIASTOLIC,
    FIELD_SYSTOLIC,
    FIELD_VALUE,
    CategoryRule,
    ChangeRule,
    PatientContext,
    ResultValue,
    TargetKind,
    ThresholdRule,
    ValueKind,
    default_target,
    describe_target,
    parse_and_check,
    target_met,
)

EXPECTED_CODES = [
    "hba1c", "blood-pressure", "total-cholesterol", "non-hdl-cholesterol", "ldl-cholesterol",
    "egfr", "urine-acr", "potassium", "weight", "bmi", "foot-risk", "retinal-screening",
    "smoking-status", "fev1", "mrc-dyspnoea", "cat", "act", "phq-9", "gad-7",
]
SPECS = catalogue.RESULT_TYPES
ids = [s.code for s in SPECS]

# Words that blame or talk down to a person; none belong in patient-facing text.
BLAME_WORDS = ["non-compliant", "noncompliant", "non-adherent", "your fault", "you failed",
               "you should have", "patient", "uncontrolled diabetic"]


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def test_catalogue_has_every_result_type_in_clinical_content_once():
    assert [s.code for s in SPECS] == EXPECTED_CODES


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_code_is_lower_case_and_hyphenated(spec):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", spec.code)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_entry_has_explanation_how_to_read_and_source(spec):
    assert len(spec.what_it_is) > 30
    assert len(spec.how_to_read) > 30
    assert spec.source.strip()
    assert spec.name.strip()


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_how_to_read_speaks_to_the_reader_in_second_person(spec):
    assert re.search(r"\byour?\b", spec.how_to_read, re.IGNORECASE)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_patient_wording_uses_short_sentences(spec):
    # A reading age of 9 to 11 means short sentences; 30 words is a generous ceiling.
    texts = [spec.what_it_is, spec.how_to_read, *(c.meaning for c in spec.categories)]
    texts += [b.label for option in spec.band_sets for b in option.bands]
    for text in texts:
        for sentence in sentences(text):
            assert len(sentence.split()) <= 30, sentence


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_patient_wording_does_not_blame(spec):
    texts = [spec.what_it_is, spec.how_to_read, *(c.meaning for c in spec.categories),
             *(b.label for option in spec.band_sets for b in option.bands)]
    for text in texts:
        for word in BLAME_WORDS:
            assert word not in text.lower(), (word, text)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_conditions_are_known_codes(spec):
    assert spec.conditions
    assert spec.conditions <= set(catalogue.CONDITIONS)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_red_flag_rule_names_a_source(spec):
    for rule in spec.red_flags:
        assert rule.source.strip(), rule.code


def test_red_flag_codes_are_unique_across_the_catalogue():
    codes = [rule.code for spec in SPECS for rule in spec.red_flags]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_category_rules_and_targets_name_real_categories(spec):
    known = {c.code for c in spec.categories}
    for rule in spec.red_flags:
        if isinstance(rule, CategoryRule):
            assert rule.categories <= known
    for option in spec.targets:
        if option.target.kind is TargetKind.ONE_OF:
            assert option.target.categories <= known


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_entry_range_is_ordered(spec):
    for bounds in (spec.entry_range, spec.systolic_range, spec.diastolic_range):
        if bounds is not None:
            assert bounds.low < bounds.high


@pytest.mark.parametrize("spec", [s for s in SPECS if s.kind is not ValueKind.CATEGORY],
                         ids=[s.code for s in SPECS if s.kind is not ValueKind.CATEGORY])
def test_example_in_error_messages_is_itself_a_valid_entry(spec):
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        assert isinstance(parse_and_check(spec, {FIELD_VALUE: spec.example}), ResultValue)
        assert isinstance(parse_and_check(spec, {FIELD_SYSTOLIC: "135", FIELD_DIASTOLIC: "85"}),
                          ResultValue)
        return
    raw = {FIELD_VALUE: spec.example, "item_9": "0"}
    assert isinstance(parse_and_check(spec, raw), ResultValue)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.kind is ValueKind.CATEGORY],
                         ids=[s.code for s in SPECS if s.kind is ValueKind.CATEGORY])
def test_category_example_is_one_of_its_categories(spec):
    assert spec.example in {c.label.lower() for c in spec.categories}


def _step(spec):
    return Decimal(1).scaleb(-spec.decimals)


def _every_entry_value(spec):
    value, step = spec.entry_range.low, _step(spec)
    while value <= spec.entry_range.high:
        yield value
        value += step


BANDED = [s for s in SPECS if s.band_sets]


@pytest.mark.parametrize("spec", BANDED, ids=[s.code for s in BANDED])
def test_every_enterable_value_falls_in_exactly_one_band(spec):
    for option in spec.band_sets:
        for value in _every_entry_value(spec):
            homes = [b.code for b in option.bands if b.contains(value)]
            assert len(homes) == 1, (spec.code, value, homes)


@pytest.mark.parametrize("spec", BANDED, ids=[s.code for s in BANDED])
def test_band_codes_and_labels_are_unique_within_a_band_set(spec):
    for option in spec.band_sets:
        codes = [b.code for b in option.bands]
        labels = [b.label for b in option.bands]
        assert len(set(codes)) == len(codes)
        assert len(set(labels)) == len(labels)


def _typical_value(spec):
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        return ResultValue.of_blood_pressure(135, 85)
    if spec.kind is ValueKind.CATEGORY:
        return ResultValue.of_category(spec.categories[0].code)
    return ResultValue.of_number(spec.entry_range.low)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_context_target_fits_its_result_kind_and_has_a_basis(spec):
    context = PatientContext(treatment_baselines={spec.code: Decimal(5)})
    for option in spec.targets:
        assert option.basis.strip()
        target = option.target
        if target.kind is TargetKind.REDUCTION:
            target = target.__class__(target.kind, percent=target.percent,
                                      baseline=Decimal(5))
        assert isinstance(target_met(target, _typical_value(spec)), bool)
        assert describe_target(target, spec)
    assert default_target(spec, context) is None or spec.targets


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_context_target_lists_end_with_a_rule_for_everyone_or_leave_some_without(spec):
    # Only the last option may match everyone, or later options could never apply.
    for option in spec.targets[:-1]:
        assert option.when != catalogue.EVERYONE, spec.code


def test_rule_kinds_in_the_catalogue_are_the_known_ones():
    kinds = {type(rule).__name__ for spec in SPECS for rule in spec.red_flags}
    assert {ThresholdRule.__name__, ChangeRule.__name__, CategoryRule.__name__} <= kinds


def test_lower_bmi_cut_off_backgrounds_are_family_background_codes():
    lower = catalogue.LOWER_BMI_CUTOFF_BACKGROUNDS
    assert lower <= set(catalogue.FAMILY_BACKGROUNDS)
    assert lower == {
        "south-asian", "chinese", "other-asian", "middle-eastern", "black-african",
        "african-caribbean",
    }


def test_get_returns_a_result_type_by_code():
    assert catalogue.get("phq-9").name.startswith("PHQ-9")


def test_get_names_an_unknown_code():
    with pytest.raises(KeyError, match="hba1"):
        catalogue.get("hba1")


@pytest.mark.parametrize(("condition", "codes"), [
    ("copd", {"fev1", "mrc-dyspnoea", "cat", "smoking-status"}),
    ("mental-health", {"phq-9", "gad-7"}),
    ("asthma", {"act", "fev1", "smoking-status"}),
])
def test_for_condition_lists_the_condition_s_results(condition, codes):
    assert {s.code for s in catalogue.for_condition(condition)} == codes


@pytest.mark.parametrize(("code", "unit"), [
    ("hba1c", "mmol/mol"), ("blood-pressure", "mmHg"), ("total-cholesterol", "mmol/L"),
    ("non-hdl-cholesterol", "mmol/L"), ("ldl-cholesterol", "mmol/L"),
    ("egfr", "mL/min/1.73m²"), ("urine-acr", "mg/mmol"), ("potassium", "mmol/L"),
    ("weight", "kg"), ("bmi", "kg/m²"), ("fev1", "% predicted"),
])
def test_units_are_uk_units(code, unit):
    assert catalogue.get(code).unit == unit


@pytest.mark.parametrize(("code", "kind"), [
    ("hba1c", ValueKind.NUMBER), ("blood-pressure", ValueKind.BLOOD_PRESSURE),
    ("foot-risk", ValueKind.CATEGORY), ("retinal-screening", ValueKind.CATEGORY),
    ("smoking-status", ValueKind.CATEGORY), ("mrc-dyspnoea", ValueKind.SCORE),
    ("cat", ValueKind.SCORE), ("act", ValueKind.SCORE), ("phq-9", ValueKind.SCORE),
    ("gad-7", ValueKind.SCORE),
])
def test_value_kinds(code, kind):
    assert catalogue.get(code).kind is kind


@pytest.mark.parametrize(("code", "categories"), [
    ("foot-risk", ["low", "moderate", "high", "active"]),
    ("retinal-screening", ["none", "background", "referable"]),
    ("smoking-status", ["never", "ex-smoker", "current"]),
])
def test_categories_are_in_order(code, categories):
    assert [c.code for c in catalogue.get(code).categories] == categories


@pytest.mark.parametrize(("code", "low", "high"), [
    ("mrc-dyspnoea", 1, 5), ("cat", 0, 40), ("act", 5, 25), ("phq-9", 0, 27), ("gad-7", 0, 21),
])
def test_questionnaire_ranges_are_the_instrument_s_own(code, low, high):
    spec = catalogue.get(code)
    assert (spec.entry_range.low, spec.entry_range.high) == (low, high)


def test_only_phq9_asks_for_item_9():
    assert [s.code for s in SPECS if s.has_item_9] == ["phq-9"]


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_numbers_in_the_catalogue_are_decimals(spec):
    for bounds in (spec.entry_range, spec.systolic_range, spec.diastolic_range):
        if bounds is not None:
            assert isinstance(bounds.low, Decimal) and isinstance(bounds.high, Decimal)
    for rule in spec.red_flags:
        if isinstance(rule, ThresholdRule):
            assert isinstance(rule.threshold, Decimal)
    assert isinstance(spec.steady_within, Decimal)
