"""Thousands of due reminders at once, for the multi-worker tests and the benchmark.

Rows go in with a few multi-row INSERTs rather than one ORM object at a time, so filling
10,000 reminders takes about a second. Each patient has one device, made by the local push
service as a browser would, so every push is really encrypted, sent, checked and decrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert

from tests.support.factories import valid_nhs_number
from tests.support.push_service import PushServiceClient
from webapp.models import (
    Action,
    CarePlan,
    Goal,
    Patient,
    Practice,
    PushSubscription,
    Reminder,
    Role,
    User,
)

ZONE = "Europe/London"


@dataclass(frozen=True)
class Filled:
    reminders: int
    subscriptions: list[dict]  # one per patient, as toJSON() gives them


def fill_due_reminders(connection: Connection, push_service: PushServiceClient,
                       vapid_public_key: str, *, patients: int, actions_each: int,
                       now: datetime, label: str = "bulk") -> Filled:
    """``patients * actions_each`` reminders, all due a minute before ``now``."""
    local = (now - timedelta(minutes=1)).astimezone(ZoneInfo(ZONE)).replace(second=0,
                                                                             microsecond=0)
    due = local.astimezone(ZoneInfo("UTC"))
    practice_id = connection.execute(
        insert(Practice).values(name=f"{label} practice {now.timestamp()}")
        .returning(Practice.id)).scalar_one()
    patient_ids = connection.execute(
        insert(Patient).returning(Patient.id, sort_by_parameter_order=True),
        [{"practice_id": practice_id, "nhs_number": valid_nhs_number(),
          "given_name": "Bulk", "family_name": f"Patient {n}",
          "date_of_birth": datetime(1960, 1, 1).date(),
          "email": f"{label}-{practice_id}-{n}@example.com", "time_zone": ZONE}
         for n in range(patients)]).scalars().all()
    user_ids = connection.execute(
        insert(User).returning(User.id, sort_by_parameter_order=True),
        [{"practice_id": practice_id, "email": f"{label}-{practice_id}-{n}@example.com",
          "name": f"Bulk Patient {n}", "role": Role.PATIENT, "patient_id": patient_id}
         for n, patient_id in enumerate(patient_ids)]).scalars().all()
    plan_ids = connection.execute(
        insert(CarePlan).returning(CarePlan.id, sort_by_parameter_order=True),
        [{"practice_id": practice_id, "patient_id": patient_id} for patient_id in patient_ids]
    ).scalars().all()
    goal_ids = connection.execute(
        insert(Goal).returning(Goal.id, sort_by_parameter_order=True),
        [{"care_plan_id": plan_id, "patient_id": patient_id, "text": "Keep well"}
         for plan_id, patient_id in zip(plan_ids, patient_ids, strict=True)]).scalars().all()
    actions = [{"goal_id": goal_id, "care_plan_id": plan_id, "patient_id": patient_id,
                "position": k, "what": f"Action {k}"}
               for goal_id, plan_id, patient_id in zip(goal_ids, plan_ids, patient_ids,
                                                       strict=True)
               for k in range(actions_each)]
    action_rows = connection.execute(
        insert(Action).returning(Action.id, Action.patient_id, sort_by_parameter_order=True),
        actions).all()
    connection.execute(insert(Reminder), [
        {"patient_id": patient_id, "action_id": action_id, "days": list(range(7)),
         "times": [f"{local:%H:%M}"], "time_zone": ZONE, "next_due_at": due,
         "next_local_date": local.date(), "next_local_time": local.time().replace(tzinfo=None)}
        for action_id, patient_id in action_rows])
    subscriptions = [push_service.create_subscription(vapid_public_key)
                     for _ in patient_ids]
    connection.execute(insert(PushSubscription), [
        {"user_id": user_id, "patient_id": patient_id, "endpoint": sub["endpoint"],
         "p256dh": sub["keys"]["p256dh"], "auth": sub["keys"]["auth"], "name": "Phone"}
        for user_id, patient_id, sub in zip(user_ids, patient_ids, subscriptions, strict=True)])
    return Filled(reminders=len(action_rows), subscriptions=subscriptions)


def reset_reminders(connection: Connection, now: datetime) -> None:
    """Make every reminder due again, as new (for a benchmark's next run)."""
    from sqlalchemy import delete, update

    from webapp.models import ReminderDelivery, ReminderOccurrence

    local = (now - timedelta(minutes=1)).astimezone(ZoneInfo(ZONE)).replace(second=0,
                                                                             microsecond=0)
    connection.execute(delete(ReminderDelivery))
    connection.execute(delete(ReminderOccurrence))
    connection.execute(update(Reminder).values(
        times=[f"{local:%H:%M}"], next_due_at=local.astimezone(ZoneInfo("UTC")),
        next_local_date=local.date(), next_local_time=local.time().replace(tzinfo=None)))
