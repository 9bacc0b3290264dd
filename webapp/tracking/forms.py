from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import UUID, DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.forms import strip
from webapp.models import ProgressStatus, SkipReason

STATUS_CHOICES = [SelectChoice(ProgressStatus.DONE.value, "Done"),
                  SelectChoice(ProgressStatus.PARTLY.value, "Partly"),
                  SelectChoice(ProgressStatus.NOT_TODAY.value, "Not today")]
REASON_CHOICES = [SelectChoice("", "No reason"),
                  SelectChoice(SkipReason.UNWELL.value, "I was unwell"),
                  SelectChoice(SkipReason.AWAY.value, "I was away"),
                  SelectChoice(SkipReason.OTHER.value, "Something else")]


class LogForm(FlaskForm):
    """One tap: the button pressed is the status; the id was made when the page was shown,
    so pressing twice stores one entry."""

    entry_id = HiddenField(validators=[DataRequired(), UUID()])
    action_id = IntegerField(validators=[InputRequired(), NumberRange(1, 2**31 - 1)])
    status = RadioField(choices=STATUS_CHOICES, validators=[DataRequired()])
    next = HiddenField()


class ReasonForm(FlaskForm):
    reason = RadioField(choices=REASON_CHOICES[1:], validators=[
        DataRequired("Choose why not today")])
    next = HiddenField()


class EntryForm(FlaskForm):
    status = RadioField("How did it go?", choices=STATUS_CHOICES,
                        validators=[DataRequired("Choose done, partly or not today")])
    amount = DecimalField("Amount (optional)", places=None, validators=[
        Optional(), NumberRange(Decimal(0), Decimal(100000),
                                "Amount must be between 0 and 100,000")])
    note = TextAreaField("Note (optional)", filters=[strip], validators=[
        Optional(), Length(max=500, message="Note must be 500 characters or fewer")])
    reason = RadioField("If not today, why? (optional)", choices=REASON_CHOICES, default="",
                        validate_choice=True)
