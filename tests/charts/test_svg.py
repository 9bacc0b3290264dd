import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from markupsafe import Markup, escape

from webapp.charts.svg import (
    Point,
    Series,
    Target,
    format_number,
    progress_chart,
    progress_text,
    trend_chart,
    trend_text,
    uk_date,
    weekly_progress_chart,
    weekly_progress_text,
)
from webapp.tracking.adherence import (
    Entry,
    Frequency,
    SkipReason,
    Status,
    day_history,
    since_plan_summary,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & \"quotes\" 'too'"
MON = date(2025, 11, 3)

HBA1C = Series(
    "HbA1c",
    [(date(2025, 11, 3), 58), (date(2025, 5, 1), 62), (date(2026, 5, 2), 55)],
    target=Target(high=53),
)
BLOOD_PRESSURE = [
    Series("Systolic", [(date(2025, 5, 1), 142), (date(2025, 11, 3), 138)], Target(high=140)),
    Series("Diastolic", [(date(2025, 5, 1), 88), (date(2025, 11, 3), 84)], Target(high=90)),
]
WALK_ENTRIES = [
    Entry(MON, Status.DONE, amount=20),
    Entry(MON + timedelta(days=1), Status.PARTLY, amount=10),
    Entry(MON + timedelta(days=2), Status.NOT_TODAY),
    Entry(MON + timedelta(days=3), Status.NOT_TODAY, reason=SkipReason.UNWELL),
    Entry(MON + timedelta(days=5), Status.DONE, amount=30),
]
WALK_DAYS = day_history(Frequency.daily(), WALK_ENTRIES, MON, MON + timedelta(days=6))


def parse(markup):
    # Parsing the module's own output, to prove it is well-formed XML.
    return ET.fromstring(str(markup))  # noqa: S314


def every_chart(prefix="chart"):
    weeks = since_plan_summary(
        Frequency.weekly(3), WALK_ENTRIES, MON - timedelta(days=14), MON + timedelta(days=6)
    ).weeks
    return {
        "trend": trend_chart("HbA1c", HBA1C, id_prefix=f"{prefix}-trend", unit="mmol/mol"),
        "two series": trend_chart("Blood pressure", BLOOD_PRESSURE, id_prefix=f"{prefix}-bp"),
        "one value": trend_chart("HbA1c", Series("HbA1c", [(MON, 62)]), id_prefix=f"{prefix}-one"),
        "band": trend_chart(
            "Glucose",
            Series("Glucose", [(MON, 6.5)], Target(low=4, high=7)),
            id_prefix=f"{prefix}-band",
        ),
        "empty trend": trend_chart("HbA1c", Series("HbA1c", []), id_prefix=f"{prefix}-empty"),
        "days": progress_chart("Walk", WALK_DAYS, id_prefix=f"{prefix}-days", unit="minutes"),
        "many days": progress_chart(
            "Walk",
            day_history(Frequency.daily(2), WALK_ENTRIES, MON - timedelta(days=27), MON),
            id_prefix=f"{prefix}-month",
        ),
        "empty days": progress_chart("Walk", [], id_prefix=f"{prefix}-nodays"),
        "weeks": weekly_progress_chart("Swim", weeks, id_prefix=f"{prefix}-weeks"),
        "empty weeks": weekly_progress_chart("Swim", [], id_prefix=f"{prefix}-noweeks"),
    }


CHART_NAMES = list(every_chart())


def cls(element):
    return element.get("class") or ""


def ids_in(root):
    return [el.get("id") for el in root.iter() if el.get("id")]


# --- structure common to every chart --------------------------------------------------------


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_is_well_formed_markup_safe_for_a_template(name):
    markup = every_chart()[name]
    assert isinstance(markup, Markup)
    assert escape(markup) == markup  # Jinja's autoescape leaves it alone
    root = parse(markup)
    assert root.tag == f"{SVG}svg"


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_is_an_image_labelled_by_its_own_title_and_description(name):
    root = parse(every_chart()[name])
    assert root.get("role") == "img"
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert title.text
    assert desc.text


@pytest.mark.parametrize("name", CHART_NAMES)
def test_no_chart_uses_inline_styles(name):
    markup = str(every_chart()[name])
    assert "style" not in markup.lower()
    root = parse(markup)
    assert all(el.tag != f"{SVG}style" and "style" not in el.attrib for el in root.iter())


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_scales_to_a_phone_width(name):
    root = parse(every_chart()[name])
    assert root.get("width") == "100%"
    x, y, width, height = (float(n) for n in root.get("viewBox").split())
    assert (x, y, width) == (0, 0, 320)
    assert 0 < height <= 240


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_class_name_is_in_the_app_chart_namespace(name):
    root = parse(every_chart()[name])
    classes = [c for el in root.iter() for c in cls(el).split()]
    assert classes
    assert all(c.startswith("app-chart") for c in classes)


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_reference_points_at_an_id_in_the_same_chart(name):
    root = parse(every_chart()[name])
    ids = set(ids_in(root))
    references = {
        ref
        for el in root.iter()
        for value in el.attrib.values()
        for ref in re.findall(r"url\(#([^)]+)\)", value)
    }
    references |= set(root.get("aria-labelledby").split())
    assert references <= ids


def test_two_charts_on_one_page_have_no_ids_in_common():
    charts = every_chart("first") | {
        f"again {name}": chart for name, chart in every_chart("second").items()
    }
    all_ids = [i for chart in charts.values() for i in ids_in(parse(chart))]
    assert len(all_ids) == len(set(all_ids))
    first = ids_in(parse(charts["days"]))
    assert first
    assert all(i.startswith("first-days-") for i in first)


@pytest.mark.parametrize("prefix", ["", "1chart", "a b", 'x" onload="alert(1)', "a<b"])
def test_an_id_prefix_that_is_not_a_plain_name_is_refused(prefix):
    with pytest.raises(ValueError, match="id_prefix"):
        trend_chart("HbA1c", HBA1C, id_prefix=prefix)
    with pytest.raises(ValueError, match="id_prefix"):
        progress_chart("Walk", WALK_DAYS, id_prefix=prefix)


# --- escaping -------------------------------------------------------------------------------


def test_hostile_text_in_a_trend_is_escaped_everywhere():
    series = [
        Series(HOSTILE, [(MON, 1)], Target(high=2, text=HOSTILE)),
        Series("Other", [(MON, 3)]),
    ]
    markup = trend_chart(HOSTILE, series, id_prefix="evil", unit=HOSTILE)
    assert "<script>" not in markup
    root = parse(markup)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert root[0].text == HOSTILE
    assert HOSTILE in root[1].text
    assert HOSTILE in {el.text for el in root.iter(f"{SVG}text")}


def test_hostile_text_in_a_progress_chart_is_escaped():
    for markup in (
        progress_chart(HOSTILE, WALK_DAYS, id_prefix="evil", unit=HOSTILE),
        weekly_progress_chart(HOSTILE, [], id_prefix="evil"),
    ):
        assert "<script>" not in markup
        root = parse(markup)
        assert root[0].text == HOSTILE
        assert not [el for el in root.iter() if el.tag.endswith("script")]


# --- result trends --------------------------------------------------------------------------


def test_trend_text_reads_the_results_in_date_order_with_the_target():
    assert trend_text("HbA1c", HBA1C) == (
        "HbA1c over the last 3 results: 62 on 1 May 2025, 58 on 3 Nov 2025, "
        "55 on 2 May 2026. Target: 53 or lower."
    )


def test_trend_chart_describes_itself_with_the_text_alternative():
    root = parse(trend_chart("HbA1c", HBA1C, id_prefix="hba1c", unit="mmol/mol"))
    assert root[0].text == "HbA1c"
    assert root[1].text == trend_text("HbA1c", HBA1C, unit="mmol/mol")
    assert root[1].text.startswith("HbA1c (mmol/mol) over the last 3 results: 62 on")


def test_trend_text_for_two_series_gives_each_its_values_and_target():
    assert trend_text("Blood pressure", BLOOD_PRESSURE, unit="mmHg") == (
        "Blood pressure (mmHg) over the last 2 results. "
        "Systolic: 142 on 1 May 2025, 138 on 3 Nov 2025. Target: 140 or lower. "
        "Diastolic: 88 on 1 May 2025, 84 on 3 Nov 2025. Target: 90 or lower."
    )


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (Target(high=53), "53 or lower"),
        (Target(low=60), "60 or higher"),
        (Target(low=4, high=7), "between 4 and 7"),
        (Target(high=139, text="below 140"), "below 140"),
    ],
)
def test_targets_are_described_in_words(target, words):
    assert target.describe() == words


