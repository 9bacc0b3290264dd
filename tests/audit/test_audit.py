"""The audit trail: one record per staff view, what the patient sees, the admin's search,
and records that cannot be changed or removed, by the app or in the database."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import Client, app_settings
from tests.support.factories import make_patient, make_staff
from webapp import create_app
from webapp.audit.service import record
from webapp.extensions import db
from webapp.models import AuditEvent, Role, User


def view_record(client, patient):
    assert client.get(f"/patients/{patient.id}").status_code == 200


def test_each_staff_view_of_a_patient_page_writes_exactly_one_record(client, world):
    client.sign_in_quickly(world.clinician)
    for expected in (1, 2, 3):
        view_record(client, world.patient)
        assert db.session.query(AuditEvent).filter_by(patient_id=world.patient.id).count() \
            == expected


def test_the_patient_sees_who_looked_at_their_information(app, client, world):
    world.patient.time_zone = "America/New_York"
    db.session.add(AuditEvent(
        practice_id=world.practice.id, actor_id=world.hca.id, actor_role=Role.HEALTHCARE_ASSISTANT,
        patient_id=world.patient.id, action="viewed", subject="patient record",
        occurred_at=datetime(2026, 7, 1, 13, 30, tzinfo=UTC)))
    db.session.commit()
    client.sign_in_quickly(world.clinician)
    view_record(client, world.patient)
    view_record(client, world.patient2)  # someone else's record: not on her page

    patient = Client(app, app.response_class)
    patient.sign_in_quickly(world.patient.user)
    assert "Who has looked at my information" in patient.get("/account").get_data(as_text=True)
    page = patient.get("/account/who-has-looked").get_data(as_text=True)
    assert "Dr Cleo Clinician, clinician" in page and "Looked at patient record" in page
    assert "Hal Assistant, healthcare assistant" in page
    # 13:30 UTC is 9:30am in New York in July, shown in the patient's own time zone.
    assert "1 July 2026 at 9:30am" in page
    assert page.index("Dr Cleo Clinician") < page.index("Hal Assistant")  # newest first
    assert world.patient2.family_name not in page


def test_the_patients_own_actions_are_not_listed_as_staff_looking(client, world):
    client.sign_in_quickly(world.patient.user)
    client.get("/account/download")
    page = client.get("/account/who-has-looked").get_data(as_text=True)
    assert "Nobody at your practice has looked" in page


def test_who_has_looked_is_paginated(client, world):
    for n in range(30):
        db.session.add(AuditEvent(
            practice_id=world.practice.id, actor_id=world.clinician.id,
            actor_role=Role.CLINICIAN, patient_id=world.patient.id, action="viewed",
            subject=f"result {n:02d}",
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n)))
    db.session.commit()
    client.sign_in_quickly(world.patient.user)
    first = client.get("/account/who-has-looked").get_data(as_text=True)
    assert "result 29" in first and "result 05" in first and "result 04" not in first
    assert "page=2" in first
    second = client.get("/account/who-has-looked?page=2").get_data(as_text=True)
    assert "result 04" in second and "result 29" not in second


def _audit_search(client, **query):
    return client.get("/admin/audit-log", query_string=query)


@pytest.fixture
def trail(world):
    """A clinician looked at Margaret in March, the HCA at Arjun in May; the other practice's
    clinician looked at their own patient."""
    def add(actor, patient, when):
        db.session.add(AuditEvent(practice_id=patient.practice_id, actor_id=actor.id,
                                  actor_role=actor.role, patient_id=patient.id,
                                  action="viewed", subject="patient record", occurred_at=when,
                                  ip_address="192.0.2.7"))
    add(world.clinician, world.patient, datetime(2026, 3, 10, 10, tzinfo=UTC))
    add(world.hca, world.patient2, datetime(2026, 5, 20, 10, tzinfo=UTC))
    add(world.other_clinician, world.other_patient, datetime(2026, 4, 1, 10, tzinfo=UTC))
    db.session.commit()
    return world


def test_an_admin_searches_the_log_by_nhs_number_name_staff_and_dates(client, trail):
    client.sign_in_quickly(trail.admin)
    everything = _audit_search(client).get_data(as_text=True)
    options = re.sub(r"\s+", "", everything)
    assert '<optionvalue=""selected>Anyone</option>' in options
    assert f'<optionvalue="{trail.hca.id}">HalAssistant(Healthcareassistant)</option>' \
        in options
    assert "Margaret Evans" in everything and "Arjun Patel" in everything
    assert "Tom Hughes" not in everything and "Dr Olga Other" not in everything

    by_number = _audit_search(client, patient=trail.patient.nhs_number_spaced)
    assert "Margaret Evans" in by_number.get_data(as_text=True)
    assert "Arjun Patel" not in by_number.get_data(as_text=True)
    by_name = _audit_search(client, patient="patel").get_data(as_text=True)
    assert "Arjun Patel" in by_name and "Margaret Evans" not in by_name
    by_staff = _audit_search(client, staff=str(trail.hca.id)).get_data(as_text=True)
    assert "Arjun Patel" in by_staff and "Margaret Evans" not in by_staff
    by_dates = _audit_search(client, **{
        "from_date-day": "1", "from_date-month": "5", "from_date-year": "2026",
        "to_date-day": "31", "to_date-month": "5", "to_date-year": "2026"}).get_data(as_text=True)
    assert "Arjun Patel" in by_dates and "Margaret Evans" not in by_dates
    assert "192.0.2.7" in by_dates


def test_an_admin_cannot_search_another_practices_log(client, trail):
    client.sign_in_quickly(trail.other_admin)
    page = _audit_search(client, patient=trail.patient.nhs_number).get_data(as_text=True)
    assert "Margaret Evans" not in page and "No records match" in page


def test_searching_the_audit_log_is_itself_audited(client, trail):
    client.sign_in_quickly(trail.admin)
    _audit_search(client, patient=trail.patient.nhs_number)
    searched = db.session.query(AuditEvent).filter_by(action="searched").one()
    assert (searched.actor_id, searched.subject, searched.patient_id) == (
        trail.admin.id, "audit log", trail.patient.id)
    _audit_search(client)
    assert db.session.query(AuditEvent).filter_by(action="searched").count() == 2


def test_a_bad_date_range_is_explained(client, trail):
    client.sign_in_quickly(trail.admin)
    response = _audit_search(client, **{
        "from_date-day": "2", "from_date-month": "5", "from_date-year": "2026",
        "to_date-day": "1", "to_date-month": "5", "to_date-year": "2026"})
    assert response.status_code == 400
    assert "must be the same as or after" in response.get_data(as_text=True)
    response = _audit_search(client, **{"from_date-day": "31", "from_date-month": "2",
                                        "from_date-year": "2026"})
    assert response.status_code == 400 and "must be a real date" in response.get_data(as_text=True)
    assert _audit_search(client, staff="not-a-person").status_code == 400


def test_the_address_recorded_is_the_clients_behind_a_proxy(database_url, tmp_path, world):
    clinician_id, patient_id = world.clinician.id, world.patient.id
    db.session.commit()  # leave nothing open on this app's connection
    app = create_app(app_settings(database_url, str(tmp_path / "proxy"), PROXY_COUNT=1))
    with app.app_context():
        client = Client(app, app.response_class)
        client.sign_in_quickly(db.session.get(User, clinician_id))
        client.get(f"/patients/{patient_id}", headers={"X-Forwarded-For": "203.0.113.50"})
        assert db.session.query(AuditEvent).one().ip_address == "203.0.113.50"
        db.session.remove()
        db.engine.dispose()


# Append-only ---------------------------------------------------------------------------


@pytest.fixture
def event(world):
    found = record("viewed", "patient record", patient=world.patient, actor=world.clinician)
    db.session.commit()
    return found


def test_the_database_refuses_to_change_an_audit_event(app, event):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE audit_events SET action = 'nothing' WHERE id = :id"),
                           {"id": event.id})
    db.session.rollback()
    event.subject = "something else"
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).subject == "patient record"


def test_the_database_refuses_to_delete_an_audit_event(app, event):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_events"))
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.query(AuditEvent).count() == 1


def test_new_events_can_still_be_added(app, event, world):
    record("viewed", "patient record", patient=world.patient2, actor=world.hca)
    db.session.commit()
    assert db.session.query(AuditEvent).count() == 2


def test_staff_of_any_role_are_named_in_the_patients_view(client, world):
    admin_two = make_staff(world.practice, Role.PRACTICE_ADMIN, name="Pat Admin")
    record("changed", "activation code", patient=world.patient, actor=admin_two)
    other = make_patient(world.practice)
    record("viewed", "patient record", patient=other, actor=admin_two)
    db.session.commit()
    client.sign_in_quickly(world.patient.user)
    page = client.get("/account/who-has-looked").get_data(as_text=True)
    assert "Pat Admin, practice admin" in page and "Changed activation code" in page
    assert page.count("Pat Admin") == 1
