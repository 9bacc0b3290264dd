"""A patient's request to close their account, and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Patient, User


class AccountClosure(Base):
    __tablename__ = "account_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a practice admin completes the request: the account is removed then.
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The clinical record is kept until then (the practice's retention setting at the time);
    # None when everything went at once. Patient.removed_at says when it has gone.
    keep_clinical_until: Mapped[datetime | None]

    patient: Mapped[Patient] = relationship()
    completed_by: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.completed_at is None
