"""Reminder forms. Messages come from schedule.py, written for patients."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.forms import DateInputField, strip
from webapp.models.reminders import DEVICE_NAME_MAX_LENGTH
from webapp.reminders import schedule as rules
from webapp.reminders.service import ScheduleChoice, clock_words

TIME_FIELDS = ("time_1", "time_2", "time_3")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # An unknown value is a tampered form, not a patient's mistake: drop it.
        valid = {choice.value for choice in self.choices}
        self.data = [value for value in (self.data or []) if value in valid]


class ScheduleForm(FlaskForm):
    days = CheckboxesField("Which days?", choices=[
        SelectChoice(str(day.value), day.label) for day in rules.Day])
    time_1 = StringField("Time", filters=[strip], validators=[Length(max=20)])
    time_2 = StringField("Another time (optional)", filters=[strip], validators=[Length(max=20)])
    time_3 = StringField("Another time (optional)", filters=[strip], validators=[Length(max=20)])
    time_zone = SelectField("Time zone")
    quiet_start = StringField("Quiet hours start", filters=[strip], validators=[Length(max=20)])
    quiet_end = StringField("Quiet hours end", filters=[strip], validators=[Length(max=20)])
    show_action_words = RadioField("What should the notification say?", default="no", choices=[
        SelectChoice("no", "Only \u201cYou have a reminder from your care plan\u201d"),
        SelectChoice("yes", "What the action is, in the words of your plan"),
    ])
    paused = BooleanField("Pause these reminders")
    paused_until = DateInputField("Start again on", future_only=True, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [SelectChoice(zone, zone.replace("_", " "))
                                  for zone in rules.time_zone_choices()]
        self.times: tuple[time, ...] = ()
        self.quiet: tuple[time | None, time | None] = (None, None)

    def fill_from(self, choice: ScheduleChoice) -> None:
        self.days.data = [str(day) for day in sorted(choice.days)]
        for name, wall in zip(TIME_FIELDS, choice.times, strict=False):
            getattr(self, name).data = clock_words(wall)
        self.time_zone.data = choice.time_zone
        self.quiet_start.data = clock_words(choice.quiet_start) if choice.quiet_start else ""
        self.quiet_end.data = clock_words(choice.quiet_end) if choice.quiet_end else ""
        self.show_action_words.data = "yes" if choice.show_action_words else "no"
        self.paused.data = choice.paused
        self.paused_until.process(None, choice.paused_until)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problem = rules.check_days(self.days.data or [])
        if problem:
            self.days.errors.append(problem)
        times = []
        for name in TIME_FIELDS:
            field = getattr(self, name)
            if not field.data:
                continue
            parsed = rules.parse_time_of_day(field.data)
            if isinstance(parsed, str):
                field.errors.append(parsed)
            else:
                times.append(parsed)
        if not any(getattr(self, name).data for name in TIME_FIELDS):
            self.time_1.errors.append(rules.check_times([]))
        self.times = tuple(times)
        problem = rules.check_time_zone(self.time_zone.data or "")
        if problem:
            self.time_zone.errors = [problem]
        self.quiet = (self._quiet_time(self.quiet_start), self._quiet_time(self.quiet_end))
        if not self.quiet_start.errors and not self.quiet_end.errors:
            problem = rules.check_quiet_hours(*self.quiet)
            if problem:
                target = self.quiet_end if self.quiet[0] and not self.quiet[1] else \
                    self.quiet_start
                target.errors.append(problem)
        if not self.paused.data:
            # A date typed beside an unticked "pause" box means nothing; do not fault it.
            self.paused_until.errors = []
        return valid and not any(field.errors for field in self)

    @staticmethod
    def _quiet_time(field) -> time | None:
        if not field.data:
            return None
        parsed = rules.parse_time_of_day(field.data)
        if isinstance(parsed, str):
            field.errors.append(parsed)
            return None
        return parsed

    def choice(self) -> ScheduleChoice:
        return ScheduleChoice(
            days=frozenset(int(day) for day in self.days.data), times=self.times,
            time_zone=self.time_zone.data, quiet_start=self.quiet[0], quiet_end=self.quiet[1],
            paused=bool(self.paused.data),
            paused_until=self.paused_until.data if self.paused.data else None,
            show_action_words=self.show_action_words.data == "yes")


class DeviceNameForm(FlaskForm):
    name = StringField("Name for this device", filters=[strip], validators=[
        DataRequired("Enter a name for this device, like My phone"),
        Length(max=DEVICE_NAME_MAX_LENGTH,
               message=f"Name must be {DEVICE_NAME_MAX_LENGTH} characters or fewer")])
