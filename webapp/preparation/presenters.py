"""How results read on a page: the words, the target's origin and the trend chart, so
templates only lay them out. Used by the patient's pages and the clinician's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from webapp.charts import svg
from webapp.preparation.results import Reading, TargetSource
from webapp.results.assessment import (
    Status,
    Target,
    TargetKind,
    ValueKind,
    describe_target,
    describe_value,
)

# How many results a trend shows: enough to see a direction on a phone-sized chart.
TREND_LENGTH = 6

TAG_CLASS = {
    Status.IN_TARGET: "nhsuk-tag--green",
    Status.NO_TARGET: "nhsuk-tag--grey",
}
OUT_OF_TARGET_TAG = "nhsuk-tag--orange"
_SINCE_DATE = re.compile(r",? since \d{1,2} [A-Z][a-z]+ \d{4}")


@dataclass(frozen=True)
class ResultCard:
    """One result, ready to show."""

    reading: Reading
    chart: Markup | None
    chart_text: str
    earlier: list[tuple[date, str]]  # earlier results, newest first, in words

    @property
    def code(self) -> str:
        return self.reading.spec.code

    @property
    def spec(self):
        return self.reading.spec

    @property
    def result(self):
        return self.reading.result

    @property
    def assessment(self):
        return self.reading.assessment

    @property
    def tag_class(self) -> str:
        return TAG_CLASS.get(self.assessment.status, OUT_OF_TARGET_TAG)

    @property
    def previous_words(self) -> str | None:
        change = self.assessment.change
        if change is None:
            return None
        return describe_value(self.spec, change.previous)

    @property
    def since_then(self) -> str:
        """How it moved since the previous result, without repeating that result's date."""
        change = self.assessment.change
        if change is None:
            return self.assessment.change_words
        if self.spec.kind is ValueKind.CATEGORY:
            return "The same as last time" if change.previous == self.reading.value \
                else "It has changed since then"
        words = _SINCE_DATE.sub("", change.words)
        if words.startswith("About the same"):
            return words
        return f"{words} since then"

    @property
    def previous_on(self) -> date | None:
        change = self.assessment.change
        return change.previous_on if change else None

    @property
    def target_note_for_patient(self) -> str:
        source = self.reading.target_source
        if source is TargetSource.PERSONAL:
            return "This is the target you agreed with your clinician."
        if source is TargetSource.PRACTICE:
            return "This is the target your practice uses."
        if source is TargetSource.DEFAULT and self.assessment.target is not None:
            return f"This is the usual target for people like you ({self.assessment.target.basis})."
        return ""

    @property
    def target_note_for_staff(self) -> str:
        source = self.reading.target_source
        if source is TargetSource.PERSONAL:
            return "Personal target"
        if source is TargetSource.PRACTICE:
            return "Practice target"
        if source is TargetSource.DEFAULT and self.assessment.target is not None:
            return self.assessment.target.basis
        return ""


def card_for(reading: Reading) -> ResultCard:
    chart, text = trend_for(reading)
    earlier = [(day, describe_value(reading.spec, value))
               for day, value in reversed(reading.history[:-1])]
    return ResultCard(reading, chart, text, earlier)


def trend_for(reading: Reading) -> tuple[Markup | None, str]:
    """The trend chart and its words; categories have no chart (the list says it all)."""
    spec = reading.spec
    points = reading.history[-TREND_LENGTH:]
    target = reading.assessment.target
    prefix = f"trend-{spec.code}"
    if spec.kind is ValueKind.CATEGORY:
        return None, ""
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        top = bottom = None
        if target is not None and target.kind is TargetKind.BP_BELOW:
            top = svg.Target(high=target.systolic, text=f"below {target.systolic}")
            bottom = svg.Target(high=target.diastolic, text=f"below {target.diastolic}")
        series = [
            svg.Series("Top number", [(d, v.systolic) for d, v in points], top),
            svg.Series("Bottom number", [(d, v.diastolic) for d, v in points],
                       bottom),
        ]
        return (svg.trend_chart(spec.name, series, id_prefix=prefix, unit=spec.unit),
                svg.trend_text(spec.name, series, unit=spec.unit))
    unit = "" if spec.kind is ValueKind.SCORE else spec.unit
    series = svg.Series(spec.name, [(d, v.number) for d, v in points],
                        chart_target(target, spec))
    return (svg.trend_chart(spec.name, series, id_prefix=prefix, unit=unit),
            svg.trend_text(spec.name, series, unit=unit))


def chart_target(target: Target | None, spec) -> svg.Target | None:
    """A target as a line (one bound) or band (two) on a number chart, with its words."""
    if target is None:
        return None
    words = describe_target(target)
    if target.kind in (TargetKind.AT_MOST, TargetKind.BELOW):
        return svg.Target(high=float(target.high), text=words)  # type: ignore[arg-type]
    if target.kind is TargetKind.AT_LEAST:
        return svg.Target(low=float(target.low), text=words)  # type: ignore[arg-type]
    if target.kind is TargetKind.BETWEEN:
        return svg.Target(low=float(target.low), high=float(target.high),  # type: ignore[arg-type]
                          text=words)
    if target.kind is TargetKind.REDUCTION and target.reduction_limit is not None:
        return svg.Target(high=float(target.reduction_limit), text=words)
    return None
