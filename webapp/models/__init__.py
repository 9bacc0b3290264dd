"""All models, imported here so Alembic and `db.create_all()` see every table."""

from webapp.models.agendas import (
    Agenda,
    AgendaEntry,
    AgendaPriority,
    AgendaPrompt,
    AgendaResult,
    PreparationNote,
    PromptSection,
)
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
from webapp.models.reminders import (
    DeliveryState,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderOccurrence,
)
from webapp.models.results import (
    ClinicalProfile,
    PersonalTarget,
    PracticeTarget,
    Result,
    ResultImport,
    ResultSource,
    ResultType,
)
from webapp.models.reviews import Review, ReviewState
from webapp.models.security import Authenticator, RecoveryCode, SignInThrottle

__all__ = [
    "AccountClosure",
    "Action",
    "ActivationCode",
    "Agenda",
    "AgendaEntry",
    "AgendaPriority",
    "AgendaPrompt",
    "AgendaResult",
    "AuditEvent",
    "Authenticator",
    "Base",
    "CarePlan",
    "CarePlanRevision",
    "CarePlanSupport",
    "CheckIn",
    "CheckInAnswer",
    "ClinicalProfile",
    "DeliveryState",
    "Goal",
    "HowItIsGoing",
    "Patient",
    "Per",
    "PersonalTarget",
    "Practice",
    "PracticeTarget",
    "PreparationNote",
    "ProgressEntry",
    "ProgressStatus",
    "PromptSection",
    "PushSubscription",
    "RecoveryCode",
    "Reminder",
    "ReminderDelivery",
    "ReminderOccurrence",
    "Result",
    "ResultImport",
    "ResultSource",
    "ResultType",
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
