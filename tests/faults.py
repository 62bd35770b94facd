"""A fault-injecting HTTP proxy on 127.0.0.1, for tests that need real network faults.

``FaultProxy`` listens on a free port and forwards each request to an upstream
endpoint (the moto server or a ``ScriptedSecretsManager``). A per-operation plan
decides, request by request, whether to forward it untouched or to answer with a
fault instead: an AWS error status, a connection reset, a body cut off mid-way, an
answer slower than the client's read timeout, or a 200 whose body is not what the
API promises. Every request it sees is recorded with the fault it got.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from types import TracebackType

    from typing_extensions import Self

__all__ = [
    "FORWARD",
    "Fault",
    "FaultProxy",
    "ProxiedRequest",
    "cut_off",
    "http_error",
    "reset",
    "slow",
    "throttle",
    "transform",
    "with_body",
]

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection"}
)


@dataclass(frozen=True)
class Fault:
    """One planned fault; build it with the helpers below rather than by hand."""

    kind: str
    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    rewrite: Callable[[Any], Any] | None = None


FORWARD: Fault | None = None
"""A plan entry that forwards the request untouched."""


def _error_body(code: str | None) -> bytes:
    return (
        b"" if code is None else json.dumps({"__type": code, "message": f"fault {code}"}).encode()
    )


def http_error(status: int, code: str | None = None) -> Fault:
    """An AWS JSON error answer: ``status`` with ``__type`` ``code`` (or an empty body).

    It carries a fresh ``x-amzn-RequestId``, as the service's errors do.
    """
    headers = {"x-amzn-RequestId": f"fault-{uuid.uuid4().hex}"}
    return Fault("status", status=status, body=_error_body(code), headers=headers)


def throttle() -> Fault:
    """A 400 ``ThrottlingException``, as Secrets Manager throttles."""
    return http_error(400, "ThrottlingException")


def reset() -> Fault:
    """Read the request, then reset the connection before any response byte."""
    return Fault("reset")


def cut_off() -> Fault:
    """Forward, then send the headers and only half of the body before closing."""
    return Fault("cut_off")


def slow(delay: float) -> Fault:
    """Forward, but hold the answer back ``delay`` seconds (longer than the read timeout)."""
    return Fault("slow", delay=delay)


def with_body(body: bytes, status: int = 200) -> Fault:
    """Answer with exactly these bytes, such as invalid JSON, without forwarding."""
    return Fault("body", status=status, body=body)


def transform(rewrite: Callable[[Any], Any]) -> Fault:
    """Forward, then replace the upstream's JSON body with ``rewrite(body)``."""
    return Fault("transform", rewrite=rewrite)


@dataclass(frozen=True)
class ProxiedRequest:
    """One request the proxy received, and the fault it answered with (None: forwarded)."""

    operation: str
    body: Mapping[str, Any]
    fault: str | None
    headers: Mapping[str, str] = field(default_factory=dict)


class FaultProxy:
    """A reverse proxy on 127.0.0.1 that injects planned faults in front of ``upstream``.

    Use it as ``with FaultProxy(moto.endpoint_url) as proxy:`` and point the client at
    ``proxy.endpoint_url``. ``plan("ListSecrets", [FORWARD, throttle(), ...])`` sets
    the answers of the next requests of that operation, in order; once the plan is
    used up, requests are forwarded.
    """

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._lock = threading.Lock()
        self._plans: dict[str, deque[Fault | None]] = {}
        self._requests: list[ProxiedRequest] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def plan(self, operation: str, faults: Iterable[Fault | None]) -> Self:
        """Append answers for the next requests of ``operation``; None forwards."""
        with self._lock:
            self._plans.setdefault(operation, deque()).extend(faults)
        return self

    def always(self, operation: str, fault: Fault, times: int = 100) -> Self:
        """Answer the next ``times`` requests of ``operation`` with ``fault``."""
        return self.plan(operation, [fault] * times)

    @property
    def requests(self) -> list[ProxiedRequest]:
        """A copy of the requests seen so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, operation: str) -> list[ProxiedRequest]:
        """The requests seen for one operation."""
        return [request for request in self.requests if request.operation == operation]

    def _next(
        self, operation: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> Fault | None:
        with self._lock:
            queue = self._plans.get(operation)
            fault = queue.popleft() if queue else None
            self._requests.append(ProxiedRequest(operation, body, fault and fault.kind, headers))
        return fault

    def forward(
        self, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send one request upstream and return its status, headers and body."""
        connection = http.client.HTTPConnection(*self._upstream, timeout=30)
        try:
            connection.request("POST", path, body=body, headers=dict(headers))
            response = connection.getresponse()
            payload = response.read()
            kept = [
                (name, value)
                for name, value in response.getheaders()
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length"
            ]
            return response.status, kept, payload
        finally:
            connection.close()

    def wait(self, seconds: float) -> None:
        """Sleep, but wake at once when the proxy stops, so no thread outlives a test."""
        self._stopping.wait(seconds)

    def start(self) -> str:
        """Start serving (once) and return the proxy's endpoint URL."""
        if self._server is None:
            self._stopping.clear()
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
            server.daemon_threads = True
            thread = threading.Thread(
                target=server.serve_forever, args=(0.05,), name="fault-proxy", daemon=True
            )
            thread.start()
            self._server, self._thread = server, thread
        return self.endpoint_url

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        self._stopping.set()
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if self._server is None:
            raise RuntimeError("FaultProxy is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _handler_for(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as in ScriptedSecretsManager: no 40 ms stalls

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
            fault = proxy._next(operation, body, dict(self.headers.items()))
            if fault is not None and fault.kind == "reset":
                self._reset()
                return
            if fault is not None and fault.kind in ("status", "body"):
                self._answer(fault.status, list(fault.headers.items()), fault.body)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            status, upstream_headers, payload = proxy.forward(self.path, headers, raw)
            if fault is None:
                self._answer(status, upstream_headers, payload)
            elif fault.kind == "slow":
                proxy.wait(fault.delay)
                self._answer(status, upstream_headers, payload, tolerate_gone=True)
            elif fault.kind == "transform":
                assert fault.rewrite is not None
                rewritten = json.dumps(fault.rewrite(json.loads(payload))).encode()
                self._answer(status, upstream_headers, rewritten)
            elif fault.kind == "cut_off":
                self._answer(status, upstream_headers, payload, send=len(payload) // 2)
                self.close_connection = True
            else:  # pragma: no cover - a typo in a test's plan
                raise AssertionError(f"unknown fault {fault.kind}")

        def _answer(
            self,
            status: int,
            headers: list[tuple[str, str]],
            payload: bytes,
            *,
            send: int | None = None,
            tolerate_gone: bool = False,
        ) -> None:
            try:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if not any(name.lower() == "content-type" for name, _ in headers):
                    self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload if send is None else payload[:send])
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                # A slow answer to a client that already timed out and hung up.
                if not tolerate_gone:
                    raise
                self.close_connection = True

        def _reset(self) -> None:
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
