"""Reminders on a phone: turn them on, get a test notification, then a real reminder whose
"Snooze" and "Done" work from the notification.

Every hop is real except the browser vendor's push server: the page's own code subscribes
(PushManager.subscribe returns a subscription the local push service made, since headless
Chromium reaches no push service) and posts it to the app; the app's sender encrypts and
POSTs to the local push service, which checks VAPID and decrypts; the decrypted payload is
handed to the service worker over the DevTools protocol, as the browser's push client
would, and the worker shows the notification.
"""

from __future__ import annotations

import json

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from tests.browser.conftest import sign_in, wait_for_service_worker
from tests.support.factories import PASSWORD, make_patient, make_practice
from tests.support.reminder_factories import due_reminder, make_action
from webapp.extensions import db
from webapp.models import ProgressEntry, PushSubscription, ReminderOccurrence, utcnow
from webapp.reminders.dispatch import Dispatcher, vapid_for

# Replaces the browser's PushManager with one that hands out the subscription the local
# push service made. %s is that subscription's JSON.
FAKE_PUSH_MANAGER = """
(() => {
  const made = %s;
  const SUBSCRIBED = 'test-push-subscribed';
  const bytes = (text) => {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64 + '='.repeat((4 - base64.length %% 4) %% 4)),
                           (c) => c.charCodeAt(0));
  };
  const subscription = (options) => ({
    endpoint: made.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true,
               applicationServerKey: options ? options.applicationServerKey.buffer : null },
    getKey: (name) => bytes(made.keys[name]).buffer,
    toJSON: () => JSON.parse(JSON.stringify(made)),
    unsubscribe: async () => { localStorage.removeItem(SUBSCRIBED); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    localStorage.setItem(SUBSCRIBED, '1');
    return subscription(options);
  };
  PushManager.prototype.getSubscription = async function () {
    return localStorage.getItem(SUBSCRIBED) ? subscription(null) : null;
  };
})();
"""


def deliver_push(phone: BrowserContext, page: Page, payload: str) -> str:
    """Hand a decrypted push to the service worker; return the tag once it is shown."""
    cdp = phone.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    # The registrations arrive as events just after; each round trip to the page lets
    # Playwright dispatch the ones that have come in.
    for _ in range(500):
        if any(not r["isDeleted"] for r in registrations):
            break
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    [registration] = [r for r in registrations if not r["isDeleted"]][:1]
    page.evaluate("""() => { window.reminderShown = new Promise((resolve) => {
        navigator.serviceWorker.addEventListener('message', (event) => {
          if (event.data && event.data.type === 'reminder-shown') resolve(event.data.tag);
        });
      }); }""")
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2],
        "registrationId": registration["registrationId"], "data": payload})
    tag = page.evaluate("window.reminderShown")
    cdp.detach()
    return tag


def shown_notifications(page: Page) -> list[dict]:
    return page.evaluate(
        "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map(n =>"
        " ({title: n.title, body: n.body, tag: n.tag, data: n.data,"
        "   actions: n.actions.map(a => a.action)})))")


def turn_on_and_receive_a_reminder(app, phone, page, live_server, push_service):
    """The journey up to a real reminder on the lock screen; returns its action and data."""
    app.config["PUSH_ALLOW_LOOPBACK"] = True
    patient = make_patient(make_practice(), given_name="Maya")
    action = make_action(patient, "Walk to the park")
    db.session.commit()
    subscription = push_service.create_subscription(vapid_for(app).public_key)
    phone.grant_permissions(["notifications"], origin=live_server.url)
    phone.add_init_script(script=FAKE_PUSH_MANAGER % json.dumps(subscription))

    sign_in(page, patient.email, PASSWORD)
    wait_for_service_worker(page)
    page.goto("/reminders/devices")
    expect(page.get_by_text("This device does not get reminders.")).to_be_visible()
    page.get_by_role("button", name="Turn on reminders on this device").click()
    expect(page.get_by_text("This device gets your reminders.")).to_be_visible()
    expect(page.get_by_text("(this device)")).to_be_visible()
    device = db.session.scalar(select(PushSubscription))
    assert device.endpoint == subscription["endpoint"] and device.patient_id == patient.id

    # The test button goes through the app's sender to the push service, then the phone.
    page.get_by_role("button", name="Send me a test notification").click()
    expect(page.get_by_text("Test notification sent to")).to_be_visible()
    [test_push] = push_service.messages(subscription)
    assert deliver_push(phone, page, test_push["payload"]) == "test-notification"
    [shown] = shown_notifications(page)
    assert shown["title"] == "Care plan reminder" and shown["actions"] == []
    assert shown["body"] == "This is a test. Your reminders will look like this."

    # A push the worker cannot read still shows a notification, with the private text.
    assert deliver_push(phone, page, "<b>not json</b>") == "care-plan-reminder"
    [unreadable] = [n for n in shown_notifications(page) if n["tag"] == "care-plan-reminder"]
    assert unreadable["body"] == "You have a reminder from your care plan"
    assert unreadable["actions"] == []

    # A reminder falls due: the dispatcher sends it and the phone shows Done and Snooze.
    due_reminder(action, utcnow())
    db.session.commit()
    assert Dispatcher.for_app(app).run_once().sent == 1
    reminder_push = push_service.messages(subscription)[-1]
    tag = deliver_push(phone, page, reminder_push["payload"])
    [shown] = [n for n in shown_notifications(page) if n["tag"] == tag]
    assert shown["title"] == "Care plan reminder"
    assert shown["body"] == "You have a reminder from your care plan"
    assert shown["actions"] == ["done", "snooze"]
    assert shown["data"]["action"] == action.id
    return action, shown["data"]


def test_a_reminder_turned_on_and_tested_on_a_phone_can_be_snoozed(
        app, phone, phone_page, live_server, push_service):
    page = phone_page
    _, data = turn_on_and_receive_a_reminder(app, phone, page, live_server, push_service)

    # "Snooze 1 hour", as a tap on the button runs it, inside the service worker.
    phone.service_workers[0].evaluate("data => handleNotificationAction(data, 'snooze')", data)

    snoozed = db.session.scalar(select(ReminderOccurrence).where(
        ReminderOccurrence.snoozed_from_id.is_not(None)))
    assert snoozed is not None and snoozed.topic == data["tag"]
    assert [n for n in shown_notifications(page) if n["tag"] == data["tag"]] == []
    assert page.script_errors == []


def test_done_on_a_reminder_logs_the_days_progress_after_the_session_has_ended(
        app, phone, phone_page, live_server, push_service):
    action, data = turn_on_and_receive_a_reminder(app, phone, phone_page, live_server,
                                                  push_service)
    # Reminders are answered hours after the page was used: the session is long gone.
    phone.clear_cookies()

    phone.service_workers[0].evaluate("data => handleNotificationAction(data, 'done')", data)

    db.session.expire_all()
    entry = db.session.scalar(select(ProgressEntry))
    assert entry is not None and str(entry.client_id) == data["entry"]
    assert (entry.action_id, entry.status, entry.source) == (action.id, "done", "notification")
    assert entry.local_date.isoformat() == data["date"]
    assert [n for n in shown_notifications(phone_page) if n["tag"] == data["tag"]] == []
    assert phone_page.script_errors == []
