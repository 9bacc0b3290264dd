"""Finding patients, always within what the signed-in user may see."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from webapp.access import visible_patients
from webapp.accounts import nhs_number
from webapp.extensions import db
from webapp.models import Patient

PAGE_SIZE = 50


def search_patients(query: str | None, page: int = 1) -> tuple[list[Patient], int]:
    """Patients matching a name or NHS number, and the total count."""
    stmt = visible_patients()
    if query:
        digits = nhs_number.normalise(query)
        if digits.isdigit():
            stmt = stmt.where(Patient.nhs_number.startswith(digits))
        else:
            for word in query.split():
                # Escape LIKE wildcards so a search for "%" matches a percent sign only.
                pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%") \
                    .replace("_", "\\_").lower() + "%"
                stmt = stmt.where(or_(
                    func.lower(Patient.given_name).like(pattern, escape="\\"),
                    func.lower(Patient.family_name).like(pattern, escape="\\"),
                ))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(Patient.family_name, Patient.given_name, Patient.id)
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return list(rows), total or 0
