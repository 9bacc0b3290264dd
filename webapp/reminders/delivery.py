"""Sending Web Push messages and sorting out what each push service said.

One ``PushSender`` per worker: kept-alive connections to each push service (see
connections.py), one VAPID header per push-service origin signed once and reused for hours,
up to ``concurrency`` pushes in flight, an explicit timeout on each; each message encrypted
for its device (RFC 8291, see encryption.py).

Every answer becomes a ``PushResult``:

- ``delivered``: 200, 201, 202.
- ``gone``: 404, 410. The caller deletes that subscription, and only that one.
- ``retry``: 429, 5xx, network errors and timeouts. The subscription is kept; try again after
  ``retry_after`` seconds (the push service's Retry-After, else back-off with jitter).
- ``rejected``: anything else (400, 401, 403, 413...). Neither retried nor deleted but shown
  to admins: a wrong VAPID key or subject gets 401/403 from every device's push service, and
  treating that as "gone" would wipe every patient's devices.

Reason texts and logs name the push service's origin and status only: never the payload,
the keys or the endpoint's path (which is the device's secret address).
"""

from __future__ import annotations

import asyncio
import base64
import enum
import hashlib
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from webapp.reminders.connections import PushConnections, Target
from webapp.reminders.encryption import Receiver, encrypt
from webapp.reminders.vapid import VapidKeys

T = TypeVar("T")

log = logging.getLogger(__name__)

# The issue asks for plaintext under 2 KB; the protocol's ceiling is 3,993 bytes (4,096 on
# the wire minus the aes128gcm header, tag and padding).
MAX_PAYLOAD_BYTES = 2048
DEFAULT_CONCURRENCY = 32
DEFAULT_TIMEOUT_SECONDS = 10.0
URGENCIES = ("very-low", "low", "normal", "high")
# pywebpush signs for 12 hours; RFC 8292 allows 24. Re-signing an hour before exp leaves
# room for clock skew between us and the push service and for slow requests.
HEADER_LIFETIME_SECONDS = 12 * 60 * 60
HEADER_REFRESH_MARGIN_SECONDS = 60 * 60
DEFAULT_BACKOFF_BASE_SECONDS = 30.0
DEFAULT_BACKOFF_CAP_SECONDS = 60 * 60.0
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")
_BODY_EXCERPT_CHARS = 200
_DEVICE_CACHE_LIMIT = 10_000
_ENCODING_HEADERS = b"Content-Encoding: aes128gcm\r\nContent-Type: application/octet-stream\r\n"


class PayloadTooLarge(ValueError):
    """The plaintext would not fit the size we allow for a push message."""


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    GONE = "gone"
    RETRY = "retry"
    REJECTED = "rejected"


@dataclass(frozen=True)
class PushMessage:
    """One push to one subscription.

    ``subscription`` is the browser's ``toJSON()`` form (endpoint and keys). ``ttl`` is how
    many seconds the push service should keep the message for a phone that is offline, so
    match it to how long the reminder stays useful (pywebpush's default of 0 means "drop
    it"). ``topic`` makes a later message replace an undelivered one with the same topic;
    build it with ``topic_for``. ``attempt`` counts earlier failed tries, for back-off.
    ``ref`` is the caller's own handle (a delivery row id), echoed in the result.
    """

    subscription: Mapping[str, Any] = field(repr=False)
    payload: bytes = field(repr=False)
    ttl: int
    urgency: str = "normal"
    topic: str | None = None
    attempt: int = 0
    ref: Any = None

    def __post_init__(self) -> None:
        payload = self.payload
        if isinstance(payload, Mapping):
            payload = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        object.__setattr__(self, "payload", bytes(payload))
        if len(self.payload) > MAX_PAYLOAD_BYTES:
            raise PayloadTooLarge(
                f"push payload is {len(self.payload)} bytes; the limit is {MAX_PAYLOAD_BYTES}"
            )
        if not isinstance(self.ttl, int) or self.ttl <= 0:
            raise ValueError("ttl must be a whole number of seconds above 0")
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}")
        if self.topic is not None and not _TOPIC.fullmatch(self.topic):
            raise ValueError("topic must be 1-32 URL-safe Base64 characters; use topic_for()")
        endpoint = self.subscription.get("endpoint") if self.subscription else None
        if not isinstance(endpoint, str) or urlsplit(endpoint).scheme not in ("https", "http"):
            raise ValueError("subscription needs an http(s) endpoint")


