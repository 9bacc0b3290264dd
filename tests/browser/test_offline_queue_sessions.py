"""The device's queue and the session: what waits, what is sent, what is forgotten."""

import uuid

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_for_queue, wait_until
from tests.support.factories import (
    make_care_plan,
    make_patient,
    make_practice,
    make_review,
    make_staff,
)
from webapp.extensions import db
from webapp.models import ProgressEntry, Role, UserSession

PASSWORD = "correct horse battery staple"


def patient_with_plan(name: str):
    practice = make_practice()
    clinician = make_staff(practice, Role.CLINICIAN)
    patient = make_patient(practice, given_name=name)
    plan = make_care_plan(make_review(patient, clinician=clinician), clinician)
    db.session.commit()
    return patient, plan.goals[0].actions[0]


QUEUE_ONE = """async ([entryId, actionId]) => {
    const today = new Date().toISOString().slice(0, 10);
    await enqueueProgress({id: entryId, action_id: actionId, local_date: today,
                           status: 'done', amount: null, note: '', reason: null,
                           source: 'offline'});
    const outcome = await syncProgressQueue();
    return [outcome.sent, outcome.stopped, (await pendingProgress()).length];
}"""


QUEUE_IS_EMPTY = """() => new Promise((resolve) => {
    const request = indexedDB.open('careplan-device');
    request.onsuccess = () => {
        const db = request.result;
        const count = db.transaction('progress-queue').objectStore('progress-queue').count();
        count.onsuccess = () => { db.close(); resolve(count.result === 0); };
    };
})"""


def end_sessions_on_the_server(patient) -> None:
    db.session.expire_all()
    for row in db.session.query(UserSession).filter_by(user_id=patient.user.id):
        row.ended_at, row.ended_reason = row.last_seen_at, "idle"
    db.session.commit()


def test_an_entry_made_after_the_session_expired_waits_for_the_same_patient(app, phone_page):
    patient, action = patient_with_plan("Ivy")
    page = phone_page
    sign_in(page, patient.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Ivy")).to_be_visible()
    wait_for_queue(page)
    end_sessions_on_the_server(patient)
    entry_id = str(uuid.uuid4())
    sent, stopped, waiting = page.evaluate(QUEUE_ONE, [entry_id, action.id])
    assert (sent, stopped, waiting) == (0, "signed-out", 1)  # the server said 401
    assert db.session.query(ProgressEntry).filter_by(client_id=uuid.UUID(entry_id)).count() == 0

    sign_in(page, patient.email, PASSWORD)  # the home page hands over the new token and sends
    expect(page.locator("[data-pending]")).to_be_hidden()
    wait_until(page, "() => pendingProgress().then(items => items.length === 0)")
    db.session.expire_all()
    assert db.session.query(ProgressEntry).filter_by(client_id=uuid.UUID(entry_id)).count() == 1


def test_another_patient_signing_in_on_the_device_never_sends_my_entries(app, phone_page):
    first, action = patient_with_plan("Ivy")
    second, _ = patient_with_plan("Olu")
    page = phone_page
    sign_in(page, first.email, PASSWORD)
    wait_for_queue(page)
    end_sessions_on_the_server(first)
    page.evaluate(QUEUE_ONE, [str(uuid.uuid4()), action.id])
    sign_in(page, second.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Olu")).to_be_visible()
    # Olu's pages never list or send Ivy's entry; it stays for Ivy.
    expect(page.locator("[data-pending]")).to_be_hidden()
    assert page.evaluate(f"pendingProgress({first.id}).then(items => items.length)") == 1
    assert db.session.query(ProgressEntry).filter_by(patient_id=first.id).count() == 0


def test_signing_out_drops_cached_pages_and_the_queue(app, phone_page):
    patient, action = patient_with_plan("Ivy")
    page = phone_page
    sign_in(page, patient.email, PASSWORD)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto("/plan")  # now controlled by the worker, so kept for offline reading
    wait_for_queue(page)
    wait_until(page, "() => caches.open('pages').then(c => c.keys()).then(k => k.length > 0)")
    end_sessions_on_the_server(patient)
    assert page.evaluate(QUEUE_ONE, [str(uuid.uuid4()), action.id])[2] == 1
    sign_in(page, patient.email, PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    wait_until(page, "() => caches.keys().then(names => !names.includes('pages'))")
    # The signed-out page loads no patient scripts: read the device's queue directly.
    wait_until(page, QUEUE_IS_EMPTY)
