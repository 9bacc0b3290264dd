"""Push message encryption (RFC 8291, aes128gcm): the RFC's own example, what a device can
decrypt, and what happens with keys no device could have sent."""

from __future__ import annotations

import os
import time
import traceback

import http_ece
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.push_service import b64url, b64url_decode
from webapp.reminders.encryption import (
    MAX_PLAINTEXT_BYTES,
    RECORD_SIZE,
    Receiver,
    encrypt,
    encrypt_with_key,
)

# RFC 8291 section 5 and Appendix A (published test keys, not secrets), taken from the RFC's
# source, draft-ietf-webpush-encryption.md in github.com/webpush-wg/webpush-encryption, and
# checked against web-push-libs/ecec's test/encrypt/aes128gcm.c, which has them in hex.
RFC_PLAINTEXT = b"When I grow up, I want to be a watermelon"
RFC_SENDER_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
RFC_SENDER_PUBLIC = ("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8w"
                     "EqKK6PBru3jl7A8")
RFC_RECEIVER_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
RFC_RECEIVER_PUBLIC = ("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8p"
                       "ZGH6SRpkNtoIAiw4")
RFC_AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
RFC_SALT = "DGv6ra1nlYgDCS1FRnbzlw"
RFC_BODY = ("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vC"
            "YLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXL"
            "WyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")


def private_key(raw_b64: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(b64url_decode(raw_b64), "big"), ec.SECP256R1())


def point(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.X962,
                                         serialization.PublicFormat.UncompressedPoint)


def new_device() -> tuple[ec.EllipticCurvePrivateKey, bytes, Receiver]:
    """A browser's side of a subscription: its private key, auth secret and our Receiver."""
    key = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    return key, auth, Receiver.from_keys(b64url(point(key)), b64url(auth))


def decrypt(body: bytes, key: ec.EllipticCurvePrivateKey, auth: bytes) -> bytes:
    """What the browser does with the body, using the library the test push service uses."""
    return http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")


# -- the RFC's example -----------------------------------------------------------------------


def test_rfc_8291_example_encrypts_to_the_rfcs_body_byte_for_byte():
    receiver = Receiver.from_keys(RFC_RECEIVER_PUBLIC, RFC_AUTH)
    sender = private_key(RFC_SENDER_PRIVATE)

    body = encrypt_with_key(RFC_PLAINTEXT, receiver, sender_key=sender,
                            salt=b64url_decode(RFC_SALT))

    assert b64url(point(sender)) == RFC_SENDER_PUBLIC  # the vector's own key pair agrees
    assert b64url(body) == RFC_BODY


def test_rfc_8291_example_decrypts_with_the_rfcs_receiver_key():
    receiver_key = private_key(RFC_RECEIVER_PRIVATE)
    assert b64url(point(receiver_key)) == RFC_RECEIVER_PUBLIC

    assert decrypt(b64url_decode(RFC_BODY), receiver_key, b64url_decode(RFC_AUTH)) == (
        RFC_PLAINTEXT)


# -- what a device gets ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 86, 2048, MAX_PLAINTEXT_BYTES])
def test_device_decrypts_what_was_encrypted_for_it(size):
    key, auth, receiver = new_device()
    plaintext = os.urandom(size)

    assert decrypt(encrypt(plaintext, receiver), key, auth) == plaintext


def test_body_is_one_record_with_the_header_rfc_8291_asks_for():
    _, _, receiver = new_device()

    body = encrypt(b'{"title":"Care plan"}', receiver)

    assert int.from_bytes(body[16:20], "big") == RECORD_SIZE
    assert body[20] == 65
    assert body[21] == 0x04  # key id: the sender's uncompressed public point
    assert len(body) == 86 + len(b'{"title":"Care plan"}') + 1 + 16


def test_largest_plaintext_fills_a_4096_byte_body_exactly():
    _, _, receiver = new_device()

    assert len(encrypt(bytes(MAX_PLAINTEXT_BYTES), receiver)) == 4096


def test_plaintext_over_the_limit_is_refused():
    _, _, receiver = new_device()

    with pytest.raises(ValueError, match="3994 bytes; the limit is 3993"):
        encrypt(bytes(MAX_PLAINTEXT_BYTES + 1), receiver)


def test_each_message_gets_its_own_key_pair_and_salt():
    _, _, receiver = new_device()

    first, second = (encrypt(b"Take your evening tablets", receiver) for _ in range(2))

    assert first[:16] != second[:16]  # salt
    assert first[21:86] != second[21:86]  # sender's public key
    assert first[86:] != second[86:]


def test_wrong_salt_length_is_refused():
    _, _, receiver = new_device()

    with pytest.raises(ValueError, match="salt must be 16 bytes"):
        encrypt_with_key(b"hi", receiver, sender_key=ec.generate_private_key(ec.SECP256R1()),
                         salt=bytes(15))


# -- receiver keys ---------------------------------------------------------------------------


