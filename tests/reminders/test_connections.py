"""The push sender's HTTP/1.1 connections, against a scripted server that answers each
request the way a test says: lengths, chunks, closes, silence, garbage, TLS."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import Awaitable, Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from webapp.reminders.connections import (
    BadAnswer,
    ConnectionDropped,
    PushConnections,
    Target,
)
from webapp.reminders.delivery import run_sync

CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
HEADERS = b"TTL: 60\r\n"

# What the server does with one request: given the request's head and body, write an answer
# (or not) and say whether to keep the connection open.
Script = Callable[[bytes, bytes, asyncio.StreamWriter], Awaitable[bool]]


def answer(raw: bytes, keep: bool = True) -> Script:
    async def script(head: bytes, body: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(raw)
        await writer.drain()
        return keep

    return script


class ScriptedServer:
    """Answers requests in order from ``scripts``; records every request and connection."""

    def __init__(self, *scripts: Script, tls: ssl.SSLContext | None = None) -> None:
        self.scripts = list(scripts)
        self.requests: list[tuple[bytes, bytes]] = []
        self.connections = 0
        self.tls = tls
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> ScriptedServer:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for writer in self.writers:
            writer.close()
        self.server.close()

    def endpoint(self, path: str = "/push/abc") -> Target:
        port = self.server.sockets[0].getsockname()[1]
        scheme = "https" if self.tls else "http"
        host = "localhost" if self.tls else "127.0.0.1"
        return Target.of(f"{scheme}://{host}:{port}{path}")

    def drop_idle_connections(self) -> None:
        for writer in self.writers:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length:")))
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                if not await self.scripts.pop(0)(head, body, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


def run(test: Callable[[], Awaitable[None]]) -> None:
    run_sync(test)


async def post(connections: PushConnections, target: Target, body: bytes = b"hello",
               timeout: float = 5.0):
    return await connections.post(target, HEADERS, body, timeout)


def test_request_goes_as_http_1_1_with_its_headers_and_body():
    async def test():
        async with ScriptedServer(answer(CREATED)) as server:
            connections = PushConnections()
            reply = await post(connections, server.endpoint("/push/abc?x=1"), b"sealed")
            await connections.close()
        head, body = server.requests[0]
        lines = head.split(b"\r\n")
        assert lines[0] == b"POST /push/abc?x=1 HTTP/1.1"
        assert b"TTL: 60" in lines and b"Content-Length: 6" in lines
        assert any(line.startswith(b"Host: 127.0.0.1:") for line in lines)
        assert body == b"sealed"
        assert (reply.status, reply.reason, reply.body) == (201, "Created", b"")

    run(test)


def test_one_connection_is_kept_alive_for_one_request_after_another():
    async def test():
        async with ScriptedServer(*[answer(CREATED)] * 20) as server:
            connections = PushConnections()
            for _ in range(20):
                assert (await post(connections, server.endpoint())).status == 201
            await connections.close()
        assert (server.connections, connections.opened) == (1, 1)

    run(test)


def test_requests_in_flight_together_each_get_a_connection_then_share_them():
    async def test():
        async with ScriptedServer(*[answer(CREATED)] * 40) as server:
            connections = PushConnections()
            for _ in range(5):
                replies = await asyncio.gather(
                    *(post(connections, server.endpoint()) for _ in range(8)))
                assert {reply.status for reply in replies} == {201}
            await connections.close()
        assert connections.opened == 8

    run(test)


def test_an_answer_in_chunks_is_read_whole_with_its_headers():
    chunked = (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 120\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n"
               b"5\r\nslow \r\n5\r\ndown!\r\n0\r\n\r\n")

    async def test():
        async with ScriptedServer(answer(chunked), answer(CREATED)) as server:
            connections = PushConnections()
            reply = await post(connections, server.endpoint())
            again = await post(connections, server.endpoint())
            await connections.close()
        assert (reply.status, reply.headers["retry-after"], reply.text) == (
            429, "120", "slow down!")
        assert again.status == 201 and server.connections == 1

    run(test)


def test_an_answer_that_ends_with_the_connection_is_read_and_the_connection_not_reused():
    until_close = b"HTTP/1.1 503 Service Unavailable\r\n\r\ncome back later"

    async def test():
        async with ScriptedServer(answer(until_close, keep=False), answer(CREATED)) as server:
            connections = PushConnections()
            reply = await post(connections, server.endpoint())
            again = await post(connections, server.endpoint())
            await connections.close()
        assert (reply.status, reply.text) == (503, "come back later")
        assert again.status == 201 and server.connections == 2

    run(test)


def test_connection_close_from_the_server_means_a_new_connection_next_time():
    closing = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    async def test():
        async with ScriptedServer(answer(closing), answer(CREATED)) as server:
            connections = PushConnections()
            assert (await post(connections, server.endpoint())).status == 201
            assert (await post(connections, server.endpoint())).status == 201
            await connections.close()
        assert server.connections == 2

    run(test)


def test_an_interim_answer_is_skipped_for_the_real_one():
    async def test():
        async with ScriptedServer(answer(b"HTTP/1.1 100 Continue\r\n\r\n" + CREATED)) as server:
            connections = PushConnections()
            reply = await post(connections, server.endpoint())
            await connections.close()
        assert reply.status == 201

    run(test)


def test_a_kept_alive_connection_the_server_dropped_is_replaced_and_the_push_sent_once_more():
    async def test():
        async with ScriptedServer(answer(CREATED), answer(CREATED)) as server:
            connections = PushConnections()
            await post(connections, server.endpoint(), b"first")
            server.drop_idle_connections()
            reply = await post(connections, server.endpoint(), b"second")
            await connections.close()
        assert reply.status == 201
        assert [body for _, body in server.requests] == [b"first", b"second"]
        assert server.connections == 2

    run(test)


def test_a_new_connection_dropped_without_an_answer_is_reported_not_repeated():
    async def hang_up(head, body, writer):
        return False

    async def test():
        async with ScriptedServer(hang_up, answer(CREATED)) as server:
            connections = PushConnections()
            with pytest.raises(ConnectionDropped):
                await post(connections, server.endpoint())
            await connections.close()
        assert len(server.requests) == 1

    run(test)


def test_a_connection_idle_too_long_is_not_trusted():
    async def test():
        async with ScriptedServer(answer(CREATED), answer(CREATED)) as server:
            connections = PushConnections(idle_timeout=0)
            await post(connections, server.endpoint())
            await post(connections, server.endpoint())
            await connections.close()
        assert server.connections == 2

    run(test)


def test_an_answer_that_is_not_http_is_refused_and_the_connection_closed():
    async def test():
        async with ScriptedServer(answer(b"SSH-2.0-OpenSSH_9.2\r\n\r\n"),
                                  answer(CREATED)) as server:
            connections = PushConnections()
            with pytest.raises(BadAnswer):
                await post(connections, server.endpoint())
            assert (await post(connections, server.endpoint())).status == 201
            await connections.close()
        assert server.connections == 2

    run(test)


def test_a_server_that_never_answers_times_out_and_its_connection_is_dropped():
    answered = asyncio.Event()

    async def silence(head, body, writer):
        await answered.wait()
        return True

    async def test():
        async with ScriptedServer(silence, answer(CREATED)) as server:
            connections = PushConnections()
            with pytest.raises(TimeoutError):
                await post(connections, server.endpoint(), timeout=0.2)
            answered.set()
            assert (await post(connections, server.endpoint())).status == 201
            await connections.close()
        assert server.connections == 2

    run(test)


def test_an_error_body_is_kept_to_a_readable_size():
    huge = b"x" * 200_000
    long_answer = b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n%s" % (len(huge), huge)

    async def test():
        async with ScriptedServer(answer(long_answer), answer(CREATED)) as server:
            connections = PushConnections()
            reply = await post(connections, server.endpoint())
            again = await post(connections, server.endpoint())
            await connections.close()
        assert reply.status == 400 and len(reply.body) == 64 * 1024
        assert again.status == 201 and server.connections == 1  # the rest was read past

    run(test)


def test_https_endpoints_are_reached_over_verified_tls(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    trusting = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))

    async def test():
        async with ScriptedServer(answer(CREATED), answer(CREATED), tls=server_tls) as server:
            connections = PushConnections(ssl_context=trusting)
            assert (await post(connections, server.endpoint())).status == 201
            assert (await post(connections, server.endpoint())).status == 201
            await connections.close()
            stranger = PushConnections()  # the system's certificates do not know this one
            with pytest.raises(ssl.SSLCertVerificationError):
                await post(stranger, server.endpoint())
            await stranger.close()
        assert server.connections in (1, 2)  # the refused handshake may not reach a reader

    run(test)


@pytest.mark.parametrize("endpoint, target, origin", [
    ("https://push.example/wpush/v2/abc", b"POST /wpush/v2/abc HTTP/1.1\r\nHost: push.example",
     ("https", "push.example", 443)),
    ("http://127.0.0.1:8080/p?x=1", b"POST /p?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080",
     ("http", "127.0.0.1", 8080)),
    ("https://push.example", b"POST / HTTP/1.1\r\nHost: push.example",
     ("https", "push.example", 443)),
])
def test_an_endpoint_is_read_once_into_its_request_line_host_and_origin(endpoint, target, origin):
    parsed = Target.of(endpoint)
    assert parsed.head == target + b"\r\n"
    assert parsed.origin == origin


@pytest.mark.parametrize("endpoint", [
    "ftp://push.example/abc",
    "https:///abc",
    "https://user:secret@push.example/abc",
    "https://push.example/a b",
    "https://push.example/a\x00b",
    "https://push.example/ä",
])
def test_an_endpoint_that_could_not_make_a_clean_request_is_refused(endpoint):
    with pytest.raises(ValueError):
        Target.of(endpoint)
