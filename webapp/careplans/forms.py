"""The care plan editor's form: goals, each with actions, then support and dates.

It works without JavaScript: "Add another action", "Add another goal" and "Remove" are
submit buttons the view handles by re-showing the form with a row more or less, keeping
everything typed so far.
"""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.careplans.service import ActionDraft, GoalDraft, PlanDraft
from webapp.forms import DateInputField, strip
from webapp.models import Per

PER_CHOICES = [SelectChoice(Per.DAY.value, "a day"), SelectChoice(Per.WEEK.value, "a week")]
CONFIDENCE_CHOICES = [SelectChoice(str(n), str(n)) for n in range(11)]
MAX_GOALS = 10
MAX_ACTIONS_PER_GOAL = 6


def _optional_id(value):
    return int(value) if value and str(value).isdigit() else None


class ActionForm(Form):
    id = HiddenField(filters=[_optional_id])
    what = StringField("What will you do?", filters=[strip], validators=[
        DataRequired("Enter what the action is, like “walk to the shop and back”"),
        Length(max=300, message="What will you do must be 300 characters or fewer")])
    where = StringField("Where?", filters=[strip], validators=[
        Optional(), Length(max=200, message="Where must be 200 characters or fewer")])
    when = StringField("When?", filters=[strip], validators=[
        Optional(), Length(max=200, message="When must be 200 characters or fewer")])
    times = IntegerField("How many times?", validators=[
        InputRequired("Enter how many times, like 3"),
        NumberRange(1, 20, "How many times must be between 1 and 20")])
    per = RadioField("Per", choices=PER_CHOICES, default=Per.DAY.value,
                     validators=[DataRequired("Choose a day or a week")])
    measure_target = DecimalField("Amount (optional)", places=None, validators=[
        Optional(), NumberRange(Decimal("0.01"), Decimal("100000"),
                                "Amount must be between 0.01 and 100,000")])
    # No Optional() here: it would stop validate_measure_unit running on an empty field.
    measure_unit = StringField("Measured in (optional)", filters=[strip], validators=[
        Length(max=40, message="Measured in must be 40 characters or fewer")])
    confidence = RadioField("How sure are you that you can do this?",
                            choices=CONFIDENCE_CHOICES, coerce=int,
                            validators=[InputRequired("Choose a number from 0 to 10")])
    keep_confidence = BooleanField("Keep this action as it is")
    barriers = TextAreaField("What might get in the way?", filters=[strip], validators=[
        Optional(), Length(max=1000, message="Barriers must be 1000 characters or fewer")])
    helps = TextAreaField("What will help?", filters=[strip], validators=[
        Optional(), Length(max=1000, message="What will help must be 1000 characters or fewer")])

    def validate_measure_unit(self, field) -> None:
        if self.measure_target.data is not None and not field.data:
            raise ValidationError("Say what the amount is measured in, like minutes or steps")

    def to_draft(self) -> ActionDraft:
        return ActionDraft(
            id=self.id.data, what=self.what.data, where=self.where.data or "",
            when=self.when.data or "", times=self.times.data, per=Per(self.per.data),
            measure_target=self.measure_target.data, measure_unit=self.measure_unit.data or None,
            confidence=self.confidence.data, barriers=self.barriers.data or "",
            helps=self.helps.data or "")


class GoalForm(Form):
    id = HiddenField(filters=[_optional_id])
    text = TextAreaField("Goal, in the patient's own words", filters=[strip], validators=[
        DataRequired("Enter the goal in the patient's own words"),
        Length(max=500, message="Goal must be 500 characters or fewer")])
    actions = FieldList(FormField(ActionForm), min_entries=1, max_entries=MAX_ACTIONS_PER_GOAL)

    def to_draft(self) -> GoalDraft:
        return GoalDraft(id=self.id.data, text=self.text.data,
                         actions=[entry.form.to_draft() for entry in self.actions])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CarePlanForm(FlaskForm):
    base_version = HiddenField(default="0")
    goals = FieldList(FormField(GoalForm), min_entries=1, max_entries=MAX_GOALS)
    support = MultiCheckboxField("Support and services", coerce=int, validate_choice=True)
    review_on = DateInputField("Review date", future_only=True,
                               missing_message="Enter the date of the next review")
    check_in_after_days = IntegerField("Check in after", default=14, validators=[
        InputRequired("Enter how many days after the plan the check-in comes"),
        NumberRange(3, 90, "Check-in must be between 3 and 90 days after the plan")])

    def load(self, draft: PlanDraft, base_version: int) -> None:
        """Fill the form from a saved plan (when not re-showing a submission)."""
        self.base_version.data = str(base_version)
        while len(self.goals):
            self.goals.pop_entry()
        for goal in draft.goals:
            entry = self.goals.append_entry()
            entry.form.id.data = goal.id
            entry.form.text.data = goal.text
            while len(entry.form.actions):
                entry.form.actions.pop_entry()
            for action in goal.actions:
                action_entry = entry.form.actions.append_entry()
                form = action_entry.form
                for name in ("id", "what", "where", "when", "times", "measure_target",
                             "measure_unit", "confidence", "barriers", "helps"):
                    getattr(form, name).data = getattr(action, name)
                form.per.data = Per(action.per).value
        self.support.data = list(draft.support_ids)
        self.review_on.process(None, draft.review_on)
        self.check_in_after_days.data = draft.check_in_after_days

    def to_draft(self) -> PlanDraft:
        return PlanDraft(goals=[entry.form.to_draft() for entry in self.goals],
                         support_ids=list(self.support.data or []),
                         review_on=self.review_on.data,
                         check_in_after_days=self.check_in_after_days.data)

    def unconfirmed_low_confidence(self) -> list:
        """Actions rated below 7 whose 'keep it as it is' box is not ticked."""
        return [action.form for goal in self.goals for action in goal.form.actions
                if action.form.confidence.data is not None
                and action.form.confidence.data < 7 and not action.form.keep_confidence.data]
