"""Scheduling reviews: staff give the tests appointment and the conversation, in the
practice's time zone, and get plain-English messages when something is wrong."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.support.factories import make_review
from webapp.clinic.forms import parse_time
from webapp.extensions import db
from webapp.models import AuditEvent, Review, utcnow


@pytest.mark.parametrize(("text", "expected"), [
    ("9:30", time(9, 30)), ("9.30am", time(9, 30)), ("9:30 AM", time(9, 30)),
    ("2pm", time(14, 0)), ("12pm", time(12, 0)), ("12am", time(0, 0)),
    ("14:05", time(14, 5)), ("12 noon", time(12, 0)), ("midday", time(12, 0)),
])
def test_times_are_read_as_people_write_them(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["9", "25:00", "9:75", "13pm", "half nine", ""])
def test_a_time_that_is_not_one_is_refused(text):
    assert parse_time(text) is None


def schedule_form(day, gathering_day=None, **extra):
    data = {"conversation_on-day": str(day.day), "conversation_on-month": str(day.month),
            "conversation_on-year": str(day.year), "conversation_time": "10:15am"}
    if gathering_day:
        data.update({"gathering_on-day": str(gathering_day.day),
                     "gathering_on-month": str(gathering_day.month),
                     "gathering_on-year": str(gathering_day.year),
                     "gathering_time": "9:30"})
    data.update(extra)
    return data


def test_staff_schedule_a_review_on_the_practices_clock(app, client, world):
    client.sign_in_quickly(world.admin)
    day = (utcnow() + timedelta(days=30)).date().replace(month=7, day=1) \
        if utcnow().month < 6 else (utcnow() + timedelta(days=30)).date()
    response = client.submit(f"/clinic/patients/{world.patient.id}/reviews/new",
                             schedule_form(day, day - timedelta(days=14),
                                           clinician=str(world.clinician.id)))
    assert response.status_code == 303, response.get_data(as_text=True)
    review = db.session.scalar(select(Review))
    london = review.conversation_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    assert (london.date(), london.time()) == (day, time(10, 15))
    assert review.gathering_at < review.conversation_at
    assert review.clinician_id == world.clinician.id and review.created_by_id == world.admin.id
    assert db.session.scalar(select(AuditEvent.subject)) == "review"
    page = client.get("/clinic/reviews").get_data(as_text=True)
    assert "Margaret Evans" in page and "Being gathered" in page


@pytest.mark.parametrize(("change", "message"), [
    ({"conversation_time": ""}, "Enter time of the conversation, like 9:30am"),
    ({"conversation_time": "half ten"}, "Enter time of the conversation like 9:30am or 14:30"),
    ({"conversation_on-day": ""}, "Date of the care planning conversation must include a day"),
    ({"gathering_time": ""}, "Enter time of the tests appointment, like 9:30am"),
])
def test_a_schedule_with_a_problem_is_explained(app, client, world, change, message):
    client.sign_in_quickly(world.clinician)
    day = (utcnow() + timedelta(days=20)).date()
    response = client.submit(f"/clinic/patients/{world.patient.id}/reviews/new",
                             {**schedule_form(day, day - timedelta(days=7)), **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Review)) is None


def test_a_new_review_cannot_be_in_the_past(app, client, world):
    client.sign_in_quickly(world.clinician)
    response = client.submit(f"/clinic/patients/{world.patient.id}/reviews/new",
                             schedule_form((utcnow() - timedelta(days=2)).date()))
    assert response.status_code == 400
    assert "The conversation must be today or in the future" in response.get_data(as_text=True)


def test_the_conversation_cannot_come_before_the_tests(app, client, world):
    client.sign_in_quickly(world.clinician)
    day = (utcnow() + timedelta(days=20)).date()
    response = client.submit(f"/clinic/patients/{world.patient.id}/reviews/new",
                             schedule_form(day, day + timedelta(days=1)))
    assert "The conversation must be on or after the tests appointment" in \
        response.get_data(as_text=True)


def test_rescheduling_keeps_what_is_there_and_changes_the_dates(app, client, world):
    review = make_review(world.patient, clinician=world.clinician,
                         conversation_at=datetime(2030, 1, 10, 10, 0, tzinfo=UTC))
    client.sign_in_quickly(world.admin)
    page = client.get(f"/clinic/reviews/{review.id}/schedule").get_data(as_text=True)
    assert 'value="10"' in page and 'value="2030"' in page and "10:00am" in page
    response = client.submit(f"/clinic/reviews/{review.id}/schedule",
                             schedule_form(datetime(2030, 1, 17).date(), clinician=""))
    assert response.status_code == 303
    assert review.conversation_at == datetime(2030, 1, 17, 10, 15, tzinfo=UTC)
    assert review.clinician_id is None


def test_another_practice_cannot_schedule_for_this_patient(app, client, world):
    client.sign_in_quickly(world.other_admin)
    day = (utcnow() + timedelta(days=20)).date()
    assert client.submit(f"/clinic/patients/{world.patient.id}/reviews/new",
                         schedule_form(day)).status_code == 404
    assert db.session.scalar(select(Review)) is None
