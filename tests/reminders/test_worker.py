"""Running the dispatcher: the `reminders worker` command, and the in-process dispatcher
that `flask serve` (and so `make run`) starts beside the web server."""

from __future__ import annotations

import threading

from tests.support.reminder_factories import due_reminder, make_action, make_device
from webapp.extensions import db
from webapp.models import utcnow
from webapp.reminders.dispatch import vapid_for
from webapp.reminders.worker import start_in_process_dispatcher
from webapp.serve import BACKGROUND_WORKERS


def test_worker_once_sends_what_is_due_and_exits(app, runner, world, push_service):
    subscription = push_service.create_subscription(vapid_for(app).public_key)
    make_device(world.patient, subscription)
    due_reminder(make_action(world.patient), utcnow())
    db.session.commit()

    result = runner.invoke(args=["reminders", "worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "1 occurrences, 1 sent" in result.output
    assert push_service.count(subscription) == 1


def test_flask_serve_runs_a_dispatcher_beside_the_web_server(app, world, push_service):
    assert start_in_process_dispatcher in BACKGROUND_WORKERS
    subscription = push_service.create_subscription(vapid_for(app).public_key)
    make_device(world.patient, subscription)
    due_reminder(make_action(world.patient), utcnow())
    db.session.commit()
    stop = threading.Event()

    thread = start_in_process_dispatcher(app, stop)
    try:
        push_service.wait_for_count(1, subscription, timeout=20)
    finally:
        stop.set()
        thread.join(timeout=20)

    assert not thread.is_alive()
    assert push_service.count(subscription) == 1
