from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, ValidationError

from webapp.forms import DateInputField, strip


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    patient = StringField("Patient's NHS number or name", filters=[strip], validators=[
        Length(max=100, message="Patient's NHS number or name must be 100 characters or fewer")])
    staff = SelectField("Member of staff", coerce=str, validate_choice=True, default="")
    from_date = DateInputField("From", earliest_year=2000, required=False)
    to_date = DateInputField("To", earliest_year=2000, required=False)

    def validate_to_date(self, field) -> None:
        if self.from_date.data and field.data and field.data < self.from_date.data:
            field.problem_parts = ("day", "month", "year")
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")
