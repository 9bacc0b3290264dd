from __future__ import annotations

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from webapp.forms import strip
from webapp.models import Role

STAFF_ROLES = [SelectChoice(role.value, role.label) for role in Role if role.is_staff]
# What closing an account does to the clinical part of it (see data_rights). The account
# itself always goes at once.
RETENTION_CHOICES = [
    SelectChoice(0, "Remove all their information from this service at once"),
    SelectChoice(8, "Keep their clinical information for 8 years, then remove it"),
]


def time_zone_choices() -> list[SelectChoice]:
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [SelectChoice(z, z.replace("_", " ")) for z in zones]


class StaffInviteForm(FlaskForm):
    name = StringField("Full name", filters=[strip], validators=[
        DataRequired("Enter their full name"),
        Length(max=200, message="Name must be 200 characters or fewer")])
    email = EmailField("Work email address", filters=[strip], validators=[
        DataRequired("Enter their work email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.com",
              check_deliverability=False)])
    role = RadioField("Role", choices=STAFF_ROLES,
                      validators=[DataRequired("Choose their role")])


class PracticeSettingsForm(FlaskForm):
    name = StringField("Practice name", filters=[strip], validators=[
        DataRequired("Enter the practice name"),
        Length(max=200, message="Practice name must be 200 characters or fewer")])
    time_zone = SelectField("Time zone", choices=time_zone_choices, validate_choice=True)
    closure_retention_years = RadioField(
        "When a patient closes their account", coerce=int, choices=RETENTION_CHOICES,
        validators=[InputRequired("Choose what happens when a patient closes their account")])
