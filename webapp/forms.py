"""Form pieces shared by every domain: the NHS date input and text clean-up."""

from __future__ import annotations

from datetime import date

from wtforms import Field
from wtforms.validators import ValidationError

from webapp.models import utcnow


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class DateInputField(Field):
    """A date typed as day, month and year in three boxes (the NHS.UK date input pattern).

    Reads `<name>-day`, `<name>-month` and `<name>-year`, keeps what was typed so the page
    can show it back after an error, and explains problems the way the design system's
    error message guidance asks ("Date of birth must include a year").
    """

    PARTS = ("day", "month", "year")

    def __init__(self, label: str = "", validators=None, *, past_only: bool = False,
                 future_only: bool = False, earliest_year: int = 1900, required: bool = True,
                 missing_message: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.missing_message = missing_message
        self.past_only = past_only
        self.future_only = future_only
        self.earliest_year = earliest_year
        self.raw: dict[str, str] = {part: "" for part in self.PARTS}
        self.problem_parts: tuple[str, ...] = ()

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = data if isinstance(data, date) else None
        if self.data is not None:
            self.raw = {"day": str(self.data.day), "month": str(self.data.month),
                        "year": str(self.data.year)}
        if formdata is None:
            return
        names = {part: f"{self.name}-{part}" for part in self.PARTS}
        if not any(name in formdata for name in names.values()):
            return
        self.raw = {part: (formdata.get(name) or "").strip()[:10] for part, name in names.items()}
        self.data = None

    def pre_validate(self, form):
        subject = self.label.text
        missing = [part for part in self.PARTS if not self.raw[part]]
        if len(missing) == 3:
            if self.data is None and self.required:
                self.problem_parts = self.PARTS
                raise ValidationError(self.missing_message or f"Enter {subject.lower()}")
            return
        if missing:
            self.problem_parts = tuple(missing)
            raise ValidationError(f"{subject} must include a {' and '.join(missing)}")
        if not all(self.raw[part].isascii() and self.raw[part].isdigit() for part in self.PARTS):
            self.problem_parts = self.PARTS
            raise ValidationError(f"{subject} must be a real date, like 15 3 1984")
        day, month, year = (int(self.raw[part]) for part in self.PARTS)
        if len(self.raw["year"]) != 4:
            self.problem_parts = ("year",)
            raise ValidationError(f"Year must include 4 numbers, like {utcnow().year}")
        try:
            value = date(year, month, day)
        except ValueError:
            self.problem_parts = self.PARTS
            raise ValidationError(f"{subject} must be a real date") from None
        today = utcnow().date()
        if self.past_only and value >= today:
            self.problem_parts = self.PARTS
            raise ValidationError(f"{subject} must be in the past")
        if self.future_only and value < today:
            self.problem_parts = self.PARTS
            raise ValidationError(f"{subject} must be today or in the future")
        if year < self.earliest_year or year > today.year + 10:
            self.problem_parts = ("year",)
            raise ValidationError(f"{subject} must be between {self.earliest_year} and "
                                  f"{today.year + 10}")
        self.data = value

    def _value(self):
        return self.raw
