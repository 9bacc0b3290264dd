"""A real Web Push service on 127.0.0.1 for tests and benchmarks.

It plays the browser vendor's part: it makes subscriptions as a browser would (a P-256 key
pair and a 16-byte auth secret each), and on ``POST /push/<id>`` it checks the request the way
real push services do (RFC 8030 headers, RFC 8292 VAPID) and decrypts the RFC 8291
``aes128gcm`` body with the subscription's private key, so a test can read what the phone
would have shown. Every hop but the vendor's own server is then real.

Start it in its own process (benchmarks, multi-process worker tests)::

    with LocalPushService.start() as service:            # or start(in_process=True)
        subscription = service.create_subscription()      # what subscription.toJSON() gives
        ...                                               # send to subscription["endpoint"]
        service.wait_for_count(1, subscription)
        service.messages(subscription)[0]["payload"]

or from a shell: ``python tests/support/push_service.py --port 0`` prints
``PUSH_SERVICE_READY http://127.0.0.1:<port>`` once it accepts requests. Any process that
knows that URL can drive it with ``PushServiceClient(url)`` or plain HTTP (``/control/...``).

Control API (JSON, CORS open so a test page's init script may call it; note the app's own
Content-Security-Policy may not, so browser tests usually create the subscription here in
Python and embed its JSON in the init script):

- ``GET  /control/health``
- ``POST /control/subscriptions`` ``{"application_server_key": optional}`` -> the toJSON()
  form; with a key, pushes signed by any other VAPID key get 403, as on real services
- ``POST /control/subscriptions/<id>/behaviour`` ``{"gone": true}`` (410 from now on) and/or
  ``{"fail_next": {"count": N, "status": 429, "retry_after": "5"}}``, ``{"clear": true}``
- ``GET  /control/messages[?subscription=<id>]``, ``GET /control/count[?subscription=<id>]``
- ``GET  /control/attempts[?subscription=<id>]``: every push request with the status it got
- ``GET  /control/wait?count=N[&subscription=<id>][&seconds=s]``: answers once N messages
  have arrived (or the timeout passed), so tests wait on a condition, not a sleep
- ``POST /control/latency`` ``{"ms": 20}``: delay every push response, as a network would
- ``POST /control/clock`` ``{"offset_seconds": 90000}``: skew the service's clock, to test
  ``exp`` handling without waiting hours
- ``POST /control/reset``: forget everything
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import json
import os
import re
import secrets
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

READY_LINE = "PUSH_SERVICE_READY"

# RFC 8030 section 7.2: a push service must accept at least 4096 octets of body; the big ones
# refuse anything larger with 413, and we do the same so oversize payloads fail in tests.
MAX_BODY_BYTES = 4096
# RFC 8292 section 2: exp must not be more than 24 hours after the request.
MAX_EXP_AHEAD_SECONDS = 24 * 60 * 60
URGENCIES = frozenset({"very-low", "low", "normal", "high"})
# RFC 8030 section 5.4: at most 32 characters of the URL- and filename-safe Base64 alphabet.
TOPIC_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
# py_vapid and the big push services accept a mailto: address or an https: URL.
SUBJECT_PATTERN = re.compile(r"(mailto:[^@\s]+@[^@\s]+|https://[^\s/]+(/\S*)?)", re.IGNORECASE)
AUTHORIZATION_PATTERN = re.compile(r"vapid\s+(?P<params>.+)", re.IGNORECASE | re.DOTALL)
JWT_CACHE_LIMIT = 10_000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def subscription_id(subscription: Mapping[str, Any] | str) -> str:
    """The opaque id at the end of a subscription's endpoint (or the id itself)."""
    if isinstance(subscription, str):
        return subscription.rsplit("/", 1)[-1]
    return str(subscription["endpoint"]).rsplit("/", 1)[-1]


# --------------------------------------------------------------------------------------------
# The service


