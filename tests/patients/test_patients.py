from webapp.extensions import db
from webapp.models import AuditEvent, Patient, User

NEW_PATIENT = {
    "given_name": "Rosa", "family_name": "Lindqvist", "date_of_birth-day": "2",
    "date_of_birth-month": "11", "date_of_birth-year": "1958", "nhs_number": "943 476 5919",
    "email": "rosa@example.com",
}


def test_admin_registers_a_patient_and_sees_the_code_once(client, world):
    client.sign_in_quickly(world.admin)
    response = client.submit("/patients/new", NEW_PATIENT)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rosa Lindqvist is registered" in page
    assert 'id="activation-code"' in page
    assert response.headers["Cache-Control"] == "no-store"
    patient = db.session.query(Patient).filter_by(nhs_number="9434765919").one()
    assert patient.practice_id == world.practice.id
    assert patient.user.password_hash is None and patient.user.email == "rosa@example.com"


def test_registering_a_patient_checks_every_field(client, world):
    client.sign_in_quickly(world.admin)
    response = client.submit("/patients/new", {
        **NEW_PATIENT, "given_name": "", "nhs_number": "943 476 5918",
        "date_of_birth-month": "", "email": "not-an-email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the patient&#39;s first name" in page
    assert "This is not a valid NHS number" in page
    assert "Date of birth must include a month" in page
    assert "Enter an email address in the correct format" in page
    assert 'value="Lindqvist"' in page  # nothing typed is lost
    assert db.session.query(Patient).count() == 3


def test_a_date_of_birth_in_the_future_is_refused(client, world):
    client.sign_in_quickly(world.admin)
    page = client.submit("/patients/new", {**NEW_PATIENT, "date_of_birth-year": "2999"})
    assert "Date of birth must be in the past" in page.get_data(as_text=True)


def test_an_impossible_date_is_refused(client, world):
    client.sign_in_quickly(world.admin)
    page = client.submit("/patients/new", {**NEW_PATIENT, "date_of_birth-day": "31",
                                           "date_of_birth-month": "2"})
    assert "Date of birth must be a real date" in page.get_data(as_text=True)


def test_the_same_nhs_number_twice_in_a_practice_is_refused(client, world):
    client.sign_in_quickly(world.admin)
    page = client.submit("/patients/new", {**NEW_PATIENT,
                                           "nhs_number": world.patient.nhs_number})
    assert "already registered" in page.get_data(as_text=True)


def test_an_email_already_in_use_is_refused(client, world):
    client.sign_in_quickly(world.admin)
    page = client.submit("/patients/new", {**NEW_PATIENT, "email": world.patient.email})
    assert "An account with this email address already exists" in page.get_data(as_text=True)


def test_staff_search_patients_by_name_or_nhs_number(client, world):
    client.sign_in_quickly(world.clinician)
    by_name = client.get("/patients?q=marg").get_data(as_text=True)
    assert "Evans, Margaret" in by_name and "Patel" not in by_name
    spaced = world.patient.nhs_number_spaced
    by_number = client.get(f"/patients?q={spaced}").get_data(as_text=True)
    assert "Evans, Margaret" in by_number and "Patel" not in by_number


def test_patient_list_never_shows_another_practice(client, world):
    client.sign_in_quickly(world.clinician)
    page = client.get("/patients").get_data(as_text=True)
    assert "Hughes" not in page
    assert "Evans, Margaret" in page and "Patel, Arjun" in page


def test_search_treats_wildcards_as_text(client, world):
    client.sign_in_quickly(world.clinician)
    page = client.get("/patients?q=%25").get_data(as_text=True)
    assert "Evans" not in page


def test_viewing_a_patient_record_is_audited(client, world):
    client.sign_in_quickly(world.clinician)
    assert client.get(f"/patients/{world.patient.id}").status_code == 200
    event = db.session.query(AuditEvent).one()
    assert (event.actor_id, event.patient_id, event.action, event.subject) == (
        world.clinician.id, world.patient.id, "viewed", "patient record")
    assert event.actor_role.value == "clinician"


def test_another_practice_gets_404_for_a_patient_record(client, world):
    client.sign_in_quickly(world.other_clinician)
    assert client.get(f"/patients/{world.patient.id}").status_code == 404
    assert db.session.query(AuditEvent).count() == 0


def test_admin_makes_a_new_activation_code_and_the_old_one_stops_working(client, world):
    from datetime import timedelta

    from webapp.accounts import service

    pending = world.patient2.user
    pending.password_hash = None
    first = service.issue_activation_code(pending, issued_by=world.admin,
                                          valid_for=timedelta(days=1))
    db.session.commit()
    client.sign_in_quickly(world.admin)
    page = client.submit(f"/patients/{world.patient2.id}/activation-code").get_data(as_text=True)
    assert "New activation code for Arjun Patel" in page
    try:
        service.activate(pending.email, first.code, "a fine long password")
    except service.AccountError as problem:
        assert "replaced" in str(problem)
    else:
        raise AssertionError("the old code still worked")
    assert db.session.get(User, pending.id).password_hash is None


def test_names_are_shown_escaped_inside_components(client, world):
    world.patient.given_name = '<script>alert("x")</script>'
    db.session.commit()
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/patients/{world.patient.id}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
