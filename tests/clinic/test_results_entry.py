"""Entering results for a review: units shown, ranges checked, blood pressure as two
numbers, every problem explained, and nothing saved unless everything is right."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.support.factories import make_result, make_review, result_types
from webapp.extensions import db
from webapp.models import AuditEvent, ClinicalProfile, Result, utcnow
from webapp.preparation.results import value_of


def today_fields(day=None):
    day = day or utcnow().date()
    return {"taken_on-day": str(day.day), "taken_on-month": str(day.month),
            "taken_on-year": str(day.year)}


def test_the_form_shows_units_ranges_and_blood_pressure_as_two_numbers(app, client, world):
    review = make_review(world.patient)
    client.sign_in_quickly(world.hca)
    page = client.get(f"/clinic/reviews/{review.id}/results").get_data(as_text=True)
    assert "mmol/mol" in page and "From 20 to 200 mmol/mol." in page
    assert 'name="blood-pressure--systolic"' in page and 'name="blood-pressure--diastolic"' in page
    assert "Top number (systolic)" in page and "Bottom number (diastolic)" in page
    assert 'name="phq-9--item-9"' in page
    assert '<option value="moderate"' in page  # foot risk chosen from a list
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.subject, event.actor_id) == ("viewed", "results", world.hca.id)


def test_the_patients_conditions_come_first(app, client, world):
    db.session.add(ClinicalProfile(practice_id=world.practice.id, patient_id=world.patient.id,
                                   conditions=["copd"]))
    review = make_review(world.patient)
    client.sign_in_quickly(world.hca)
    page = client.get(f"/clinic/reviews/{review.id}/results").get_data(as_text=True)
    other = page.index("Results for other conditions")
    assert page.index('name="fev1"') < other < page.index('name="hba1c"')


def test_good_results_are_saved_on_the_review_and_not_shared(app, client, world):
    result_types()
    review = make_review(world.patient)
    client.sign_in_quickly(world.hca)
    response = client.submit(f"/clinic/reviews/{review.id}/results", {
        **today_fields(), "hba1c": "53 mmol/mol", "blood-pressure--systolic": "138",
        "blood-pressure--diastolic": "86", "foot-risk": "moderate", "phq-9": "7",
        "phq-9--item-9": "0", "weight": ""})
    assert response.status_code == 303, response.get_data(as_text=True)
    results = {r.result_code: r for r in db.session.scalars(select(Result))}
    assert sorted(results) == ["blood-pressure", "foot-risk", "hba1c", "phq-9"]
    assert value_of(results["blood-pressure"]).systolic == 138
    assert all(r.review_id == review.id and r.shared_at is None and
               r.entered_by_id == world.hca.id for r in results.values())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 results saved. They are not shared with Margaret yet." in page
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "changed", AuditEvent.subject == "results")) == 1


def test_any_problem_saves_nothing_and_explains_each_one(app, client, world):
    result_types()
    review = make_review(world.patient)
    client.sign_in_quickly(world.hca)
    response = client.submit(f"/clinic/reviews/{review.id}/results", {
        **today_fields(), "hba1c": "7.5", "blood-pressure--systolic": "85",
        "blood-pressure--diastolic": "135", "potassium": "4.2", "phq-9": "12",
        "egfr": "fifty"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing has been saved yet" in page
    for message in ("HbA1c must be a whole number, like 53",
                    "Diastolic blood pressure (the bottom number) must be lower than systolic",
                    "Enter the answer to question 9 (thoughts of self-harm), from 0 to 3",
                    "Enter eGFR as a number, like 75"):
        assert message in page
    assert 'href="#hba1c"' in page and 'href="#phq-9--item-9"' in page
    assert 'value="4.2"' in page  # what was typed is still there
    assert db.session.scalar(select(func.count()).select_from(Result)) == 0


def test_tests_cannot_be_dated_in_the_future(app, client, world):
    review = make_review(world.patient)
    client.sign_in_quickly(world.hca)
    response = client.submit(f"/clinic/reviews/{review.id}/results", {
        **today_fields(utcnow().date() + timedelta(days=3)), "hba1c": "53"})
    assert response.status_code == 400
    assert "The date of the tests must be today or in the past" in \
        response.get_data(as_text=True)


def test_a_result_can_be_corrected_or_cleared_until_it_is_shared(app, client, world):
    review = make_review(world.patient)
    make_result(world.patient, "hba1c", "53", review=review)
    make_result(world.patient, "egfr", "60", review=review, shared=True)
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/clinic/reviews/{review.id}/results").get_data(as_text=True)
    assert 'value="53"' in page and "shared with the patient" in page
    response = client.submit(f"/clinic/reviews/{review.id}/results",
                             {**today_fields(), "hba1c": "", "egfr": ""})
    assert response.status_code == 400
    assert "eGFR has been shared with the patient, so it cannot be removed" in \
        response.get_data(as_text=True)
    response = client.submit(f"/clinic/reviews/{review.id}/results",
                             {**today_fields(), "hba1c": "", "egfr": "58"})
    assert response.status_code == 303
    rows = db.session.scalars(select(Result)).all()
    assert [(r.result_code, value_of(r).number, r.shared_at) for r in rows] == [
        ("egfr", 58, None)]


def test_another_practice_cannot_enter_results_for_this_review(app, client, world):
    review = make_review(world.patient)
    client.sign_in_quickly(world.other_clinician)
    assert client.get(f"/clinic/reviews/{review.id}/results").status_code == 404
    assert client.submit(f"/clinic/reviews/{review.id}/results",
                         {**today_fields(), "hba1c": "53"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Result)) == 0
