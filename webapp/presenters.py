"""Display logic for templates: dates in words, device names, navigation.

Templates stay dumb; anything that decides how a value reads lives here.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from webapp import navigation

DEFAULT_ZONE = "Europe/London"


def viewer_zone() -> ZoneInfo:
    """Times are shown in the patient's own zone; staff see their practice's."""
    zone = DEFAULT_ZONE
    if current_user.is_authenticated:
        if current_user.patient is not None:
            zone = current_user.patient.time_zone
        else:
            zone = current_user.practice.time_zone
    return ZoneInfo(zone)


def uk_date(value: date | datetime | None, *, with_weekday: bool = False) -> str:
    """'3 November 2025' (the NHS.UK style: no leading zero, month in full)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(viewer_zone()).date()
    text = f"{value.day} {value:%B %Y}"
    return f"{value:%A} {text}" if with_weekday else text


def uk_time(value: datetime) -> str:
    """'8:30am', '12 noon' and '12 midnight' as the NHS.UK style guide writes times."""
    local = value.astimezone(viewer_zone())
    if local.hour == 12 and local.minute == 0:
        return "12 noon"
    if local.hour == 0 and local.minute == 0:
        return "12 midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local.minute:02d}{suffix}" if local.minute else f"{hour}{suffix}"


def when(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{uk_date(value)} at {uk_time(value)}"


def device_name(user_agent: str | None) -> str:
    """A rough, human name for a browser, enough to recognise one's own devices."""
    agent = user_agent or ""
    browser = next((name for key, name in (
        ("Edg/", "Edge"), ("Firefox/", "Firefox"), ("SamsungBrowser", "Samsung Internet"),
        ("Chrome/", "Chrome"), ("Safari/", "Safari")) if key in agent), "A browser")
    system = next((name for key, name in (
        ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
        ("Mac OS X", "Mac"), ("CrOS", "Chromebook"), ("Linux", "Linux")) if key in agent), None)
    return f"{browser} on {system}" if system else browser


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    menu = navigation.items_for(current_user.role, current_app.view_functions)
    for item in menu:
        blueprint = item.endpoint.split(".")[0]
        # A page inside an area marks the area's menu entry, unless the area has several
        # entries (a patient's results and agenda): then no single one is right.
        alone = sum(1 for other in menu if other.endpoint.split(".")[0] == blueprint) == 1
        items.append({
            "href": url_for(item.endpoint),
            "text": item.label,
            "current": request.endpoint == item.endpoint,
            "active": alone and request.blueprint == blueprint
            and request.endpoint != item.endpoint,
        })
    return items


def register(app: Flask) -> None:
    from webapp.tracking import presenters as tracking

    app.jinja_env.filters.update(uk_date=uk_date, uk_time=uk_time, when=when,
                                 device_name=device_name)
    app.jinja_env.globals.update(navigation_items=navigation_items)
    tracking.register(app)