def test_receiver_accepts_keys_with_or_without_base64_padding():
    padded_point = RFC_RECEIVER_PUBLIC + "="
    padded_auth = RFC_AUTH + "=="

    assert Receiver.from_keys(padded_point, padded_auth) == Receiver.from_keys(
        RFC_RECEIVER_PUBLIC, RFC_AUTH)


def test_receiver_from_subscription_reads_its_keys():
    subscription = {"endpoint": "https://push.example/send/abc",
                    "keys": {"p256dh": RFC_RECEIVER_PUBLIC, "auth": RFC_AUTH}}

    receiver = Receiver.from_subscription(subscription)

    assert receiver.point == b64url_decode(RFC_RECEIVER_PUBLIC)
    assert receiver.auth_secret == b64url_decode(RFC_AUTH)


def test_receiver_repr_shows_no_key_material():
    receiver = Receiver.from_keys(RFC_RECEIVER_PUBLIC, RFC_AUTH)

    assert RFC_AUTH not in repr(receiver)
    assert repr(b64url_decode(RFC_AUTH)) not in repr(receiver)


def _off_curve_point() -> str:
    raw = bytearray(b64url_decode(RFC_RECEIVER_PUBLIC))
    raw[-1] ^= 0x01  # y no longer matches x
    return b64url(bytes(raw))


@pytest.mark.parametrize(("p256dh", "auth", "message"), [
    pytest.param(RFC_RECEIVER_PUBLIC[:-4], RFC_AUTH,
                 "p256dh must be an uncompressed P-256 point", id="point too short"),
    pytest.param(b64url(b64url_decode(RFC_RECEIVER_PUBLIC)[:33]), RFC_AUTH,
                 "p256dh must be an uncompressed P-256 point", id="point compressed"),
    pytest.param(_off_curve_point(), RFC_AUTH,
                 "p256dh is not a point on the P-256 curve", id="point off the curve"),
    pytest.param("B" + "A" * 86, RFC_AUTH,
                 "p256dh is not a point on the P-256 curve", id="point without 0x04"),
    pytest.param(RFC_RECEIVER_PUBLIC.replace("_", "/"), RFC_AUTH,
                 "p256dh is not URL-safe base64", id="point in standard base64"),
    pytest.param(RFC_RECEIVER_PUBLIC + "!", RFC_AUTH,
                 "p256dh is not URL-safe base64", id="point with a stray character"),
    pytest.param(RFC_RECEIVER_PUBLIC[:-2], RFC_AUTH,
                 "p256dh is not URL-safe base64", id="point of impossible length"),
    pytest.param(None, RFC_AUTH, "p256dh is missing", id="point missing"),
    pytest.param(RFC_RECEIVER_PUBLIC, RFC_AUTH[:-3],
                 "auth must be 16 bytes", id="auth too short"),
    pytest.param(RFC_RECEIVER_PUBLIC, RFC_AUTH + "AAAA",
                 "auth must be 16 bytes", id="auth too long"),
    pytest.param(RFC_RECEIVER_PUBLIC, RFC_AUTH.replace("_", " "),
                 "auth is not URL-safe base64", id="auth with a space"),
    pytest.param(RFC_RECEIVER_PUBLIC, "", "auth is missing", id="auth empty"),
])
def test_unusable_receiver_key_is_refused_without_showing_the_key(p256dh, auth, message):
    with pytest.raises(ValueError, match=message) as refused:
        Receiver.from_keys(p256dh, auth)

    # The whole traceback, as a log would print it, chained exceptions included.
    printed = "".join(traceback.format_exception(refused.value))
    for key in (p256dh, auth):
        if key:
            assert key[:8] not in printed


def test_subscription_without_keys_is_refused():
    with pytest.raises(ValueError, match="subscription has no keys"):
        Receiver.from_subscription({"endpoint": "https://push.example/send/abc"})


# -- through a push service ------------------------------------------------------------------


@pytest.mark.parametrize("plaintext", [
    pytest.param(b'{"title":"Care plan","body":"Time for your walk"}', id="small"),
    pytest.param(os.urandom(MAX_PLAINTEXT_BYTES), id="largest"),
])
def test_push_service_decrypts_the_body_with_the_devices_key(push_service, vapid_keys,
                                                              plaintext):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    claims = {"sub": vapid_keys.subject, "aud": push_service.origin,
              "exp": int(time.time()) + 3600}

    response = requests.post(
        subscription["endpoint"], timeout=10,
        data=encrypt(plaintext, Receiver.from_subscription(subscription)),
        headers={"Authorization": vapid_keys.signer.sign(claims)["Authorization"],
                 "TTL": "60", "Content-Encoding": "aes128gcm",
                 "Content-Type": "application/octet-stream"})

    assert response.status_code == 201
    [received] = push_service.messages(subscription)
    assert b64url_decode(received["payload_b64"]) == plaintext