class PushRefused(Exception):
    """A push request the service answers with an error status."""

    def __init__(self, status: int, message: str, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@dataclass
class _Subscription:
    id: str
    private_key: ec.EllipticCurvePrivateKey
    p256dh: str
    auth: str
    auth_secret: bytes
    application_server_key: bytes | None
    gone: bool = False
    forced: deque[tuple[int, str | None]] = field(default_factory=deque)

    def as_json(self, origin: str) -> dict[str, Any]:
        return {
            "endpoint": f"{origin}/push/{self.id}",
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }


@dataclass(frozen=True)
class _Claims:
    aud: str
    sub: str
    exp: int
    key: bytes  # the signer's public key, uncompressed point


class PushServiceState:
    """Subscriptions, behaviour and received messages of one running service."""

    def __init__(self) -> None:
        self.origin = ""
        self.latency = 0.0
        self.clock_offset = 0.0
        self.subscriptions: dict[str, _Subscription] = {}
        self.messages: list[dict[str, Any]] = []
        self.messages_by_subscription: dict[str, list[dict[str, Any]]] = {}
        self.attempts: list[dict[str, Any]] = []
        # A well-behaved sender reuses one signed header for hours, so the signature is
        # checked once per token; exp is still checked on every request.
        self.verified: dict[str, _Claims] = {}
        self.waiters: list[tuple[str | None, int, asyncio.Future[None]]] = []

    def now(self) -> float:
        return time.time() + self.clock_offset

    def reset(self) -> None:
        self.latency = 0.0
        self.clock_offset = 0.0
        self.subscriptions.clear()
        self.messages.clear()
        self.messages_by_subscription.clear()
        self.attempts.clear()
        self.verified.clear()

    def create_subscription(self, application_server_key: str | None = None) -> _Subscription:
        private_key = ec.generate_private_key(ec.SECP256R1())
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        auth_secret = os.urandom(16)
        subscription = _Subscription(
            id=secrets.token_urlsafe(24),
            private_key=private_key,
            p256dh=b64url(public),
            auth=b64url(auth_secret),
            auth_secret=auth_secret,
            application_server_key=(
                b64url_decode(application_server_key) if application_server_key else None
            ),
        )
        self.subscriptions[subscription.id] = subscription
        self.messages_by_subscription[subscription.id] = []
        return subscription

    def count(self, subscription: str | None = None) -> int:
        if subscription is None:
            return len(self.messages)
        return len(self.messages_by_subscription.get(subscription, ()))

    # -- VAPID ---------------------------------------------------------------------------

    def verify_vapid(self, authorization: str | None) -> _Claims:
        if not authorization:
            raise PushRefused(401, "missing VAPID Authorization header")
        claims = self.verified.get(authorization)
        if claims is None:
            claims = self._verify_signature(authorization)
            if len(self.verified) >= JWT_CACHE_LIMIT:
                self.verified.clear()
            self.verified[authorization] = claims
        if claims.exp <= self.now():
            raise PushRefused(401, "VAPID token expired")
        return claims

    def _verify_signature(self, authorization: str) -> _Claims:
        match = AUTHORIZATION_PATTERN.fullmatch(authorization.strip())
        if match is None:
            raise PushRefused(401, "Authorization scheme must be vapid (RFC 8292)")
        params = {}
        for part in match["params"].split(","):
            name, _, value = part.strip().partition("=")
            params[name.strip().lower()] = value.strip()
        token, key_text = params.get("t"), params.get("k")
        if not token or not key_text:
            raise PushRefused(401, "VAPID header needs both t= and k=")
        try:
            key_bytes = b64url_decode(key_text)
            public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key_bytes)
            header_part, claims_part, signature_part = token.split(".")
            header = json.loads(b64url_decode(header_part))
            claims = json.loads(b64url_decode(claims_part))
            signature = b64url_decode(signature_part)
        except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
            raise PushRefused(401, "malformed VAPID token or key") from exc
        if not isinstance(header, dict) or header.get("alg") != "ES256":
            raise PushRefused(401, "VAPID token must be signed with ES256")
        if len(signature) != 64:
            raise PushRefused(401, "ES256 signature must be 64 bytes")
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public_key.verify(
                der, f"{header_part}.{claims_part}".encode("ascii"), ec.ECDSA(hashes.SHA256())
            )
        except InvalidSignature as exc:
            raise PushRefused(401, "VAPID signature does not match the k= key") from exc
        if not isinstance(claims, dict):
            raise PushRefused(401, "VAPID claims must be a JSON object")
        aud, sub, exp = claims.get("aud"), claims.get("sub"), claims.get("exp")
        if aud != self.origin:
            raise PushRefused(401, f"VAPID aud must be {self.origin}")
        if not isinstance(sub, str) or not SUBJECT_PATTERN.fullmatch(sub):
            raise PushRefused(401, "VAPID sub must be a mailto: or https: URL")
        if not isinstance(exp, int) or isinstance(exp, bool):
            raise PushRefused(401, "VAPID exp must be an integer")
        now = self.now()
        if exp > now + MAX_EXP_AHEAD_SECONDS:
            raise PushRefused(401, "VAPID exp is more than 24 hours ahead")
        return _Claims(aud=aud, sub=sub, exp=exp, key=key_bytes)

    # -- receiving -----------------------------------------------------------------------

    def check_headers(self, request: web.Request) -> tuple[int, str | None, str | None]:
        ttl_text = request.headers.get("TTL")
        if ttl_text is None:
            raise PushRefused(400, "TTL header is required (RFC 8030 section 5.2)")
        if not re.fullmatch(r"[0-9]{1,10}", ttl_text):
            raise PushRefused(400, "TTL must be a non-negative integer")
        urgency = request.headers.get("Urgency")
        if urgency is not None and urgency not in URGENCIES:
            raise PushRefused(400, "Urgency must be very-low, low, normal or high")
        topic = request.headers.get("Topic")
        if topic is not None and not TOPIC_PATTERN.fullmatch(topic):
            raise PushRefused(400, "Topic must be 1-32 URL-safe Base64 characters")
        return int(ttl_text), urgency, topic

    def decrypt(self, subscription: _Subscription, request: web.Request, body: bytes) -> bytes:
        if not body:
            return b""  # RFC 8030 allows a push without payload
        if request.headers.get("Content-Encoding", "").lower() != "aes128gcm":
            raise PushRefused(415, "Content-Encoding must be aes128gcm (RFC 8291)")
        try:
            return http_ece.decrypt(
                body,
                private_key=subscription.private_key,
                auth_secret=subscription.auth_secret,
                version="aes128gcm",
            )
        except Exception as exc:  # http_ece raises several types for a bad body
            raise PushRefused(400, "body could not be decrypted") from exc

    def record(
        self,
        subscription: _Subscription,
        claims: _Claims,
        headers: tuple[int, str | None, str | None],
        plaintext: bytes,
        received_at: float,
    ) -> dict[str, Any]:
        ttl, urgency, topic = headers
        try:
            text: str | None = plaintext.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        message = {
            "id": len(self.messages) + 1,
            "subscription": subscription.id,
            "payload": text,
            "payload_b64": b64url(plaintext),
            "ttl": ttl,
            "urgency": urgency,
            "topic": topic,
            "received_at": received_at,
            "vapid": {"aud": claims.aud, "sub": claims.sub, "exp": claims.exp,
                      "k": b64url(claims.key)},
        }
        self.messages.append(message)
        self.messages_by_subscription[subscription.id].append(message)
        if self.waiters:
            self._wake_waiters()
        return message

    def _wake_waiters(self) -> None:
        waiting = []
        for subscription, wanted, future in self.waiters:
            if future.done():
                continue
            if self.count(subscription) >= wanted:
                future.set_result(None)
            else:
                waiting.append((subscription, wanted, future))
        self.waiters = waiting