def test_a_target_needs_a_bound_in_the_right_order():
    with pytest.raises(ValueError, match="needs"):
        Target()
    with pytest.raises(ValueError, match="above"):
        Target(low=8, high=4)


def test_one_result_is_readable_on_its_own():
    series = Series("HbA1c", [Point(MON, 62)])
    assert trend_text("HbA1c", series) == "HbA1c over one result so far: 62 on 3 Nov 2025."
    root = parse(trend_chart("HbA1c", series, id_prefix="one"))
    markers = [el for el in root.iter() if "app-chart__marker" in cls(el)]
    assert len(markers) == 1
    assert not list(root.iter(f"{SVG}polyline"))
    words = [el.text for el in root.iter(f"{SVG}text")]
    assert "62" in words
    assert "3 Nov 2025" in words


def test_no_results_gives_a_clear_empty_chart():
    root = parse(trend_chart("HbA1c", Series("HbA1c", []), id_prefix="none"))
    assert [el.text for el in root.iter(f"{SVG}text")] == ["No results yet"]
    assert root[1].text == "HbA1c: no results yet."
    assert "app-chart--empty" in root.get("class").split()


def test_higher_values_are_drawn_higher_and_later_dates_further_right():
    root = parse(trend_chart("HbA1c", HBA1C, id_prefix="order"))
    [line] = root.iter(f"{SVG}polyline")
    points = [tuple(float(n) for n in pair.split(",")) for pair in line.get("points").split()]
    xs, ys = zip(*points, strict=True)
    assert xs == tuple(sorted(xs))
    # 62, 58, 55 in date order: each lower on the page, which in SVG is a larger y.
    assert ys == tuple(sorted(ys))
    target_y = float(next(root.iter(f"{SVG}line")).get("y1"))
    assert all(y < target_y for y in ys)  # all above the target of 53


