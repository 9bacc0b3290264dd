"""A new member of staff on a phone: first sign-in sets up the authenticator app, the next
one asks for its code."""

import re

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.support.factories import PASSWORD, make_practice, make_staff
from webapp.extensions import db
from webapp.models import Role


def test_staff_set_up_the_authenticator_then_sign_in_with_a_code(app, phone_page):
    practice = make_practice("Hillside Surgery")
    nurse = make_staff(practice, Role.CLINICIAN, name="Nia Nurse", authenticator=False)
    db.session.commit()
    page = phone_page

    page.goto("/login")
    page.get_by_label("Email address").fill(nurse.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    qr = page.locator("svg.app-qr-code")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150  # big enough for a camera to read
    key = page.locator("#authenticator-key").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", key)

    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="save your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have saved my codes").click()
    expect(page.get_by_role("heading", name="Hillside Surgery")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    sign_in(page, nurse.email, PASSWORD, two_step_user=nurse)
    expect(page.get_by_role("heading", name="Hillside Surgery")).to_be_visible()
    # The wrong code's 400 answer is the only complaint: no script error, no CSP refusal
    # (the QR code is inline SVG with no style attribute).
    unexpected = [e for e in page.script_errors if "status of 400" not in e]
    assert unexpected == []


def test_a_wrong_code_on_the_phone_is_explained_and_focus_moves_to_the_field(app, phone_page):
    practice = make_practice()
    clinician = make_staff(practice, Role.CLINICIAN)
    db.session.commit()
    page = phone_page
    page.goto("/login")
    page.get_by_label("Email address").fill(clinician.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="The code is not right").click()
    expect(page.get_by_label("Security code")).to_be_focused()
