"""Results in the database read with the catalogue's rules: which target applies (personal,
then practice, then default), what sharing releases, and corrections."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from tests.support.factories import make_result, make_review, result_types
from webapp.content import result_catalogue as catalogue
from webapp.extensions import db
from webapp.models import ClinicalProfile, ResultType, utcnow
from webapp.preparation.results import (
    TargetSource,
    flags_for,
    latest_per_type,
    read_results,
    record_result,
    results_of_patient,
    share_review,
    sync_result_types,
    targets_for,
    value_of,
)
from webapp.preparation.targets import set_personal_target, set_practice_target
from webapp.results.assessment import ResultValue, Status, Target


def readings(patient, shared_only=False):
    history = results_of_patient(patient.id, shared_only=shared_only)
    profile = db.session.scalar(select(ClinicalProfile).where(
        ClinicalProfile.patient_id == patient.id))
    return {r.code: r for r in read_results(patient, latest_per_type(history), history,
                                            profile, targets_for(patient))}


def test_the_catalogue_becomes_rows_once(app):
    assert sync_result_types() == len(catalogue.RESULT_TYPES)
    assert sync_result_types() == 0
    names = dict(db.session.execute(select(ResultType.code, ResultType.name)).all())
    assert names["hba1c"] == "HbA1c" and len(names) == 19


def test_the_default_target_follows_the_catalogue(app, world):
    make_result(world.patient, "hba1c", "50")
    reading = readings(world.patient)["hba1c"]
    assert reading.assessment.target_words == "48 mmol/mol or lower"
    assert reading.assessment.status is Status.ABOVE
    assert reading.target_source is TargetSource.DEFAULT


def test_a_practice_target_replaces_the_default_and_a_personal_one_comes_first(app, world):
    make_result(world.patient, "hba1c", "50")
    make_result(world.patient2, "hba1c", "50")
    set_practice_target(world.practice.id, catalogue.HBA1C, Target.at_most(53), world.admin)
    set_personal_target(world.patient, catalogue.HBA1C, Target.at_most(58), world.clinician,
                        "Lives alone; hypos are a worry")
    mine, theirs = readings(world.patient)["hba1c"], readings(world.patient2)["hba1c"]
    assert mine.target_source is TargetSource.PERSONAL
    assert mine.assessment.target_words == "58 mmol/mol or lower"
    assert theirs.target_source is TargetSource.PRACTICE
    assert theirs.assessment.target_words == "53 mmol/mol or lower"
    assert theirs.assessment.status_words == "In your target range"


def test_another_practices_target_does_not_apply(app, world):
    make_result(world.patient, "hba1c", "50")
    set_practice_target(world.other_practice.id, catalogue.HBA1C, Target.at_most(60),
                        world.other_admin)
    assert readings(world.patient)["hba1c"].target_source is TargetSource.DEFAULT


def test_the_kidney_blood_pressure_target_follows_the_latest_acr(app, world):
    db.session.add(ClinicalProfile(practice_id=world.practice.id, patient_id=world.patient.id,
                                   conditions=["ckd"]))
    today = utcnow().date()
    make_result(world.patient, "urine-acr", "72", taken_on=today - timedelta(days=1))
    make_result(world.patient, "blood-pressure", "132/78", taken_on=today)
    reading = readings(world.patient)["blood-pressure"]
    assert reading.assessment.target_words == "below 130/80 mmHg"
    assert reading.assessment.status_words == "Above your target"


def test_change_and_trend_come_from_earlier_results(app, world):
    for days, value in ((400, "62"), (200, "58"), (0, "53")):
        make_result(world.patient, "hba1c", value,
                    taken_on=utcnow().date() - timedelta(days=days))
    reading = readings(world.patient)["hba1c"]
    assert [v.number for _, v in reading.history] == [Decimal(62), Decimal(58), Decimal(53)]
    assert reading.assessment.change_words.startswith("Down 5 since")


def test_a_patients_reading_only_compares_with_what_they_can_see(app, world):
    today = utcnow().date()
    make_result(world.patient, "hba1c", "70", taken_on=today - timedelta(days=90))
    make_result(world.patient, "hba1c", "53", taken_on=today, shared=True)
    assert readings(world.patient, shared_only=True)["hba1c"].assessment.change is None
    assert readings(world.patient)["hba1c"].assessment.change is not None


def test_sharing_releases_the_reviews_results_and_loose_history_only(app, world):
    review = make_review(world.patient)
    later = make_review(world.patient)
    today = utcnow().date()
    own = make_result(world.patient, "hba1c", "53", review=review, taken_on=today)
    history = make_result(world.patient, "hba1c", "60", taken_on=today - timedelta(days=300))
    other_review = make_result(world.patient, "egfr", "60", review=later, taken_on=today)
    someone_else = make_result(world.patient2, "hba1c", "50", taken_on=today)
    assert share_review(review, world.clinician) == 2
    db.session.commit()
    assert review.shared_by_id == world.clinician.id and review.shared_at is not None
    for result, shared in ((own, True), (history, True), (other_review, False),
                           (someone_else, False)):
        db.session.refresh(result)
        assert (result.shared_at is not None) is shared


def test_correcting_a_shared_result_hides_it_until_shared_again(app, world):
    review = make_review(world.patient)
    result = make_result(world.patient, "hba1c", "53", review=review, shared=True)
    same = record_result(world.patient, catalogue.HBA1C, ResultValue.of_number(53),
                         result.taken_on, by=world.hca, review=review)
    assert same.shared_at is not None  # typing the same value again changes nothing
    corrected = record_result(world.patient, catalogue.HBA1C, ResultValue.of_number(55),
                              result.taken_on, by=world.hca, review=review)
    assert corrected.id == result.id
    assert value_of(corrected).number == 55
    assert corrected.shared_at is None and corrected.updated_by_id == world.hca.id
    assert db.session.scalar(select(func.count()).select_from(type(result))) == 1


def test_a_shared_result_entered_again_on_a_review_with_the_same_value_stays_shared(
        app, world):
    imported = make_result(world.patient, "hba1c", "53", shared=True)
    review = make_review(world.patient)
    again = record_result(world.patient, catalogue.HBA1C, ResultValue.of_number(53),
                          imported.taken_on, by=world.hca, review=review)
    assert again.id == imported.id and again.review_id == review.id
    assert again.shared_at is not None


def test_red_flags_use_the_history_for_changes(app, world):
    today = utcnow().date()
    make_result(world.patient, "hba1c", "60", taken_on=today - timedelta(days=180))
    now = make_result(world.patient, "hba1c", "72", taken_on=today)
    bp = make_result(world.patient, "blood-pressure", "185/100", taken_on=today)
    history = results_of_patient(world.patient.id, shared_only=False)
    found = flags_for(world.patient, [now, bp], history, None)
    assert [(r.result_code, f.code) for r, f in found] == [
        ("blood-pressure", "bp-systolic-severe"), ("hba1c", "hba1c-rise")]
    assert found[1][1].reason.startswith("HbA1c rose by 12 mmol/mol since")


def test_values_come_back_as_they_were_typed(app, world):
    result_types()
    result = make_result(world.patient, "total-cholesterol", "4.80", taken_on=date(2026, 1, 5))
    db.session.commit()
    db.session.expire_all()
    assert str(value_of(result).number) == "4.8"
