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
from webapp.models.data_rights import AccountClosure
from webapp.models.people import ActivationCode, Patient, Practice, Role, User, UserSession
from webapp.models.reviews import Review, ReviewState
from webapp.models.security import Authenticator, RecoveryCode, SignInThrottle

__all__ = [
    "AccountClosure",
    "Action",
    "ActivationCode",
    "AuditEvent",
    "Authenticator",
    "Base",
    "CarePlan",
    "CarePlanRevision",
    "CarePlanSupport",
    "CheckIn",
    "CheckInAnswer",
    "Goal",
    "HowItIsGoing",
    "Patient",
    "Per",
    "Practice",
    "ProgressEntry",
    "ProgressStatus",
    "RecoveryCode",
    "Review",
    "ReviewState",
    "Role",
    "SignInThrottle",
    "SkipReason",
    "SupportService",
    "User",
    "UserSession",
    "utcnow",
]
