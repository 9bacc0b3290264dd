"""A worker's kept-alive HTTP/1.1 connections to push services, for POSTing push messages.

A push is one small POST whose answer is a status line and a short body, thousands of times
a second. aiohttp spent about 140 µs of CPU on each (URL objects, header multidicts, cookie
jar, tracing, timers, response objects: the general-purpose client), which made the HTTP
client the largest single cost of a dispatcher worker; this does the same request in about
30 µs: one write of a prepared head and the body, and llhttp (httptools, the parser uvicorn
uses) for the response, so chunked bodies, keep-alive rules and malformed answers are handled
by a real HTTP parser rather than by us.

What it does not do, because push services do not need it: redirects (a 3xx is an answer to
report, not follow), cookies, proxies, compression, HTTP/2. TLS is asyncio's, with the
system's certificate store.

Connections are kept per origin and reused, most recently used first; one that sat idle
longer than ``idle_timeout`` is closed rather than trusted, since servers drop idle
connections without telling anyone. If a reused connection turns out to have been dropped
before any byte of the answer came back, the request goes once more on a new connection: a
push service that did take the first copy gets a second with the same Topic, which replaces
rather than adds. The caller bounds how many requests are in flight (``PushSender`` does),
and so how many connections are open.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httptools

# Enough of an error body to show admins; push services answer in a few hundred bytes.
MAX_BODY_BYTES = 64 * 1024
DEFAULT_IDLE_TIMEOUT_SECONDS = 30.0
_PORTS = {"http": 80, "https": 443}


class ConnectionDropped(ConnectionError):
    """The push service closed the connection (or it broke) before answering in full."""


class BadAnswer(ConnectionError):
    """What came back was not HTTP/1.1."""


@dataclass(frozen=True)
class Target:
    """Where one endpoint's requests go: parsed once per device, not once per push."""

    origin: tuple[str, str, int]  # scheme, host, port: connections are shared per origin
    head: bytes  # "POST /path HTTP/1.1" and the Host header

    @classmethod
    def of(cls, endpoint: str) -> Target:
        parts = urlsplit(endpoint)
        if parts.scheme not in _PORTS or not parts.hostname:
            raise ValueError("an endpoint must be an http(s) URL with a host")
        if parts.username is not None or parts.password is not None:
            raise ValueError("an endpoint must not carry a user name or password")
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        # Anything outside visible ASCII could end the request line or start a header.
        if not all(0x21 <= ord(c) <= 0x7E for c in target + parts.netloc):
            raise ValueError("an endpoint must be plain visible ASCII")
        port = parts.port or _PORTS[parts.scheme]
        return cls((parts.scheme, parts.hostname, port),
                   f"POST {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n".encode("ascii"))


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _Connection(asyncio.Protocol):
    """One connection: at most one request at a time, answered through a future."""

    def __init__(self, loop: asyncio.AbstractEventLoop, origin: tuple[str, str, int]) -> None:
        self.loop = loop
        self.origin = origin
        self.transport: asyncio.Transport  # set by connection_made, before anyone has us
        self.open = False
        self.reused = False
        self.idle_since = 0.0
        self._parser = httptools.HttpResponseParser(self)
        self._answer: asyncio.Future[Answer] | None = None
        self._reset()

    def _reset(self) -> None:
        self._reason = b""
        self._headers: dict[str, str] = {}
        self._body = bytearray()
        self._heard = False  # any byte of the current answer
        self._done = False
        self._reusable = False

    # -- asyncio.Protocol -----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.open = True

    def data_received(self, data: bytes) -> None:
        self._heard = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as problem:
            self._fail(BadAnswer(f"not an HTTP/1.1 answer ({problem})"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self._answer is not None and not self._answer.done():
            if self._heard and self._parser.get_status_code() and not self._done:
                # An answer without a length ends when the connection does.
                self._finish()
            else:
                self._fail(ConnectionDropped("the connection closed before an answer"))

    # -- httptools callbacks --------------------------------------------------------------

    def on_status(self, reason: bytes) -> None:
        self._reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        if len(self._body) < MAX_BODY_BYTES:
            self._body += body[:MAX_BODY_BYTES - len(self._body)]

    def on_message_complete(self) -> None:
        if self._parser.get_status_code() < 200:
            self._reset()  # an interim 1xx answer; the real one follows
            self._heard = True
            return
        self._done = True
        # Only answerable here: the parser forgets the message once this callback returns.
        self._reusable = self._parser.should_keep_alive()
        self._finish()

    # -- requests -------------------------------------------------------------------------

    def request(self, data: bytes) -> asyncio.Future[Answer]:
        self._reset()
        self._answer = self.loop.create_future()
        self.transport.write(data)
        return self._answer

    @property
    def heard(self) -> bool:
        return self._heard

    @property
    def keep_alive(self) -> bool:
        return self.open and self._reusable

    def close(self) -> None:
        self.open = False
        self.transport.close()

    def _finish(self) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(Answer(self._parser.get_status_code(),
                                           self._reason.decode("latin-1"),
                                           self._headers, bytes(self._body)))

    def _fail(self, problem: Exception) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(problem)


class PushConnections:
    """Kept-alive connections per push-service origin: ``await connections.post(...)``.

    Belongs to the event loop it first runs in; ``close()`` when done.
    """

    def __init__(self, *, idle_timeout: float = DEFAULT_IDLE_TIMEOUT_SECONDS,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.idle_timeout = idle_timeout
        self._ssl_context = ssl_context
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._busy: set[_Connection] = set()
        self.opened = 0  # connections made so far, for tests and logs

    async def post(self, target: Target, headers: bytes, body: bytes,
                   timeout: float) -> Answer:
        """POST ``body`` with ``headers`` (complete "Name: value\\r\\n" lines) to ``target``.

        Raises ``TimeoutError`` after ``timeout`` seconds in all (connecting included),
        ``OSError`` when no connection can be made, ``ConnectionDropped`` or ``BadAnswer``.
        """
        data = b"".join((target.head, headers, b"Content-Length: %d\r\n\r\n" % len(body), body))
        async with asyncio.timeout(timeout):
            connection = await self._connection(target.origin)
            try:
                return await self._exchange(connection, data)
            except ConnectionDropped:
                if not connection.reused or connection.heard:
                    raise
            # A kept-alive connection the server had already closed: once more, on a new one.
            return await self._exchange(await self._open(target.origin), data)

    async def _exchange(self, connection: _Connection, data: bytes) -> Answer:
        self._busy.add(connection)
        try:
            answer = await connection.request(data)
        finally:
            self._busy.discard(connection)
            if connection.keep_alive:
                connection.idle_since = time.monotonic()
                connection.reused = True
                self._idle.setdefault(connection.origin, []).append(connection)
            else:
                # Cancelled, timed out, broken, or the server said close: never reused.
                connection.close()
        return answer

    async def _connection(self, origin: tuple[str, str, int]) -> _Connection:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.open and now - connection.idle_since < self.idle_timeout:
                return connection
            connection.close()
        return await self._open(origin)

    async def _open(self, origin: tuple[str, str, int]) -> _Connection:
        scheme, host, port = origin
        loop = asyncio.get_running_loop()
        tls = None
        if scheme == "https":
            tls = self._ssl_context or _default_tls()
        _, connection = await loop.create_connection(
            lambda: _Connection(loop, origin), host, port, ssl=tls,
            server_hostname=host if tls else None)
        self.opened += 1
        return connection

    async def close(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        for connection in list(self._busy):
            connection.close()
        self._busy.clear()


@functools.cache
def _default_tls() -> ssl.SSLContext:
    # Building a context reads the system's certificates: once per process is enough.
    return ssl.create_default_context()