@dataclass(frozen=True)
class PushResult:
    outcome: Outcome
    status_code: int | None
    retry_after: float | None  # seconds to wait before the next try; set only for RETRY
    reason: str
    ref: Any = None


def topic_for(reminder_id: object) -> str:
    """The RFC 8030 Topic for a reminder: 32 URL-safe Base64 characters.

    Hashed rather than the id itself, so the push service learns nothing from it.
    """
    digest = hashlib.sha256(str(reminder_id).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:32]


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,10}", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # RFC 9110 dates are always GMT
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(attempt: int, base: float = DEFAULT_BACKOFF_BASE_SECONDS,
                  cap: float = DEFAULT_BACKOFF_CAP_SECONDS,
                  rng: random.Random | None = None) -> float:
    """Exponential back-off with jitter: between half and all of ``base * 2**attempt``.

    Half is fixed so a retry never comes straight back; the random half spreads workers
    that failed together so they do not hit a recovering push service in one wave.
    """
    ceiling = min(cap, base * (2 ** max(0, attempt)))
    # Jitter for spreading load, not a secret, so the ordinary generator is right here.
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class _Device:
    """What sending to one device needs, worked out once."""

    target: Target
    origin: str
    receiver: Receiver


class PushSender:
    """Sends push messages for one worker: ``async with PushSender(keys) as sender``.

    Its session and concurrency limit belong to the event loop it first runs in, so make one
    per loop (per worker process), not one per module.
    """

    def __init__(
        self,
        vapid: VapidKeys,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        backoff_base: float = DEFAULT_BACKOFF_BASE_SECONDS,
        backoff_cap: float = DEFAULT_BACKOFF_CAP_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.vapid = vapid
        self.concurrency = concurrency
        self.timeout = timeout
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._headers: dict[str, tuple[str, bytes, float]] = {}
        # Parsing the endpoint and decoding the device's keys once per device, not per push.
        self._devices: dict[tuple[str, str, str], _Device] = {}
        self._connections: PushConnections | None = None
        self.signatures = 0  # VAPID headers signed so far; one per origin per 11 hours

    async def __aenter__(self) -> PushSender:
        self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def open(self) -> PushConnections:
        if self._connections is None:
            self._connections = PushConnections()
        return self._connections

    async def close(self) -> None:
        if self._connections is not None:
            await self._connections.close()
            self._connections = None

    def authorization(self, origin: str) -> str:
        """The ``Authorization: vapid t=..., k=...`` value for one push-service origin."""
        return self._signed(origin)[0]

    def _authorization_line(self, origin: str) -> bytes:
        return self._signed(origin)[1]

    def _signed(self, origin: str) -> tuple[str, bytes, float]:
        """The origin's header value, its request line, and when to sign it afresh."""
        now = self._clock()
        cached = self._headers.get(origin)
        if cached is not None and now < cached[2]:
            return cached
        # A fresh dict every time: pywebpush's webpush() writes aud into the dict it is
        # given, and one shared dict once sent the first origin's aud everywhere (401).
        claims = {"sub": self.vapid.subject, "aud": origin,
                  "exp": int(now) + HEADER_LIFETIME_SECONDS}
        header = self.vapid.signer.sign(claims)["Authorization"]
        self.signatures += 1
        signed = self._headers[origin] = (
            header, f"Authorization: {header}\r\n".encode("ascii"),
            now + HEADER_LIFETIME_SECONDS - HEADER_REFRESH_MARGIN_SECONDS)
        return signed

    async def send_many(self, messages: Iterable[PushMessage]) -> list[PushResult]:
        """Send all messages, ``concurrency`` at a time; results in the messages' order."""
        return list(await asyncio.gather(*(self.send(message) for message in messages)))

    async def send(self, message: PushMessage) -> PushResult:
        """Send one message. Never raises for what a push service or the network does."""
        connections = self.open()
        endpoint = str(message.subscription["endpoint"])
        try:
            device = self._device(message.subscription)
        except (ValueError, TypeError, KeyError):
            return self._result(message, Outcome.REJECTED, None, None,
                                f"subscription keys for {_origin(endpoint)} are not usable")
        async with self._slots:
            body = encrypt(message.payload, device.receiver)
            headers = b"".join((
                self._authorization_line(device.origin),
                b"TTL: %d\r\nUrgency: %s\r\n" % (message.ttl, message.urgency.encode()),
                b"Topic: %s\r\n" % message.topic.encode() if message.topic else b"",
                _ENCODING_HEADERS))
            try:
                answer = await connections.post(device.target, headers, body, self.timeout)
                return self._classify(message, device.origin, endpoint, answer.status,
                                      answer.reason, answer.headers.get("retry-after"),
                                      answer.text)
            except TimeoutError:
                reason = f"timed out after {self.timeout:g} s waiting for {device.origin}"
            except OSError as exc:  # refused, reset, TLS, dropped, not HTTP
                reason = f"network error ({type(exc).__name__}) talking to {device.origin}"
        return self._result(message, Outcome.RETRY, None, self._backoff(message), reason)

    def _classify(self, message: PushMessage, origin: str, endpoint: str, status: int,
                  phrase: str | None, retry_after_header: str | None, text: str) -> PushResult:
        answer = f"{status} {phrase or ''}".strip()
        if status in (200, 201, 202):
            return self._result(message, Outcome.DELIVERED, status, None,
                                f"accepted by {origin} ({answer})")
        if status in (404, 410):
            return self._result(message, Outcome.GONE, status, None,
                                f"subscription no longer exists at {origin} ({answer})")
        if status == 429 or 500 <= status <= 599:
            wait = parse_retry_after(retry_after_header)
            if wait is None:
                wait = self._backoff(message)
            return self._result(message, Outcome.RETRY, status, wait,
                                f"{origin} answered {answer}; retry in {wait:.0f} s")
        excerpt = _excerpt(text, endpoint)
        return self._result(message, Outcome.REJECTED, status, None,
                            f"{origin} rejected the push ({answer})"
                            + (f": {excerpt}" if excerpt else ""))

    def _device(self, subscription: Mapping[str, Any]) -> _Device:
        keys = subscription.get("keys") or {}
        cache_key = (str(subscription["endpoint"]), str(keys.get("p256dh")), str(keys.get("auth")))
        device = self._devices.get(cache_key)
        if device is None:
            if len(self._devices) >= _DEVICE_CACHE_LIMIT:
                self._devices.clear()
            endpoint = cache_key[0]
            device = self._devices[cache_key] = _Device(
                Target.of(endpoint), _origin(endpoint), Receiver.from_subscription(subscription))
        return device

    def _backoff(self, message: PushMessage) -> float:
        return backoff_delay(message.attempt, self.backoff_base, self.backoff_cap)

    @staticmethod
    def _result(message: PushMessage, outcome: Outcome, status: int | None,
                retry_after: float | None, reason: str) -> PushResult:
        if outcome is not Outcome.DELIVERED:
            log.log(logging.WARNING if outcome is Outcome.REJECTED else logging.INFO,
                    "push %s: %s", outcome, reason)
        return PushResult(outcome=outcome, status_code=status, retry_after=retry_after,
                          reason=reason, ref=message.ref)


def _excerpt(text: str, endpoint: str) -> str:
    """The start of a push service's error body, for admins, without the device's address."""
    path = urlsplit(endpoint).path
    for secret in (endpoint, path.rsplit("/", 1)[-1], path):
        if secret:
            text = text.replace(secret, "…")
    return " ".join(text.split())[:_BODY_EXCERPT_CHARS]


def send_one(
    subscription: Mapping[str, Any],
    payload: bytes | str | Mapping[str, Any],
    *,
    vapid: VapidKeys,
    ttl: int = 15 * 60,
    urgency: str = "high",
    topic: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> PushResult:
    """Send one push from synchronous code, e.g. the "Send me a test notification" button.

    Runs the dispatcher's own path (same encryption, headers and classification) in a short
    event loop, rather than keeping a second HTTP stack for one request a click. Raises
    ``PayloadTooLarge`` before anything is sent.
    """
    message = PushMessage(subscription, payload, ttl=ttl, urgency=urgency, topic=topic)

    async def run() -> PushResult:
        async with PushSender(vapid, concurrency=1, timeout=timeout) as sender:
            return await sender.send(message)

    return run_sync(run)


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to the end from synchronous code.

    It runs on a thread of its own, so this works even where the calling thread already has
    a running event loop (a web server with one, or a test driving Playwright's sync API),
    where a plain ``asyncio.run`` would refuse.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()
