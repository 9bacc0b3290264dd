"""The audit trail: who looked at or changed a patient's information.

Append-only: the app has no update or delete path for these rows, and database triggers
refuse UPDATE and DELETE on the table whatever tries them (the same statements are in
migration 0006, which builds real databases; `db.create_all()` adds them for the tests).
When a patient's account is closed their patient row becomes a tombstone in place, so the
trail keeps pointing at it without a row here ever changing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, String, event
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


APPEND_ONLY_MESSAGE = "audit events are append-only"
APPEND_ONLY_TRIGGERS: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER audit_events_refuse_update BEFORE UPDATE ON audit_events "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
        "CREATE TRIGGER audit_events_refuse_delete BEFORE DELETE ON audit_events "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()",
    ),
}

for _dialect, _statements in APPEND_ONLY_TRIGGERS.items():
    for _statement in _statements:
        event.listen(AuditEvent.__table__, "after_create",
                     DDL(_statement).execute_if(dialect=_dialect))
