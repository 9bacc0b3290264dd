"""The dispatcher against the real local push service, on SQLite and on PostgreSQL: each due
reminder reaches each device once, decrypted as the phone would read it; what each push
service answer does to the reminder and the device; the missed window, quiet hours, pauses
and progress already logged. Time is moved by passing ``now``, never waited for."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.support.reminder_factories import (
    due_reminder,
    log_progress,
    make_action,
    make_device,
    make_reminder,
)
from webapp.extensions import db
from webapp.models import (
    DeliveryState,
    ProgressEntry,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderOccurrence,
    utcnow,
)
from webapp.reminders import notifications, service
from webapp.reminders.delivery import Outcome, PushResult
from webapp.reminders.dispatch import Dispatcher, DispatchSettings, DispatchStats, vapid_for
from webapp.reminders.vapid import generate_private_key, keys_from_private


@pytest.fixture
def patient(world):
    return world.patient


@pytest.fixture
def dispatcher(app) -> Dispatcher:
    return Dispatcher.for_app(app)


def real_device(patient, push_service, app, **options):
    """A device whose subscription the local push service made, bound to our VAPID key."""
    subscription = push_service.create_subscription(vapid_for(app).public_key)
    return make_device(patient, subscription, **options), subscription


def deliveries() -> list[ReminderDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(ReminderDelivery).order_by(ReminderDelivery.id)))


def payloads(push_service, subscription) -> list[dict]:
    return [json.loads(m["payload"]) for m in push_service.messages(subscription)]


def test_a_due_reminder_reaches_each_device_once_and_decrypts_as_sent(
        app, patient, push_service, dispatcher):
    now = utcnow()
    action = make_action(patient, "Take my tablets")
    reminder = due_reminder(action, now)
    _, phone = real_device(patient, push_service, app)
    _, tablet = real_device(patient, push_service, app)
    db.session.commit()

    stats = dispatcher.run_once(now=now)
    again = dispatcher.run_once(now=now + timedelta(seconds=30))

    assert stats.sent == 2 and again.sent == 0
    occurrence = db.session.scalar(select(ReminderOccurrence))
    for subscription in (phone, tablet):
        [payload] = payloads(push_service, subscription)
        assert payload == {
            "v": 1, "id": str(occurrence.public_id), "tag": occurrence.topic,
            "title": "Care plan reminder", "body": "You have a reminder from your care plan",
            "action": action.id, "date": occurrence.local_date.isoformat(),
            "entry": str(occurrence.entry_id), "url": f"/plan/actions/{action.id}",
        }
        [message] = push_service.messages(subscription)
        assert message["topic"] == occurrence.topic and message["urgency"] == "high"
        assert 0 < message["ttl"] <= 12 * 3600
        assert len(message["payload"].encode()) < 2048
    assert [d.state for d in deliveries()] == [DeliveryState.SENT, DeliveryState.SENT]
    db.session.refresh(reminder)
    assert reminder.next_due_at > now


def test_the_payload_names_nobody_and_shows_the_action_only_when_chosen(
        app, patient, push_service, dispatcher):
    now = utcnow()
    private = make_action(patient, "Check my blood sugar")
    shown = make_action(patient, "Walk <b>to</b> the park & back " + "far " * 60)
    due_reminder(private, now)
    due_reminder(shown, now, show_action_words=True)
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()

    dispatcher.run_once(now=now)

    bodies = {p["action"]: p["body"] for p in payloads(push_service, subscription)}
    assert bodies[private.id] == notifications.PRIVATE_BODY
    # Plain text, not escaped (a notification shows "&amp;" as typed), and capped.
    assert bodies[shown.id].startswith("Walk <b>to</b> the park & back far")
    assert len(bodies[shown.id]) <= notifications.MAX_BODY_CHARACTERS
    assert bodies[shown.id].endswith("…")
    raw = " ".join(m["payload"] for m in push_service.messages(subscription))
    for personal in (patient.given_name, patient.family_name, patient.nhs_number,
                     "blood sugar"):
        assert personal not in raw


def test_a_reminder_more_than_two_hours_late_is_recorded_as_missed_not_sent(
        app, patient, push_service, dispatcher):
    now = utcnow()
    due_reminder(make_action(patient), now, minutes_ago=121)
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()

    stats = dispatcher.run_once(now=now)

    assert stats.sent == 0 and stats.missed == 1
    assert [d.state for d in deliveries()] == [DeliveryState.MISSED]
    assert push_service.count(subscription) == 0


def test_the_missed_window_can_be_configured(app, patient, push_service):
    app.config["REMINDER_MISSED_AFTER_MINUTES"] = 10
    now = utcnow()
    due_reminder(make_action(patient), now, minutes_ago=11)
    real_device(patient, push_service, app)
    db.session.commit()

    assert Dispatcher.for_app(app).run_once(now=now).missed == 1


def test_downtime_records_every_occurrence_it_missed_once(app, patient, push_service,
                                                           dispatcher):
    now = utcnow()
    action = make_action(patient)
    make_reminder(action, "08:00", "20:00", after=now - timedelta(days=3))
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()

    stats = dispatcher.run_once(now=now)
    dispatcher.run_once(now=now)

    keys = db.session.scalars(select(ReminderOccurrence.key)).all()
    assert len(keys) == len(set(keys)) == stats.occurrences >= 5
    assert stats.missed + stats.sent == stats.occurrences
    assert push_service.count(subscription) == stats.sent <= 1


def test_a_reminder_already_logged_for_that_day_is_not_sent(app, patient, push_service,
                                                              dispatcher):
    now = utcnow()
    action = make_action(patient)
    due_reminder(action, now)
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()
    dispatcher.record_due_occurrences(now, DispatchStats())
    occurrence = db.session.scalar(select(ReminderOccurrence))
    log_progress(action, occurrence.local_date)
    db.session.commit()

    stats = dispatcher.run_once(now=now)

    assert stats.not_needed == 1 and stats.sent == 0
    [delivery] = deliveries()
    assert delivery.state is DeliveryState.NOT_NEEDED
    assert delivery.reason == "already logged for the day"
    assert push_service.count(subscription) == 0


def test_of_two_reminders_due_together_only_the_one_not_yet_logged_is_sent(
        app, patient, push_service, dispatcher):
    now = utcnow()
    walk, stretch = make_action(patient, "Walk"), make_action(patient, "Stretch")
    due_reminder(walk, now)
    log_progress(stretch, due_reminder(stretch, now).next_local_date)
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()

    stats = dispatcher.run_once(now=now)

    assert (stats.sent, stats.not_needed) == (1, 1)
    assert [p["action"] for p in payloads(push_service, subscription)] == [walk.id]


def test_a_schedule_that_cannot_be_read_stops_that_reminder_and_no_other(
        app, patient, push_service, dispatcher):
    now = utcnow()
    broken = due_reminder(make_action(patient, "Walk"), now)
    working = due_reminder(make_action(patient, "Stretch"), now)
    broken.time_zone = "Atlantis/Capital"
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()

    assert dispatcher.run_once(now=now).sent == 1
    assert [p["action"] for p in payloads(push_service, subscription)] == [working.action_id]
    db.session.expire_all()
    assert broken.next_due_at is None and working.next_due_at > now


def test_a_twice_daily_action_still_gets_its_evening_reminder_after_the_morning_is_logged(
        app, patient, push_service, dispatcher):
    now = utcnow()
    action = make_action(patient, "Use my inhaler", times=2)
    reminder = due_reminder(action, now)
    log_progress(action, reminder.next_local_date)
    real_device(patient, push_service, app)
    db.session.commit()

    assert dispatcher.run_once(now=now).sent == 1


def test_quiet_hours_that_start_after_the_due_time_hold_the_reminder_until_they_end(
        app, patient, push_service, dispatcher):
    # Due at 13:00 London, sent at 13:05, but the patient set quiet hours 13:02-13:30 since.
    now = datetime(2026, 6, 10, 12, 5, tzinfo=UTC)
    action = make_action(patient)
    reminder = make_reminder(action, "13:00", after=now - timedelta(hours=1))
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()
    dispatcher.record_due_occurrences(now, DispatchStats())
    reminder.quiet_start = datetime(2026, 1, 1, 13, 2).time()
    reminder.quiet_end = datetime(2026, 1, 1, 13, 30).time()
    db.session.commit()

    assert dispatcher.run_once(now=now).deferred == 1
    [delivery] = deliveries()
    assert delivery.state is DeliveryState.PENDING
    assert delivery.next_attempt_at == datetime(2026, 6, 10, 12, 30, tzinfo=UTC)
    assert dispatcher.run_once(now=now + timedelta(minutes=20)).sent == 0
    assert dispatcher.run_once(now=datetime(2026, 6, 10, 12, 30, tzinfo=UTC)).sent == 1
    assert push_service.count(subscription) == 1


def test_a_paused_schedule_sends_nothing(app, patient, push_service, dispatcher):
    now = utcnow()
    action = make_action(patient)
    reminder = due_reminder(action, now)
    real_device(patient, push_service, app)
    db.session.commit()
    service.save_reminder(action, service.ScheduleChoice(
        days=frozenset(reminder.days), times=(reminder.next_local_time,),
        time_zone=reminder.time_zone, paused=True), now=now - timedelta(minutes=5))
    db.session.commit()

    stats = dispatcher.run_once(now=now)

    assert stats.occurrences == 0 and stats.sent == 0
    assert db.session.get(Reminder, reminder.id).next_due_at is None


def test_a_gone_device_is_deleted_and_only_that_one(app, patient, push_service, dispatcher):
    now = utcnow()
    due_reminder(make_action(patient), now)
    _, gone = real_device(patient, push_service, app)
    kept_device, kept = real_device(patient, push_service, app)
    push_service.set_gone(gone)
    db.session.commit()

    stats = dispatcher.run_once(now=now)

    assert stats.gone == 1 and stats.sent == 1
    remaining = db.session.scalars(select(PushSubscription.id)).all()
    assert remaining == [kept_device.id]
    assert push_service.count(kept) == 1
    assert [d.subscription_id for d in deliveries()] == [kept_device.id]


def test_a_rate_limited_push_is_retried_after_retry_after_and_the_device_kept(
        app, patient, push_service, dispatcher):
    now = utcnow()
    due_reminder(make_action(patient), now)
    device, subscription = real_device(patient, push_service, app)
    push_service.fail_next(subscription, status=429, retry_after=120)
    db.session.commit()

    first = dispatcher.run_once(now=now)
    [delivery] = deliveries()
    assert first.retried == 1
    assert delivery.state is DeliveryState.RETRY and delivery.status_code == 429
    assert delivery.next_attempt_at == now + timedelta(seconds=120)

    early = dispatcher.run_once(now=now + timedelta(seconds=119))
    assert early.sent == 0 and len(push_service.attempts(subscription)) == 1

    late = dispatcher.run_once(now=now + timedelta(seconds=120))
    assert late.sent == 1
    assert [a["status"] for a in push_service.attempts(subscription)] == [429, 201]
    [delivery] = deliveries()
    assert delivery.state is DeliveryState.SENT and delivery.attempts == 2
    db.session.refresh(device)
    assert device.last_success_at is not None and device.rejected_at is None


def test_a_server_error_is_retried_with_back_off_and_the_device_kept(
        app, patient, push_service, dispatcher):
    now = utcnow()
    due_reminder(make_action(patient), now)
    _, subscription = real_device(patient, push_service, app)
    push_service.fail_next(subscription, status=503)
    db.session.commit()

    assert dispatcher.run_once(now=now).retried == 1
    [delivery] = deliveries()
    wait = (delivery.next_attempt_at - now).total_seconds()
    assert 15 <= wait <= 30  # half to all of the 30-second base, for a first failure
    assert dispatcher.run_once(now=delivery.next_attempt_at).sent == 1


@pytest.mark.parametrize("status", [400, 401, 403, 413])
def test_a_refused_push_is_recorded_for_admins_neither_retried_nor_deleted(
        app, patient, push_service, dispatcher, status):
    now = utcnow()
    due_reminder(make_action(patient), now)
    device, subscription = real_device(patient, push_service, app)
    push_service.fail_next(subscription, status=status)
    db.session.commit()

    stats = dispatcher.run_once(now=now)
    dispatcher.run_once(now=now + timedelta(hours=1))

    assert stats.rejected == 1
    [delivery] = deliveries()
    assert delivery.state is DeliveryState.FAILED and delivery.status_code == status
    db.session.refresh(device)
    assert device.rejected_at is not None and device.last_failure_status == status
    assert len(push_service.attempts(subscription)) == 1


def test_a_wrong_vapid_key_refuses_every_device_but_wipes_none(app, patient, push_service,
                                                                 dispatcher):
    now = utcnow()
    due_reminder(make_action(patient), now)
    # Subscriptions bound to a key that is not ours: what a changed VAPID key looks like.
    foreign = keys_from_private(generate_private_key())
    for _ in range(3):
        make_device(patient, push_service.create_subscription(foreign.public_key))
    db.session.commit()

    stats = dispatcher.run_once(now=now)

    assert stats.rejected == 3 and stats.gone == 0
    assert len(db.session.scalars(select(PushSubscription)).all()) == 3


def test_a_claim_lasts_until_its_lease_expires_then_another_worker_takes_it(
        app, patient, push_service):
    now = utcnow()
    settings = DispatchSettings(lease=timedelta(seconds=30))
    first = Dispatcher.for_app(app, settings=settings, owner="worker-that-dies")
    second = Dispatcher.for_app(app, settings=settings, owner="worker-that-lives")
    due_reminder(make_action(patient), now)
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()

    first.record_due_occurrences(now, DispatchStats())
    claimed = first.claim(now, DispatchStats())  # ... and the worker dies before sending
    assert len(claimed.messages) == 1

    assert second.run_once(now=now + timedelta(seconds=29)).sent == 0
    assert second.run_once(now=now + timedelta(seconds=31)).sent == 1
    assert push_service.count(subscription) == 1


def test_results_from_a_worker_whose_lease_was_taken_over_do_not_overwrite(
        app, patient, push_service):
    now = utcnow()
    settings = DispatchSettings(lease=timedelta(seconds=30))
    slow = Dispatcher.for_app(app, settings=settings, owner="slow")
    due_reminder(make_action(patient), now)
    real_device(patient, push_service, app)
    db.session.commit()
    slow.record_due_occurrences(now, DispatchStats())
    claimed = slow.claim(now, DispatchStats())
    Dispatcher.for_app(app, settings=settings, owner="fast").run_once(
        now=now + timedelta(seconds=31))
    ref = claimed.messages[0].ref
    slow.record_results([PushResult(Outcome.RETRY, 503, 60, "late answer", ref)], claimed,
                        now + timedelta(seconds=40), DispatchStats())

    [delivery] = deliveries()
    assert delivery.state is DeliveryState.SENT


def reminder_on_two_devices(app, patient, push_service, dispatcher, now=None):
    """An action whose reminder has just been sent to the patient's phone and tablet."""
    now = now or utcnow()
    action = make_action(patient)
    due_reminder(action, now)
    devices = [real_device(patient, push_service, app)[1] for _ in range(2)]
    db.session.commit()
    dispatcher.run_once(now=now)
    return action, devices


