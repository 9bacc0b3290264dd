"""All models, imported here so Alembic and `db.create_all()` see every table."""

from webapp.models.audit import AuditEvent
from webapp.models.base import Base, utcnow
from webapp.models.people import ActivationCode, Patient, Practice, Role, User, UserSession
from webapp.models.reviews import Review, ReviewState

__all__ = [
    "ActivationCode",
    "AuditEvent",
    "Base",
    "Patient",
    "Practice",
    "Review",
    "ReviewState",
    "Role",
    "User",
    "UserSession",
    "utcnow",
]
