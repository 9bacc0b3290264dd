"""Reminders: the devices a patient gets them on, when each action's reminders are due, and
a record of every occurrence sent to every device.

The unique constraints are what make "once per device" true when several workers run at
once: an occurrence exists once per (reminder, scheduled local date and time), and a
delivery once per (occurrence, device). Workers claim deliveries with a lease that expires,
so a worker that dies mid-batch leaves its rows to be taken again.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.careplans import Action
from webapp.models.people import Patient, User

# Real push services' endpoints are 150-400 characters; anything far longer is not one.
ENDPOINT_MAX_LENGTH = 1000
DEVICE_NAME_MAX_LENGTH = 60


class DeliveryState(enum.StrEnum):
    """Where one occurrence stands on one device."""

    PENDING = "pending"  # due (or soon), waiting for a worker
    RETRY = "retry"  # the push service asked us to come back at next_attempt_at
    SENT = "sent"  # the push service accepted it
    MISSED = "missed"  # too late to be useful (after downtime, or held back past its day)
    NOT_NEEDED = "not-needed"  # already logged for that day, paused, snoozed or retired
    FAILED = "failed"  # refused for good (400/401/403/413) or out of attempts

    @property
    def is_open(self) -> bool:
        return self in (DeliveryState.PENDING, DeliveryState.RETRY)


# The states a worker may still send from (DeliveryState.is_open), as SQL: the open
# deliveries index holds only these rows. A query names them literally, not as parameters,
# so that PostgreSQL can use the index in a prepared statement's generic plan too.
OPEN_DELIVERY = "state IN ('pending', 'retry')"


class PushSubscription(Base):
    """One browser on one device that receives a patient's reminders (a Web Push
    subscription: the push service's endpoint and the keys to encrypt for it)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    # The device's secret address at its push service; never logged or shown.
    endpoint: Mapped[str] = mapped_column(String(ENDPOINT_MAX_LENGTH), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(DEVICE_NAME_MAX_LENGTH))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    last_failure_status: Mapped[int | None] = mapped_column(SmallInteger)
    last_failure_reason: Mapped[str | None] = mapped_column(String(300))
    # Set when a push service refused a push for a reason retrying will not fix (400, 401,
    # 403, 413): practice admins see these. Cleared by the next success.
    rejected_at: Mapped[datetime | None] = mapped_column(index=True)

    user: Mapped[User] = relationship()
    patient: Mapped[Patient] = relationship()

    def as_webpush(self) -> dict:
        """The subscription in the form the browser's toJSON() gives and pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Reminder(Base):
    """When one care-plan action's reminders are due, as the patient chose, and the next
    occurrence the dispatcher will record (kept here so finding due work is one index scan)."""

    __tablename__ = "reminders"
    __table_args__ = (
        # Each occurrence the dispatcher takes rewrites the row, and with it every index
        # entry. PostgreSQL's deduplication kept compacting this index's runs of equal keys
        # (a patient's reminders, and their old versions) on every page it filled: a third
        # of the update's cost, measured, to save space on a table of one row per action.
        Index("ix_reminders_patient_id", "patient_id",
              postgresql_with={"deduplicate_items": "off"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), unique=True)
    # Day numbers as date.weekday() gives them (Monday is 0), and "HH:MM" clock times.
    days: Mapped[list[int]] = mapped_column(JSON)
    times: Mapped[list[str]] = mapped_column(JSON)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)
    paused: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[date | None]
    # Off by default: the lock screen says only "You have a reminder from your care plan".
    show_action_words: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None when paused indefinitely or the action was retired.
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    next_local_date: Mapped[date | None]
    next_local_time: Mapped[time | None] = mapped_column(Time)

    action: Mapped[Action] = relationship()
    patient: Mapped[Patient] = relationship()


class ReminderOccurrence(Base):
    """One reminder falling due: the scheduled local date and time it stands for.

    A snooze makes a new occurrence from the one snoozed (at most one each), which keeps
    the original's ``topic`` and ``entry_id``: its notification replaces the original's,
    and "Done" on either records the same progress entry.
    """

    __tablename__ = "reminder_occurrences"
    __table_args__ = (
        UniqueConstraint("reminder_id", "key"),
        # Only snoozed occurrences have one, so only they are indexed.
        Index("uq_reminder_occurrences_snoozed_from_id", "snoozed_from_id", unique=True,
              postgresql_where=text("snoozed_from_id IS NOT NULL"),
              sqlite_where=text("snoozed_from_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The opaque id in push payloads and snooze links; says nothing about the patient.
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    # schedule.occurrence_key(): "2026-03-29T08:30", with "+1", "+2"... for snoozes.
    key: Mapped[str] = mapped_column(String(24))
    local_date: Mapped[date]
    local_time: Mapped[time] = mapped_column(Time)
    due_at: Mapped[datetime]
    # RFC 8030 Topic and the notification's tag: a repeat replaces rather than adds.
    topic: Mapped[str] = mapped_column(String(32))
    # The progress entry id "Done" uses, so Done on two devices logs the day once.
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4)
    snoozed_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminder_occurrences.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reminder: Mapped[Reminder] = relationship()


class ReminderDelivery(Base):
    """One occurrence on one device: sent once, or recorded as why not."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "subscription_id"),
        # What workers scan for: open deliveries whose next attempt has come. Only open ones
        # are in it, so recording a push as sent leaves it rather than moving within it.
        Index("ix_reminder_deliveries_open", "next_attempt_at",
              postgresql_where=text(OPEN_DELIVERY), sqlite_where=text(OPEN_DELIVERY)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("reminder_occurrences.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    state: Mapped[DeliveryState] = mapped_column(
        Enum(DeliveryState, native_enum=False, length=12, validate_strings=True,
             values_callable=lambda e: [m.value for m in e]),
        default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    # When the missed window starts: the occurrence's due time, or the end of the quiet
    # hours it was held back to when they were found to apply at send time.
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    reason: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    occurrence: Mapped[ReminderOccurrence] = relationship()
    subscription: Mapped[PushSubscription] = relationship()
