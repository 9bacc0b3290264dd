"""Encrypting a push message for one device: RFC 8291 with RFC 8188 ``aes128gcm``.

Build a ``Receiver`` once per device from its subscription keys, then ``encrypt`` each
message for it::

    receiver = Receiver.from_subscription(subscription)   # the browser's toJSON() form
    body = encrypt(payload, receiver)                      # POST with Content-Encoding: aes128gcm

The body is one record: the 86-byte header (salt, record size, the sender's public key)
followed by the AES-128-GCM ciphertext of the plaintext and its 0x02 padding delimiter.

Done here rather than by pywebpush's ``WebPusher.encode`` for speed: the receiver's key is
decoded and loaded once per device instead of once per push, and the key schedule is five
one-shot HMACs rather than ``HKDF`` objects and a streaming cipher.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# RFC 8030 section 7.2 only obliges a push service to take 4,096 bytes of body, so one record
# of that size; RFC 8291 section 4 works out the plaintext ceiling that leaves: 4096 minus the
# 86-byte header, the 16-byte tag and the 1-byte delimiter.
RECORD_SIZE = 4096
MAX_PLAINTEXT_BYTES = 3993
SALT_BYTES = 16
AUTH_SECRET_BYTES = 16
POINT_BYTES = 65  # 0x04, then 32 bytes each of x and y

_CURVE = ec.SECP256R1()
_ECDH = ec.ECDH()
# Salt (16), record size (4), key id length (1); the key id is the sender's public point.
_HEADER_AFTER_SALT = RECORD_SIZE.to_bytes(4, "big") + bytes([POINT_BYTES])
_KEY_INFO = b"WebPush: info\x00"
# Each info string already ends in HKDF-Expand's counter byte 0x01 (see _hkdf_block).
_CEK_INFO = b"Content-Encoding: aes128gcm\x00\x01"
_NONCE_INFO = b"Content-Encoding: nonce\x00\x01"
# A single record is also the last one, and RFC 8188 section 2 marks that with 0x02.
_LAST_RECORD_DELIMITER = b"\x02"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Receiver:
    """One device's keys, decoded and checked once: its P-256 public point and auth secret.

    Make it with ``from_subscription`` or ``from_keys``; both raise ``ValueError`` for a key
    that could never decrypt, with a message that names the key but never shows it.
    """

    point: bytes = field(repr=False)  # the uncompressed point, as sent in the subscription
    auth_secret: bytes = field(repr=False)
    public_key: ec.EllipticCurvePublicKey = field(init=False, repr=False, compare=False)
    # The receiver's half of RFC 8291's key_info, the same for every message to this device.
    _key_info_prefix: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.point) != POINT_BYTES:
            raise ValueError(f"p256dh must be an uncompressed P-256 point of {POINT_BYTES} "
                             f"bytes; it is {len(self.point)} bytes")
        if len(self.auth_secret) != AUTH_SECRET_BYTES:
            raise ValueError(f"auth must be {AUTH_SECRET_BYTES} bytes; "
                             f"it is {len(self.auth_secret)} bytes")
        # RFC 8291's security considerations: the key MUST be checked to be on P-256, since
        # an off-curve point can make ECDH give away the other side's private key.
        try:
            public_key = ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, self.point)
        except ValueError:
            raise ValueError("p256dh is not a point on the P-256 curve") from None
        object.__setattr__(self, "public_key", public_key)
        object.__setattr__(self, "_key_info_prefix", _KEY_INFO + self.point)

    @classmethod
    def from_keys(cls, p256dh: str, auth: str) -> Receiver:
        """From the subscription's ``p256dh`` and ``auth``: URL-safe base64, padded or not."""
        return cls(point=_b64url_decode(p256dh, "p256dh"),
                   auth_secret=_b64url_decode(auth, "auth"))

    @classmethod
    def from_subscription(cls, subscription: Mapping[str, Any]) -> Receiver:
        """From the browser's ``PushSubscription.toJSON()`` form (or anything with its keys)."""
        keys = subscription.get("keys")
        if not isinstance(keys, Mapping):
            raise ValueError("subscription has no keys")
        return cls.from_keys(keys.get("p256dh"), keys.get("auth"))


def encrypt(plaintext: bytes, receiver: Receiver) -> bytes:
    """The ``aes128gcm`` body carrying ``plaintext`` (at most 3,993 bytes) to ``receiver``.

    A new key pair and random salt for every message, as RFC 8291 (sections 2 and 3.1) has
    the sender do: using both twice would repeat the AES-GCM key and nonce for one device,
    which leaks the two plaintexts' XOR and lets whoever holds both messages forge others.
    """
    return encrypt_with_key(plaintext, receiver,
                            sender_key=ec.generate_private_key(_CURVE),
                            salt=os.urandom(SALT_BYTES))


def encrypt_with_key(plaintext: bytes, receiver: Receiver, *,
                     sender_key: ec.EllipticCurvePrivateKey, salt: bytes) -> bytes:
    """``encrypt`` with the sender's key pair and salt given, so tests can use fixed ones.

    Everything else should call ``encrypt``: a key pair or salt must never be used twice.
    """
    if len(plaintext) > MAX_PLAINTEXT_BYTES:
        raise ValueError(f"plaintext is {len(plaintext)} bytes; "
                         f"the limit is {MAX_PLAINTEXT_BYTES}")
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes")
    sender_point = sender_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    shared_secret = sender_key.exchange(_ECDH, receiver.public_key)

    # RFC 8291 section 3.4: mix the auth secret and both public keys into the input key,
    # then RFC 8188 section 2.2: derive the content key and nonce from it and the salt.
    prk_key = _hkdf_extract(receiver.auth_secret, shared_secret)
    ikm = _hkdf_block(prk_key, receiver._key_info_prefix + sender_point + b"\x01")
    prk = _hkdf_extract(salt, ikm)
    content_key = _hkdf_block(prk, _CEK_INFO)[:16]
    nonce = _hkdf_block(prk, _NONCE_INFO)[:12]  # record 0, so nothing to XOR in

    ciphertext = AESGCM(content_key).encrypt(nonce, plaintext + _LAST_RECORD_DELIMITER, None)
    return salt + _HEADER_AFTER_SALT + sender_point + ciphertext


def _hkdf_extract(salt: bytes, key_material: bytes) -> bytes:
    return hmac.digest(salt, key_material, "sha256")


def _hkdf_block(prk: bytes, info_and_counter: bytes) -> bytes:
    # HKDF-Expand (RFC 5869 section 2.3) strings together 32-byte blocks T(1), T(2)... where
    # T(1) = HMAC(PRK, info || 0x01). Every output here is 32 bytes or fewer (IKM 32, content
    # key 16, nonce 12), so T(1) cut to length is the whole expansion: one HMAC, no loop.
    return hmac.digest(prk, info_and_counter, "sha256")


def _b64url_decode(value: object, name: str) -> bytes:
    # The messages name the key but never quote it: these are device secrets, and the text
    # may end up in a log.
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} is missing or not text")
    unpadded = value.rstrip("=")
    if not _BASE64URL.fullmatch(unpadded) or len(value) - len(unpadded) > 2:
        raise ValueError(f"{name} is not URL-safe base64")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} is not URL-safe base64") from None
