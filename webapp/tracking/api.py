"""The JSON shape of a progress entry, checked field by field before anything is stored.

Devices send entries from the offline queue and from notification buttons; the answer to a
bad one names the field, so the device can say what was wrong and keep the rest.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from webapp.models import ProgressStatus, SkipReason
from webapp.tracking.service import EntryData, EntryRefused

FIELDS = {"id", "action_id", "local_date", "status", "amount", "note", "reason", "source"}
SOURCES = {"web", "offline", "notification"}
MAX_NOTE = 500
MAX_AMOUNT = Decimal("100000")


def parse_entry(payload: Any) -> tuple[EntryData, str]:
    """The entry and where it came from, or EntryRefused naming the first wrong field."""
    if not isinstance(payload, dict):
        raise EntryRefused("Send the entry as a JSON object", None)
    unknown = sorted(set(payload) - FIELDS)
    if unknown:
        raise EntryRefused(f"Unknown field: {unknown[0][:40]}", unknown[0][:40])
    data = EntryData(
        id=_uuid(payload.get("id")),
        action_id=_action_id(payload.get("action_id")),
        local_date=_date(payload.get("local_date")),
        status=_choice(payload.get("status"), ProgressStatus, "status",
                       "Status must be done, partly or not_today"),
        amount=_amount(payload.get("amount")),
        note=_note(payload.get("note", "")),
        reason=None if payload.get("reason") is None else _choice(
            payload.get("reason"), SkipReason, "reason",
            "Reason must be unwell, away or other"),
    )
    source = payload.get("source", "web")
    if source not in SOURCES:
        raise EntryRefused("Source must be web, offline or notification", "source")
    return data, source


def _uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str) or len(value) > 40:
        raise EntryRefused("Id must be a UUID made on the device", "id")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise EntryRefused("Id must be a UUID made on the device", "id") from None


def _action_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise EntryRefused("Action id must be a whole number", "action_id")
    return value


def _date(value: Any) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise EntryRefused("Date must be a date like 2026-03-29", "local_date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EntryRefused("Date must be a real date like 2026-03-29", "local_date") from None


def _choice(value: Any, kind, field: str, message: str):
    try:
        return kind(value)
    except ValueError:
        raise EntryRefused(message, field) from None


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EntryRefused("Amount must be a number", "amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise EntryRefused("Amount must be a number", "amount") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise EntryRefused("Amount must be between 0 and 100,000", "amount")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _note(value: Any) -> str:
    if not isinstance(value, str):
        raise EntryRefused("Note must be text", "note")
    value = value.strip()
    if len(value) > MAX_NOTE:
        raise EntryRefused(f"Note must be {MAX_NOTE} characters or fewer", "note")
    return value


def entry_json(entry) -> dict[str, Any]:
    return {
        "id": str(entry.client_id),
        "action_id": entry.action_id,
        "local_date": entry.local_date.isoformat(),
        "status": entry.status.value,
        "amount": None if entry.amount is None else float(entry.amount),
        "note": entry.note,
        "reason": entry.reason.value if entry.reason else None,
        "deleted": entry.deleted_at is not None,
    }
