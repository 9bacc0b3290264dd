from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from webapp.accounts import nhs_number
from webapp.forms import DateInputField, strip


def _nhs_number(form, field) -> None:
    try:
        field.data = nhs_number.validate(field.data or "")
    except nhs_number.InvalidNHSNumber as problem:
        raise ValidationError(str(problem)) from None


class PatientForm(FlaskForm):
    given_name = StringField("First name", filters=[strip], validators=[
        DataRequired("Enter the patient's first name"),
        Length(max=100, message="First name must be 100 characters or fewer")])
    family_name = StringField("Last name", filters=[strip], validators=[
        DataRequired("Enter the patient's last name"),
        Length(max=100, message="Last name must be 100 characters or fewer")])
    date_of_birth = DateInputField("Date of birth", past_only=True,
                                   missing_message="Enter the patient's date of birth")
    nhs_number = StringField("NHS number", filters=[strip], validators=[_nhs_number])
    email = EmailField("Email address", filters=[strip], validators=[
        DataRequired("Enter the patient's email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.com",
              check_deliverability=False)])


class PatientSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Search by name or NHS number", filters=[strip],
                    validators=[Length(max=100, message="Search must be 100 characters or fewer")])