def test_a_snoozed_reminder_comes_back_an_hour_later_on_every_device_once(
        app, client, patient, push_service, dispatcher):
    now = utcnow()
    _, (phone, tablet) = reminder_on_two_devices(app, patient, push_service, dispatcher, now)
    [first, _] = [payloads(push_service, s)[0] for s in (phone, tablet)]

    answer = client.post(f"/reminders/occurrences/{first['id']}/snooze")
    again = client.post(f"/reminders/occurrences/{first['id']}/snooze")

    assert answer.status_code == 201 and again.status_code == 200
    assert answer.get_json() == again.get_json()
    due = datetime.fromisoformat(answer.get_json()["due"])
    assert timedelta(minutes=59) < due - now <= timedelta(minutes=61)
    assert dispatcher.run_once(now=now + timedelta(minutes=30)).sent == 0
    assert dispatcher.run_once(now=due).sent == 2
    for subscription in (phone, tablet):
        original, snoozed = payloads(push_service, subscription)
        # The repeat replaces the original notification and logs the same progress entry.
        assert snoozed["tag"] == original["tag"] and snoozed["entry"] == original["entry"]
        assert snoozed["id"] == answer.get_json()["id"] != original["id"]


@pytest.mark.parametrize("button", ["snooze", "done"])
def test_a_notification_button_for_an_unknown_or_old_reminder_is_refused(
        app, client, patient, push_service, dispatcher, button):
    assert client.post("/reminders/occurrences/2f1c1c1e-4a9b-4c55-9a0e-3b1b2c3d4e5f/"
                       f"{button}").status_code == 404
    past = utcnow() - timedelta(days=2)
    due_reminder(make_action(patient), past)
    real_device(patient, push_service, app)
    db.session.commit()
    dispatcher.run_once(now=past)
    occurrence = db.session.scalar(select(ReminderOccurrence))
    too_old = client.post(f"/reminders/occurrences/{occurrence.public_id}/{button}")
    assert too_old.status_code == 409 and "too old" in too_old.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(ProgressEntry)) == 0


