"""A review: one care-planning cycle for one patient.

Information gathering (tests with a healthcare assistant), preparation (results and agenda
prompts shared with the patient, who writes their agenda), then the care and support
planning conversation with a clinician, which produces a care plan.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Patient, User


class ReviewState(enum.StrEnum):
    GATHERING = "gathering"
    SHARED = "shared"
    AGENDA_SUBMITTED = "agenda-submitted"
    CONVERSATION_DONE = "conversation-done"

    @property
    def label(self) -> str:
        return {
            ReviewState.GATHERING: "Results being gathered",
            ReviewState.SHARED: "Shared with patient",
            ReviewState.AGENDA_SUBMITTED: "Agenda submitted",
            ReviewState.CONVERSATION_DONE: "Conversation done",
        }[self]


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The information-gathering appointment and the conversation, as instants (UTC).
    gathering_at: Mapped[datetime | None]
    conversation_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The state is read from these moments, so it can never disagree with them.
    shared_at: Mapped[datetime | None]
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agenda_submitted_at: Mapped[datetime | None]
    conversation_done_at: Mapped[datetime | None]

    patient: Mapped[Patient] = relationship()
    clinician: Mapped[User | None] = relationship(foreign_keys=[clinician_id])
    shared_by: Mapped[User | None] = relationship(foreign_keys=[shared_by_id])

    @hybrid_property
    def state(self) -> ReviewState:
        if self.conversation_done_at is not None:
            return ReviewState.CONVERSATION_DONE
        if self.agenda_submitted_at is not None:
            return ReviewState.AGENDA_SUBMITTED
        if self.shared_at is not None:
            return ReviewState.SHARED
        return ReviewState.GATHERING

    @state.inplace.expression
    @classmethod
    def _state_expression(cls):
        return case(
            (cls.conversation_done_at.is_not(None), ReviewState.CONVERSATION_DONE.value),
            (cls.agenda_submitted_at.is_not(None), ReviewState.AGENDA_SUBMITTED.value),
            (cls.shared_at.is_not(None), ReviewState.SHARED.value),
            else_=ReviewState.GATHERING.value,
        )

    def agenda_editable(self, now: datetime | None = None) -> bool:
        """The patient may change their agenda until the conversation starts."""
        now = now or utcnow()
        if self.conversation_done_at is not None:
            return False
        return self.conversation_at is None or now < self.conversation_at
