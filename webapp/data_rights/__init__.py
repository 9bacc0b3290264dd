"""Data rights: a patient's copy of all their information, and closing their account.

Every domain that stores something about a patient plugs into the two registries here, so
the download stays complete and closing an account leaves nothing behind.

**Export.** Register a function that returns the domain's part of the download, as
JSON-ready values (use `jsonable` for dates, times and enums), under a section name:

    from webapp.data_rights import exporter

    @exporter("results")
    def export_results(patient): return [jsonable(row_dict) for row_dict in ...]

Include every row about the patient, with its id: tests/data_rights checks that every row
in any table with a patient_id (or a user_id of the patient's account) appears.

**Removal.** Register a function that deletes the domain's rows about the patient, as part
of the ACCOUNT (sign-in, devices, reminders: removed as soon as the practice completes the
request) or the CLINICAL record (results, agendas, plans, progress: removed at once, or
after the practice's retention period):

    from webapp.data_rights import CLINICAL, eraser

    @eraser(CLINICAL)
    def erase_results(patient): db.session.execute(delete(Result).where(...))

Erasers flush but do not commit. Rows that other domains' rows point at (reviews) are
removed by an eraser marked `last=True`. Never touch audit_events: the trail is kept, and
it goes on pointing at the patient row, which is emptied in place rather than deleted.

Register from a module that is imported when the app is built (the domain's routes.py, or a
module it imports), as webapp/data_rights/foundation.py does for the foundation's data.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from webapp.models import Patient

ACCOUNT = "account"
CLINICAL = "clinical"

Exporter = Callable[[Patient], Any]
Eraser = Callable[[Patient], None]


@dataclass(frozen=True)
class RegisteredEraser:
    kind: str
    function: Eraser
    last: bool


EXPORTERS: dict[str, Exporter] = {}
ERASERS: list[RegisteredEraser] = []


def exporter(section: str) -> Callable[[Exporter], Exporter]:
    def register(function: Exporter) -> Exporter:
        existing = EXPORTERS.get(section)
        if existing is not None and existing.__qualname__ != function.__qualname__:
            raise ValueError(f"two exporters for the section {section!r}")
        EXPORTERS[section] = function
        return function

    return register


def eraser(kind: str, *, last: bool = False) -> Callable[[Eraser], Eraser]:
    if kind not in (ACCOUNT, CLINICAL):
        raise ValueError("an eraser removes part of the ACCOUNT or the CLINICAL record")

    def register(function: Eraser) -> Eraser:
        if not any(e.function.__qualname__ == function.__qualname__
                   and e.function.__module__ == function.__module__ for e in ERASERS):
            ERASERS.append(RegisteredEraser(kind, function, last))
        return function

    return register


def erasers(kind: str) -> list[Eraser]:
    chosen = [e for e in ERASERS if e.kind == kind]
    return [e.function for e in sorted(chosen, key=lambda e: e.last)]


def patient_rows(model, patient: Patient):
    """Every row of `model` about the patient, oldest first, for an export section."""
    from sqlalchemy import select

    from webapp.extensions import db

    return db.session.scalars(select(model).where(model.patient_id == patient.id)
                              .order_by(model.id))


def jsonable(value: Any) -> Any:
    """Dates and times as ISO 8601 (instants in UTC), enums as their values, decimal
    amounts as numbers and ids as text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value
