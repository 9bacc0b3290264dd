"""The reminder pages: setting an action's reminders (with messages a patient understands),
managing devices, the test notification, and delivery problems for admins."""

from __future__ import annotations

import json
import re
from datetime import time

import pytest
from sqlalchemy import select

from tests.support.reminder_factories import make_action, make_device, make_reminder
from webapp.extensions import db
from webapp.models import PushSubscription, Reminder, utcnow
from webapp.reminders import notifications, schedule
from webapp.reminders.dispatch import vapid_for

EVERY_DAY = {"days": [str(d) for d in range(7)]}


def form(**changes):
    data = {**EVERY_DAY, "time_1": "8:30am", "time_zone": "Europe/London",
            "show_action_words": "no"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def action(world):
    return make_action(world.patient, "Walk to the shops")


@pytest.fixture
def signed_in(client, world):
    client.sign_in_quickly(world.patient.user)
    return client


def test_the_reminders_page_lists_the_plans_actions_with_their_reminders(signed_in, world,
                                                                         action):
    other = make_action(world.patient, "Check my feet", plan=action.goal.care_plan)
    make_reminder(other, "08:30", "18:00", days=range(5))
    db.session.commit()
    page = signed_in.get("/reminders").get_data(as_text=True)
    assert "Walk to the shops" in page and "Off" in page
    assert "Weekdays at 8:30am and 6pm" in page
    assert "None of your devices gets reminders yet" in page


def test_a_new_reminder_defaults_to_every_day_in_the_patients_time_zone(signed_in, world,
                                                                         action):
    world.patient.time_zone = "America/New_York"
    db.session.commit()
    page = signed_in.get(f"/reminders/actions/{action.id}").get_data(as_text=True)
    assert re.search(r'<option value="America/New_York"\s+selected', page)
    assert page.count('checked') >= 7


def test_saving_a_reminder_schedules_its_next_occurrence(signed_in, action):
    response = signed_in.submit(f"/reminders/actions/{action.id}", form(
        time_1="6pm", time_2="08:00", quiet_start="10pm", quiet_end="7am",
        show_action_words="yes"))
    assert response.status_code == 303
    reminder = db.session.scalar(select(Reminder))
    assert reminder.times == ["08:00", "18:00"] and reminder.days == list(range(7))
    assert (reminder.quiet_start, reminder.quiet_end) == (time(22, 0), time(7, 0))
    assert reminder.show_action_words and reminder.next_due_at > utcnow()
    assert "Every day at 8am and 6pm" in signed_in.get("/reminders").get_data(as_text=True)


@pytest.mark.parametrize(("changes", "message"), [
    ({"days": None}, schedule.CHOOSE_A_DAY),
    ({"time_1": ""}, schedule.ENTER_A_TIME),
    ({"time_1": "25:00"}, schedule.ENTER_A_REAL_TIME),
    ({"time_1": "half eight"}, schedule.ENTER_A_TIME),
    ({"time_2": "6"}, schedule.SAY_AM_OR_PM),
    ({"time_zone": "Mars/Olympus_Mons"}, schedule.CHOOSE_A_TIME_ZONE),
    ({"quiet_start": "10pm"}, schedule.QUIET_HOURS_INCOMPLETE),
    ({"quiet_start": "10pm", "quiet_end": "22:00"}, schedule.QUIET_HOURS_SAME),
])
def test_a_schedule_with_a_problem_says_what_to_fix(signed_in, action, changes, message):
    response = signed_in.submit(f"/reminders/actions/{action.id}", form(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message.replace("'", "&#39;") in page
    assert db.session.scalar(select(Reminder)) is None


def test_a_paused_reminder_can_start_again_on_a_date(signed_in, action):
    response = signed_in.submit(f"/reminders/actions/{action.id}", form(**{
        "paused": "y", "paused_until-day": "1", "paused_until-month": "1",
        "paused_until-year": str(utcnow().year + 1)}))
    assert response.status_code == 303
    reminder = db.session.scalar(select(Reminder))
    assert reminder.paused and reminder.paused_until.year == utcnow().year + 1
    assert reminder.next_local_date == reminder.paused_until


def test_turning_reminders_off_removes_them(signed_in, action):
    make_reminder(action, "09:00")
    db.session.commit()
    response = signed_in.submit(f"/reminders/actions/{action.id}/turn-off")
    assert response.status_code == 303
    assert db.session.scalar(select(Reminder)) is None


def test_another_patients_action_is_not_found(signed_in, world):
    theirs = make_action(world.patient2)
    db.session.commit()
    assert signed_in.get(f"/reminders/actions/{theirs.id}").status_code == 404


def test_the_devices_page_lists_devices_and_explains_when_push_cannot_work(signed_in, world):
    make_device(world.patient, name="My phone")
    make_device(world.patient2, name="Not mine")
    db.session.commit()
    page = signed_in.get("/reminders/devices").get_data(as_text=True)
    assert "My phone" in page and "Not mine" not in page
    assert "Add to Home Screen" in page  # the iPhone explanation, shown by the page's script
    assert "This browser cannot show reminders" in page
    assert "Send me a test notification" in page
    assert "fcm.googleapis.com" not in page  # the device's address stays secret


def test_a_device_can_be_renamed_and_removed(signed_in, world):
    device = make_device(world.patient, name="Phone")
    db.session.commit()
    too_long = signed_in.submit(f"/reminders/devices/{device.id}/name", {"name": "x" * 61})
    assert too_long.status_code == 400
    assert "Name must be 60 characters or fewer" in too_long.get_data(as_text=True)
    assert signed_in.submit(f"/reminders/devices/{device.id}/name",
                            {"name": "Kitchen tablet"}).status_code == 303
    assert db.session.get(PushSubscription, device.id).name == "Kitchen tablet"
    assert signed_in.submit(f"/reminders/devices/{device.id}/remove").status_code == 303
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_send_me_a_test_notification_reaches_each_device(app, signed_in, world, push_service):
    device = make_device(world.patient,
                         push_service.create_subscription(vapid_for(app).public_key),
                         name="My phone")
    db.session.commit()

    response = signed_in.submit("/reminders/devices/test", follow_redirects=True)

    assert "Test notification sent to My phone" in response.get_data(as_text=True)
    [message] = push_service.messages(device.as_webpush())
    assert json.loads(message["payload"]) == notifications.sample_payload()
    assert db.session.get(PushSubscription, device.id).last_success_at is not None


def test_a_test_notification_that_cannot_be_delivered_says_so(app, signed_in, world,
                                                                push_service):
    subscription = push_service.create_subscription(vapid_for(app).public_key)
    make_device(world.patient, subscription, name="Old phone")
    push_service.set_gone(subscription)
    db.session.commit()
    page = signed_in.submit("/reminders/devices/test", follow_redirects=True).get_data(
        as_text=True)
    assert "could not send a test notification to Old phone" in page
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_admins_see_devices_whose_push_service_refused_reminders(client, world):
    refused = make_device(world.patient, name="Margaret's phone")
    refused.rejected_at = utcnow()
    refused.last_failure_status = 403
    refused.last_failure_reason = "push service rejected the push (403 Forbidden)"
    elsewhere = make_device(world.other_patient, name="Tom's phone")
    elsewhere.rejected_at = utcnow()
    db.session.commit()

    client.sign_in_quickly(world.admin)
    home = client.get("/").get_data(as_text=True)
    page = client.get("/reminders/delivery-problems").get_data(as_text=True)

    assert "1 device could not be sent reminders" in home
    assert "Margaret Evans" in page and "403 Forbidden" in page
    assert "Tom's phone" not in page


def test_the_patients_home_page_leads_to_reminders(signed_in, world, action):
    make_reminder(action, "09:00")
    make_device(world.patient)
    db.session.commit()
    page = signed_in.get("/").get_data(as_text=True)
    assert "You have reminders for 1 action on 1 device." in page


def test_patient_pages_carry_the_push_key_for_the_service_worker(app, signed_in, world):
    page = signed_in.get("/").get_data(as_text=True)
    assert (f'<meta name="push-public-key" content="{vapid_for(app).public_key}" '
            f'data-user="{world.patient.user.id}">') in page


def test_the_demo_seed_gives_the_demo_patient_reminders(app, runner):
    from webapp.models import User

    for _ in range(2):
        assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    patient = db.session.scalar(select(User).where(User.email == "patient@demo.example"))
    reminders = db.session.scalars(select(Reminder).where(
        Reminder.patient_id == patient.patient_id)).all()
    assert len(reminders) == 2 and all(r.next_due_at for r in reminders)
