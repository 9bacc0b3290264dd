"""All models, imported here so Alembic and `db.create_all()` see every table."""

from webapp.models.audit import AuditEvent
from webapp.models.base import Base, utcnow
from webapp.models.people import ActivationCode, Patient, Practice, Role, User, UserSession

__all__ = [
    "ActivationCode",
    "AuditEvent",
    "Base",
    "Patient",
    "Practice",
    "Role",
    "User",
    "UserSession",
    "utcnow",
]