STATE = web.AppKey("state", PushServiceState)


def _refusal(exc: PushRefused) -> web.Response:
    headers = {"Retry-After": exc.retry_after} if exc.retry_after is not None else None
    # The shape autopush answers with, so the sender's admin-facing reason has something real.
    body = {"code": exc.status, "errno": exc.status, "error": exc.message, "message": exc.message}
    return web.json_response(body, status=exc.status, headers=headers)


async def _push(request: web.Request) -> web.Response:
    state = request.app[STATE]
    received_at = state.now()
    sub_id = request.match_info["sub_id"]
    if state.latency:
        await asyncio.sleep(state.latency)
    status = 201
    try:
        subscription = state.subscriptions.get(sub_id)
        if subscription is None:
            raise PushRefused(404, "no such subscription")
        if subscription.gone:
            raise PushRefused(410, "subscription has expired or been unsubscribed")
        claims = state.verify_vapid(request.headers.get("Authorization"))
        if (subscription.application_server_key is not None
                and claims.key != subscription.application_server_key):
            raise PushRefused(403, "VAPID key differs from the subscription's "
                                   "applicationServerKey")
        headers = state.check_headers(request)
        if subscription.forced:
            forced_status, retry_after = subscription.forced.popleft()
            raise PushRefused(forced_status, "refused on request of the test", retry_after)
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise PushRefused(413, f"body over {MAX_BODY_BYTES} bytes")
        body = await request.read()
        if len(body) > MAX_BODY_BYTES:
            raise PushRefused(413, f"body over {MAX_BODY_BYTES} bytes")
        plaintext = state.decrypt(subscription, request, body)
        message = state.record(subscription, claims, headers, plaintext, received_at)
    except PushRefused as exc:
        status = exc.status
        return _refusal(exc)
    finally:
        state.attempts.append({
            "subscription": sub_id,
            "status": status,
            "received_at": received_at,
            "topic": request.headers.get("Topic"),
        })
    return web.Response(status=201, headers={"Location": f"/message/{message['id']}"})


