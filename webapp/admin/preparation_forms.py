"""Forms for the practice's agenda prompts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length

from webapp.forms import strip
from webapp.models import PromptSection
from webapp.preparation.prompts import HINT_MAX, TEXT_MAX

SECTION_CHOICES = [
    SelectChoice(PromptSection.SINCE_LAST_TIME.value, "Since the last review (a question)"),
    SelectChoice(PromptSection.TOPICS.value, "A topic to tick"),
    SelectChoice(PromptSection.MATTERS_MOST.value, "What matters most (a question)"),
    SelectChoice(PromptSection.RESULTS.value, "About their results (a question)"),
    SelectChoice(PromptSection.CHANGE.value, "Anything they want to change (a question)"),
]


class PromptForm(FlaskForm):
    section = RadioField("Where does it go on the agenda?", choices=SECTION_CHOICES,
                         validators=[DataRequired("Select where the prompt goes")])
    text = StringField("Words patients see", filters=[strip], validators=[
        DataRequired("Enter the words patients see"),
        Length(max=TEXT_MAX, message=f"The words must be {TEXT_MAX} characters or fewer")])
    hint = StringField("Hint (optional)", filters=[strip], validators=[
        Length(max=HINT_MAX, message=f"The hint must be {HINT_MAX} characters or fewer")])
    invites_words = BooleanField("Ask them to tell you more when they tick it")
    flag_for_clinician = BooleanField("Show it to the clinician as a flag at triage")
