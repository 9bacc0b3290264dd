"""Before the appointment, in a real browser: the patient reads their results and writes their
agenda on a phone, loses the signal and closes the page mid-draft without losing a word,
sends it, and the clinician reads it at their desk. And the patient's pages pass axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer, sign_in, wait_for_service_worker
from tests.support.factories import (
    PASSWORD,
    make_patient,
    make_practice,
    make_result,
    make_shared_review,
    make_staff,
)
from webapp.extensions import db
from webapp.models import Agenda, AgendaEntry, Role, utcnow

OFFLINE_STATUS = "Not saved yet — will save when you're back online"


@pytest.fixture
def prepared(app):
    """A patient whose review has been shared: results with a history, and the prompts."""
    practice = make_practice("Hillside Surgery")
    clinician = make_staff(practice, Role.CLINICIAN, name="Dr Ada Jones")
    patient = make_patient(practice, given_name="Maya", family_name="Khan")
    today = utcnow().date()
    make_result(patient, "hba1c", "61", taken_on=today - timedelta(days=200), shared=True)
    make_result(patient, "blood-pressure", "146/90", taken_on=today - timedelta(days=200),
                shared=True)
    review = make_shared_review(patient, clinician=clinician, results={
        "hba1c": "56", "blood-pressure": "138/84", "foot-risk": "low"})
    db.session.commit()
    return patient, clinician, review


def save_status(page: Page):
    return page.locator("[data-save-status]")


def test_patient_prepares_on_a_phone_and_the_clinician_reads_the_agenda(
        app, browser: Browser, phone: BrowserContext, phone_page: Page,
        live_server: LiveServer, prepared):
    patient, clinician, review = prepared
    uncaught: list[str] = []
    phone.on("weberror", lambda error: uncaught.append(str(error.error)))
    page = phone_page
    sign_in(page, patient.email, PASSWORD)
    expect(page.get_by_role("heading", name="Your next review")).to_be_visible()

    # Results: in words, with the one before, the target and a trend.
    page.get_by_role("link", name="Read your results").click()
    expect(page.get_by_role("heading", name="Your results", exact=True)).to_be_visible()
    hba1c = page.locator("#result-hba1c")
    expect(hba1c.get_by_text("56 mmol/mol", exact=True)).to_be_visible()
    expect(hba1c.get_by_text("Above your target").first).to_be_visible()
    expect(hba1c.get_by_text("Down 5 since then")).to_be_visible()
    expect(hba1c.get_by_role("img", name="HbA1c")).to_be_visible()
    hba1c.get_by_role("button", name="I want to talk about this").click()
    expect(page.get_by_text("HbA1c is on your agenda.")).to_be_visible()

    # The agenda saves as the patient types.
    wait_for_service_worker(page)  # from now on the results and agenda are kept offline
    page.reload()
    page.get_by_role("link", name="My agenda").click()
    page.get_by_label("What has gone well since your last review?").fill(
        "I walk to the shops every day now")
    expect(save_status(page)).to_contain_text("Saved at")

    # The signal drops: what is typed stays on the phone, and the page says so in words.
    phone.set_offline(True)
    page.get_by_label("What matters most to you at the moment?").fill(
        "Being able to dance at my granddaughter's wedding")
    expect(save_status(page)).to_have_text(OFFLINE_STATUS)
    page.close()

    # Opened again, still offline: the page comes from the phone with the draft in it.
    page = phone.new_page()
    page.goto("/agenda")
    expect(page.get_by_label("What matters most to you at the moment?")).to_have_value(
        "Being able to dance at my granddaughter's wedding")
    expect(page.get_by_label("What has gone well since your last review?")).to_have_value(
        "I walk to the shops every day now")
    expect(save_status(page)).to_have_text(OFFLINE_STATUS)
    # The latest shared results can be read without a signal too.
    page.get_by_role("link", name="My results").click()
    expect(page.locator("#result-hba1c").get_by_text("56 mmol/mol", exact=True)).to_be_visible()
    page.get_by_role("link", name="My agenda").click()
    expect(save_status(page)).to_have_text(OFFLINE_STATUS)

    # Back online, the draft is sent by itself.
    phone.set_offline(False)
    expect(save_status(page)).to_contain_text("Saved at")
    db.session.expire_all()
    words = {e.words for e in db.session.scalars(select(AgendaEntry))}
    assert "Being able to dance at my granddaughter's wedding" in words

    # Closing the page straight after typing loses nothing either.
    page.get_by_label("Is there anything you would like to change?").fill("Sleep better")
    page.close()
    page = phone.new_page()
    page.goto("/agenda")
    expect(page.get_by_label("Is there anything you would like to change?")).to_have_value(
        "Sleep better")

    # Priorities: choosing the same thing twice is explained, then the agenda is sent.
    page.get_by_label("Mood and stress").check()
    first, second = page.locator("#priority-1"), page.locator("#priority-2")
    first.select_option(label="Mood and stress")
    page.locator("#priority-1-words").fill("I have felt low since the winter")
    second.select_option(label="Mood and stress")
    page.get_by_role("button", name="Send to my practice").click()
    expect(page.get_by_role("heading", name="Your agenda has not been sent")).to_be_visible()
    page.get_by_role("link", name="You chose Mood and stress as your 1st and your 2nd").click()
    expect(page.locator("#priority-2")).to_be_focused()
    page.locator("#priority-2").select_option(label="Your HbA1c result")
    page.locator("#priority-2-words").fill("Why is it still high?")
    page.get_by_role("button", name="Send to my practice").click()
    expect(page.get_by_text("Your agenda has been sent to Hillside Surgery")).to_be_visible()
    assert uncaught == []

    # The clinician, at a desk, reads it: priorities first, in the patient's words.
    desk = browser.new_context(viewport={"width": 1280, "height": 900},
                               base_url=live_server.url)
    try:
        clinic = desk.new_page()
        sign_in(clinic, clinician.email, PASSWORD, two_step_user=clinician)
        clinic.goto(f"/clinic/reviews/{review.id}/agenda")
        priorities = clinic.locator("section[aria-labelledby=priorities-heading]")
        expect(priorities.locator("li").nth(0)).to_contain_text("Mood and stress")
        expect(priorities.locator("li").nth(0)).to_contain_text(
            "I have felt low since the winter")
        expect(priorities.locator("li").nth(1)).to_contain_text("HbA1c result")
        expect(priorities.locator("li").nth(1)).to_contain_text("Why is it still high?")
        topics = clinic.locator("section[aria-labelledby=topics-heading]")
        expect(topics).to_contain_text("I walk to the shops every day now")
        expect(topics).to_contain_text("Being able to dance at my granddaughter's wedding")
        expect(clinic.get_by_text("Patient wants to talk about this")).to_be_visible()
    finally:
        desk.close()
    db.session.expire_all()
    assert db.session.scalar(select(Agenda.review_id)) == review.id


def test_the_patients_pages_have_no_serious_accessibility_problems(app, phone_page,
                                                                    prepared):
    patient, _, _ = prepared
    page = phone_page
    sign_in(page, patient.email, PASSWORD)
    axe = Axe()
    problems = {}
    for path in ("/", "/results", "/agenda"):
        page.goto(path)
        found = axe.run(page).response["violations"]
        serious = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in found
                   if v["impact"] in ("serious", "critical")]
        if serious:
            problems[path] = serious
    # The agenda page with an error summary showing, as after a failed send.
    page.get_by_role("button", name="Send to my practice").click()
    expect(page.get_by_role("heading", name="Your agenda has not been sent")).to_be_visible()
    found = axe.run(page).response["violations"]
    serious = [v["id"] for v in found if v["impact"] in ("serious", "critical")]
    if serious:
        problems["/agenda with errors"] = serious
    assert problems == {}
    # The page with the error summary is answered 400, which Chromium logs; nothing else.
    assert [e for e in page.script_errors if "status of 400" not in e] == []