def test_turning_reminders_off_drops_what_was_waiting(app, patient, push_service, dispatcher):
    now = utcnow()
    action = make_action(patient)
    reminder = due_reminder(action, now)
    _, subscription = real_device(patient, push_service, app)
    push_service.fail_next(subscription, status=503)
    db.session.commit()
    dispatcher.run_once(now=now)

    service.remove_reminder(reminder)
    db.session.commit()

    assert deliveries() == []
    assert dispatcher.run_once(now=now + timedelta(hours=1)).sent == 0


def test_moving_time_zone_does_not_repeat_a_reminder_already_had_that_day(
        app, patient, push_service, dispatcher):
    # 8:30am in London is recorded and sent; the patient then flies to New York, where
    # 8:30am on the same date comes round five hours later. That is the same reminder.
    london_due = datetime(2026, 6, 10, 7, 30, tzinfo=UTC)
    action = make_action(patient)
    reminder = make_reminder(action, "08:30", after=london_due - timedelta(minutes=1))
    _, subscription = real_device(patient, push_service, app)
    db.session.commit()
    assert dispatcher.run_once(now=london_due).sent == 1

    reminder.time_zone = "America/New_York"
    service.schedule_next(reminder, after=london_due + timedelta(minutes=1))
    db.session.commit()
    new_york_due = datetime(2026, 6, 10, 12, 30, tzinfo=UTC)
    assert reminder.next_due_at == new_york_due

    stats = dispatcher.run_once(now=new_york_due)

    assert stats.sent == 0 and stats.occurrences == 0
    assert push_service.count(subscription) == 1
    db.session.refresh(reminder)
    assert reminder.next_due_at == datetime(2026, 6, 11, 12, 30, tzinfo=UTC)


