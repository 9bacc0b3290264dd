"""Password hashing and the password rules.

Rules follow NIST SP 800-63B section 3.1.1.2: a minimum length (longer for staff, who can
reach every patient of a practice), a check against commonly used passwords and
context-specific words, and no composition rules ("must contain a symbol"), which push
people towards predictable patterns without making passwords stronger.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources
from itertools import pairwise

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from webapp.models import Role

STAFF_MIN_LENGTH = 12
PATIENT_MIN_LENGTH = 8
# Long enough for any passphrase; the cap only stops a megabyte "password" costing argon2 time.
MAX_LENGTH = 128

_hasher = PasswordHasher()
# Verifying against this when an email is unknown makes sign-in take as long as for a real
# account, so timing does not reveal who has one.
_UNKNOWN_USER_HASH = _hasher.hash("no account has this password")

CONTEXT_WORDS = ("careplan", "care plan", "companion", "nhs", "password", "practice")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _UNKNOWN_USER_HASH, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    # The 20,000 most common passwords, as shipped by Django (BSD licence, Django Software
    # Foundation), from Royce Williams' list of leaked passwords.
    data = resources.files("webapp.accounts").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def minimum_length(role: Role) -> int:
    return PATIENT_MIN_LENGTH if role is Role.PATIENT else STAFF_MIN_LENGTH


def password_problems(password: str, role: Role, *, email: str = "", name: str = "") -> list[str]:
    """Why this password cannot be used, in words for the person choosing it (empty if fine)."""
    shortest = minimum_length(role)
    if len(password) < shortest:
        return [f"Password must be {shortest} characters or more"]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    folded = password.casefold()
    squashed = "".join(folded.split())
    if folded in common_passwords() or squashed in common_passwords():
        return ["This password is too common. Choose one that is harder to guess, "
                "for example three random words"]
    if len(set(squashed)) <= 2 or _is_sequence(squashed):
        return ["This password is too easy to guess. Avoid repeated letters or "
                "runs like 12345678 or abcdefgh"]
    personal = [email.split("@")[0].casefold(), *name.casefold().split()]
    if any(len(part) >= 4 and part in folded for part in personal):
        return ["Password must not contain your name or email address"]
    words = [w for w in CONTEXT_WORDS if w.replace(" ", "") in squashed]
    if words and len(squashed) - len(words[0].replace(" ", "")) < shortest:
        return ["Password must not be mostly the name of this service or the word password"]
    return []


def _is_sequence(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return len(steps) == 1 and steps <= {1, -1, 0}
