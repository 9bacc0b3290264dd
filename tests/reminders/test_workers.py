"""Worker processes sharing the work on PostgreSQL: every reminder delivered exactly once
by four processes at once, and none lost when one is killed in the middle of a batch.

PostgreSQL only: SQLite runs a single dispatcher by design (it has no row locks to share
work with), so these are skipped there and run in CI's PostgreSQL pass.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.reminder_bulk import fill_due_reminders
from webapp.extensions import db
from webapp.models import DeliveryState, ReminderDelivery, ReminderOccurrence, utcnow
from webapp.reminders.dispatch import Dispatcher, vapid_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="several worker processes share work only on PostgreSQL (FOR UPDATE SKIP LOCKED); "
           "SQLite runs one dispatcher, tested in test_dispatch.py")


def worker(app, *args: str, **settings: object) -> subprocess.Popen:
    """`flask --app webapp reminders worker ...` in its own process, on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": app.instance_path,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "VAPID_PRIVATE_KEY": vapid_for(app).private_key,
        "LOG_LEVEL": "DEBUG",
        **{name: str(value) for name, value in settings.items()},
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webapp", "reminders", "worker", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def sent_by(output: str) -> int:
    summary = next(line for line in output.splitlines() if line.startswith("reminders worker:"))
    return int(summary.split(" sent")[0].rsplit(" ", 1)[-1])


def test_four_workers_deliver_two_thousand_reminders_exactly_once(app, push_service):
    now = utcnow()
    with db.engine.begin() as connection:
        filled = fill_due_reminders(connection, push_service, vapid_for(app).public_key,
                                    patients=200, actions_each=10, now=now)
    assert filled.reminders == 2000
    # A little latency and small batches keep every worker busy long enough to overlap.
    push_service.set_latency(20)

    workers = [worker(app, "--once", REMINDER_BATCH_SIZE=50, REMINDER_PUSH_CONCURRENCY=16)
               for _ in range(4)]
    outputs = [process.communicate(timeout=240) for process in workers]

    for process, (_, errors) in zip(workers, outputs, strict=True):
        assert process.returncode == 0, errors[-3000:]
    per_worker = [sent_by(out) for out, _ in outputs]
    assert sum(per_worker) == 2000
    assert all(count > 0 for count in per_worker), per_worker

    messages = push_service.messages()
    occurrences = {str(public_id): topic for public_id, topic in db.session.execute(
        select(ReminderOccurrence.public_id, ReminderOccurrence.topic))}
    delivered = [json.loads(message["payload"]) for message in messages]
    assert len(delivered) == 2000
    assert sorted(p["id"] for p in delivered) == sorted(occurrences)  # each once, decrypted
    assert all(p["tag"] == occurrences[p["id"]] for p in delivered)
    assert all(m["topic"] == occurrences[json.loads(m["payload"])["id"]] for m in messages)
    states = db.session.execute(select(ReminderDelivery.state, func.count())
                                .group_by(ReminderDelivery.state)).all()
    assert states == [(DeliveryState.SENT, 2000)]


def test_a_worker_killed_mid_batch_loses_no_reminder(app, push_service):
    now = utcnow()
    with db.engine.begin() as connection:
        fill_due_reminders(connection, push_service, vapid_for(app).public_key,
                           patients=30, actions_each=10, now=now)
    push_service.set_latency(2000)  # the batch is still in flight when the worker dies
    doomed = worker(app, REMINDER_BATCH_SIZE=100, REMINDER_PUSH_CONCURRENCY=100,
                    REMINDER_LEASE_SECONDS=5)
    for line in doomed.stderr:  # wait until it has claimed a batch and started sending
        if "claimed 100 reminders to send" in line:
            break
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=30)
    doomed.stdout.close()
    doomed.stderr.close()
    push_service.set_latency(0)

    survivor = Dispatcher.for_app(app)
    before_expiry = survivor.run_once()
    leased = db.session.scalar(select(func.count()).select_from(ReminderDelivery).where(
        ReminderDelivery.state == DeliveryState.PENDING))
    after_expiry = survivor.run_once(now=utcnow() + timedelta(seconds=6))

    assert before_expiry.sent == 200 and leased == 100  # the dead worker's rows wait ...
    assert after_expiry.sent == 100  # ... until its lease expires, then nothing is lost
    states = db.session.execute(select(ReminderDelivery.state, func.count())
                                .group_by(ReminderDelivery.state)).all()
    assert states == [(DeliveryState.SENT, 300)]
    push_service.wait_for_count(300)
    delivered = {json.loads(m["payload"])["id"] for m in push_service.messages()}
    occurrences = {str(i) for i in db.session.scalars(select(ReminderOccurrence.public_id))}
    assert delivered == occurrences
