"""Progress in words, for the patient's and the clinician's pages."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask import Flask

from webapp.models import Action
from webapp.tracking.adherence import Frequency, PlanSummary, TrendPoint, WeekSummary


def how_often(action: Action) -> str:
    text = Frequency(action.times, action.per).describe()
    return text[0].upper() + text[1:]


def amount(value: Decimal | float | None) -> str:
    """20 not 20.00; 2.5 not 2.50; 10,000 with a comma."""
    if value is None:
        return ""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        return f"{int(number):,}"
    return f"{number:,f}"


def since_plan_words(summary: PlanSummary) -> str:
    if summary.planned == 0 and summary.logged == 0:
        return "nothing planned yet"
    unit = summary.unit[:-1] if summary.planned == 1 else summary.unit
    words = f"{summary.logged} of {summary.planned} planned {unit} logged"
    if summary.partly:
        words += f" ({summary.partly} partly)"
    if summary.skipped:
        day_s = "day" if summary.skipped == 1 else "days"
        words += f"; {summary.skipped} {day_s} off for a reason"
    return words


def trend_words(trend: Sequence[TrendPoint], unit: str | None) -> str:
    if not unit:
        return "No measure"
    if not trend:
        return "No amounts logged"
    first, last = trend[0], trend[-1]
    if len(trend) == 1:
        return f"{amount(first.total)} {unit} on one day"
    average = sum(p.total for p in trend) / len(trend)
    return (f"{amount(first.total)} → {amount(last.total)} {unit} "
            f"(average {amount(round(average, 1))} over {len(trend)} days)")


def week_words(week: WeekSummary) -> str:
    unit = week.unit[:-1] if week.planned == 1 else week.unit
    return f"{week.logged} of {week.planned} {unit}"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(how_often=how_often, amount=amount, week_words=week_words,
                                 since_plan_words=since_plan_words, trend_words=trend_words)
