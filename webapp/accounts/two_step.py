"""Two-step sign-in: an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

Required for practice staff, who can reach every patient of a practice (OWASP ASVS 2.1.x,
NHS DSPT multi-factor authentication for remote access to patient data); a patient may turn
it on from their account page.

The shared secret is stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under a key
derived from SECRET_KEY with HKDF, so a copy of the database alone does not let anyone make
codes. Changing SECRET_KEY therefore means everyone sets their authenticator up again.
During set-up the candidate secret travels in the form itself, encrypted the same way and
valid for SET_UP_TIME, so nothing is stored until the person has proved their app works.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, select

from webapp.extensions import db
from webapp.models import Authenticator, RecoveryCode, Role, User, utcnow

STEP_SECONDS = 30
# Accept the code for the previous and the next 30-second step too: phones' clocks drift.
DRIFT_STEPS = 1
SET_UP_TIME = timedelta(minutes=15)
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: recovery codes are copied by hand from paper.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_LENGTH = 10  # about 50 bits each


def required_for(user: User) -> bool:
    return user.role is not Role.PATIENT


def authenticator_for(user: User) -> Authenticator | None:
    return db.session.scalar(select(Authenticator).where(Authenticator.user_id == user.id))


def needs_second_step(user: User) -> str | None:
    """What the second step of signing in is for this person: "code", "set-up" or None."""
    if authenticator_for(user) is not None:
        return "code"
    return "set-up" if required_for(user) else None


# Encryption ------------------------------------------------------------------------------


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"careplan authenticator secrets v1").derive(
        current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str, *, ttl: timedelta | None = None) -> str | None:
    try:
        return _fernet().decrypt(token.encode(), ttl=int(ttl.total_seconds()) if ttl else None) \
            .decode()
    except (InvalidToken, ValueError, TypeError):
        return None


def secret_for(user: User) -> str | None:
    found = authenticator_for(user)
    return decrypt(found.secret_encrypted) if found else None


# Setting up ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetUp:
    """What a person needs to add this service to their authenticator app."""

    secret: str
    token: str  # the secret, encrypted, for the form's hidden field
    uri: str

    @property
    def secret_grouped(self) -> str:
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))

    def qr_svg(self) -> Markup:
        """The otpauth URI as a QR code, drawn as inline SVG on the server (no script, no
        style attribute, nothing fetched), for the phone's camera."""
        out = io.BytesIO()
        segno.make(self.uri, error="m").save(
            out, kind="svg", xmldecl=False, svgns=True, scale=5, border=4, light="#fff",
            dark="#000", svgclass="app-qr-code", lineclass=None, omitsize=True,
            title="QR code for your authenticator app")
        # segno drew it from our own URI: markup we made, not text from anyone.
        return Markup(out.getvalue().decode())  # noqa: S704  # nosec B704


def new_set_up(user: User) -> SetUp:
    secret = pyotp.random_base32()
    return _set_up(user, secret, encrypt(secret))


def set_up_from_token(user: User, token: str) -> SetUp | None:
    """The set-up started by a form, if its token is genuine and recent."""
    secret = decrypt(token or "", ttl=SET_UP_TIME)
    return _set_up(user, secret, token) if secret else None


def _set_up(user: User, secret: str, token: str) -> SetUp:
    issuer = current_app.config["SERVICE_NAME"]
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    return SetUp(secret=secret, token=token, uri=uri)


def confirm_set_up(user: User, set_up: SetUp, code: str, now: datetime | None = None) -> \
        list[str] | None:
    """Keep the new authenticator if `code` comes from it; returns fresh recovery codes (shown
    once), or None when the code is wrong. Replaces any authenticator the person had."""
    step = _matching_step(set_up.secret, code, last_used_step=0, now=now)
    if step is None:
        return None
    found = authenticator_for(user)
    if found is None:
        found = Authenticator(user_id=user.id)
        db.session.add(found)
    found.secret_encrypted = encrypt(set_up.secret)
    found.created_at = now or utcnow()
    found.last_used_step = step
    db.session.flush()
    return new_recovery_codes(user, now=now)


def turn_off(user: User) -> None:
    db.session.execute(delete(Authenticator).where(Authenticator.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


# Checking codes --------------------------------------------------------------------------


def current_step(now: datetime | None = None) -> int:
    return int((now or utcnow()).timestamp()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def _matching_step(secret: str, code: str, *, last_used_step: int,
                   now: datetime | None) -> int | None:
    code = "".join(code.split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    here = current_step(now)
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        # A step at or before the last one used has had its code accepted already: a code
        # seen over someone's shoulder, or replayed from a proxy, is worth nothing.
        if step > last_used_step and hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def verify(user: User, code: str, now: datetime | None = None) -> bool:
    """Accept a code from the person's app, or one of their recovery codes, once."""
    found = authenticator_for(user)
    if found is None:
        return False
    secret = decrypt(found.secret_encrypted)
    step = _matching_step(secret, code, last_used_step=found.last_used_step, now=now) \
        if secret else None
    if step is not None:
        found.last_used_step = step
        return True
    return use_recovery_code(user, code, now=now)


# Recovery codes --------------------------------------------------------------------------


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def new_recovery_codes(user: User, now: datetime | None = None) -> list[str]:
    """Replace the person's recovery codes. Only hashes are kept: show these once."""
    now = now or utcnow()
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(code),
                                    created_at=now) for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def use_recovery_code(user: User, code: str, now: datetime | None = None) -> bool:
    if len(normalise_recovery_code(code)) != RECOVERY_LENGTH:
        return False
    found = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(code),
        RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    found.used_at = now or utcnow()
    return True


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())
