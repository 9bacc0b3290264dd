"""The ceiling: how many pushes a second the receiving push service can take on this machine.

One body is encrypted and one VAPID header signed up front, then the same request is POSTed
by many concurrent aiohttp requests, so the sender spends almost nothing per push and the
figure measures the receiver (HTTP, VAPID check, decryption). Benchmarks print the
dispatcher's rate as a share of this one.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from py_vapid import Vapid
from pywebpush import WebPusher

from webapp.reminders.delivery import run_sync

FLOOD_SUBJECT = "mailto:ceiling@careplan.invalid"


@dataclass(frozen=True)
class FloodResult:
    sent: int
    seconds: float
    statuses: Counter[int]

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def prepared_request(subscription: Mapping[str, Any], payload: bytes, ttl: int = 60,
                     vapid: Vapid | None = None) -> tuple[bytes, dict[str, str]]:
    """One encrypted body and the headers to send it with, reusable for any number of posts."""
    if vapid is None:
        vapid = Vapid()
        vapid.generate_keys()
    parts = urlsplit(str(subscription["endpoint"]))
    claims = {"sub": FLOOD_SUBJECT, "aud": f"{parts.scheme}://{parts.netloc}",
              "exp": int(time.time()) + 12 * 60 * 60}
    headers = {
        "Authorization": vapid.sign(claims)["Authorization"],
        "TTL": str(ttl),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "Urgency": "normal",
    }
    body = WebPusher(subscription).encode(payload)["body"]
    return body, headers


async def flood(subscription: Mapping[str, Any], total: int, concurrency: int = 64,
                payload: bytes = b'{"title":"ceiling"}', vapid: Vapid | None = None
                ) -> FloodResult:
    """POST ``total`` identical pushes, ``concurrency`` at a time, as fast as possible.

    Pass ``vapid`` (e.g. ``VapidKeys.signer``) when the subscription was made with an
    applicationServerKey. Raises if any push was not accepted: refusals are cheaper than
    deliveries, so a flood of 403s would report a ceiling far too high.
    """
    body, headers = prepared_request(subscription, payload, vapid=vapid)
    endpoint = str(subscription["endpoint"])
    statuses: Counter[int] = Counter()
    remaining = total

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            async with session.post(endpoint, data=body, headers=headers) as response:
                await response.read()
                statuses[response.status] += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    if set(statuses) != {201}:
        raise RuntimeError(f"the push service refused some of the flood: {dict(statuses)}")
    return FloodResult(sent=total, seconds=seconds, statuses=statuses)


def run_flood(subscription: Mapping[str, Any], total: int, concurrency: int = 64,
              payload: bytes = b'{"title":"ceiling"}', vapid: Vapid | None = None
              ) -> FloodResult:
    """``flood`` for synchronous callers (benchmarks, tests)."""
    return run_sync(lambda: flood(subscription, total, concurrency, payload, vapid))
