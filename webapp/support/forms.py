from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.forms import strip


class SupportServiceForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[
        DataRequired("Enter the name of the service"),
        Length(max=120, message="Name must be 120 characters or fewer")])
    description = TextAreaField("What it offers", filters=[strip], validators=[
        Optional(), Length(max=500, message="What it offers must be 500 characters or fewer")])
    contact = StringField("How to get in touch", filters=[strip], validators=[
        Optional(), Length(max=300, message="How to get in touch must be 300 characters or fewer")])
    is_active = BooleanField("Offer this in new care plans", default=True)
