"""Forms for the clinician's workspace: scheduling a review, preparation notes, and the
patient's conditions. Results entry and targets are read by plain functions
(clinic.service.read_results_form, preparation.targets.parse_target) because their fields
depend on the result type."""

from __future__ import annotations

import re
from datetime import time

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.content.result_catalogue import CONDITIONS, FAMILY_BACKGROUNDS
from webapp.forms import DateInputField, strip

_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?")


def parse_time(text: str) -> time | None:
    """ "9:30", "9.30am", "2pm", "14:05", "12 noon" -> a time; None if it is not one."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned in {"noon", "12noon", "midday"}:
        return time(12, 0)
    match = _TIME.fullmatch(cleaned)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    suffix = (match[3] or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match[2] is None:
        return None  # "9" alone could be morning or evening
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeInputField(Field):
    """A time typed as people write it. An empty box is allowed unless the date is given."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()[:20]
        self.data = None

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        if self.data is None:
            return ""
        hour = self.data.hour % 12 or 12
        return f"{hour}:{self.data.minute:02d}{'am' if self.data.hour < 12 else 'pm'}"

    def pre_validate(self, form):
        raw = getattr(self, "raw", None)
        if raw is None or raw == "":
            return
        parsed = parse_time(raw)
        if parsed is None:
            raise ValidationError(f"Enter {self.label.text.lower()} like 9:30am or 14:30")
        self.data = parsed


def _from_the_list(form, field) -> None:
    """A clinician chosen from the practice's list (or none yet)."""
    if (field.data or "") not in {choice.value for choice in field.choices}:
        raise ValidationError("Select a clinician from the list")


class ReviewScheduleForm(FlaskForm):
    gathering_on = DateInputField("Date of the tests appointment", required=False)
    gathering_time = TimeInputField("Time of the tests appointment")
    conversation_on = DateInputField("Date of the care planning conversation")
    conversation_time = TimeInputField("Time of the conversation")
    clinician = SelectField("Clinician", choices=[], default="", validate_choice=False,
                            validators=[_from_the_list])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for day, moment in ((self.gathering_on, self.gathering_time),
                            (self.conversation_on, self.conversation_time)):
            if day.data is not None and moment.data is None and not moment.errors:
                moment.errors.append(f"Enter {moment.label.text.lower()}, like 9:30am")
                ok = False
        if (self.conversation_on.data and self.gathering_on.data
                and self.conversation_on.data < self.gathering_on.data):
            self.conversation_on.errors.append(
                "The conversation must be on or after the tests appointment")
            ok = False
        return ok


class PreparationForm(FlaskForm):
    notes = TextAreaField("Preparation notes", filters=[strip], validators=[
        Length(max=5000, message="Preparation notes must be 5,000 characters or fewer")])
    clinician = SelectField("Who should they see?", choices=[], default="",
                            validate_choice=False, validators=[_from_the_list])
    triaged = BooleanField("I have looked at the results and their flags")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _baseline(form, field) -> None:
    if field.data and not re.fullmatch(r"\d{1,2}(\.\d{1,2})?", field.data):
        raise ValidationError("Enter non-HDL cholesterol before the statin as a number, "
                              "like 4.8")


class ClinicalProfileForm(FlaskForm):
    conditions = CheckboxesField("Long-term conditions", choices=[SelectChoice(code, name)
                                          for code, name in CONDITIONS.items()],
                                 validate_choice=True)
    type_1_diabetes = BooleanField("Type 1 diabetes")
    on_hypo_causing_drug = BooleanField(
        "Takes a medicine that can cause hypos (insulin or a sulfonylurea)")
    established_cvd = BooleanField(
        "Has had a heart attack, stroke or other cardiovascular disease")
    family_background = SelectField("Family background (for BMI only)", default="",
                                    choices=[SelectChoice("", "Not recorded"),
                                             *(SelectChoice(code, name) for code, name
                                               in FAMILY_BACKGROUNDS.items())],
                                    validate_choice=True)
    non_hdl_baseline = StringField("Non-HDL cholesterol before starting a statin (mmol/L)",
                                   filters=[strip], validators=[Optional(), _baseline])


class PersonalTargetReasonForm(FlaskForm):
    reason = TextAreaField("Why this target suits them", filters=[strip], validators=[
        Length(max=1000, message="The reason must be 1,000 characters or fewer")])
