"""Demo reminders for patient@demo.example (run by `flask demo seed`)."""

from __future__ import annotations

from datetime import time

from webapp.careplans.demo import seed_care_plan
from webapp.demo import seeder
from webapp.models import User
from webapp.reminders import service
from webapp.tracking.service import active_actions

DEMO_PATIENT = "patient@demo.example"


@seeder
def seed_demo_reminders(people: dict[str, User]) -> None:
    user = people.get(DEMO_PATIENT)
    if user is None or user.patient is None:
        return
    # The reminders belong to the actions of the demo care plan, so that comes first.
    seed_care_plan(people)
    actions = active_actions(user.patient)
    choices = [
        service.ScheduleChoice(days=frozenset(range(5)), times=(time(10, 0),),
                               time_zone=user.patient.time_zone),
        service.ScheduleChoice(days=frozenset(range(7)), times=(time(8, 0), time(20, 0)),
                               time_zone=user.patient.time_zone, quiet_start=time(22, 0),
                               quiet_end=time(7, 0), show_action_words=True),
    ]
    for action, choice in zip(actions, choices, strict=False):
        service.save_reminder(action, choice)
