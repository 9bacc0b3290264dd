"""Small server-rendered SVG charts, each with a plain-text alternative.

Why SVG on the server: the pages work without JavaScript, and a chart is a few
hundred bytes. Why no `style`: the Content-Security-Policy forbids inline styles,
so the markup uses presentation attributes (fill, stroke...) that the app's
stylesheet can override through the `app-chart__*` class names.

Accessibility: every chart is `role="img"` labelled by its own <title> and <desc>;
the <desc> holds the same words as the `*_text` functions, which pages also show
in a visually hidden element. Differences never rely on colour alone: series have
different marker shapes and dash patterns, partly-done bars are hatched, breaks
are dashed outlines, and everything has a word in a legend or label.

Every piece of text is escaped, and the result is a `markupsafe.Markup` that
Jinja inserts as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

from webapp.tracking.adherence import DayOutcome, DayRecord, SkipReason, WeekSummary

__all__ = [
    "Point",
    "Series",
    "Target",
    "format_number",
    "progress_chart",
    "progress_text",
    "trend_chart",
    "trend_text",
    "uk_date",
    "weekly_progress_chart",
    "weekly_progress_text",
]

WIDTH = 320
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")

# NHS.UK palette, so the charts look right even before the stylesheet loads.
_BLUE = "#005eb8"
_PURPLE = "#330072"
_GREEN = "#007f3b"
_TEXT = "#212b32"
_SECONDARY = "#4c6272"
_GREY = "#768692"
_PALE_GREY = "#d8dde0"
_PALE_GREEN = "#e5f2eb"
_WHITE = "#ffffff"

_SERIES_LOOKS = (  # colour, dash pattern, marker shape: shape and dash carry the meaning
    (_BLUE, None, "circle"),
    (_PURPLE, "6 3", "square"),
    (_GREEN, "2 3", "diamond"),
)
_REASON_WORDS = {
    SkipReason.UNWELL: "unwell",
    SkipReason.AWAY: "away",
    SkipReason.OTHER: "another reason",
}
_LEGEND_KEY = {
    DayOutcome.DONE: "done",
    DayOutcome.PARTLY: "partly",
    DayOutcome.SKIPPED: "break",
    DayOutcome.NOT_TODAY: "not_today",
}
_FONT = {"font-family": "Frutiger W01, Arial, sans-serif"}


# --- public data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target line (one bound) or band (both). `text` overrides the words."""

    low: float | None = None
    high: float | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise ValueError("a target needs low, high or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("target low is above target high")

    def describe(self) -> str:
        if self.text:
            return self.text
        if self.low is not None and self.high is not None:
            return f"between {format_number(self.low)} and {format_number(self.high)}"
        if self.high is not None:
            return f"{format_number(self.high)} or lower"
        return f"{format_number(self.low)} or higher"  # type: ignore[arg-type]

    @property
    def bounds(self) -> tuple[float, ...]:
        return tuple(b for b in (self.low, self.high) if b is not None)


@dataclass(frozen=True)
class Point:
    when: date
    value: float


@dataclass(frozen=True)
class Series:
    """A named run of values. Points may be given as (date, value) pairs, any order."""

    name: str
    points: Sequence[Point | tuple[date, float]]
    target: Target | None = None

    def __post_init__(self) -> None:
        points = [p if isinstance(p, Point) else Point(*p) for p in self.points]
        # float() so Decimal values from the database plot and format like any other.
        ordered = sorted((Point(p.when, float(p.value)) for p in points), key=lambda p: p.when)
        object.__setattr__(self, "points", tuple(ordered))


def uk_date(day: date) -> str:
    """ "3 Nov 2025": fixed English month names, whatever the server's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_number(value: float | Decimal) -> str:
    """62.0 -> "62", 5.50 -> "5.5", 10000 -> "10,000"."""
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --- result trends -------------------------------------------------------------------------


def trend_text(title: str, series: Series | Sequence[Series], *, unit: str = "") -> str:
    """E.g. "HbA1c over the last 3 results: 62 on 1 May 2025, ... Target: 53 or lower."."""
    all_series = _as_series_list(series)
    heading = f"{title} ({unit})" if unit else title
    dates = {p.when for s in all_series for p in s.points}
    if not dates:
        return f"{heading}: no results yet."
    how_many = "one result so far" if len(dates) == 1 else f"the last {len(dates)} results"
    if len(all_series) == 1:
        only = all_series[0]
        sentence = f"{heading} over {how_many}: {_values_in_words(only)}."
        return sentence + _target_words(only.target)
    parts = [f"{heading} over {how_many}."]
    for s in all_series:
        values = _values_in_words(s) if s.points else "no results yet"
        parts.append(f"{s.name}: {values}.{_target_words(s.target)}")
    return " ".join(parts)


def trend_chart(
    title: str, series: Series | Sequence[Series], *, id_prefix: str, unit: str = ""
) -> Markup:
    """A line chart of a result over time, with optional target line or band per series."""
    all_series = _as_series_list(series)
    text = trend_text(title, all_series, unit=unit)
    points = [p for s in all_series for p in s.points]
    if not points:
        return _empty_chart(title, text, id_prefix, "No results yet", "trend")

    height, top, bottom, x_first, x_last = 190, 34, 156, 60.0, 280.0
    values = [p.value for p in points]
    values += [b for s in all_series if s.target for b in s.target.bounds]
    low, high = _padded_range(min(values), max(values))

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    first_day = min(p.when for p in points)
    span = (max(p.when for p in points) - first_day).days

    def x_of(day: date) -> float:
        if span == 0:
            return (x_first + x_last) / 2
        return x_first + (day - first_day).days / span * (x_last - x_first)

    body: list[str] = []
    legend: list[tuple[str, str]] = []
    for s in all_series:
        if s.target is not None:
            body.append(_target_marks(s.target, y_of, x_first - 20, x_last + 20))
    if any(s.target for s in all_series):
        legend.append(("target", "Target"))

    body.append(
        _tag(
            "line",
            {
                "class": "app-chart__axis",
                "x1": 8,
                "y1": bottom + 6,
                "x2": WIDTH - 8,
                "y2": bottom + 6,
                "stroke": _GREY,
            },
        )
    )
    for index, s in enumerate(all_series):
        colour, dash, shape = _SERIES_LOOKS[index % len(_SERIES_LOOKS)]
        modifier = f"app-chart__series app-chart__series--{index + 1}"
        coords = [(x_of(p.when), y_of(p.value)) for p in s.points]
        if len(coords) > 1:
            body.append(
                _tag(
                    "polyline",
                    {
                        "class": f"{modifier} app-chart__line",
                        "fill": "none",
                        "stroke": colour,
                        "stroke-width": 2,
                        "stroke-dasharray": dash,
                        "points": " ".join(f"{_num(x)},{_num(y)}" for x, y in coords),
                    },
                )
            )
        # Labels go above the first series and below the others, so the two
        # lines of a blood pressure chart don't print their numbers on each other.
        label_dy = -9 if index == 0 else 17
        last_labelled = None
        for number, ((x, y), point) in enumerate(zip(coords, s.points, strict=True)):
            body.append(_marker(shape, x, y, colour, f"{modifier} app-chart__marker"))
            is_last = number == len(coords) - 1
            if is_last or last_labelled is None or x - last_labelled >= 30:
                last_labelled = x
                body.append(
                    _text(
                        format_number(point.value),
                        x,
                        y + label_dy,
                        f"{modifier} app-chart__value",
                        size=12,
                        weight="bold",
                    )
                )
        if len(all_series) > 1:
            legend.append((f"series-{index}", s.name))

    for x, day in _spaced_labels([(x_of(d), d) for d in sorted({p.when for p in points})]):
        body.append(
            _text(uk_date(day), x, bottom + 24, "app-chart__date", size=11, fill=_SECONDARY)
        )
    body.append(_legend(legend, y=12))
    return _svg(title, text, id_prefix, height, "trend", "".join(body))


# --- action progress -----------------------------------------------------------------------


def progress_text(title: str, days: Sequence[DayRecord], *, unit: str = "") -> str:
    """E.g. "Walk after lunch, last 7 days: Mon 3 Nov 2025: done, 10 minutes. ..."."""
    if not days:
        return f"{title}: nothing logged yet."
    count = "1 day" if len(days) == 1 else f"{len(days)} days"
    parts = [f"{title}, last {count}:"]
    for record in days:
        parts.append(f"{_weekday_date(record.day)}: {_day_words(record, unit)}.")
    return " ".join(parts)


def progress_chart(
    title: str, days: Sequence[DayRecord], *, id_prefix: str, unit: str = ""
) -> Markup:
    """A bar per day: the amount if the action has a measure, otherwise done or partly."""
    text = progress_text(title, days, unit=unit)
    if not days:
        return _empty_chart(title, text, id_prefix, "Nothing logged yet", "progress")

    top, baseline = 22, 128
    # A week has two label lines under each bar; longer runs have one.
    legend_y = baseline + (52 if len(days) <= 7 else 38)
    height = int(legend_y) + 10
    slot = (WIDTH - 16) / len(days)
    bar_width = min(28.0, slot * 0.7)
    amounts = [d.amount for d in days if d.amount is not None]
    measured = bool(amounts)
    biggest = max(amounts, default=0.0) or 1.0

    body = [_patterns(id_prefix)]
    seen: set[str] = set()
    for index, record in enumerate(days):
        centre = 8 + slot * (index + 0.5)
        left = centre - bar_width / 2
        outcome = record.outcome
        if outcome in (DayOutcome.DONE, DayOutcome.PARTLY):
            if measured:
                share = (record.amount or 0) / biggest
            else:
                share = 1.0 if outcome is DayOutcome.DONE else 0.5
            # A logged day always shows, even with a zero or missing amount.
            bar_height = max(share * (baseline - top), 3.0)
            body.append(
                _bar(id_prefix, outcome.value, left, baseline - bar_height, bar_width, bar_height)
            )
            if measured and record.amount is not None and len(days) <= 7:
                body.append(
                    _text(
                        format_number(record.amount),
                        centre,
                        baseline - bar_height - 4,
                        "app-chart__value",
                        size=11,
                    )
                )
        elif outcome is DayOutcome.SKIPPED:
            body.append(_bar(id_prefix, "break", left, top, bar_width, baseline - top))
        elif outcome is DayOutcome.NOT_TODAY:
            body.append(
                _tag(
                    "circle",
                    {
                        "class": "app-chart__not-today",
                        "cx": centre,
                        "cy": baseline - 5,
                        "r": 3.5,
                        "fill": _WHITE,
                        "stroke": _SECONDARY,
                        "stroke-width": 1.5,
                    },
                )
            )
        if outcome in _LEGEND_KEY:
            seen.add(_LEGEND_KEY[outcome])
        body.extend(_day_labels(record.day, centre, baseline, index, len(days)))

    body.append(_axis(baseline))
    body.append(_legend(_shown(seen, ("done", "partly", "break", "not_today")), y=legend_y,
                        id_prefix=id_prefix))
    return _svg(title, text, id_prefix, height, "progress", "".join(body))


def weekly_progress_text(title: str, weeks: Sequence[WeekSummary]) -> str:
    """E.g. "Swim, last 2 weeks: Week starting 3 Nov 2025: 2 of 3 times. ..."."""
    if not weeks:
        return f"{title}: nothing logged yet."
    count = "1 week" if len(weeks) == 1 else f"{len(weeks)} weeks"
    parts = [f"{title}, last {count}:"]
    for week in weeks:
        so_far = " so far" if week.is_current else ""
        words = f"{week.logged} of {week.planned} {week.unit}{so_far}"
        if week.partly:
            words += f", {week.partly} of them partly"
        if week.skipped:
            words += (
                ", a break on 1 day" if week.skipped == 1 else (f", a break on {week.skipped} days")
            )
        parts.append(f"Week starting {uk_date(week.week_start)}: {words}.")
    return " ".join(parts)


def weekly_progress_chart(title: str, weeks: Sequence[WeekSummary], *, id_prefix: str) -> Markup:
    """A bar per week: done (solid) with partly (hatched) on top, and a mark at the plan."""
    text = weekly_progress_text(title, weeks)
    if not weeks:
        return _empty_chart(title, text, id_prefix, "Nothing logged yet", "progress")

    height, top, baseline = 184, 24, 128
    slot = (WIDTH - 16) / len(weeks)
    bar_width = min(36.0, slot * 0.6)
    scale = max(max(w.planned, w.logged) for w in weeks) or 1
    unit_height = (baseline - top) / scale

    body = [_patterns(id_prefix)]
    seen: set[str] = set()
    for index, week in enumerate(weeks):
        centre = 8 + slot * (index + 0.5)
        left = centre - bar_width / 2
        stacked = baseline
        for kind, count in (("done", week.done), ("partly", week.partly)):
            if count:
                stacked -= count * unit_height
                body.append(_bar(id_prefix, kind, left, stacked, bar_width, count * unit_height))
                seen.add(kind)
        if week.logged == 0 and week.planned == 0 and week.skipped:
            body.append(_bar(id_prefix, "break", left, top, bar_width, baseline - top))
            seen.add("break")
        if week.planned:
            y = baseline - week.planned * unit_height
            body.append(
                _tag(
                    "line",
                    {
                        "class": "app-chart__target-line",
                        "x1": left - 4,
                        "y1": y,
                        "x2": left + bar_width + 4,
                        "y2": y,
                        "stroke": _TEXT,
                        "stroke-width": 2,
                        "stroke-dasharray": "4 2",
                    },
                )
            )
            seen.add("planned")
        if len(weeks) <= 8:
            body.append(
                _text(
                    f"{week.logged} of {week.planned}",
                    centre,
                    stacked - 5 if week.logged else baseline - 5,
                    "app-chart__value",
                    size=11,
                )
            )
        if len(weeks) <= 8 or index % 2 == 0:
            body.append(
                _text(
                    _short_date(week.week_start),
                    centre,
                    baseline + 16,
                    "app-chart__date",
                    size=11,
                    fill=_SECONDARY,
                )
            )

    body.append(_axis(baseline))
    body.append(_legend(_shown(seen, ("done", "partly", "planned", "break")), y=height - 10,
                        id_prefix=id_prefix))
    return _svg(title, text, id_prefix, height, "progress", "".join(body))


# --- helpers: words ------------------------------------------------------------------------


def _as_series_list(series: Series | Sequence[Series]) -> list[Series]:
    return [series] if isinstance(series, Series) else list(series)


def _values_in_words(series: Series) -> str:
    return ", ".join(f"{format_number(p.value)} on {uk_date(p.when)}" for p in series.points)


def _target_words(target: Target | None) -> str:
    return f" Target: {target.describe()}." if target else ""


def _weekday_date(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {uk_date(day)}"


def _short_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}"


def _day_words(record: DayRecord, unit: str) -> str:
    outcome = record.outcome
    if outcome is DayOutcome.SKIPPED:
        reason = _REASON_WORDS.get(record.reason) if record.reason else None
        return f"break ({reason})" if reason else "break"
    if outcome is DayOutcome.NOT_TODAY:
        return "not today"
    if outcome is DayOutcome.NO_ENTRY:
        return "no entry"
    words = "done" if outcome is DayOutcome.DONE else "partly"
    if record.done_count > 1 or (outcome is DayOutcome.PARTLY and record.done_count):
        times = "1 time" if record.done_count == 1 else f"{record.done_count} times"
        words += f", done {times}"
    if record.amount is not None:
        amount = format_number(record.amount)
        words += f", {amount} {unit}" if unit else f", {amount}"
    return words


# --- helpers: markup -----------------------------------------------------------------------


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(attrs: Mapping[str, object]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        shown = _num(value) if isinstance(value, float | int) else str(value)
        parts.append(f' {name}="{escape(shown)}"')
    return "".join(parts)


def _tag(name: str, attrs: Mapping[str, object], text: str | None = None) -> str:
    if text is None:
        return f"<{name}{_attrs(attrs)}/>"
    return f"<{name}{_attrs(attrs)}>{escape(text)}</{name}>"


def _group(name: str, attrs: Mapping[str, object], children: Iterable[str]) -> str:
    return f"<{name}{_attrs(attrs)}>{''.join(children)}</{name}>"


def _text(
    words: str,
    x: float,
    y: float,
    css_class: str,
    *,
    size: int,
    fill: str = _TEXT,
    anchor: str = "middle",
    weight: str | None = None,
) -> str:
    return _tag(
        "text",
        {
            "class": css_class,
            "x": x,
            "y": y,
            "text-anchor": anchor,
            "font-size": size,
            "font-weight": weight,
            "fill": fill,
            **_FONT,
        },
        words,
    )


def _check_prefix(id_prefix: str) -> None:
    # The prefix becomes part of id and url(#...) references, so it must be a plain
    # name: refusing anything else is simpler and safer than escaping it.
    if not _ID_PREFIX.match(id_prefix):
        raise ValueError("id_prefix must start with a letter and use only letters, digits, - and _")


def _svg(title: str, text: str, id_prefix: str, height: int, kind: str, body: str) -> Markup:
    _check_prefix(id_prefix)
    head = _tag("title", {"id": f"{id_prefix}-title"}, title) + _tag(
        "desc", {"id": f"{id_prefix}-desc"}, text
    )
    svg = _group(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": f"app-chart app-chart--{kind}",
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{id_prefix}-title {id_prefix}-desc",
        },
        [head, body],
    )
    # Safe: every attribute value and text node above went through escape().
    return Markup(svg)  # noqa: S704  # nosec B704


def _empty_chart(title: str, text: str, id_prefix: str, message: str, kind: str) -> Markup:
    body = _text(message, WIDTH / 2, 44, "app-chart__empty", size=14, fill=_SECONDARY)
    return _svg(title, text, id_prefix, 72, f"{kind} app-chart--empty", body)


def _padded_range(low: float, high: float) -> tuple[float, float]:
    # Room above and below so a single value, or a flat run, sits mid-chart.
    spread = high - low
    pad = spread * 0.2 if spread else max(abs(high) * 0.1, 1.0)
    return low - pad, high + pad


def _spaced_labels(candidates: list[tuple[float, date]]) -> list[tuple[float, date]]:
    """First and last always; others only where they won't overlap (a date is ~70 px)."""
    if len(candidates) <= 1:
        return candidates
    gap = 70
    first, last = candidates[0], candidates[-1]
    kept = [first]
    for x, day in candidates[1:-1]:
        if x - kept[-1][0] >= gap and last[0] - x >= gap:
            kept.append((x, day))
    if last[0] - kept[-1][0] >= gap:
        kept.append(last)
    return kept


def _target_marks(
    target: Target, y_of: Callable[[float], float], x_start: float, x_end: float
) -> str:
    marks = []
    if target.low is not None and target.high is not None:
        top, bottom = y_of(target.high), y_of(target.low)
        marks.append(
            _tag(
                "rect",
                {
                    "class": "app-chart__target-band",
                    "x": x_start,
                    "y": top,
                    "width": x_end - x_start,
                    "height": bottom - top,
                    "fill": _PALE_GREEN,
                },
            )
        )
    for bound in target.bounds:
        y = y_of(bound)
        marks.append(
            _tag(
                "line",
                {
                    "class": "app-chart__target-line",
                    "x1": x_start,
                    "y1": y,
                    "x2": x_end,
                    "y2": y,
                    "stroke": _GREEN,
                    "stroke-width": 1.5,
                    "stroke-dasharray": "5 4",
                },
            )
        )
        marks.append(
            _text(
                format_number(bound),
                8,
                y - 3,
                "app-chart__target-label",
                size=11,
                fill=_GREEN,
                anchor="start",
            )
        )
    return "".join(marks)


def _marker(shape: str, x: float, y: float, colour: str, css_class: str) -> str:
    common = {"class": css_class, "fill": colour, "stroke": _WHITE, "stroke-width": 1.5}
    if shape == "square":
        return _tag("rect", {**common, "x": x - 4.5, "y": y - 4.5, "width": 9, "height": 9})
    if shape == "diamond":
        corners = [(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)]
        return _tag(
            "polygon", {**common, "points": " ".join(f"{_num(a)},{_num(b)}" for a, b in corners)}
        )
    return _tag("circle", {**common, "cx": x, "cy": y, "r": 5})


def _patterns(id_prefix: str) -> str:
    _check_prefix(id_prefix)
    hatch = _group(
        "pattern",
        {
            "id": f"{id_prefix}-partly",
            "width": 6,
            "height": 6,
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
        [
            _tag("rect", {"width": 6, "height": 6, "fill": _WHITE}),
            _tag(
                "line", {"x1": 1.5, "y1": 0, "x2": 1.5, "y2": 6, "stroke": _BLUE, "stroke-width": 3}
            ),
        ],
    )
    dots = _group(
        "pattern",
        {"id": f"{id_prefix}-break", "width": 6, "height": 6, "patternUnits": "userSpaceOnUse"},
        [
            _tag("rect", {"width": 6, "height": 6, "fill": _WHITE}),
            _tag("circle", {"cx": 3, "cy": 3, "r": 1.2, "fill": _GREY}),
        ],
    )
    return _group("defs", {}, [hatch, dots])


def _bar(
    id_prefix: str,
    kind: str,
    x: float,
    y: float,
    width: float,
    height: float,
    css_class: str = "app-chart__bar",
) -> str:
    looks: dict[str, dict[str, object]] = {
        "done": {"fill": _BLUE},
        "partly": {"fill": f"url(#{id_prefix}-partly)", "stroke": _BLUE, "stroke-width": 1.5},
        "break": {
            "fill": f"url(#{id_prefix}-break)",
            "stroke": _GREY,
            "stroke-width": 1.5,
            "stroke-dasharray": "3 2",
        },
    }
    return _tag(
        "rect",
        {
            "class": f"{css_class} {css_class}--{kind}",
            "x": x,
            "y": y,
            "width": width,
            "height": height,
            **looks[kind],
        },
    )


def _day_labels(day: date, centre: float, baseline: float, index: int, count: int) -> list[str]:
    # A week fits a weekday and a date under every bar; longer runs label Mondays only.
    if count <= 7:
        return [
            _text(
                _WEEKDAYS[day.weekday()],
                centre,
                baseline + 15,
                "app-chart__date",
                size=11,
                fill=_SECONDARY,
            ),
            _text(
                _short_date(day), centre, baseline + 29, "app-chart__date", size=10, fill=_SECONDARY
            ),
        ]
    # The first day is labelled too, unless a Monday label follows within three days and
    # the two would overlap; labels at either edge are anchored inwards so none is clipped.
    if day.weekday() == 0 or (index == 0 and day.weekday() <= 3):
        anchor = "start" if index == 0 else "end" if index >= count - 2 else "middle"
        return [
            _text(
                _short_date(day),
                centre,
                baseline + 15,
                "app-chart__date",
                size=10,
                fill=_SECONDARY,
                anchor=anchor,
            )
        ]
    return []


def _axis(baseline: float) -> str:
    return _tag("line", {"class": "app-chart__axis", "x1": 8, "y1": baseline,
                         "x2": WIDTH - 8, "y2": baseline, "stroke": _GREY})


_LEGEND_WORDS = {"done": "Done", "partly": "Partly", "planned": "Planned", "break": "Break",
                 "not_today": "Not today"}


def _shown(seen: set[str], order: Sequence[str]) -> list[tuple[str, str]]:
    """The legend's entries, in this order, for the kinds of mark the chart has."""
    return [(key, _LEGEND_WORDS[key]) for key in order if key in seen]


def _legend(items: Sequence[tuple[str, str]], *, y: float, id_prefix: str = "") -> str:
    """A row of swatches with words, so no mark depends on colour to be understood."""
    pieces = []
    x = 8.0
    for key, words in items:
        pieces.append(_swatch(key, x, y, id_prefix))
        pieces.append(
            _text(words, x + 16, y + 4, "app-chart__legend-label", size=11, anchor="start")
        )
        x += 16 + len(words) * 6.5 + 14
    return _group("g", {"class": "app-chart__legend"}, pieces)


def _swatch(key: str, x: float, y: float, id_prefix: str) -> str:
    if key in ("done", "partly", "break"):
        return _bar(id_prefix, key, x, y - 5, 11, 11, "app-chart__swatch")
    if key == "not_today":
        return _tag(
            "circle",
            {
                "cx": x + 5.5,
                "cy": y,
                "r": 3.5,
                "fill": _WHITE,
                "stroke": _SECONDARY,
                "stroke-width": 1.5,
            },
        )
    if key in ("target", "planned"):
        colour = _GREEN if key == "target" else _TEXT
        return _tag(
            "line",
            {
                "x1": x,
                "y1": y,
                "x2": x + 12,
                "y2": y,
                "stroke": colour,
                "stroke-width": 2,
                "stroke-dasharray": "4 2",
            },
        )
    index = int(key.removeprefix("series-"))
    colour, _dash, shape = _SERIES_LOOKS[index % len(_SERIES_LOOKS)]
    return _marker(shape, x + 5.5, y, colour, "app-chart__legend-marker")