def test_done_from_a_notification_logs_the_day_once_without_a_session(
        app, client, patient, push_service, dispatcher):
    action, devices = reminder_on_two_devices(app, patient, push_service, dispatcher)
    [on_phone, on_tablet] = [payloads(push_service, s)[0] for s in devices]

    # No session: Done is pressed long after the page's session has ended.
    answer = client.post(f"/reminders/occurrences/{on_phone['id']}/done")
    again = client.post(f"/reminders/occurrences/{on_tablet['id']}/done")

    assert (answer.status_code, again.status_code) == (201, 200)
    assert answer.get_json() == again.get_json() == {"entry": on_phone["entry"],
                                                     "date": on_phone["date"]}
    [entry] = db.session.scalars(select(ProgressEntry)).all()
    assert (entry.patient_id, entry.action_id, entry.status, entry.source) == (
        patient.id, action.id, "done", "notification")
    assert entry.local_date.isoformat() == on_phone["date"]
    # The same entry queued on the device and sent with the next session is the same day.
    client.sign_in_quickly(patient.user)
    replay = client.post_json("/progress/entries", {
        "id": on_phone["entry"], "action_id": action.id, "local_date": on_phone["date"],
        "status": "done", "amount": None, "note": "", "reason": None,
        "source": "notification"})
    assert replay.status_code in (200, 201)
    assert db.session.scalar(select(func.count()).select_from(ProgressEntry)) == 1


def test_done_for_an_action_no_longer_in_the_plan_is_refused(
        app, client, patient, push_service, dispatcher):
    now = utcnow()
    retired = make_action(patient, "Stretch")
    due_reminder(retired, now)
    real_device(patient, push_service, app)
    db.session.commit()
    dispatcher.run_once(now=now)
    occurrence = db.session.scalar(select(ReminderOccurrence))
    retired.retired_at = now - timedelta(days=1)
    db.session.commit()

    refused = client.post(f"/reminders/occurrences/{occurrence.public_id}/done")

    assert refused.status_code == 409
    assert "no longer in your care plan" in refused.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(ProgressEntry)) == 0