def test_a_target_range_is_drawn_as_a_band_between_its_bounds():
    series = Series("Glucose", [(MON, 6.5), (MON + timedelta(days=30), 9)], Target(low=4, high=7))
    root = parse(trend_chart("Glucose", series, id_prefix="band"))
    [band] = [el for el in root.iter(f"{SVG}rect") if "target-band" in cls(el)]
    bound_lines = [el for el in root.iter(f"{SVG}line") if "target-line" in cls(el)]
    ys = sorted(float(el.get("y1")) for el in bound_lines)
    assert float(band.get("y")) == pytest.approx(ys[0])
    assert float(band.get("y")) + float(band.get("height")) == pytest.approx(ys[1])


def test_two_series_differ_by_marker_shape_and_dash_not_colour_alone():
    root = parse(trend_chart("Blood pressure", BLOOD_PRESSURE, id_prefix="bp"))
    lines = list(root.iter(f"{SVG}polyline"))
    assert [el.get("stroke-dasharray") for el in lines] == [None, "6 3"]
    first, second = (
        {el.tag for el in root.iter() if f"series--{n}" in cls(el) and "marker" in cls(el)}
        for n in (1, 2)
    )
    assert first == {f"{SVG}circle"}
    assert second == {f"{SVG}rect"}
    legend_words = [el.text for el in root.iter(f"{SVG}text") if "legend" in cls(el)]
    assert legend_words == ["Target", "Systolic", "Diastolic"]


def test_values_and_dates_are_formatted_the_uk_way():
    assert uk_date(date(2025, 11, 3)) == "3 Nov 2025"
    assert uk_date(date(2026, 9, 21)) == "21 Sep 2026"
    assert format_number(62.0) == "62"
    assert format_number(Decimal("5.50")) == "5.5"
    assert format_number(10000) == "10,000"
    assert format_number(1.256) == "1.26"


# --- action progress ------------------------------------------------------------------------


def test_progress_text_reads_each_day_with_amounts_and_reasons():
    assert progress_text("Walk after lunch", WALK_DAYS, unit="minutes") == (
        "Walk after lunch, last 7 days: Mon 3 Nov 2025: done, 20 minutes. "
        "Tue 4 Nov 2025: partly, 10 minutes. Wed 5 Nov 2025: not today. "
        "Thu 6 Nov 2025: break (unwell). Fri 7 Nov 2025: no entry. "
        "Sat 8 Nov 2025: done, 30 minutes. Sun 9 Nov 2025: no entry."
    )


def test_progress_text_says_how_many_times_on_a_several_times_a_day_action():
    entries = [Entry(MON, Status.DONE), Entry(MON, Status.DONE), Entry(MON, "partly")]
    days = day_history(Frequency.daily(3), entries, MON, MON)
    assert progress_text("Check my feet", days) == (
        "Check my feet, last 1 day: Mon 3 Nov 2025: partly, done 2 times."
    )


