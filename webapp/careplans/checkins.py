"""The check-in: a short "how is it going?" some days after the plan is agreed.

The answers reach the clinician's progress view, and a request for a change flags the
patient on the review list, so a plan that isn't working doesn't wait for the next review.
"""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.extensions import db
from webapp.forms import strip
from webapp.models import Action, CarePlan, CheckIn, CheckInAnswer, HowItIsGoing, Patient

GOING_CHOICES = [SelectChoice(g.value, g.label) for g in HowItIsGoing]
CONFIDENCE_CHOICES = [SelectChoice(str(n), str(n)) for n in range(11)]
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def latest_check_in(plan: CarePlan) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(CheckIn.care_plan_id == plan.id)
                             .order_by(CheckIn.submitted_at.desc()).limit(1))


def due(patient: Patient, plan: CarePlan | None) -> bool:
    """Due once the plan is `check_in_after_days` old, until the patient has answered."""
    from webapp.tracking.service import patient_today

    if plan is None or plan.agreed_on is None:
        return False
    if patient_today(patient) < plan.agreed_on + timedelta(days=plan.check_in_after_days):
        return False
    return latest_check_in(plan) is None


class CheckInForm(FlaskForm):
    wants_change = RadioField("Would you like to ask your practice for a change to your plan?",
                              choices=YES_NO, validators=[DataRequired("Choose yes or no")])
    change_request = TextAreaField("What would you like to change?", filters=[strip],
                                   validators=[Length(
                                       max=1000,
                                       message="Your answer must be 1000 characters or fewer")])

    def validate_change_request(self, field) -> None:
        if self.wants_change.data == "yes" and not field.data:
            raise ValidationError("Say what you would like to change")

    @classmethod
    def for_actions(cls, actions: list[Action]) -> CheckInForm:
        """A form with a "how is it going" and a confidence question per action."""

        class Form(cls):
            pass

        for action in actions:
            going = RadioField(f"How is “{action.what}” going?", choices=GOING_CHOICES,
                               validators=[DataRequired("Choose how it is going")])
            confidence = RadioField(
                "How sure are you now that you can keep doing it, from 0 to 10?",
                choices=CONFIDENCE_CHOICES, coerce=int,
                validators=[InputRequired("Choose a number from 0 to 10")])
            setattr(Form, f"going_{action.id}", going)
            setattr(Form, f"confidence_{action.id}", confidence)
        form = Form()
        form.action_fields = [(action, form[f"going_{action.id}"],
                               form[f"confidence_{action.id}"]) for action in actions]
        return form


def record_check_in(patient: Patient, plan: CarePlan, form: CheckInForm) -> CheckIn:
    check_in = CheckIn(care_plan_id=plan.id, patient_id=patient.id,
                       wants_change=form.wants_change.data == "yes",
                       change_request=form.change_request.data or "")
    for action, going, confidence in form.action_fields:
        check_in.answers.append(CheckInAnswer(patient_id=patient.id, action_id=action.id,
                                              going=HowItIsGoing(going.data),
                                              confidence=confidence.data))
    db.session.add(check_in)
    db.session.flush()
    return check_in


def change_requests(practice_id: int) -> list[CheckIn]:
    """Requests for a change that no clinician has dealt with yet, oldest first."""
    return list(db.session.scalars(
        select(CheckIn).join(CarePlan, CarePlan.id == CheckIn.care_plan_id)
        .where(CarePlan.practice_id == practice_id, CheckIn.wants_change,
               CheckIn.change_handled_at.is_(None))
        .options(joinedload(CheckIn.patient))
        .order_by(CheckIn.submitted_at)))


def patients_asking_for_change(practice_id: int) -> set[int]:
    """Patients with a request for a change nobody has dealt with yet."""
    return {check_in.patient_id for check_in in change_requests(practice_id)}
