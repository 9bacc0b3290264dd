"""The patient's plan, its print view, and the check-in."""

from datetime import timedelta

from webapp.careplans.checkins import patients_asking_for_change
from webapp.extensions import db
from webapp.models import CheckIn


def test_patient_sees_goals_actions_support_and_review_date(client, world):
    client.sign_in_quickly(world.patient.user)
    page = client.get("/plan").get_data(as_text=True)
    assert "Goal 1: I want to walk to my granddaughter&#39;s school" in page
    assert "3 times a week" in page and "20 minutes" in page and "8 out of 10" in page
    assert "Walking for health" in page and "Ring 01632 960001" in page
    assert "We will look at this plan together again around" in page


def test_patient_without_a_plan_is_told_what_will_happen(client, world):
    client.sign_in_quickly(world.patient2.user)
    assert "You don't have a care plan yet" in client.get("/plan").get_data(as_text=True)
    assert client.get("/plan/print").headers["Location"] == "/plan"


def test_print_view_has_no_navigation_and_names_the_patient(client, world):
    client.sign_in_quickly(world.patient.user)
    page = client.get("/plan/print").get_data(as_text=True)
    assert "My care plan" in page and world.patient.nhs_number_spaced in page
    assert "nhsuk-header" not in page and "print-plan.css" in page


def without_check_ins(world) -> None:
    db.session.delete(world.check_in)
    db.session.commit()


def test_check_in_is_offered_once_the_plan_is_two_weeks_old(client, world):
    without_check_ins(world)
    client.sign_in_quickly(world.patient.user)
    assert "How is your plan going?" not in client.get("/").get_data(as_text=True)
    world.plan.agreed_on = world.plan.agreed_on - timedelta(days=14)
    db.session.commit()
    assert "How is your plan going?" in client.get("/").get_data(as_text=True)


def test_check_in_answers_reach_the_practice_and_a_change_request_flags_the_patient(client,
                                                                                    world):
    without_check_ins(world)
    assert patients_asking_for_change(world.practice.id) == set()
    client.sign_in_quickly(world.patient.user)
    action = world.action.id
    missing = client.submit("/plan/check-in", {"wants_change": "yes"})
    page = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert "Choose how it is going" in page and "Say what you would like to change" in page
    response = client.submit("/plan/check-in", {
        f"going_{action}": "hard", f"confidence_{action}": "4", "wants_change": "yes",
        "change_request": "Could I walk twice a week instead?"})
    assert response.status_code == 303
    check_in = db.session.query(CheckIn).one()
    assert check_in.wants_change and check_in.answers[0].confidence == 4
    assert patients_asking_for_change(world.practice.id) == {world.patient.id}
    assert patients_asking_for_change(world.other_practice.id) == set()
    world.plan.agreed_on = world.plan.agreed_on - timedelta(days=30)
    db.session.commit()
    assert "How is your plan going?" not in client.get("/").get_data(as_text=True)
