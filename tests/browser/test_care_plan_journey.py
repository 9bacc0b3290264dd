"""The conversation and after: the clinician writes the plan, the patient follows it on a
phone, offline too, and the clinician sees how it went."""

import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_for_queue
from tests.support.factories import (
    make_care_plan,
    make_patient,
    make_practice,
    make_review,
    make_shared_review,
    make_staff,
    make_support_service,
    prompt_of,
)
from webapp.extensions import db
from webapp.models import ProgressEntry, Role, utcnow
from webapp.preparation import agendas
from webapp.preparation.agenda_rules import read_fields

PASSWORD = "correct horse battery staple"


def send_agenda_with_a_priority(review, topic_key: str, words: str) -> None:
    """The patient's agenda for the review, sent, with one priority in their own words."""
    topic = prompt_of(review.patient.practice, topic_key)
    options = agendas.options_for(review)
    data, problems = read_fields({"priority-1": [f"topic:{topic.id}"],
                                  "priority-1-words": [words]}, options)
    assert not problems
    agendas.save_agenda(review, data, options, edited_at_ms=None)
    agendas.send_agenda(review)


def test_clinician_writes_the_plan_and_the_patient_follows_it_offline(
        app, browser, playwright, live_server, phone, phone_page):
    practice = make_practice("Hillside Surgery")
    clinician = make_staff(practice, Role.CLINICIAN, name="Dr Rhiannon Price")
    patient = make_patient(practice, given_name="Joan", family_name="Baker")
    make_support_service(practice, "Walking for health")
    review = make_shared_review(patient, clinician=clinician, results={"hba1c": "61"})
    send_agenda_with_a_priority(review, "being-active", "I want to garden again this summer")
    db.session.commit()

    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        staff = desk.new_page()
        sign_in(staff, clinician.email, PASSWORD, two_step_user=clinician)
        staff.goto(f"/clinic/reviews/{review.id}/agenda")
        expect(staff.get_by_text("I want to garden again this summer")).to_be_visible()
        staff.get_by_role("link", name="Write the care plan").click()
        beside = staff.get_by_role("complementary")
        expect(beside.get_by_text("Being active")).to_be_visible()
        expect(beside.get_by_text("I want to garden again this summer")).to_be_visible()
        staff.get_by_label("Goal, in the patient's own words").fill(
            "I want to garden again this summer")
        staff.get_by_label("What will they do?").fill("Water the pots by the back door")
        staff.get_by_label("When? (optional)").fill("before breakfast")
        staff.get_by_label("How many times?").fill("1")
        staff.get_by_role("radio", name="a day").check()
        staff.get_by_role("group", name="How sure are they").get_by_label("8", exact=True).check()
        staff.get_by_label("Walking for health").check()
        review_date = staff.get_by_role("group", name="Review date")
        review_date.get_by_label("Day", exact=True).fill("1")
        review_date.get_by_label("Month", exact=True).fill("6")
        review_date.get_by_label("Year", exact=True).fill(str(utcnow().year + 1))
        staff.get_by_role("button", name="Save care plan").click()
        expect(staff.get_by_text("Care plan saved for Joan Baker")).to_be_visible()

        page = phone_page
        sign_in(page, patient.email, PASSWORD)
        page.goto("/plan")  # on a phone, "My plan" sits under the header's "More" menu
        expect(page.get_by_role("heading", name="Goal 1: I want to garden again this summer")
               ).to_be_visible()
        expect(page.get_by_text("Walking for health")).to_be_visible()

        page.goto("/")
        expect(page.get_by_role("heading", name="Water the pots by the back door")).to_be_visible()
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        phone.set_offline(True)
        page.reload()  # served by the service worker from its cache
        buttons = page.locator("[data-log-form]")
        done = buttons.get_by_role("button", name=re.compile(r"^Done\b"))
        partly = buttons.get_by_role("button", name=re.compile(r"^Partly\b"))
        pending = page.locator("[data-pending-list] li")
        for count, button in enumerate((done, partly, done), start=1):
            button.click()
            expect(pending).to_have_count(count)
        expect(page.get_by_role("status")).to_contain_text("saved on this phone")
        expect(pending.first).to_contain_text("Water the pots by the back door: Done")
        assert db.session.query(ProgressEntry).count() == 0

        phone.set_offline(False)
        expect(pending).to_have_count(0, timeout=20_000)
        db.session.expire_all()
        entries = db.session.query(ProgressEntry).filter_by(patient_id=patient.id).all()
        assert sorted(e.status.value for e in entries) == ["done", "done", "partly"]
        assert all(e.source == "offline" for e in entries)

        staff.goto(f"/patients/{patient.id}/progress")
        row = staff.get_by_role("row", name=re.compile("Water the pots"))
        expect(row).to_contain_text("1 of 1 planned day logged")
        assert page.script_errors == []
    finally:
        desk.close()


def test_a_replayed_entry_is_stored_once(app, phone, phone_page):
    """The same queued entry sent twice (say, by the page and the service worker at once)."""
    practice = make_practice()
    clinician = make_staff(practice, Role.CLINICIAN)
    patient = make_patient(practice, given_name="Ada")
    plan = make_care_plan(make_review(patient, clinician=clinician), clinician)
    db.session.commit()
    page = phone_page
    sign_in(page, patient.email, PASSWORD)
    wait_for_queue(page)
    action_id = plan.goals[0].actions[0].id
    entry_id = str(uuid.uuid4())
    statuses = page.evaluate("""async ([entryId, actionId]) => {
        const today = new Date().toISOString().slice(0, 10);
        const entry = {id: entryId, action_id: actionId, local_date: today, status: 'done',
                       amount: null, note: '', reason: null, source: 'offline'};
        await enqueueProgress(entry);
        const first = await syncProgressQueue();
        await enqueueProgress(entry);
        const second = await syncProgressQueue();
        return [first.sent, second.sent, (await pendingProgress()).length];
    }""", [entry_id, action_id])
    assert statuses == [1, 1, 0]
    assert db.session.query(ProgressEntry).filter_by(client_id=uuid.UUID(entry_id)).count() == 1


def test_printed_care_plan_fits_one_a4_page(app, browser, live_server):
    practice = make_practice()
    clinician = make_staff(practice, Role.CLINICIAN)
    patient = make_patient(practice, given_name="Bea")
    from tests.support.factories import action_draft
    from webapp.careplans.service import GoalDraft

    goals = [GoalDraft(text=f"Goal number {n}: a realistic sentence in my own words about it",
                       actions=[action_draft(f"Action {n}.{m}: something specific to do",
                                             barriers="Rain, and feeling tired after work",
                                             helps="My sister reminds me on the phone")
                                for m in range(1, 3)])
             for n in range(1, 4)]
    services = [make_support_service(practice, f"Service {n}") for n in range(3)]
    make_care_plan(make_review(patient, clinician=clinician), clinician, goals=goals,
                   support=services, agreed_at=utcnow() - timedelta(days=1))
    db.session.commit()
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, patient.email, PASSWORD)
        page.goto("/plan/print")
        expect(page.get_by_role("heading", name="My care plan")).to_be_visible()
        pdf = page.pdf(format="A4", print_background=False)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    finally:
        context.close()
