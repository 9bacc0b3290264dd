"""Sign-in defences: failure tracking, authenticator apps and recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User


class SignInThrottle(Base):
    """Recent failed attempts to sign in with one email address.

    Keyed by a keyed hash of the address, not the address or the user, so an email that has
    no account is tracked (and locked) exactly like one that has, and the table says nothing
    about who has an account. Rows are forgotten after a day without failures.
    """

    __tablename__ = "sign_in_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    locked_until: Mapped[datetime | None]


class Authenticator(Base):
    """A person's authenticator app (TOTP, RFC 6238). The shared secret is stored encrypted
    with a key derived from SECRET_KEY (see accounts/two_step.py)."""

    __tablename__ = "authenticators"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last 30-second time step whose code was accepted: a code is good once.
    last_used_step: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app (a lost phone)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
