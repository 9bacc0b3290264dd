"""Accounts: invitations, activation, sign-in and server-side sessions.

Plain functions over the database; views, the CLI and tests call them directly. They flush
but leave committing to the caller, so a view's whole change lands in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from webapp.accounts import passwords, throttle, two_step
from webapp.extensions import db
from webapp.models import ActivationCode, Patient, Role, User, UserSession, utcnow

# No 0/O or 1/I/L: codes are read aloud over the phone and typed from letters.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # about 59 bits: far beyond guessing at the sign-in rate limit


class AccountError(ValueError):
    """A problem the person can fix, in words for them. `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _ensure_email_free(email: str) -> None:
    if user_by_email(email) is not None:
        raise AccountError("An account with this email address already exists", "email")


# Activation codes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    user: User
    code: str
    expires_at: datetime


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    code = normalise_code(code)
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue_activation_code(user: User, *, issued_by: User | None, valid_for: timedelta,
                          now: datetime | None = None) -> Invitation:
    """Create a one-time code for `user`, retiring any earlier one. The code is shown once;
    only its hash is kept. A code for someone already active lets them set a new password
    (the practice's answer to a forgotten password)."""
    now = now or utcnow()
    db.session.execute(
        update(ActivationCode)
        .where(ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None),
               ActivationCode.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    db.session.add(ActivationCode(
        user_id=user.id, code_hash=_code_hash(code), created_at=now, expires_at=now + valid_for,
        created_by_id=issued_by.id if issued_by else None,
    ))
    db.session.flush()
    return Invitation(user, format_code(code), now + valid_for)


def activate(email: str, code: str, password: str, *, now: datetime | None = None) -> User:
    """Use an activation code to set a password. Raises AccountError saying what is wrong."""
    now = now or utcnow()
    found = db.session.scalar(
        select(ActivationCode).where(ActivationCode.code_hash == _code_hash(code))
    )
    if found is None or found.user.email != normalise_email(email):
        raise AccountError(
            "Check your email address and activation code. They must match the letter or "
            "message from your practice", "code")
    if found.used_at is not None:
        raise AccountError(
            "This activation code has already been used. Sign in, or ask your practice for "
            "a new code", "code")
    if found.revoked_at is not None:
        raise AccountError(
            "This activation code has been replaced by a newer one. Use the newest code "
            "your practice gave you", "code")
    if found.expires_at <= now:
        raise AccountError(
            "This activation code has expired. Ask your practice for a new code", "code")
    user = found.user
    problems = passwords.password_problems(password, user.role, email=user.email, name=user.name)
    if problems:
        raise AccountError(problems[0], "password")
    found.used_at = now
    was_active = user.password_hash is not None
    user.password_hash = passwords.hash_password(password)
    user.activated_at = user.activated_at or now
    if was_active:
        end_other_sessions(user, keep_token=None, reason="password reset")
    db.session.flush()
    return user


# Invitations -----------------------------------------------------------------------------


def invite_staff(*, practice_id: int, name: str, email: str, role: Role, invited_by: User,
                 valid_for: timedelta) -> Invitation:
    if role is Role.PATIENT:
        raise AccountError("Choose a staff role", "role")
    _ensure_email_free(email)
    user = User(practice_id=practice_id, name=name.strip(), email=normalise_email(email),
                role=role)
    db.session.add(user)
    db.session.flush()
    return issue_activation_code(user, issued_by=invited_by, valid_for=valid_for)


@dataclass(frozen=True)
class PatientDetails:
    given_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str  # already validated, ten digits
    email: str


def register_patient(*, practice_id: int, details: PatientDetails, registered_by: User,
                     valid_for: timedelta) -> tuple[Patient, Invitation]:
    """Create a patient's record and their (not yet activated) account."""
    duplicate = db.session.scalar(select(func.count()).select_from(Patient).where(
        Patient.practice_id == practice_id, Patient.nhs_number == details.nhs_number))
    if duplicate:
        raise AccountError("A patient with this NHS number is already registered", "nhs_number")
    _ensure_email_free(details.email)
    patient = Patient(
        practice_id=practice_id, nhs_number=details.nhs_number,
        given_name=details.given_name.strip(), family_name=details.family_name.strip(),
        date_of_birth=details.date_of_birth, email=normalise_email(details.email),
    )
    db.session.add(patient)
    db.session.flush()
    user = User(practice_id=practice_id, name=patient.full_name, email=patient.email,
                role=Role.PATIENT, patient_id=patient.id)
    db.session.add(user)
    db.session.flush()
    return patient, issue_activation_code(user, issued_by=registered_by, valid_for=valid_for)


# Signing in ------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password these are, or None. Takes as long either way."""
    user = user_by_email(email)
    if not passwords.verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


@dataclass(frozen=True)
class Attempt:
    """How an attempt to sign in went: a user whose password was right, or a refusal (too
    many attempts) to show, or neither (wrong email or password)."""

    user: User | None = None
    refusal: throttle.Refusal | None = None


def attempt_sign_in(email: str, password: str, *, now: datetime | None = None) -> Attempt:
    """The password step, behind the per-address lock-out (accounts/throttle.py). Known and
    unknown addresses go down the same path, so the answers cannot tell them apart."""
    refused = throttle.refusal(email, now)
    if refused is not None:
        if not refused.locked:  # too soon after the last failure: that counts as one too
            refused = throttle.record_failure(email, now) or refused
        return Attempt(refusal=refused)
    user = authenticate(email, password)
    if user is None:
        _note_failure_for(user_by_email(email))
        return Attempt(refusal=throttle.record_failure(email, now))
    return Attempt(user=user)


def attempt_code(user: User, code: str, *, now: datetime | None = None) -> Attempt:
    """The second step: a code from the person's authenticator app or a recovery code. Wrong
    codes count against the same lock-out as wrong passwords."""
    refused = throttle.refusal(user.email, now)
    if refused is not None:
        if not refused.locked:
            refused = throttle.record_failure(user.email, now) or refused
        return Attempt(refusal=refused)
    if two_step.verify(user, code, now=now):
        return Attempt(user=user)
    _note_failure_for(user)
    return Attempt(refusal=throttle.record_failure(user.email, now))


def _note_failure_for(user: User | None) -> None:
    if user is not None:
        user.failed_sign_ins_since_last_visit += 1


def welcome_back(user: User) -> int:
    """Call once someone is fully signed in: forgets their failed attempts and returns how
    many there were since their last visit, to tell them."""
    throttle.record_success(user.email)
    failures = user.failed_sign_ins_since_last_visit
    user.failed_sign_ins_since_last_visit = 0
    return failures


def change_password(user: User, password: str) -> None:
    problems = passwords.password_problems(password, user.role, email=user.email, name=user.name)
    if problems:
        raise AccountError(problems[0], "password")
    user.password_hash = passwords.hash_password(password)


# Sessions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionPolicy:
    idle_staff: timedelta
    idle_patient: timedelta
    absolute: timedelta

    def idle_limit(self, role: Role) -> timedelta:
        return self.idle_patient if role is Role.PATIENT else self.idle_staff


# Writing last_seen_at on every request would turn every page view into a write.
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Between the password and the second step: long enough to find the phone, no longer.
PENDING_LIFETIME = timedelta(minutes=10)


def start_session(user: User, *, user_agent: str | None, now: datetime | None = None,
                  awaiting: str | None = None) -> str:
    """Start a session and return its token (for the cookie). With `awaiting` ("code" or
    "set-up") the session signs nobody in until promote_session() is called."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_token_hash(token), created_at=now,
                               last_seen_at=now, user_agent=(user_agent or "")[:200] or None,
                               awaiting=awaiting))
    if awaiting is None:
        user.last_signed_in_at = now
    db.session.flush()
    return token


def pending_session(token: str | None, now: datetime | None = None) -> UserSession | None:
    """The half-finished sign-in this token belongs to, if it is still in time."""
    now = now or utcnow()
    found = session_for_token(token)
    if found is None or found.ended_at is not None or found.awaiting is None:
        return None
    if now - found.created_at >= PENDING_LIFETIME or not found.user.is_active:
        _end(found, "second step not done", now)
        return None
    return found


def promote_session(pending: UserSession, now: datetime | None = None) -> str:
    """Finish signing in: the session now signs its user in, under a new token, so the token
    a browser held while half signed in is never the one that is fully signed in."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    pending.token_hash = _token_hash(token)
    pending.awaiting = None
    pending.created_at = pending.last_seen_at = now
    pending.user.last_signed_in_at = now
    db.session.flush()
    return token


def session_for_token(token: str | None) -> UserSession | None:
    if not token:
        return None
    return db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _token_hash(token)))


def user_for_session(token: str | None, policy: SessionPolicy,
                     now: datetime | None = None, *, touch: bool = True) -> User | None:
    """The signed-in user for this cookie token, ending the session if it has expired.
    `touch` records the request as activity; a page merely asking how long is left doesn't."""
    now = now or utcnow()
    found = session_for_token(token)
    if found is None or found.ended_at is not None or found.awaiting is not None:
        return None
    user = found.user
    if not user.is_active:
        _end(found, "account disabled", now)
        return None
    if now - found.created_at >= policy.absolute:
        _end(found, "expired", now)
        return None
    if now - found.last_seen_at >= policy.idle_limit(user.role):
        _end(found, "idle", now)
        return None
    if touch and now - found.last_seen_at >= LAST_SEEN_RESOLUTION:
        found.last_seen_at = now
    return user


def session_seconds_left(token: str | None, policy: SessionPolicy,
                         now: datetime | None = None) -> int | None:
    found = session_for_token(token)
    if found is None or found.ended_at is not None or found.awaiting is not None:
        return None
    now = now or utcnow()
    idle_end = found.last_seen_at + policy.idle_limit(found.user.role)
    absolute_end = found.created_at + policy.absolute
    return max(0, int((min(idle_end, absolute_end) - now).total_seconds()))


def _end(user_session: UserSession, reason: str, now: datetime) -> None:
    user_session.ended_at = now
    user_session.ended_reason = reason


def end_session(token: str | None, reason: str = "signed out") -> None:
    found = session_for_token(token)
    if found is not None and found.ended_at is None:
        _end(found, reason, utcnow())


def end_other_sessions(user: User, *, keep_token: str | None, reason: str) -> int:
    """End every session of `user` except the one holding keep_token. Returns how many."""
    stmt = update(UserSession).where(UserSession.user_id == user.id,
                                     UserSession.ended_at.is_(None))
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != _token_hash(keep_token))
    result = db.session.execute(stmt.values(ended_at=utcnow(), ended_reason=reason))
    return result.rowcount or 0
