"""A patient's first visit, on a phone: activate, sign in, install, go offline."""

from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_for_service_worker
from tests.support.factories import make_patient, make_practice, make_staff
from webapp.accounts import service
from webapp.extensions import db
from webapp.models import Role

NEW_PASSWORD = "blue teapot on the shelf"


def test_patient_activates_signs_in_installs_and_reads_offline(app, phone, phone_page):
    practice = make_practice("Hillside Surgery")
    admin = make_staff(practice, Role.PRACTICE_ADMIN)
    patient = make_patient(practice, given_name="Maya", active=False)
    invitation = service.issue_activation_code(patient.user, issued_by=admin,
                                               valid_for=timedelta(days=14))
    db.session.commit()
    page = phone_page

    page.goto("/activate")
    page.get_by_label("Email address").fill(patient.email)
    page.get_by_label("Activation code").fill(invitation.code.lower())
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set up my account").click()
    expect(page.get_by_role("heading", name="Hello, Maya")).to_be_visible()
    expect(page.get_by_text("Your account is ready")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    sign_in(page, patient.email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Maya")).to_be_visible()

    wait_for_service_worker(page)
    assert page.evaluate(
        "navigator.serviceWorker.getRegistration().then(r => r.scope)"
    ) == page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/"

    phone.set_offline(True)
    page.goto("/account")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    # The shell's styles came from the worker's cache: the NHS blue header is there.
    header_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.nhsuk-header')).backgroundColor")
    assert header_colour == "rgb(0, 94, 184)"
    phone.set_offline(False)
    page.goto("/account")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert page.script_errors == []


def test_activation_with_a_wrong_code_explains_and_keeps_what_was_typed(app, phone_page):
    practice = make_practice()
    patient = make_patient(practice, active=False)
    db.session.commit()
    page = phone_page
    page.goto("/activate")
    page.get_by_label("Email address").fill(patient.email)
    page.get_by_label("Activation code").fill("WRONG-CODE-HERE")
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set up my account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value(patient.email)
    # The error summary link moves focus to the field with the problem.
    page.get_by_role("link", name="Check your email address and activation code").click()
    expect(page.get_by_label("Activation code")).to_be_focused()


def test_a_page_left_open_goes_to_sign_in_when_the_session_times_out(app, phone_page):
    app.config["SESSION_IDLE_MINUTES_PATIENT"] = 0.05  # three seconds
    practice = make_practice()
    patient = make_patient(practice, given_name="Ivy")
    db.session.commit()
    page = phone_page
    sign_in(page, patient.email, "correct horse battery staple")
    expect(page.get_by_role("heading", name="Hello, Ivy")).to_be_visible()
    page.wait_for_url("**/login?timeout=1&next=%2F", timeout=20_000)
    expect(page.get_by_text("you were signed out because you had not used")).to_be_visible()
