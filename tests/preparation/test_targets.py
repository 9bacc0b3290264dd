"""Targets typed by a practice admin or a clinician, read into the catalogue's Target."""

from decimal import Decimal

import pytest

from webapp.content.result_catalogue import BLOOD_PRESSURE, BMI, FOOT_RISK, HBA1C, PHQ9, POTASSIUM
from webapp.preparation.targets import fields_of, kinds_for, parse_target
from webapp.results.assessment import EntryError, Target, TargetKind


@pytest.mark.parametrize(("spec", "raw", "target"), [
    (HBA1C, {"kind": "at-most", "high": "53"}, Target.at_most(53)),
    (HBA1C, {"kind": "below", "high": "58 "}, Target.below(58)),
    (PHQ9, {"kind": "below", "high": "10"}, Target.below(10)),
    (POTASSIUM, {"kind": "between", "low": "3.5", "high": "5.0"},
     Target.between(Decimal("3.5"), 5)),
    (BMI, {"kind": "at-least", "low": "18.5"}, Target.at_least(Decimal("18.5"))),
    (BLOOD_PRESSURE, {"systolic": "150", "diastolic": "90"}, Target.bp_below(150, 90)),
    (FOOT_RISK, {"categories": ["low", "moderate", "nonsense"]},
     Target.one_of("low", "moderate")),
])
def test_a_target_is_read_from_what_was_typed(spec, raw, target):
    assert parse_target(spec, raw) == target


@pytest.mark.parametrize(("spec", "raw", "errors"), [
    (HBA1C, {}, [EntryError("kind", "Select what kind of target this is")]),
    (HBA1C, {"kind": "at-most"}, [EntryError("high", "Enter the highest value, like 53")]),
    (HBA1C, {"kind": "at-most", "high": "7.5%"},
     [EntryError("high", "The highest value must be a number, like 53")]),
    (HBA1C, {"kind": "at-most", "high": "53.5"},
     [EntryError("high", "The highest value must be a whole number, like 53")]),
    (HBA1C, {"kind": "at-least", "low": "7"},
     [EntryError("low", "The lowest value must be between 20 and 200")]),
    (POTASSIUM, {"kind": "between", "low": "5.3", "high": "3.5"},
     [EntryError("high", "The highest value must be more than the lowest value")]),
    (POTASSIUM, {"kind": "between", "low": "3.55", "high": ""},
     [EntryError("low", "The lowest value must be a number with no more than 1 decimal "
                        "places, like 4.2"),
      EntryError("high", "Enter the highest value, like 4.2")]),
    (BLOOD_PRESSURE, {"systolic": "", "diastolic": "eighty"},
     [EntryError("systolic", "Enter the top number (systolic), like 140"),
      EntryError("diastolic", "The bottom number (diastolic) must be a whole number, like 90")]),
    (BLOOD_PRESSURE, {"systolic": "90", "diastolic": "140"},
     [EntryError("diastolic", "The bottom number (diastolic) must be lower than the top "
                              "number (systolic)")]),
    (BLOOD_PRESSURE, {"systolic": "400", "diastolic": "90"},
     [EntryError("systolic", "The top number (systolic) must be between 50 and 300")]),
    (FOOT_RISK, {"categories": []},
     [EntryError("categories", "Select at least one result that meets the target")]),
])
def test_a_target_that_cannot_be_read_is_explained(spec, raw, errors):
    assert parse_target(spec, raw) == errors


def test_each_kind_of_result_offers_the_targets_that_fit_it():
    assert [k for k, _ in kinds_for(HBA1C)] == [TargetKind.AT_MOST, TargetKind.BELOW,
                                                TargetKind.AT_LEAST, TargetKind.BETWEEN]
    assert [k for k, _ in kinds_for(BLOOD_PRESSURE)] == [TargetKind.BP_BELOW]
    assert [k for k, _ in kinds_for(FOOT_RISK)] == [TargetKind.ONE_OF]


@pytest.mark.parametrize("target", [Target.at_most(53), Target.between(Decimal("3.5"), 5),
                                    Target.bp_below(135, 85), Target.one_of("low")])
def test_a_target_goes_back_into_the_form_and_reads_the_same(target):
    spec = {TargetKind.BP_BELOW: BLOOD_PRESSURE, TargetKind.ONE_OF: FOOT_RISK,
            TargetKind.BETWEEN: POTASSIUM}.get(target.kind, HBA1C)
    assert parse_target(spec, fields_of(target)) == target
