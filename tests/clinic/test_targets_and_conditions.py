"""A clinician records the patient's conditions (which default targets follow) and agrees a
personal target with them; the patient then reads their result against it."""

from sqlalchemy import select

from tests.support.factories import make_result, make_shared_review
from webapp.extensions import db
from webapp.models import AuditEvent, ClinicalProfile, PersonalTarget


def test_conditions_change_the_default_target(app, client, world):
    make_shared_review(world.patient, results={"hba1c": "51"})
    client.sign_in_quickly(world.clinician)
    response = client.submit(f"/clinic/patients/{world.patient.id}/conditions", {
        "conditions": ["diabetes", "hypertension"], "on_hypo_causing_drug": "y",
        "family_background": "south-asian", "non_hdl_baseline": "4.8"})
    assert response.status_code == 303
    profile = db.session.scalar(select(ClinicalProfile))
    assert profile.conditions == ["diabetes", "hypertension"]
    assert profile.on_hypo_causing_drug and profile.family_background == "south-asian"
    assert profile.treatment_baselines == {"non-hdl-cholesterol": "4.8"}
    client.sign_in_quickly(world.patient.user)
    page = client.get("/results").get_data(as_text=True)
    assert "53 mmol/mol or lower" in page and "In your target range" in page


def test_a_bad_baseline_is_explained(app, client, world):
    client.sign_in_quickly(world.clinician)
    response = client.submit(f"/clinic/patients/{world.patient.id}/conditions",
                             {"non_hdl_baseline": "high"})
    assert response.status_code == 400
    assert "Enter non-HDL cholesterol before the statin as a number, like 4.8" in \
        response.get_data(as_text=True)


def test_a_clinician_agrees_a_personal_target_and_the_patient_reads_against_it(
        app, client, world):
    make_shared_review(world.patient, results={"hba1c": "56"})
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/clinic/patients/{world.patient.id}/targets/hba1c").get_data(
        as_text=True)
    assert "NICE NG28" in page and "This value or lower" in page
    response = client.submit(f"/clinic/patients/{world.patient.id}/targets/hba1c", {
        "action": "save", "kind": "at-most", "high": "58",
        "reason": "Frequent hypos when lower"})
    assert response.status_code == 303
    target = db.session.scalar(select(PersonalTarget))
    assert (target.high, target.reason, target.set_by_id) == (58, "Frequent hypos when lower",
                                                              world.clinician.id)
    assert db.session.scalar(select(AuditEvent.subject).where(
        AuditEvent.action == "changed")) == "personal target"
    client.sign_in_quickly(world.patient.user)
    page = client.get("/results").get_data(as_text=True)
    assert "58 mmol/mol or lower" in page and "the target you agreed with your clinician" in page
    assert "In your target range" in page


def test_a_personal_target_that_makes_no_sense_is_explained(app, client, world):
    client.sign_in_quickly(world.clinician)
    response = client.submit(f"/clinic/patients/{world.patient.id}/targets/blood-pressure",
                             {"action": "save", "systolic": "80", "diastolic": "130"})
    assert response.status_code == 400
    assert "The bottom number (diastolic) must be lower than the top number" in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(PersonalTarget)) is None


def test_removing_a_personal_target_goes_back_to_the_practices(app, client, world):
    make_result(world.patient, "hba1c", "50")
    client.sign_in_quickly(world.clinician)
    client.submit(f"/clinic/patients/{world.patient.id}/targets/hba1c",
                  {"action": "save", "kind": "below", "high": "55"})
    client.submit(f"/clinic/patients/{world.patient.id}/targets/hba1c", {"action": "remove"})
    assert db.session.scalar(select(PersonalTarget)) is None


def test_only_clinicians_set_targets_and_only_for_their_practice(app, client, world):
    client.sign_in_quickly(world.hca)
    assert client.get(f"/clinic/patients/{world.patient.id}/targets/hba1c").status_code == 403
    client.sign_in_quickly(world.other_clinician)
    assert client.submit(f"/clinic/patients/{world.patient.id}/targets/hba1c",
                         {"action": "save", "kind": "below", "high": "55"}).status_code == 404
    client.sign_in_quickly(world.clinician)
    assert client.get(f"/clinic/patients/{world.patient.id}/targets/nothing").status_code \
        == 404
    assert db.session.scalar(select(PersonalTarget)) is None


def test_the_patients_results_page_for_staff_is_audited(app, client, world):
    make_result(world.patient, "hba1c", "50")
    client.sign_in_quickly(world.hca)
    page = client.get(f"/clinic/patients/{world.patient.id}").get_data(as_text=True)
    assert "50 mmol/mol" in page and "Schedule a review" in page
    event = db.session.scalar(select(AuditEvent))
    assert (event.actor_id, event.action, event.subject, event.patient_id) == (
        world.hca.id, "viewed", "results", world.patient.id)