def bars(root, kind):
    return [el for el in root.iter(f"{SVG}rect") if f"app-chart__bar--{kind}" in cls(el).split()]


def test_a_break_is_marked_by_pattern_outline_and_word_not_colour_alone():
    root = parse(progress_chart("Walk", WALK_DAYS, id_prefix="walk", unit="minutes"))
    legend = root.find(f"{SVG}g[@class='app-chart__legend']")
    legend_words = [el.text for el in legend.iter(f"{SVG}text")]
    assert legend_words == ["Done", "Partly", "Break", "Not today"]

    [done_day, *_] = bars(root, "done")
    [partly_day, *_] = bars(root, "partly")
    [break_day, *_] = bars(root, "break")
    assert done_day.get("fill").startswith("#")
    assert partly_day.get("fill") == "url(#walk-partly)"
    assert break_day.get("fill") == "url(#walk-break)"
    assert break_day.get("stroke-dasharray")
    assert root[1].text == progress_text("Walk", WALK_DAYS, unit="minutes")


def test_bars_for_a_measured_action_are_as_tall_as_the_amount():
    root = parse(progress_chart("Walk", WALK_DAYS, id_prefix="walk", unit="minutes"))
    heights = {
        kind: [float(el.get("height")) for el in bars(root, kind)] for kind in ("done", "partly")
    }
    # Done on 20 and 30 minutes, partly on 10: the bars keep those proportions.
    twenty, thirty = heights["done"][0], heights["done"][1]
    [ten] = heights["partly"][:1]
    # Coordinates are rounded to 0.1, hence the tolerance.
    assert thirty / twenty == pytest.approx(1.5, rel=0.01)
    assert twenty / ten == pytest.approx(2, rel=0.01)
    words = [el.text for el in root.iter(f"{SVG}text")]
    assert {"20", "10", "30", "Mon", "3 Nov"} <= set(words)


def test_bars_without_a_measure_show_partly_as_half_a_bar():
    entries = [Entry(MON, "done"), Entry(MON + timedelta(days=1), "partly")]
    days = day_history(Frequency.daily(), entries, MON, MON + timedelta(days=1))
    root = parse(progress_chart("Feet", days, id_prefix="feet"))
    [full] = bars(root, "done")
    [half] = bars(root, "partly")
    assert float(half.get("height")) == pytest.approx(float(full.get("height")) / 2)


def test_a_month_of_days_labels_only_mondays_and_the_first_day():
    start = date(2025, 10, 7)  # a Tuesday
    days = day_history(Frequency.daily(), [], start, start + timedelta(days=27))
    root = parse(progress_chart("Walk", days, id_prefix="month"))
    dates = [el.text for el in root.iter(f"{SVG}text") if "app-chart__date" in cls(el)]
    assert dates == ["7 Oct", "13 Oct", "20 Oct", "27 Oct", "3 Nov"]


def test_no_days_gives_a_clear_empty_chart():
    root = parse(progress_chart("Walk", [], id_prefix="nothing"))
    assert [el.text for el in root.iter(f"{SVG}text")] == ["Nothing logged yet"]
    assert root[1].text == "Walk: nothing logged yet."


def test_weekly_progress_marks_the_plan_and_reads_each_week():
    entries = [
        *WALK_ENTRIES,
        *(Entry(MON - timedelta(days=7 - i), "not_today", reason="away") for i in range(7)),
    ]
    weeks = since_plan_summary(
        Frequency.weekly(3), entries, MON - timedelta(days=14), MON + timedelta(days=3)
    ).weeks
    assert weekly_progress_text("Swim", weeks) == (
        "Swim, last 3 weeks: Week starting 20 Oct 2025: 0 of 3 times. "
        "Week starting 27 Oct 2025: 0 of 0 times, a break on 7 days. "
        "Week starting 3 Nov 2025: 2 of 3 times so far, 1 of them partly, a break on 1 day."
    )
    root = parse(weekly_progress_chart("Swim", weeks, id_prefix="swim"))
    plan_marks = [el for el in root.iter(f"{SVG}line") if "target-line" in cls(el)]
    assert len(plan_marks) == 2  # the week away had nothing planned
    assert len(bars(root, "break")) == 1
    assert {"0 of 3", "0 of 0", "2 of 3"} <= {el.text for el in root.iter(f"{SVG}text")}
