"""Download all my information, and closing an account."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import Client
from tests.support.factories import (
    make_authenticator,
    make_care_plan,
    make_check_in,
    make_entry,
    make_result,
    make_review,
    make_shared_review,
    make_support_service,
    prompt_of,
)
from webapp.accounts import service, two_step
from webapp.audit.service import record
from webapp.careplans.service import current_plan
from webapp.data_rights import ACCOUNT, CLINICAL, erasers
from webapp.data_rights.service import complete_closure, remove_expired_records, request_closure
from webapp.extensions import db
from webapp.models import (
    AccountClosure,
    AuditEvent,
    Patient,
    PreparationNote,
    ReminderDelivery,
    Result,
    Review,
    User,
    UserSession,
    utcnow,
)

# Where each table's rows about a patient appear in the download. A new table holding a
# patient_id or a user_id must be added here, and its domain must register an exporter
# (see webapp/data_rights/__init__.py).
SECTIONS = {
    "patients": ("profile",),
    "users": ("account",),
    "user_sessions": ("devices_signed_in",),
    "activation_codes": ("account", "activation_codes"),
    "recovery_codes": ("account", "recovery_codes"),
    "authenticators": ("account", "two_step_sign_in"),
    "audit_events": ("access_to_my_information",),
    "reviews": ("reviews",),
    "account_closures": ("account_closure",),
    "care_plans": ("care_plans", "plans"),
    "goals": ("care_plans", "goals"),
    "actions": ("care_plans", "actions"),
    "care_plan_support": ("care_plans", "support"),
    "care_plan_revisions": ("care_plans", "revisions"),
    "check_ins": ("check_ins", "check_ins"),
    "check_in_answers": ("check_ins", "answers"),
    "progress_entries": ("progress",),
    "results": ("results", "results"),
    "personal_targets": ("results", "personal_targets"),
    "clinical_profiles": ("results", "conditions"),
    "agendas": ("agendas", "agendas"),
    "agenda_entries": ("agendas", "answers"),
    "agenda_priorities": ("agendas", "priorities"),
    "agenda_results": ("agendas", "results_to_talk_about"),
    "reminders": ("reminders", "reminders"),
    "reminder_occurrences": ("reminders", "occurrences"),
    "reminder_deliveries": ("reminders", "deliveries"),
    "push_subscriptions": ("reminder_devices",),
}
# Left out of the self-service download on purpose (webapp/preparation/data_rights.py): staff's
# preparation notes and results not yet shared. A subject access request covers them.
NOT_IN_THE_DOWNLOAD = {"preparation_notes"}


def give_them_everything(patient: Patient, world, *, closure: bool = True) -> None:
    """One or more rows in every table that can hold something about a patient."""
    user = patient.user
    service.start_session(user, user_agent="Mozilla/5.0 (iPhone) Safari/604.1")
    ended = service.start_session(user, user_agent="Mozilla/5.0 (Windows) Firefox/130.0")
    service.end_session(ended)
    service.issue_activation_code(user, issued_by=world.admin, valid_for=timedelta(days=1))
    make_authenticator(user)
    two_step.new_recovery_codes(user)
    make_review(patient, clinician=world.clinician if patient.practice_id ==
                world.practice.id else world.other_clinician)
    make_review(patient)
    staff = world.clinician if patient.practice_id == world.practice.id \
        else world.other_clinician
    record("viewed", "patient record", patient=patient, actor=staff)
    record("changed", "activation code", patient=patient, actor=staff)
    give_them_preparation(patient, staff)
    if current_plan(patient.id) is None:
        plan = make_care_plan(make_review(patient, clinician=staff), staff,
                              support=[make_support_service(patient.practice)])
        make_entry(patient, plan.goals[0].actions[0])
        make_check_in(plan, wants_change=True)
    give_them_reminders(patient)
    if closure:
        request_closure(patient)
    db.session.commit()


def give_them_preparation(patient: Patient, staff) -> None:
    """Results (one shared, one not), an agenda with every kind of answer, a personal target,
    their conditions, and a preparation note."""
    from webapp.clinic.service import save_profile
    from webapp.content import result_catalogue
    from webapp.preparation import agendas
    from webapp.preparation.agenda_rules import read_fields
    from webapp.preparation.targets import set_personal_target
    from webapp.results.assessment import Target

    review = make_shared_review(patient, clinician=staff, results={"hba1c": "61"})
    make_result(patient, "blood-pressure", "150/95", review=review, shared=False)
    feet = prompt_of(patient.practice, "feet")
    options = agendas.options_for(review)
    data, problems = read_fields({"topics": [str(feet.id)], "priority-1": [f"topic:{feet.id}"],
                                  "priority-1-words": ["My toes go numb"]}, options)
    assert not problems
    agendas.save_agenda(review, data, options, edited_at_ms=None)
    agendas.talk_about(review, "hba1c", True)
    set_personal_target(patient, result_catalogue.get("hba1c"), Target.at_most(Decimal(58)),
                        staff, reason="Agreed together")
    save_profile(patient, conditions=["diabetes"], type_1_diabetes=False,
                 on_hypo_causing_drug=False, established_cvd=False, family_background=None,
                 non_hdl_baseline=None, by=staff)
    db.session.add(PreparationNote(practice_id=patient.practice_id, patient_id=patient.id,
                                   review_id=review.id, text="Check feet; see the nurse"))
    db.session.flush()


def give_them_reminders(patient: Patient) -> None:
    """A device, and a reminder that has fallen due and been sent to it."""
    from tests.support import reminder_factories

    device = reminder_factories.make_device(patient)
    occurrence = reminder_factories.make_occurrence(patient)
    db.session.add(ReminderDelivery(occurrence_id=occurrence.id, subscription_id=device.id,
                                    patient_id=patient.id, due_at=occurrence.due_at,
                                    next_attempt_at=occurrence.due_at))
    db.session.flush()


def rows_about(patient: Patient) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for table in db.metadata.sorted_tables:
        columns = table.c
        if table.name == "patients":
            condition = columns.id == patient.id
        elif table.name == "users":
            condition = columns.id == patient.user.id
        elif "patient_id" in columns:
            condition = columns.patient_id == patient.id
        elif "user_id" in columns:
            condition = columns.user_id == patient.user.id
        else:
            continue
        found[table.name] = set(db.session.scalars(select(columns.id).where(condition)))
    return found


def ids_in(export: dict, path: tuple[str, ...]) -> set[int]:
    value = export
    for key in path:
        value = value[key]
    items = value if isinstance(value, list) else [value]
    return {item["id"] for item in items if item}


def download(client) -> tuple:
    response = client.get("/account/download")
    return response, json.loads(response.get_data(as_text=True))


def test_the_download_has_every_object_of_the_patient_and_nothing_else(client, world):
    for patient in (world.patient, world.patient2, world.other_patient):
        give_them_everything(patient, world)
    client.sign_in_quickly(world.patient.user)
    response, export = download(client)

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"

    mine = rows_about(world.patient)
    unexported = sorted(set(mine) - set(SECTIONS) - NOT_IN_THE_DOWNLOAD)
    assert not unexported, f"tables about a patient with no place in the download: {unexported}"
    for table, path in SECTIONS.items():
        # The download was recorded in the audit trail after it was built.
        expected = mine[table] - ({max(mine[table])} if table == "audit_events" else set())
        if table == "results":
            expected = {r.id for r in db.session.scalars(select(Result).where(
                Result.patient_id == world.patient.id, Result.shared_at.is_not(None)))}
            assert len(expected) < len(mine["results"]), "the test needs an unshared result"
        assert ids_in(export, path) == expected, table
        assert expected, f"the test gave the patient no {table} rows"

    text = json.dumps(export)
    for someone_else in (world.patient2, world.other_patient):
        for value in (someone_else.nhs_number, someone_else.family_name, someone_else.email):
            assert value not in text
    for secret in ("password_hash", "token_hash", "code_hash", "secret_encrypted"):
        assert secret not in text
    assert "fcm.googleapis.com" not in text  # a device's push address is never exported
    assert "Check feet; see the nurse" not in text and "150" not in json.dumps(export["results"])
    assert export["profile"]["nhs_number"] == world.patient.nhs_number


def test_downloading_is_recorded(client, world):
    client.sign_in_quickly(world.patient.user)
    download(client)
    event = db.session.query(AuditEvent).one()
    assert (event.actor_id, event.patient_id, event.action) == (
        world.patient.user.id, world.patient.id, "downloaded")


def test_the_account_page_links_to_download_and_closing(client, world):
    client.sign_in_quickly(world.patient.user)
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/download" download' in page and 'href="/account/close"' in page


def ask_to_close(app, patient) -> Client:
    client = Client(app, app.response_class)
    client.sign_in_quickly(patient.user)
    page = client.get("/account/close").get_data(as_text=True)
    assert "Ask my practice to close my account" in page
    assert client.submit("/account/close").status_code == 303
    return client


def test_a_patient_asks_and_the_admin_closes_removing_everything(app, world):
    give_them_everything(world.patient, world, closure=False)
    patient_browser = ask_to_close(app, world.patient)
    audit_before = db.session.query(AuditEvent).filter_by(patient_id=world.patient.id).count()
    user_id, patient_id = world.patient.user.id, world.patient.id
    nhs_number, email = world.patient.nhs_number, world.patient.email

    admin = Client(app, app.response_class)
    admin.sign_in_quickly(world.admin)
    listing = admin.get("/admin/account-closures").get_data(as_text=True)
    assert "Margaret Evans" in listing
    closure = db.session.query(AccountClosure).filter_by(completed_at=None).one()
    confirm = admin.get(f"/admin/account-closures/{closure.id}").get_data(as_text=True)
    assert "This cannot be undone" in confirm
    assert admin.submit(f"/admin/account-closures/{closure.id}").status_code == 303

    patient = db.session.get(Patient, patient_id)
    assert patient.removed_at is not None and patient.date_of_birth is None
    assert nhs_number not in (patient.nhs_number, patient.email)
    assert "Margaret" not in patient.full_name
    user = db.session.get(User, user_id)
    assert user.email != email and user.password_hash is None and not user.is_active
    assert db.session.query(UserSession).filter_by(user_id=user_id).count() == 0
    assert db.session.query(Review).filter_by(patient_id=patient_id).count() == 0
    assert two_step.authenticator_for(user) is None
    # The audit trail is all still there, pointing at the emptied patient row.
    kept = db.session.query(AuditEvent).filter_by(patient_id=patient_id).all()
    assert len(kept) == audit_before + 1 and kept[-1].action == "closed"

    assert patient_browser.get("/").status_code == 303  # signed out for good
    assert service.authenticate(email, "correct horse battery staple") is None
    assert admin.get(f"/patients/{patient_id}").status_code == 404
    assert "Margaret" not in admin.get("/patients").get_data(as_text=True)
    searched = admin.get("/admin/audit-log").get_data(as_text=True)
    assert "Removed patient" in searched


def test_with_a_retention_period_the_clinical_record_stays_until_it_ends(app, world, runner):
    world.practice.closure_retention_years = 8
    review_id = make_review(world.patient, clinician=world.clinician).id
    db.session.commit()
    closure = request_closure(world.patient)
    complete_closure(closure, world.admin)
    db.session.commit()

    assert world.patient.removed_at is None and world.patient.user.password_hash is None
    assert db.session.get(Review, review_id) is not None
    assert closure.keep_clinical_until > utcnow() + timedelta(days=365 * 8 - 2)

    assert remove_expired_records(utcnow() + timedelta(days=365 * 7)) == 0
    closure.keep_clinical_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["data-rights", "remove-expired"])
    assert result.exit_code == 0 and "Removed 1 clinical record." in result.output
    assert db.session.query(Review).filter_by(id=review_id).count() == 0
    assert db.session.get(Patient, world.patient.id).removed_at is not None


def test_asking_twice_is_one_request_and_the_page_says_so(app, world):
    client = ask_to_close(app, world.patient)
    client.submit("/account/close")
    assert db.session.query(AccountClosure).count() == 1
    assert "You asked to close your account" in client.get("/account/close").get_data(
        as_text=True)


def test_an_admin_cannot_close_another_practices_account(app, world):
    ask_to_close(app, world.other_patient)
    closure = db.session.query(AccountClosure).one()
    admin = Client(app, app.response_class)
    admin.sign_in_quickly(world.admin)
    assert "Tom Hughes" not in admin.get("/admin/account-closures").get_data(as_text=True)
    assert admin.submit(f"/admin/account-closures/{closure.id}").status_code == 404
    assert db.session.get(AccountClosure, closure.id).completed_at is None


def test_practice_settings_choose_the_retention_period(client, world):
    client.sign_in_quickly(world.admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "When a patient closes their account" in page
    response = client.submit("/admin/settings", {"name": "Home Practice",
                                                 "time_zone": "Europe/London",
                                                 "closure_retention_years": "8"})
    assert response.status_code == 303
    assert db.session.get(type(world.practice), world.practice.id).closure_retention_years == 8
    refused = client.submit("/admin/settings", {"name": "Home Practice",
                                                "time_zone": "Europe/London",
                                                "closure_retention_years": "3"})
    assert refused.status_code == 400


@pytest.mark.parametrize("kind", [ACCOUNT, CLINICAL])
def test_the_foundation_registers_its_erasers(app, kind):
    assert erasers(kind), f"no {kind} eraser registered"


def test_the_admin_home_page_says_when_patients_are_waiting(app, world):
    admin = Client(app, app.response_class)
    admin.sign_in_quickly(world.admin)
    assert "asked to close their account" not in admin.get("/").get_data(as_text=True)
    ask_to_close(app, world.patient)
    assert "1 patient has asked to close their account" in admin.get("/").get_data(as_text=True)
    clinician = Client(app, app.response_class)
    clinician.sign_in_quickly(world.clinician)
    assert "asked to close their account" not in clinician.get("/").get_data(as_text=True)