def _subscription_arg(request: web.Request) -> str | None:
    return request.query.get("subscription") or None


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "origin": request.app[STATE].origin})


async def _create_subscription(request: web.Request) -> web.Response:
    state = request.app[STATE]
    options = await request.json() if request.can_read_body else {}
    subscription = state.create_subscription(options.get("application_server_key"))
    return web.json_response(subscription.as_json(state.origin), status=201)


async def _behaviour(request: web.Request) -> web.Response:
    state = request.app[STATE]
    subscription = state.subscriptions.get(request.match_info["sub_id"])
    if subscription is None:
        raise web.HTTPNotFound(text="no such subscription")
    options = await request.json()
    if options.get("clear"):
        subscription.gone = False
        subscription.forced.clear()
    if "gone" in options:
        subscription.gone = bool(options["gone"])
    fail = options.get("fail_next")
    if fail:
        retry_after = fail.get("retry_after")
        entry = (int(fail.get("status", 429)), None if retry_after is None else str(retry_after))
        subscription.forced.extend([entry] * int(fail.get("count", 1)))
    return web.json_response({"gone": subscription.gone, "queued": len(subscription.forced)})


async def _messages(request: web.Request) -> web.Response:
    state = request.app[STATE]
    subscription = _subscription_arg(request)
    found = (state.messages if subscription is None
             else state.messages_by_subscription.get(subscription, []))
    return web.json_response(found)


async def _attempts(request: web.Request) -> web.Response:
    state = request.app[STATE]
    subscription = _subscription_arg(request)
    return web.json_response([a for a in state.attempts
                              if subscription is None or a["subscription"] == subscription])


async def _count(request: web.Request) -> web.Response:
    return web.json_response({"count": request.app[STATE].count(_subscription_arg(request))})


async def _wait(request: web.Request) -> web.Response:
    state = request.app[STATE]
    subscription = _subscription_arg(request)
    wanted = int(request.query.get("count", "1"))
    timeout = float(request.query.get("seconds", "10"))
    if state.count(subscription) < wanted:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        state.waiters.append((subscription, wanted, future))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(future, timeout)
    count = state.count(subscription)
    return web.json_response({"count": count, "reached": count >= wanted})


