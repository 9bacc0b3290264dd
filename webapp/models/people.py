"""Practices (the tenants), the people who use the service, and how they get in."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow


class Role(enum.StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"
    HEALTHCARE_ASSISTANT = "healthcare-assistant"
    PRACTICE_ADMIN = "practice-admin"

    @property
    def label(self) -> str:
        return {
            Role.PATIENT: "Patient",
            Role.CLINICIAN: "Clinician",
            Role.HEALTHCARE_ASSISTANT: "Healthcare assistant",
            Role.PRACTICE_ADMIN: "Practice admin",
        }[self]

    @property
    def is_staff(self) -> bool:
        return self is not Role.PATIENT


def role_column() -> Mapped[Role]:
    return mapped_column(
        Enum(Role, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e],
             validate_strings=True)
    )


class Practice(Base):
    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # ODS code: the NHS organisation code of a GP practice, e.g. "A81001".
    ods_code: Mapped[str | None] = mapped_column(String(10))
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What closing a patient's account does to their information: 0 removes it all at once;
    # N keeps the clinical part (results, agendas, plans, progress) for N years, then removes
    # it. The account itself (sign-in, devices, contact details) always goes at once.
    closure_retention_years: Mapped[int] = mapped_column(default=0)


class Patient(Base):
    """The practice's record of a person; their sign-in lives on the linked User."""

    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("practice_id", "nhs_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    nhs_number: Mapped[str] = mapped_column(String(10))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # None only once the record has been removed at the patient's request (see data_rights).
    date_of_birth: Mapped[date | None]
    email: Mapped[str] = mapped_column(String(254))
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the patient's information was removed after they closed their account: the
    # row stays, emptied, only so the audit trail still points at something.
    removed_at: Mapped[datetime | None]

    practice: Mapped[Practice] = relationship()
    user: Mapped[User | None] = relationship(back_populates="patient")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_spaced(self) -> str:
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}"


class User(Base):
    """Anyone who signs in. A user with no password has been invited and not yet activated."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = role_column()
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    last_signed_in_at: Mapped[datetime | None]
    # Wrong passwords or codes since the person last signed in, told to them when they next do.
    failed_sign_ins_since_last_visit: Mapped[int] = mapped_column(default=0)

    practice: Mapped[Practice] = relationship()
    patient: Mapped[Patient | None] = relationship(back_populates="user")

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.password_hash is not None and not self.is_disabled

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff


class ActivationCode(Base):
    """A one-time code that lets an invited person set their password."""

    __tablename__ = "activation_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # A newer code for the same person retires the older ones.
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class UserSession(Base):
    """A signed-in browser. The cookie carries a random token; only its hash is stored,
    so a copy of the database cannot be replayed as a session."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(40))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # Set while the person has given their password but not yet the second step ("code":
    # a code from their authenticator app; "set-up": setting the app up). Such a session
    # signs nobody in: it only lets its browser finish signing in.
    awaiting: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()
