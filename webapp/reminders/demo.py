"""Demo reminders for patient@demo.example (run by `flask demo seed`)."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from webapp.demo import seeder
from webapp.extensions import db
from webapp.models import Action, CarePlan, Goal, Per, User
from webapp.reminders import service

DEMO_PATIENT = "patient@demo.example"


def _demo_plan_actions(user: User) -> list[Action]:
    """The demo patient's plan actions; a minimal plan only if they have no plan at all.

    The care plan capability seeds the real demo plan; this keeps reminders demonstrable
    on their own, and never adds a second plan beside that one.
    """
    actions = service.plan_actions(user.patient)
    if actions:
        return actions
    if db.session.scalar(select(CarePlan.id).where(CarePlan.patient_id == user.patient_id)):
        return []
    plan = CarePlan(practice_id=user.practice_id, patient_id=user.patient_id,
                    agreed_on=date.today(), check_in_after_days=14)
    db.session.add(plan)
    db.session.flush()
    goal = Goal(care_plan_id=plan.id, patient_id=user.patient_id, position=0,
                text="Feel less out of breath when I walk to the shops")
    db.session.add(goal)
    db.session.flush()
    db.session.add_all([
        Action(goal_id=goal.id, care_plan_id=plan.id, patient_id=user.patient_id, position=0,
               what="Walk to the park and back", when="after breakfast", times=5,
               per=Per.WEEK, measure_unit="minutes", measure_target=20, confidence=8),
        Action(goal_id=goal.id, care_plan_id=plan.id, patient_id=user.patient_id, position=1,
               what="Use my brown inhaler", when="morning and evening", times=2,
               per=Per.DAY, confidence=9),
    ])
    db.session.flush()
    return service.plan_actions(user.patient)


@seeder
def seed_demo_reminders(people: dict[str, User]) -> None:
    user = people.get(DEMO_PATIENT)
    if user is None or user.patient is None:
        return
    actions = _demo_plan_actions(user)
    choices = [
        service.ScheduleChoice(days=frozenset(range(5)), times=(time(10, 0),),
                               time_zone=user.patient.time_zone),
        service.ScheduleChoice(days=frozenset(range(7)), times=(time(8, 0), time(20, 0)),
                               time_zone=user.patient.time_zone, quiet_start=time(22, 0),
                               quiet_end=time(7, 0), show_action_words=True),
    ]
    for action, choice in zip(actions, choices, strict=False):
        service.save_reminder(action, choice)
