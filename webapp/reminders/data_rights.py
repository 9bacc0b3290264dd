"""Reminders and the devices that receive them, in the patient's download and removed with
the account when it is closed (they exist to reach the person, not as a clinical record)."""

from __future__ import annotations

from sqlalchemy import delete

from webapp.data_rights import ACCOUNT, eraser, exporter, jsonable, patient_rows
from webapp.extensions import db
from webapp.models import (
    Patient,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderOccurrence,
)


@exporter("reminders")
def export_reminders(patient: Patient) -> dict:
    return jsonable({
        "reminders": [{
            "id": r.id, "action_id": r.action_id, "days": r.days, "times": r.times,
            "time_zone": r.time_zone, "quiet_from": r.quiet_start, "quiet_until": r.quiet_end,
            "paused": r.paused, "paused_until": r.paused_until,
            "show_the_action_on_the_lock_screen": r.show_action_words,
            "next_due_at": r.next_due_at,
        } for r in patient_rows(Reminder, patient)],
        "occurrences": [{
            "id": o.id, "reminder_id": o.reminder_id, "date": o.local_date,
            "time": o.local_time, "due_at": o.due_at,
        } for o in patient_rows(ReminderOccurrence, patient)],
        "deliveries": [{
            "id": d.id, "occurrence_id": d.occurrence_id, "device_id": d.subscription_id,
            "state": d.state, "sent_at": d.sent_at,
        } for d in patient_rows(ReminderDelivery, patient)],
    })


@exporter("reminder_devices")
def export_devices(patient: Patient) -> list[dict]:
    # The push address and keys are left out: anyone holding them could send to the device.
    return jsonable([{
        "id": d.id, "name": d.name, "browser": d.user_agent, "added_at": d.created_at,
        "last_reminder_delivered_at": d.last_success_at,
    } for d in patient_rows(PushSubscription, patient)])


@eraser(ACCOUNT)
def erase_reminders(patient: Patient) -> None:
    for model in (ReminderDelivery, ReminderOccurrence, Reminder, PushSubscription):
        db.session.execute(delete(model).where(model.patient_id == patient.id))
    db.session.flush()
