"""Reading the audit trail: a patient's view of who looked, and the practice admin's search.

Both are scoped here, not in the views: a patient sees only events about themselves, an
admin only their own practice's events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from webapp.accounts import nhs_number
from webapp.extensions import db
from webapp.models import AuditEvent, Patient, Role, User

PAGE_SIZE = 25


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.last

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _page(stmt: Select, number: int) -> Page:
    number = max(1, min(number, 10_000))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    events = db.session.scalars(
        stmt.options(selectinload(AuditEvent.actor), selectinload(AuditEvent.patient))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    ).all()
    return Page(list(events), total, number)


def access_to(patient: Patient, page: int = 1) -> Page:
    """What practice staff did with this patient's information, newest first."""
    return _page(select(AuditEvent).where(AuditEvent.patient_id == patient.id,
                                          AuditEvent.actor_role != Role.PATIENT), page)


@dataclass(frozen=True)
class Search:
    patient: str | None = None  # an NHS number (or its start) or words of a name
    staff_id: int | None = None
    from_date: date | None = None  # inclusive, in the practice's time zone
    to_date: date | None = None  # inclusive


def _like(word: str) -> str:
    # Escape LIKE wildcards so a search for "%" matches a percent sign only.
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower() + "%"


def _patients_matching(practice_id: int, text: str) -> Select:
    stmt = select(Patient.id).where(Patient.practice_id == practice_id)
    digits = nhs_number.normalise(text)
    if digits.isdigit():
        return stmt.where(Patient.nhs_number.startswith(digits))
    for word in text.split():
        stmt = stmt.where(or_(func.lower(Patient.given_name).like(_like(word), escape="\\"),
                              func.lower(Patient.family_name).like(_like(word), escape="\\")))
    return stmt


def search(practice_id: int, zone: str, criteria: Search, page: int = 1) -> Page:
    stmt = select(AuditEvent).where(AuditEvent.practice_id == practice_id)
    if criteria.patient:
        stmt = stmt.where(AuditEvent.patient_id.in_(
            _patients_matching(practice_id, criteria.patient)))
    if criteria.staff_id:
        stmt = stmt.where(AuditEvent.actor_id == criteria.staff_id)
    tz = ZoneInfo(zone)
    if criteria.from_date:
        stmt = stmt.where(AuditEvent.occurred_at >= datetime.combine(criteria.from_date, time(),
                                                                     tz))
    if criteria.to_date:
        next_day = datetime.combine(criteria.to_date + timedelta(days=1), time(), tz)
        stmt = stmt.where(AuditEvent.occurred_at < next_day)
    return _page(stmt, page)


def single_patient(practice_id: int, text: str | None) -> Patient | None:
    """The one patient a search names, if it names exactly one (for auditing the search)."""
    if not text:
        return None
    found = db.session.scalars(select(Patient).where(
        Patient.id.in_(_patients_matching(practice_id, text))).limit(2)).all()
    return found[0] if len(found) == 1 else None


def staff_choices(practice_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.practice_id == practice_id, User.role != Role.PATIENT).order_by(User.name)))
