"""All models, imported here so Alembic and `db.create_all()` see every table."""

from webapp.models.audit import AuditEvent
from webapp.models.base import Base, utcnow
from webapp.models.careplans import (
    Action,
    CarePlan,
    CarePlanRevision,
    CarePlanSupport,
    CheckIn,
    CheckInAnswer,
    Goal,
    HowItIsGoing,
    Per,
    ProgressEntry,
    ProgressStatus,
    SkipReason,
    SupportService,
)
from webapp.models.people import ActivationCode, Patient, Practice, Role, User, UserSession
from webapp.models.reminders import (
    DeliveryState,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderOccurrence,
)
from webapp.models.reviews import Review, ReviewState

__all__ = [
    "Action",
    "ActivationCode",
    "AuditEvent",
    "Base",
    "CarePlan",
    "CarePlanRevision",
    "CarePlanSupport",
    "CheckIn",
    "CheckInAnswer",
    "DeliveryState",
    "Goal",
    "HowItIsGoing",
    "Patient",
    "Per",
    "Practice",
    "ProgressEntry",
    "ProgressStatus",
    "PushSubscription",
    "Reminder",
    "ReminderDelivery",
    "ReminderOccurrence",
    "Review",
    "ReviewState",
    "Role",
    "SkipReason",
    "SupportService",
    "User",
    "UserSession",
    "utcnow",
]
