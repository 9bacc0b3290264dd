"""The audit trail: who looked at or changed a patient's information.

Append-only: the app has no update or delete path for these rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Patient, Role, User, role_column


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_role: Mapped[Role] = role_column()
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    # e.g. "viewed", "changed", "created", "shared"
    action: Mapped[str] = mapped_column(String(40))
    # What was touched, in the domain's words: "patient record", "results", "agenda"...
    subject: Mapped[str] = mapped_column(String(80))
    subject_id: Mapped[int | None]
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()
    patient: Mapped[Patient | None] = relationship()
