"""The local push service checks and decrypts pushes the way a browser vendor's would."""

from __future__ import annotations

import base64
import json
import time
import urllib.request
from collections.abc import Iterator

import pytest
import pywebpush
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from py_vapid import Vapid

from tests.support.push_flood import run_flood
from tests.support.push_service import LocalPushService, PushServiceClient

SUBJECT = "mailto:tests@careplan.invalid"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_b64(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url(key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def make_token(key: ec.EllipticCurvePrivateKey, claims: dict,
               header: dict | None = None) -> str:
    """An ES256 JWT made here rather than by py_vapid, so tests can make bad ones too."""
    header = header or {"typ": "JWT", "alg": "ES256"}
    signing_input = (f"{b64url(json.dumps(header).encode())}."
                     f"{b64url(json.dumps(claims).encode())}")
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def vapid_header(key: ec.EllipticCurvePrivateKey, claims: dict,
                 header_key: ec.EllipticCurvePrivateKey | None = None) -> str:
    return f"vapid t={make_token(key, claims)}, k={public_b64(header_key or key)}"


def good_claims(service: PushServiceClient, **changes: object) -> dict:
    claims = {"aud": service.origin, "exp": int(time.time()) + 3600, "sub": SUBJECT}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def encrypt(subscription: dict, plaintext: bytes = b'{"title":"Reminder"}') -> bytes:
    return pywebpush.WebPusher(subscription).encode(plaintext)["body"]


@pytest.fixture(scope="module")
def running_service() -> Iterator[LocalPushService]:
    with LocalPushService.start() as service:
        yield service


@pytest.fixture
def push_service(running_service: LocalPushService) -> LocalPushService:
    running_service.reset()
    return running_service


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False  # loopback must not go through a proxy from the environment
    yield session
    session.close()


@pytest.fixture
def signer() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def push(http: requests.Session, subscription: dict, body: bytes,
         authorization: str | None, **headers: str) -> requests.Response:
    sent = {"TTL": "60", "Content-Encoding": "aes128gcm", **headers}
    if authorization is not None:
        sent["Authorization"] = authorization
    return http.post(subscription["endpoint"], data=body, headers=sent, timeout=10)


def test_subscription_is_shaped_like_a_browsers_to_json(push_service):
    subscription = push_service.create_subscription()

    assert set(subscription) == {"endpoint", "expirationTime", "keys"}
    assert subscription["expirationTime"] is None
    assert subscription["endpoint"].startswith(f"{push_service.origin}/push/")
    p256dh = base64.urlsafe_b64decode(subscription["keys"]["p256dh"] + "==")
    auth = base64.urlsafe_b64decode(subscription["keys"]["auth"] + "==")
    assert len(p256dh) == 65 and p256dh[0] == 4  # an uncompressed P-256 point
    assert len(auth) == 16


def test_subscription_can_be_made_over_plain_http_by_another_process(push_service):
    request = urllib.request.Request(  # noqa: S310 - our own http:// URL
        f"{push_service.url}/control/subscriptions", data=b"{}", method="POST",
        headers={"Content-Type": "application/json", "Origin": "http://127.0.0.1:1"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        subscription = json.loads(response.read())
        assert response.headers["Access-Control-Allow-Origin"] == "*"

    assert push_service.count(subscription) == 0


def test_message_sent_by_pywebpush_is_verified_and_decrypted(push_service, http):
    subscription = push_service.create_subscription()
    vapid = Vapid()
    vapid.generate_keys()

    response = pywebpush.webpush(
        subscription, '{"title":"Time for your walk"}', vapid_private_key=vapid,
        vapid_claims={"sub": SUBJECT}, ttl=3600, timeout=10, requests_session=http,
        headers={"Urgency": "high", "Topic": "walk-reminder-42"},
    )

    assert response.status_code == 201
    [message] = push_service.messages(subscription)
    assert message["payload"] == '{"title":"Time for your walk"}'
    assert (message["ttl"], message["urgency"], message["topic"]) == (
        3600, "high", "walk-reminder-42")
    assert message["vapid"]["aud"] == push_service.origin
    assert message["vapid"]["sub"] == SUBJECT


def test_vapid_header_is_accepted_with_or_without_a_space_after_the_comma(
        push_service, http, signer):
    subscription = push_service.create_subscription()
    header = vapid_header(signer, good_claims(push_service))

    assert push(http, subscription, encrypt(subscription), header).status_code == 201
    assert push(http, subscription, encrypt(subscription),
                header.replace(", k=", ",k=")).status_code == 201
    assert push_service.count(subscription) == 2


@pytest.mark.parametrize("case", [
    "missing header", "legacy WebPush scheme", "signature by another key", "wrong aud",
    "expired exp", "exp more than 24 hours ahead", "missing sub", "sub not a URL",
    "not ES256", "garbage token",
])
def test_bad_vapid_is_unauthorized(push_service, http, signer, case):
    subscription = push_service.create_subscription()
    claims = good_claims(push_service)
    header = {
        "missing header": None,
        "legacy WebPush scheme": f"WebPush {make_token(signer, claims)}",
        "signature by another key": vapid_header(
            signer, claims, header_key=ec.generate_private_key(ec.SECP256R1())),
        "wrong aud": vapid_header(signer, good_claims(push_service,
                                                      aud="http://127.0.0.1:1")),
        "expired exp": vapid_header(signer, good_claims(push_service,
                                                        exp=int(time.time()) - 60)),
        "exp more than 24 hours ahead": vapid_header(
            signer, good_claims(push_service, exp=int(time.time()) + 25 * 3600)),
        "missing sub": vapid_header(signer, good_claims(push_service, sub=None)),
        "sub not a URL": vapid_header(signer, good_claims(push_service, sub="reminders")),
        "not ES256": f"vapid t={make_token(signer, claims, {'typ': 'JWT', 'alg': 'none'})}, "
                     f"k={public_b64(signer)}",
        "garbage token": f"vapid t=not.a.token, k={public_b64(signer)}",
    }[case]

    response = push(http, subscription, encrypt(subscription), header)

    assert response.status_code == 401
    assert push_service.count(subscription) == 0


def test_vapid_key_other_than_the_subscriptions_application_server_key_is_forbidden(
        push_service, http, signer):
    subscribed_with = ec.generate_private_key(ec.SECP256R1())
    subscription = push_service.create_subscription(public_b64(subscribed_with))

    refused = push(http, subscription, encrypt(subscription),
                   vapid_header(signer, good_claims(push_service)))
    accepted = push(http, subscription, encrypt(subscription),
                    vapid_header(subscribed_with, good_claims(push_service)))

    assert (refused.status_code, accepted.status_code) == (403, 201)


def test_cached_token_is_refused_once_its_exp_has_passed(push_service, http, signer):
    subscription = push_service.create_subscription()
    header = vapid_header(signer, good_claims(push_service, exp=int(time.time()) + 3600))
    assert push(http, subscription, encrypt(subscription), header).status_code == 201

    push_service.set_clock_offset(2 * 3600)

    assert push(http, subscription, encrypt(subscription), header).status_code == 401


@pytest.mark.parametrize("headers", [
    {"TTL": None}, {"TTL": "-1"}, {"TTL": "²"}, {"Topic": "has spaces"}, {"Topic": "x" * 33},
    {"Urgency": "urgent"},
])
def test_bad_push_headers_are_a_bad_request(push_service, http, signer, headers):
    subscription = push_service.create_subscription()
    sent = {"TTL": "60", "Content-Encoding": "aes128gcm",
            "Authorization": vapid_header(signer, good_claims(push_service)), **headers}
    sent = {k: v for k, v in sent.items() if v is not None}

    response = http.post(subscription["endpoint"], data=encrypt(subscription), headers=sent,
                         timeout=10)

    assert response.status_code == 400


def test_body_that_does_not_decrypt_is_a_bad_request(push_service, http, signer):
    subscription = push_service.create_subscription()
    other = push_service.create_subscription()

    response = push(http, subscription, encrypt(other),
                    vapid_header(signer, good_claims(push_service)))

    assert response.status_code == 400


def test_unknown_subscription_is_not_found(push_service, http, signer):
    subscription = push_service.create_subscription()
    unknown = {**subscription, "endpoint": f"{push_service.origin}/push/no-such-device"}

    response = push(http, unknown, encrypt(subscription),
                    vapid_header(signer, good_claims(push_service)))

    assert response.status_code == 404


def test_body_over_4096_bytes_is_too_large(push_service, http, signer):
    subscription = push_service.create_subscription()
    header = vapid_header(signer, good_claims(push_service))
    largest = encrypt(subscription, b"x" * 3993)  # 3,993 + 103 bytes of framing = 4,096

    assert push(http, subscription, largest, header).status_code == 201
    assert push(http, subscription, encrypt(subscription, b"x" * 3994),
                header).status_code == 413


def test_gone_subscription_answers_410_from_then_on(push_service, http, signer):
    subscription = push_service.create_subscription()
    header = vapid_header(signer, good_claims(push_service))
    push_service.set_gone(subscription)

    statuses = [push(http, subscription, encrypt(subscription), header).status_code
                for _ in range(3)]

    assert statuses == [410, 410, 410]


def test_next_pushes_can_be_refused_with_429_and_retry_after(push_service, http, signer):
    subscription = push_service.create_subscription()
    header = vapid_header(signer, good_claims(push_service))
    push_service.fail_next(subscription, count=2, status=429, retry_after=7)

    answers = [push(http, subscription, encrypt(subscription), header) for _ in range(3)]

    assert [a.status_code for a in answers] == [429, 429, 201]
    assert [a.headers.get("Retry-After") for a in answers[:2]] == ["7", "7"]
    assert [a["status"] for a in push_service.attempts(subscription)] == [429, 429, 201]
    assert push_service.count(subscription) == 1


def test_next_push_can_be_refused_with_503(push_service, http, signer):
    subscription = push_service.create_subscription()
    header = vapid_header(signer, good_claims(push_service))
    push_service.fail_next(subscription, status=503)

    statuses = [push(http, subscription, encrypt(subscription), header).status_code
                for _ in range(2)]

    assert statuses == [503, 201]


def test_every_message_is_kept_with_its_topic(push_service, http, signer):
    subscription = push_service.create_subscription()
    header = vapid_header(signer, good_claims(push_service))
    for topic in ("reminder-a", "reminder-a", "reminder-b"):
        push(http, subscription, encrypt(subscription), header, Topic=topic)

    assert [m["topic"] for m in push_service.messages(subscription)] == [
        "reminder-a", "reminder-a", "reminder-b"]


def test_latency_delays_every_push_response(push_service, http, signer):
    subscription = push_service.create_subscription()
    header = vapid_header(signer, good_claims(push_service))
    push_service.set_latency(60)

    started = time.perf_counter()
    response = push(http, subscription, encrypt(subscription), header)

    assert response.status_code == 201
    assert time.perf_counter() - started >= 0.06


def test_waiting_for_messages_that_never_come_times_out(push_service):
    subscription = push_service.create_subscription()

    with pytest.raises(TimeoutError):
        push_service.wait_for_count(1, subscription, timeout=0.2)


def test_in_process_service_behaves_the_same(http, signer):
    with LocalPushService.start(in_process=True) as service:
        subscription = service.create_subscription()
        response = push(http, subscription, encrypt(subscription, b"hello"),
                        vapid_header(signer, good_claims(service)))

        assert response.status_code == 201
        assert service.wait_for_count(1, subscription) == 1
        assert service.messages()[0]["payload"] == "hello"


def test_ceiling_flood_is_all_accepted_and_decrypted(push_service):
    subscription = push_service.create_subscription()

    result = run_flood(subscription, total=400, concurrency=32, payload=b"ceiling")

    assert result.statuses == {201: 400}
    assert result.rate > 0
    assert push_service.count(subscription) == 400
    assert {m["payload"] for m in push_service.messages(subscription)} == {"ceiling"}


def test_ceiling_flood_signs_with_the_key_the_subscription_was_made_for(push_service):
    vapid = Vapid()
    vapid.generate_keys()
    subscription = push_service.create_subscription(
        b64url(vapid.public_key.public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint)))

    with pytest.raises(RuntimeError, match="403"):
        run_flood(subscription, total=10, concurrency=2)
    assert run_flood(subscription, total=10, concurrency=2, vapid=vapid).statuses == {201: 10}
