"""All models, imported here so Alembic and `db.create_all()` see every table."""

from webapp.models.audit import AuditEvent
from webapp.models.base import Base, utcnow
from webapp.models.data_rights import AccountClosure
from webapp.models.people import ActivationCode, Patient, Practice, Role, User, UserSession
from webapp.models.reviews import Review, ReviewState
from webapp.models.security import Authenticator, RecoveryCode, SignInThrottle

__all__ = [
    "AccountClosure",
    "ActivationCode",
    "AuditEvent",
    "Authenticator",
    "Base",
    "Patient",
    "Practice",
    "RecoveryCode",
    "Review",
    "ReviewState",
    "Role",
    "SignInThrottle",
    "User",
    "UserSession",
    "utcnow",
]
