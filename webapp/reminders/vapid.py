"""The server's VAPID identity (RFC 8292): the key pair push requests are signed with.

The public key is the ``applicationServerKey`` the page subscribes with; browsers bind each
subscription to it, so changing the key orphans every device. It therefore lives in the
instance folder (or the environment) and is generated only when neither has one.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

DEFAULT_SUBJECT = "mailto:reminders@careplan.invalid"
KEY_FILE_NAME = "vapid_private_key"
# What py_vapid and the browser vendors' push services accept as the contact in `sub`.
_SUBJECT = re.compile(r"(mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://[^\s/]+\.[^\s/]+(/\S*)?)",
                      re.IGNORECASE)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class VapidKeys:
    """The key pair and contact the sender signs with.

    ``private_key`` is the raw 32-byte scalar in base64url (43 characters), a form pywebpush
    accepts directly; a PEM *string* is not one of them.
    """

    private_key: str = field(repr=False)
    public_key: str  # uncompressed P-256 point, base64url: the page's applicationServerKey
    subject: str

    @cached_property
    def signer(self) -> Vapid:
        """A py_vapid signer for this key; pywebpush also takes it as ``vapid_private_key``."""
        return Vapid.from_raw(self.private_key.encode("ascii"))


def generate_private_key() -> str:
    """A new raw base64url P-256 private key."""
    return _raw(ec.generate_private_key(ec.SECP256R1()))


def keys_from_private(private_key: str, subject: str = DEFAULT_SUBJECT) -> VapidKeys:
    """Keys from a private key given raw (base64url), as base64 DER, or as PEM text."""
    key = _load_private_key(private_key)
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(private_key=_raw(key), public_key=_b64url(public),
                     subject=check_subject(subject))


def load_or_create_vapid(instance_path: str | os.PathLike[str],
                         env: Mapping[str, str] | None = None) -> VapidKeys:
    """The VAPID keys from ``VAPID_PRIVATE_KEY``, else from the instance folder.

    The first run with neither writes a new key to ``<instance>/vapid_private_key`` (mode
    0600). ``VAPID_SUBJECT`` is the contact push services see, by default
    ``mailto:reminders@careplan.invalid``; set a real mailbox in production.
    """
    env = os.environ if env is None else env
    subject = env.get("VAPID_SUBJECT") or DEFAULT_SUBJECT
    configured = (env.get("VAPID_PRIVATE_KEY") or "").strip()
    if configured:
        return keys_from_private(configured, subject)
    path = Path(instance_path) / KEY_FILE_NAME
    if not path.exists():
        _create_once(path, generate_private_key())
    return keys_from_private(path.read_text().strip(), subject)


def check_subject(subject: str) -> str:
    if not _SUBJECT.fullmatch(subject):
        raise ValueError(
            f"VAPID_SUBJECT must be a mailto: address or an https: URL, not {subject!r}"
        )
    return subject


def _load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            data = _b64url_decode(text.replace("+", "-").replace("/", "_").replace("\n", ""))
            if len(data) == 32:
                key = ec.derive_private_key(int.from_bytes(data, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(data, password=None)
    except ValueError as exc:
        raise ValueError("VAPID private key is not a P-256 key (raw base64url, DER or PEM)"
                         ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("VAPID private key must be on the P-256 curve")
    return key


def _raw(key: ec.EllipticCurvePrivateKey) -> str:
    return _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def _create_once(path: Path, content: str) -> None:
    """Write the key so that workers starting together all end up with the same one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content + "\n")
    try:
        os.link(temporary, path)  # atomic and refuses to replace: the first key wins
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
