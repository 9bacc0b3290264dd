"""Slowing and then locking sign-in after failed attempts, per email address.

OWASP ASVS 2.2.1 and NIST SP 800-63B 5.2.2 ask for a limit on failed attempts per account.
After SLOW_AFTER failures in a row each further attempt must wait longer (15 s, 30 s, 1 min,
2 min, 4 min); an attempt made before its wait is over is refused and counts as a failure,
so a script hammering the form reaches LOCK_AFTER quickly and the address is then locked for
LOCK_FOR. A success forgets the failures.

The record is kept in the database, so it holds across web processes and machines, and it
is keyed by an HMAC of the email address rather than by the user: an address with no
account is slowed and locked in exactly the same way, and the table cannot tell anyone who
has an account. Passing `now` lets tests move time instead of waiting.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from webapp.extensions import db
from webapp.models import SignInThrottle, utcnow

SLOW_AFTER = 5
LOCK_AFTER = 10
LOCK_FOR = timedelta(minutes=15)
FIRST_WAIT = timedelta(seconds=15)
# Failures this far apart are not an attack on the account: start counting again.
FORGIVE_AFTER = timedelta(minutes=15)
# Rows with no failure for this long are deleted; nothing about them matters any more.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is not even checked, and for how long."""

    locked: bool
    retry_after: timedelta

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds()))

    @property
    def message(self) -> str:
        # The same words whether or not an account has this address.
        if self.locked:
            return ("There have been too many attempts to sign in with this email address. "
                    "For your security, try again in 15 minutes")
        return ("There have been several attempts to sign in with this email address. "
                f"For your security, wait {_in_words(self.retry_after)} before trying again")


def account_key(email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    normalised = (email or "").strip().lower().encode()
    return hmac.new(secret, b"sign-in:" + normalised, hashlib.sha256).hexdigest()


def _row(email: str) -> SignInThrottle | None:
    return db.session.scalar(
        select(SignInThrottle).where(SignInThrottle.account_key == account_key(email)))


def _wait_after(failures: int) -> timedelta:
    return FIRST_WAIT * 2 ** (failures - SLOW_AFTER)


def _forgiven(row: SignInThrottle, now: datetime) -> bool:
    if row.locked_until is not None:
        return row.locked_until <= now
    return now - row.last_failed_at >= FORGIVE_AFTER


def refusal(email: str, now: datetime | None = None) -> Refusal | None:
    """Whether an attempt for this address must be refused unchecked, and why."""
    now = now or utcnow()
    row = _row(email)
    if row is None or _forgiven(row, now):
        return None
    if row.locked_until is not None:
        return Refusal(locked=True, retry_after=row.locked_until - now)
    if row.failures >= SLOW_AFTER:
        ready_at = row.last_failed_at + _wait_after(row.failures)
        if now < ready_at:
            return Refusal(locked=False, retry_after=ready_at - now)
    return None


def record_failure(email: str, now: datetime | None = None) -> Refusal | None:
    """Count a failed (or too early) attempt. Returns the refusal now in force, if any."""
    now = now or utcnow()
    row = _row(email)
    if row is None:
        _forget_old(now)
        row = SignInThrottle(account_key=account_key(email), failures=0, last_failed_at=now)
        db.session.add(row)
    elif row.locked_until is not None and row.locked_until > now:
        return refusal(email, now)  # attempts during a lock do not lengthen it
    elif _forgiven(row, now):
        row.failures, row.locked_until = 0, None
    row.failures += 1
    row.last_failed_at = now
    if row.failures >= LOCK_AFTER:
        row.locked_until = now + LOCK_FOR
    db.session.flush()
    return refusal(email, now)


def record_success(email: str) -> None:
    db.session.execute(
        delete(SignInThrottle).where(SignInThrottle.account_key == account_key(email)))


def _forget_old(now: datetime) -> None:
    db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.last_failed_at < now - FORGET_AFTER,
        or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < now)))


def _in_words(wait: timedelta) -> str:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
