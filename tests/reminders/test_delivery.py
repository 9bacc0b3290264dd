"""The push sender against a real local push service over HTTP: what arrives, and what each
answer means for the reminder and the device."""

from __future__ import annotations

import json
import os
import random
import re
import socket
import stat
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import pywebpush
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from webapp.reminders.delivery import (
    MAX_PAYLOAD_BYTES,
    Outcome,
    PayloadTooLarge,
    PushMessage,
    PushResult,
    PushSender,
    backoff_delay,
    parse_retry_after,
    run_sync,
    send_one,
    topic_for,
)
from webapp.reminders.vapid import (
    DEFAULT_SUBJECT,
    KEY_FILE_NAME,
    generate_private_key,
    keys_from_private,
    load_or_create_vapid,
)

PAYLOAD = {"title": "Care plan", "body": "You have a reminder from your care plan",
           "id": "r-1"}


def send(vapid_keys, *messages: PushMessage, **options) -> tuple[list[PushResult], PushSender]:
    async def run() -> tuple[list[PushResult], PushSender]:
        async with PushSender(vapid_keys, **options) as sender:
            return await sender.send_many(messages), sender

    return run_sync(run)


def message(subscription: dict, payload=PAYLOAD, **fields) -> PushMessage:
    return PushMessage(subscription, payload, ttl=fields.pop("ttl", 3600), **fields)


# -- VAPID keys ------------------------------------------------------------------------------


def test_vapid_key_is_generated_once_into_a_private_file(tmp_path):
    first = load_or_create_vapid(tmp_path, env={})
    again = load_or_create_vapid(tmp_path, env={})

    key_file = tmp_path / KEY_FILE_NAME
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert again == first
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", first.private_key)
    assert re.fullmatch(r"[A-Za-z0-9_-]{87}", first.public_key)
    assert first.subject == DEFAULT_SUBJECT
    assert first.private_key not in repr(first)