async def _latency(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.latency = float((await request.json()).get("ms", 0)) / 1000
    return web.json_response({"ms": state.latency * 1000})


async def _clock(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.clock_offset = float((await request.json()).get("offset_seconds", 0))
    return web.json_response({"offset_seconds": state.clock_offset})


async def _reset(request: web.Request) -> web.Response:
    request.app[STATE].reset()
    return web.json_response({"ok": True})


_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}


@web.middleware
async def _cors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Let a page on the app's origin (a test's init script) call the control API."""
    if not request.path.startswith("/control/"):
        return await handler(request)
    if request.method == "OPTIONS":
        return web.Response(status=204, headers=_CORS)
    response = await handler(request)
    response.headers.update(_CORS)
    return response


async def _preflight(request: web.Request) -> web.Response:
    return web.Response(status=204, headers=_CORS)


def make_app(state: PushServiceState | None = None) -> web.Application:
    # 1 MB lets an oversize push reach our 413 instead of aiohttp's own refusal.
    app = web.Application(client_max_size=1024 * 1024, middlewares=[_cors])
    app[STATE] = state or PushServiceState()
    app.router.add_post("/push/{sub_id}", _push)
    app.router.add_get("/control/health", _health)
    app.router.add_post("/control/subscriptions", _create_subscription)
    app.router.add_post("/control/subscriptions/{sub_id}/behaviour", _behaviour)
    app.router.add_get("/control/messages", _messages)
    app.router.add_get("/control/attempts", _attempts)
    app.router.add_get("/control/count", _count)
    app.router.add_get("/control/wait", _wait)
    app.router.add_post("/control/latency", _latency)
    app.router.add_post("/control/clock", _clock)
    app.router.add_post("/control/reset", _reset)
    app.router.add_route("OPTIONS", "/control/{tail:.*}", _preflight)
    return app


async def _start_runner(host: str, port: int, latency_ms: float) -> tuple[web.AppRunner, str]:
    app = make_app()
    # No access log: formatting a line per push would cost more than verifying it.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    url = f"http://{bound_host}:{bound_port}"
    app[STATE].origin = url
    app[STATE].latency = latency_ms / 1000
    return runner, url


async def _serve_forever(host: str, port: int, latency_ms: float) -> None:
    runner, url = await _start_runner(host, port, latency_ms)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"{READY_LINE} {url}", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local Web Push service for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    asyncio.run(_serve_forever(args.host, args.port, args.latency_ms))


# --------------------------------------------------------------------------------------------
# Client


class PushServiceClient:
    """Drives a running push service over its HTTP control API (any process can)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.origin = self.url
        self.timeout = timeout
        # Loopback must never go through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, method: str, path: str, body: Any = None, timeout: float | None = None,
              **query: Any) -> Any:
        url = f"{self.url}{path}"
        params = {k: v for k, v in query.items() if v is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode()
        # Only ever the http:// URL this client was made for, never a caller's scheme.
        request = urllib.request.Request(  # noqa: S310
            url, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with self._opener.open(request, timeout=timeout or self.timeout) as response:
            return json.loads(response.read())

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/control/health")

    def create_subscription(self, application_server_key: str | None = None) -> dict[str, Any]:
        """A new subscription as ``PushSubscription.toJSON()`` gives it.

        With ``application_server_key`` (the page's VAPID public key), pushes signed with any
        other key are refused with 403, as the browser vendors' services do.
        """
        body = {"application_server_key": application_server_key}
        return self._call("POST", "/control/subscriptions", body)

    def set_gone(self, subscription: Mapping[str, Any] | str, gone: bool = True) -> None:
        self._behaviour(subscription, {"gone": gone})

    def fail_next(self, subscription: Mapping[str, Any] | str, count: int = 1,
                  status: int = 429, retry_after: str | int | None = None) -> None:
        """Answer the next ``count`` pushes to this subscription with ``status``."""
        fail = {"count": count, "status": status,
                "retry_after": None if retry_after is None else str(retry_after)}
        self._behaviour(subscription, {"fail_next": fail})

    def clear_behaviour(self, subscription: Mapping[str, Any] | str) -> None:
        self._behaviour(subscription, {"clear": True})

    def _behaviour(self, subscription: Mapping[str, Any] | str, options: dict) -> None:
        self._call("POST", f"/control/subscriptions/{subscription_id(subscription)}/behaviour",
                   options)

    def set_latency(self, ms: float) -> None:
        self._call("POST", "/control/latency", {"ms": ms})

    def set_clock_offset(self, seconds: float) -> None:
        self._call("POST", "/control/clock", {"offset_seconds": seconds})

    def messages(self, subscription: Mapping[str, Any] | str | None = None
                 ) -> list[dict[str, Any]]:
        return self._call("GET", "/control/messages", subscription=_sub_arg(subscription))

    def attempts(self, subscription: Mapping[str, Any] | str | None = None
                 ) -> list[dict[str, Any]]:
        return self._call("GET", "/control/attempts", subscription=_sub_arg(subscription))

    def count(self, subscription: Mapping[str, Any] | str | None = None) -> int:
        return self._call("GET", "/control/count", subscription=_sub_arg(subscription))["count"]

    def wait_for_count(self, count: int, subscription: Mapping[str, Any] | str | None = None,
                       timeout: float = 10.0) -> int:
        """Block until ``count`` messages arrived; raise TimeoutError if they did not."""
        answer = self._call("GET", "/control/wait", timeout=timeout + 5, count=count,
                            subscription=_sub_arg(subscription), seconds=timeout)
        if not answer["reached"]:
            raise TimeoutError(f"push service got {answer['count']} messages, not {count}, "
                               f"within {timeout} s")
        return answer["count"]

    def reset(self) -> None:
        self._call("POST", "/control/reset", {})


def _sub_arg(subscription: Mapping[str, Any] | str | None) -> str | None:
    return None if subscription is None else subscription_id(subscription)


class LocalPushService(PushServiceClient):
    """A push service this process started, in a child process or in a thread."""

    def __init__(self, url: str, process: subprocess.Popen[bytes] | None = None,
                 thread: _ServiceThread | None = None) -> None:
        super().__init__(url)
        self._process = process
        self._thread = thread

    @classmethod
    def start(cls, *, in_process: bool = False, latency_ms: float = 0.0,
              host: str = "127.0.0.1", port: int = 0, timeout: float = 15.0
              ) -> LocalPushService:
        if in_process:
            thread = _ServiceThread(host, port, latency_ms)
            return cls(thread.start_and_wait(timeout), thread=thread)
        command = [sys.executable, os.path.abspath(__file__), "--host", host,
                   "--port", str(port), "--latency-ms", str(latency_ms)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE)
        try:
            url = _read_ready_line(process, timeout)
            service = cls(url, process=process)
            service.health()
        except BaseException:
            process.kill()
            process.wait()
            raise
        return service

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout:
                self._process.stdout.close()
            self._process = None
        if self._thread is not None:
            self._thread.stop()
            self._thread = None

    def __enter__(self) -> LocalPushService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _read_ready_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout
    output = b""
    while b"\n" not in output:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"push service did not start within {timeout} s")
        readable, _, _ = select.select([fd], [], [], remaining)
        if not readable:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            raise RuntimeError(f"push service exited with {process.wait()} before it was ready")
        output += chunk
    line = output.split(b"\n", 1)[0].decode()
    if not line.startswith(READY_LINE + " "):
        raise RuntimeError(f"unexpected first line from push service: {line!r}")
    return line.split(" ", 1)[1].strip()


class _ServiceThread:
    """Runs the service's event loop in a daemon thread of this process."""

    def __init__(self, host: str, port: int, latency_ms: float) -> None:
        self._args = (host, port, latency_ms)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="push-service", daemon=True)
        self._ready = threading.Event()
        self._url: str | None = None
        self._error: BaseException | None = None
        self._stop: asyncio.Event | None = None

    def start_and_wait(self, timeout: float) -> str:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"push service thread did not start within {timeout} s")
        if self._error is not None:
            raise self._error
        assert self._url is not None
        return self._url

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        try:
            runner, self._url = await _start_runner(*self._args)
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()

    def stop(self) -> None:
        if self._stop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)


if __name__ == "__main__":
    main()
