"""Care plans: goals in the patient's words, the actions that serve them, and the support
agreed; and the progress the patient logs against each action afterwards.

Goals and actions keep their identity when a plan is revised, so a patient's progress
history carries on through a change of wording. Each save also keeps a revision: a
snapshot of the whole plan, from which the editor shows what another person changed.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Numeric, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Patient, User

# The progress vocabulary is the adherence rules' own, so the two cannot drift apart.
from webapp.tracking.adherence import Per, SkipReason
from webapp.tracking.adherence import Status as ProgressStatus


def _enum(kind: type[enum.Enum], length: int = 20):
    return Enum(kind, native_enum=False, length=length,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


class SupportService(Base):
    """An entry in the practice's directory of support and services ("more than medicine")."""

    __tablename__ = "support_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    is_active: Mapped[bool] = mapped_column(default=True)


class CarePlan(Base):
    __tablename__ = "care_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), unique=True)
    # Bumped by every save; an editor that started from an older version is told.
    version: Mapped[int] = mapped_column(default=0)
    agreed_on: Mapped[date | None]
    review_on: Mapped[date | None]
    check_in_after_days: Mapped[int] = mapped_column(default=14)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    patient: Mapped[Patient] = relationship()
    updated_by: Mapped[User | None] = relationship()
    goals: Mapped[list[Goal]] = relationship(
        order_by="Goal.position",
        primaryjoin="and_(Goal.care_plan_id == CarePlan.id, Goal.retired_at.is_(None))",
        viewonly=True)
    support: Mapped[list[CarePlanSupport]] = relationship(
        back_populates="care_plan", cascade="all, delete-orphan")
    revisions: Mapped[list[CarePlanRevision]] = relationship(
        back_populates="care_plan", order_by="CarePlanRevision.number")


class CarePlanRevision(Base):
    __tablename__ = "care_plan_revisions"
    __table_args__ = (UniqueConstraint("care_plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    number: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    care_plan: Mapped[CarePlan] = relationship(back_populates="revisions")
    saved_by: Mapped[User | None] = relationship()


class CarePlanSupport(Base):
    __tablename__ = "care_plan_support"
    __table_args__ = (UniqueConstraint("care_plan_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("support_services.id"))

    care_plan: Mapped[CarePlan] = relationship(back_populates="support")
    service: Mapped[SupportService] = relationship()


class Goal(Base):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # In the patient's own words.
    text: Mapped[str] = mapped_column(String(500))
    retired_at: Mapped[datetime | None]

    care_plan: Mapped[CarePlan] = relationship()
    actions: Mapped[list[Action]] = relationship(
        order_by="Action.position",
        primaryjoin="and_(Action.goal_id == Goal.id, Action.retired_at.is_(None))",
        viewonly=True)


class Action(Base):
    """A specific step: what, where, when, how often, and how sure the patient feels."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id"), index=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    what: Mapped[str] = mapped_column(String(300))
    where: Mapped[str] = mapped_column(String(200), default="")
    when: Mapped[str] = mapped_column(String(200), default="")
    times: Mapped[int] = mapped_column(default=1)
    per: Mapped[Per] = mapped_column(_enum(Per), default=Per.DAY)
    # Optional measure: e.g. 20 "minutes", 5000 "steps".
    measure_unit: Mapped[str | None] = mapped_column(String(40))
    measure_target: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    confidence: Mapped[int] = mapped_column(default=7)
    barriers: Mapped[str] = mapped_column(Text, default="")
    helps: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    goal: Mapped[Goal] = relationship()


class ProgressEntry(Base):
    """One thing the patient logged for an action on a day of their own calendar.

    `client_id` is made on the device, so a replayed or double-tapped entry is stored once;
    `body_hash` tells a genuine replay from a different entry reusing the same id.
    """

    __tablename__ = "progress_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    local_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[ProgressStatus] = mapped_column(_enum(ProgressStatus))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    note: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[SkipReason | None] = mapped_column(_enum(SkipReason))
    # "web", "offline" (replayed from the device's queue) or "notification".
    source: Mapped[str] = mapped_column(String(20), default="web")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Deleted entries keep their row so a late replay of the same id is not re-created.
    deleted_at: Mapped[datetime | None]

    action: Mapped[Action] = relationship()


class CheckIn(Base):
    """The short check-in a patient is asked some days after the plan is agreed."""

    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    wants_change: Mapped[bool] = mapped_column(default=False)
    change_request: Mapped[str] = mapped_column(Text, default="")
    # Cleared when a clinician has dealt with the request.
    change_handled_at: Mapped[datetime | None]

    answers: Mapped[list[CheckInAnswer]] = relationship(
        back_populates="check_in", cascade="all, delete-orphan")
    patient: Mapped[Patient] = relationship()


class HowItIsGoing(enum.StrEnum):
    WELL = "well"
    OK = "ok"
    HARD = "hard"

    @property
    def label(self) -> str:
        return {"well": "Going well", "ok": "Going OK", "hard": "Finding it hard"}[self.value]


class CheckInAnswer(Base):
    __tablename__ = "check_in_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(ForeignKey("check_ins.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    going: Mapped[HowItIsGoing] = mapped_column(_enum(HowItIsGoing))
    confidence: Mapped[int]

    check_in: Mapped[CheckIn] = relationship(back_populates="answers")
    action: Mapped[Action] = relationship()