def test_vapid_key_and_subject_come_from_the_environment_when_set(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    from_pem = load_or_create_vapid(
        tmp_path, env={"VAPID_PRIVATE_KEY": pem, "VAPID_SUBJECT": "https://careplan.example"})
    from_raw = load_or_create_vapid(tmp_path, env={"VAPID_PRIVATE_KEY": from_pem.private_key})

    assert from_raw.public_key == from_pem.public_key
    assert from_pem.subject == "https://careplan.example"
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_vapid_subject_must_be_mailto_or_https(tmp_path):
    with pytest.raises(ValueError, match="VAPID_SUBJECT"):
        load_or_create_vapid(tmp_path, env={"VAPID_SUBJECT": "reminders team"})


def test_raw_vapid_key_works_with_pywebpush_directly(push_service, vapid_keys):
    subscription = push_service.create_subscription(vapid_keys.public_key)

    response = pywebpush.webpush(subscription, "hi", vapid_private_key=vapid_keys.private_key,
                                 vapid_claims={"sub": vapid_keys.subject}, ttl=60, timeout=10)

    assert response.status_code == 201


# -- what arrives ----------------------------------------------------------------------------


def test_push_arrives_decrypted_with_its_ttl_urgency_and_topic(push_service, vapid_keys):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    topic = topic_for("reminder-7")

    [result], _ = send(vapid_keys, message(subscription, ttl=7200, urgency="high",
                                           topic=topic, ref=7))

    assert (result.outcome, result.status_code, result.ref) == (Outcome.DELIVERED, 201, 7)
    [received] = push_service.messages(subscription)
    assert json.loads(received["payload"]) == PAYLOAD
    assert (received["ttl"], received["urgency"], received["topic"]) == (7200, "high", topic)
    assert received["vapid"]["sub"] == vapid_keys.subject


def test_vapid_header_is_signed_once_per_origin_and_each_origin_gets_its_own_aud(
        push_service, second_push_service, vapid_keys):
    first = [push_service.create_subscription(vapid_keys.public_key) for _ in range(3)]
    second = [second_push_service.create_subscription(vapid_keys.public_key)
              for _ in range(3)]
    messages = [message(s) for s in first + second for _ in range(4)]

    results, sender = send(vapid_keys, *messages)

    assert {r.outcome for r in results} == {Outcome.DELIVERED}
    assert sender.signatures == 2
    assert {m["vapid"]["aud"] for m in push_service.messages()} == {push_service.origin}
    assert {m["vapid"]["aud"] for m in second_push_service.messages()} == {
        second_push_service.origin}


def test_vapid_header_is_reused_for_hours_then_signed_afresh(vapid_keys):
    now = [1_800_000_000.0]
    sender = PushSender(vapid_keys, clock=lambda: now[0])

    header = sender.authorization("https://push.example")
    now[0] += 10 * 3600
    assert sender.authorization("https://push.example") == header
    now[0] += 2 * 3600
    assert sender.authorization("https://push.example") != header
    assert sender.signatures == 2


def test_500_pushes_to_50_devices_are_all_decrypted_by_the_push_service(
        push_service, vapid_keys):
    subscriptions = [push_service.create_subscription(vapid_keys.public_key)
                     for _ in range(50)]
    messages = [message(s, {"id": f"{n}-{i}", "body": "x" * (i * 37)}, topic=topic_for(i),
                        ref=(n, i))
                for n, s in enumerate(subscriptions) for i in range(10)]

    results, sender = send(vapid_keys, *messages, concurrency=32)

    assert [r.ref for r in results] == [m.ref for m in messages]
    assert {r.outcome for r in results} == {Outcome.DELIVERED}
    assert sender.signatures == 1
    push_service.wait_for_count(500)
    for n, subscription in enumerate(subscriptions):
        received = sorted(json.loads(m["payload"])["id"]
                          for m in push_service.messages(subscription))
        assert received == sorted(f"{n}-{i}" for i in range(10))


# -- what each answer means -------------------------------------------------------------------


def test_gone_subscription_is_reported_gone(push_service, vapid_keys):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    push_service.set_gone(subscription)

    [result], _ = send(vapid_keys, message(subscription))

    assert (result.outcome, result.status_code, result.retry_after) == (Outcome.GONE, 410, None)


def test_unknown_subscription_is_reported_gone(push_service, vapid_keys):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    unknown = {**subscription, "endpoint": f"{push_service.origin}/push/unsubscribed"}

    [result], _ = send(vapid_keys, message(unknown))

    assert (result.outcome, result.status_code) == (Outcome.GONE, 404)


def test_429_is_retried_after_the_push_services_retry_after(push_service, vapid_keys):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    push_service.fail_next(subscription, status=429, retry_after=120)

    [result], _ = send(vapid_keys, message(subscription))

    assert (result.outcome, result.status_code, result.retry_after) == (Outcome.RETRY, 429, 120)


def test_429_with_an_http_date_is_retried_at_that_time(push_service, vapid_keys):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    when = datetime.now(UTC) + timedelta(minutes=10)
    push_service.fail_next(subscription, status=429, retry_after=format_datetime(when, True))

    [result], _ = send(vapid_keys, message(subscription))

    assert result.outcome is Outcome.RETRY
    assert 590 <= result.retry_after <= 600


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_with_backoff(push_service, vapid_keys, status):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    push_service.fail_next(subscription, status=status)

    [result], _ = send(vapid_keys, message(subscription, attempt=2), backoff_base=10,
                       backoff_cap=600)

    assert (result.outcome, result.status_code) == (Outcome.RETRY, status)
    assert 20 <= result.retry_after <= 40


@pytest.mark.parametrize("status", [400, 401, 403, 413])
def test_refusals_are_rejected_neither_retried_nor_deleted(push_service, vapid_keys, status):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    push_service.fail_next(subscription, status=status)

    [result], _ = send(vapid_keys, message(subscription))

    assert (result.outcome, result.status_code, result.retry_after) == (
        Outcome.REJECTED, status, None)
    assert "refused on request of the test" in result.reason


def test_wrong_vapid_key_is_rejected_not_gone(push_service, vapid_keys):
    subscribed_with = keys_from_private(generate_private_key())
    subscription = push_service.create_subscription(subscribed_with.public_key)

    [result], _ = send(vapid_keys, message(subscription))

    assert (result.outcome, result.status_code) == (Outcome.REJECTED, 403)
    assert "applicationServerKey" in result.reason  # the push service's own explanation


def test_refused_connection_is_retried(vapid_keys, push_service):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = {**subscription, "endpoint": f"http://127.0.0.1:{port}/push/abc"}

    [result], _ = send(vapid_keys, message(closed))

    assert (result.outcome, result.status_code) == (Outcome.RETRY, None)
    assert result.retry_after > 0


def test_push_service_that_never_answers_times_out_and_is_retried(vapid_keys, push_service):
    subscription = push_service.create_subscription(vapid_keys.public_key)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections in the backlog but never replies
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/push/abc"

        [result], _ = send(vapid_keys, message({**subscription, "endpoint": endpoint}),
                           timeout=0.3)

    assert (result.outcome, result.status_code) == (Outcome.RETRY, None)
    assert "timed out" in result.reason


def test_reasons_never_carry_the_payload_keys_or_device_address(push_service, vapid_keys):
    subscription = push_service.create_subscription()
    gone = push_service.create_subscription()
    push_service.set_gone(gone)
    push_service.fail_next(subscription, status=400)
    secret_payload = {"body": "Check your blood sugar before lunch"}

    results, _ = send(vapid_keys, message(subscription, secret_payload),
                      message(gone, secret_payload))

    device_id = subscription["endpoint"].rsplit("/", 1)[1]
    for result in results:
        for secret in ("blood sugar", device_id, gone["endpoint"].rsplit("/", 1)[1],
                       subscription["keys"]["auth"], subscription["keys"]["p256dh"],
                       vapid_keys.private_key):
            assert secret not in result.reason


# -- refused before sending --------------------------------------------------------------------


def test_oversize_payload_is_refused_before_anything_is_sent(push_service, vapid_keys):
    subscription = push_service.create_subscription(vapid_keys.public_key)

    with pytest.raises(PayloadTooLarge, match="limit is 2048"):
        send_one(subscription, "x" * (MAX_PAYLOAD_BYTES + 1), vapid=vapid_keys)

    assert push_service.attempts(subscription) == []


@pytest.mark.parametrize("fields", [{"ttl": 0}, {"urgency": "urgent"}, {"topic": "a b"},
                                    {"topic": "x" * 33}])
def test_message_without_valid_headers_cannot_be_made(push_service, fields):
    subscription = push_service.create_subscription()

    with pytest.raises(ValueError):
        message(subscription, **fields)


def test_send_one_delivers_from_synchronous_code(push_service, vapid_keys):
    subscription = push_service.create_subscription(vapid_keys.public_key)

    result = send_one(subscription, {"title": "Test notification"}, vapid=vapid_keys)

    assert (result.outcome, result.status_code) == (Outcome.DELIVERED, 201)
    assert push_service.messages(subscription)[0]["payload"] == '{"title":"Test notification"}'


# -- small pieces ---------------------------------------------------------------------------


def test_topic_is_32_url_safe_characters_and_stable_per_reminder():
    topics = {topic_for(n) for n in range(1000)}

    assert len(topics) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", t) for t in topics)
    assert topic_for("reminder-1") == topic_for("reminder-1")


def test_retry_after_is_read_as_seconds_or_an_http_date():
    now = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)

    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sun, 29 Mar 2026 00:35:00 GMT", now) == 300
    assert parse_retry_after("Sun, 29 Mar 2026 00:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_backoff_grows_with_jitter_up_to_a_cap():
    rng = random.Random(1)
    for attempt in range(12):
        ceiling = min(600, 10 * 2 ** attempt)
        delays = [backoff_delay(attempt, base=10, cap=600, rng=rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1
