"""Turning reminders on for a device: what the browser sends is checked field by field
before it is stored, and a device is one row however often the page re-checks it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.reminder_factories import (
    EXAMPLE_P256DH,
    due_reminder,
    make_action,
    make_device,
)
from webapp.extensions import db
from webapp.models import (
    DeliveryState,
    PushSubscription,
    ReminderDelivery,
    ReminderOccurrence,
    utcnow,
)
from webapp.reminders.dispatch import Dispatcher, DispatchStats
from webapp.reminders.subscriptions import (
    DEFAULT_PUSH_SERVICE_HOSTS,
    EndpointRules,
    InvalidSubscription,
    check_subscription,
)

AUTH = "tBHItJI5svbpez7KI4CCXg"
STRICT = EndpointRules()


def subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc123", **keys):
    return {"endpoint": endpoint, "expirationTime": None,
            "keys": {"p256dh": EXAMPLE_P256DH, "auth": AUTH, **keys}}


def field_of(data, rules=STRICT) -> str:
    with pytest.raises(InvalidSubscription) as problem:
        check_subscription(data, rules)
    return problem.value.field


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
    "https://web.push.apple.com/QGuQyavXutnMH3Ut",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
])
def test_the_browser_vendors_push_services_are_accepted(endpoint):
    assert check_subscription(subscription(endpoint), STRICT).endpoint == endpoint


@pytest.mark.parametrize(("data", "field"), [
    (None, "subscription"),
    ([], "subscription"),
    ({"keys": {}}, "endpoint"),
    ({"endpoint": "https://fcm.googleapis.com/x"}, "keys"),
    (subscription(endpoint=42), "endpoint"),
    (subscription(endpoint="http://fcm.googleapis.com/fcm/send/x"), "endpoint"),
    (subscription(endpoint="https://10.0.0.5/push"), "endpoint"),
    (subscription(endpoint="https://[::1]/push"), "endpoint"),
    (subscription(endpoint="https://intranet.practice.nhs.uk/admin"), "endpoint"),
    (subscription(endpoint="https://user:pw@fcm.googleapis.com/x"), "endpoint"),
    (subscription(endpoint="https://fcm.googleapis.com:8443/x"), "endpoint"),
    (subscription(endpoint="https://evilfcm.googleapis.com.example/x"), "endpoint"),
    (subscription(endpoint="https://fcm.googleapis.com/" + "x" * 1000), "endpoint"),
    ({**subscription(), "expirationTime": "soon"}, "expirationTime"),
    (subscription(p256dh="not base64!"), "keys.p256dh"),
    (subscription(p256dh="BAAA"), "keys.p256dh"),
    (subscription(p256dh=None), "keys.p256dh"),
    (subscription(auth="c2hvcnQ"), "keys.auth"),
    (subscription(auth=""), "keys.auth"),
    ({"endpoint": "https://fcm.googleapis.com/x", "keys": {"auth": AUTH}}, "keys.p256dh"),
])
def test_a_wrong_subscription_is_refused_naming_the_field(data, field):
    assert field_of(data) == field


def test_the_local_push_service_is_accepted_only_when_tests_allow_it():
    local = subscription(endpoint="http://127.0.0.1:8123/push/abc")
    assert field_of(local) == "endpoint"
    assert check_subscription(local, EndpointRules(allow_loopback=True)).endpoint.startswith(
        "http://127.0.0.1")
    assert field_of(subscription(endpoint="http://localhost:8123/push/abc"),
                    EndpointRules(allow_loopback=True)) == "endpoint"


def test_any_public_push_service_can_be_allowed():
    anywhere = EndpointRules(hosts=("*",))
    assert check_subscription(subscription(endpoint="https://push.example.org/x"), anywhere)
    assert field_of(subscription(endpoint="https://192.168.1.1/x"), anywhere) == "endpoint"
    assert "fcm.googleapis.com" in DEFAULT_PUSH_SERVICE_HOSTS


def test_a_patient_turns_on_reminders_for_this_device(client, world):
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/reminders/subscriptions", subscription(), headers={
        "User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/126.0 Mobile Safari"})

    assert response.status_code == 201
    device = db.session.scalar(select(PushSubscription))
    assert response.get_json() == {"id": device.id, "name": "Chrome on Android"}
    assert (device.patient_id, device.user_id) == (world.patient.id, world.patient.user.id)
    assert device.p256dh == EXAMPLE_P256DH and device.auth == AUTH


def test_re_sending_the_same_subscription_keeps_one_device(client, world):
    client.sign_in_quickly(world.patient.user)
    assert client.post_json("/reminders/subscriptions", subscription()).status_code == 201
    assert client.post_json("/reminders/subscriptions", subscription()).status_code == 200
    assert len(db.session.scalars(select(PushSubscription)).all()) == 1


def test_a_bad_subscription_gets_422_naming_the_field(client, world):
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/reminders/subscriptions", subscription(auth="xx"))
    assert response.status_code == 422
    assert response.get_json()["field"] == "keys.auth"
    not_json = client.post("/reminders/subscriptions", data="endpoint=x",
                           headers={"X-CSRFToken": client.csrf_token()})
    assert not_json.status_code == 422 and not_json.get_json()["field"] == "subscription"
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_subscribing_needs_the_csrf_token_and_a_signed_in_patient(client, world):
    assert client.post("/reminders/subscriptions", json=subscription()).status_code == 401
    client.sign_in_quickly(world.patient.user)
    assert client.post("/reminders/subscriptions", json=subscription()).status_code == 400
    client.sign_in_quickly(world.clinician)
    assert client.post_json("/reminders/subscriptions", subscription()).status_code == 403


def test_a_renewed_subscription_replaces_the_old_device_and_keeps_its_name(client, world):
    client.sign_in_quickly(world.patient.user)
    client.post_json("/reminders/subscriptions", subscription())
    device = db.session.scalar(select(PushSubscription))
    device.name = "Kitchen tablet"
    db.session.commit()

    renewed = {**subscription("https://fcm.googleapis.com/fcm/send/renewed"),
               "replaces": "https://fcm.googleapis.com/fcm/send/abc123"}
    assert client.post_json("/reminders/subscriptions", renewed).status_code == 201

    [device] = db.session.scalars(select(PushSubscription)).all()
    assert device.endpoint.endswith("/renewed") and device.name == "Kitchen tablet"


def test_a_browser_handed_to_another_patient_stops_getting_the_first_ones_reminders(
        client, world):
    device = make_device(world.patient, subscription())
    due_reminder(make_action(world.patient), utcnow())
    db.session.commit()
    dispatcher = Dispatcher.for_app(client.application)
    dispatcher.record_due_occurrences(utcnow(), DispatchStats())
    assert db.session.scalar(select(ReminderDelivery.state)) is DeliveryState.PENDING

    client.sign_in_quickly(world.patient2.user)
    assert client.post_json("/reminders/subscriptions", subscription()).status_code == 200

    db.session.refresh(device)
    assert device.patient_id == world.patient2.id
    assert db.session.scalars(select(ReminderDelivery)).all() == []
    assert db.session.scalar(select(ReminderOccurrence)) is not None


def test_a_patient_cannot_have_an_unlimited_number_of_devices(client, world):
    for n in range(20):
        make_device(world.patient, subscription(f"https://fcm.googleapis.com/fcm/send/{n}"))
    db.session.commit()
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/reminders/subscriptions", subscription())
    assert response.status_code == 422 and "up to 20 devices" in response.get_json()["error"]
