"""Test helpers for code that uses aiosecretsmanager: real endpoints on 127.0.0.1.

moto's in-process ``mock_aws`` does not reach aiobotocore's aiohttp transport, so
these helpers run real HTTP servers instead:

- ``MotoServer``: moto's server on 127.0.0.1 and a free port, with dummy
  credentials for the clients it hands out. Needs the ``testing`` extra.
- ``seed``: create secrets with tags, descriptions and deletions in one call.
- ``ScriptedSecretsManager``: a scripted endpoint for what moto cannot produce:
  chosen pages (empty pages with tokens, repeated tokens), bodies with
  ``OwningService`` or ``ReplicationStatus``, error codes, slow or malformed
  answers; it records every request it receives.

Nothing here is imported by ``import aiosecretsmanager``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sys
import threading
import time
import urllib.request
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from aiobotocore.session import AioSession

from ._client import SecretsManager

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from types import TracebackType

    from typing_extensions import Self

__all__ = [
    "DUMMY_ACCESS_KEY_ID",
    "DUMMY_SECRET_ACCESS_KEY",
    "MotoServer",
    "RecordedRequest",
    "ScriptedResponse",
    "ScriptedSecretsManager",
    "SeedSecret",
    "dummy_session",
    "seed",
]

DUMMY_ACCESS_KEY_ID = "testing"
DUMMY_SECRET_ACCESS_KEY = "testing"
_HOST = "127.0.0.1"


def dummy_session(
    access_key_id: str = DUMMY_ACCESS_KEY_ID,
    secret_access_key: str = DUMMY_SECRET_ACCESS_KEY,
    session_token: str | None = None,
) -> AioSession:
    """An aiobotocore session with fixed dummy credentials.

    Explicit credentials mean botocore never walks the credential chain, so it
    never probes the instance metadata address.
    """
    session = AioSession()
    session.set_credentials(access_key_id, secret_access_key, session_token)
    return session


class _ServerLifecycle:
    """Sync and async context-manager plumbing around ``start()`` and ``stop()``."""

    region_name = "us-east-1"

    def start(self) -> str:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    @property
    def endpoint_url(self) -> str:
        raise NotImplementedError

    def client(self, **kwargs: Any) -> SecretsManager:
        """A ``SecretsManager`` for this endpoint, with dummy credentials (use ``async with``)."""
        kwargs.setdefault("region_name", self.region_name)
        if kwargs.get("session") is None:
            # Not setdefault: building a session costs tens of milliseconds.
            kwargs["session"] = dummy_session()
        return SecretsManager(endpoint_url=self.endpoint_url, **kwargs)

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

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)


class MotoServer(_ServerLifecycle):
    """moto's Secrets Manager on 127.0.0.1, on a free port.

    Use it as ``with MotoServer() as moto:`` or ``async with MotoServer() as moto:``;
    ``moto.client()`` gives a ``SecretsManager`` with dummy credentials aimed at it.

    moto keeps its state in memory per process: several servers in one process
    share one account, so ``reset()`` empties them all. One server per test session
    (the ``aiosecretsmanager_moto_server`` fixture) is the usual shape.
    """

    def __init__(self, *, region_name: str = "us-east-1") -> None:
        self.region_name = region_name
        self._server: Any = None
        self._endpoint_url: str | None = None

    def start(self) -> str:
        """Start the server (once) and return its endpoint URL."""
        if self._endpoint_url is not None:
            return self._endpoint_url
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as error:  # pragma: no cover - depends on the install
            raise RuntimeError(
                "MotoServer needs moto's server: pip install 'aiosecretsmanager[testing]'"
            ) from error
        # werkzeug logs every request to stderr; a test server stays quiet.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = ThreadedMotoServer(ip_address=_HOST, port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        self._server = server
        self._endpoint_url = f"http://{host}:{port}"
        return self._endpoint_url

    def stop(self) -> None:
        """Stop the server; safe to call twice."""
        server, self._server, self._endpoint_url = self._server, None, None
        if server is not None:
            server.stop()

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``.

        Raises:
            RuntimeError: The server is not running.
        """
        if self._endpoint_url is None:
            raise RuntimeError("MotoServer is not running: call start() or use 'with'")
        return self._endpoint_url

    def reset(self) -> None:
        """Forget every secret, so the next test starts from an empty account."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()


@dataclass(frozen=True)
class SeedSecret:
    """One secret for ``seed`` to create."""

    name: str
    value: str = "not-a-real-secret"
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    kms_key_id: str | None = None
    rotation_days: int | None = None
    """Turn on rotation every this many days (moto rotates once at once)."""
    scheduled_for_deletion: bool = False


async def seed(sm: SecretsManager, secrets: Iterable[SeedSecret]) -> list[str]:
    """Create secrets through ``sm``'s client, in order, and return their ARNs.

    Each secret is created with its description, tags and KMS key id; rotation is
    turned on where ``rotation_days`` is set; ``scheduled_for_deletion``
    schedules it for deletion with a 7-day recovery window.
    """
    client = sm.client
    arns: list[str] = []
    for secret in secrets:
        create: dict[str, Any] = {"Name": secret.name, "SecretString": secret.value}
        if secret.description is not None:
            create["Description"] = secret.description
        if secret.kms_key_id is not None:
            create["KmsKeyId"] = secret.kms_key_id
        if secret.tags:
            create["Tags"] = [{"Key": k, "Value": v} for k, v in secret.tags.items()]
        created = await client.create_secret(**create)
        arn = created["ARN"]
        if secret.rotation_days is not None:
            await client.rotate_secret(
                SecretId=arn, RotationRules={"AutomaticallyAfterDays": secret.rotation_days}
            )
        if secret.scheduled_for_deletion:
            await client.delete_secret(SecretId=arn, RecoveryWindowInDays=7)
        arns.append(arn)
    return arns


@dataclass(frozen=True)
class ScriptedResponse:
    """One answer of a ``ScriptedSecretsManager``.

    ``body`` is JSON-encoded unless it is already bytes; ``delay`` holds the answer
    back that many seconds; ``request_id`` None makes a fresh one.
    """

    body: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    request_id: str | None = None

    def encoded(self) -> bytes:
        """The body as bytes on the wire."""
        if isinstance(self.body, bytes):
            return self.body
        return b"" if self.body is None else json.dumps(self.body).encode()


@dataclass(frozen=True)
class RecordedRequest:
    """One request a ``ScriptedSecretsManager`` received."""

    operation: str
    body: Mapping[str, Any]
    headers: Mapping[str, str] = field(repr=False)
    """The request headers, signature and any session token included (kept out of repr)."""
    started: float
    """``time.monotonic()`` when the request arrived."""
    region: str | None = None
    """The region the request was signed for, from its ``Authorization`` header."""


def _signed_region(headers: Mapping[str, str]) -> str | None:
    # SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/secretsmanager/aws4_request, ..."
    authorization = next(
        (value for name, value in headers.items() if name.lower() == "authorization"), ""
    )
    _, found, rest = authorization.partition("Credential=")
    scope = rest.split(",", 1)[0].split("/") if found else []
    return scope[2] if len(scope) >= 5 else None


class ScriptedSecretsManager(_ServerLifecycle):
    """A Secrets Manager endpoint on 127.0.0.1 that answers from a script.

    Queue answers per operation with ``add``, ``add_page`` and ``add_error``; each
    request takes the next answer of its operation, or the operation's default
    (``set_default``) when its queue is empty. With neither, the request gets a
    400 ``ScriptExhausted`` error, so a test never hangs on an unplanned call.
    Every request is recorded in ``requests``.

    Each of these methods takes an optional ``region``: such answers go only to
    requests signed for that region (read from the SigV4 ``Authorization``
    header), ahead of answers for any region. One server can so play several
    regions, one of them failing, behind a single endpoint URL.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[tuple[str, str | None], deque[ScriptedResponse]] = {}
        self._defaults: dict[tuple[str, str | None], ScriptedResponse] = {}
        self._requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)
        # Set by stop(), so an answer held back by ``delay`` ends with the server.
        self._stopping = threading.Event()

    # -- the script -------------------------------------------------------------

    def add(
        self, operation: str, body: Any = None, *, region: str | None = None, **kwargs: Any
    ) -> Self:
        """Queue one answer for ``operation`` (``DescribeSecret``, ``ListSecrets``).

        ``kwargs`` are the other fields of ``ScriptedResponse``: ``status``,
        ``headers``, ``delay`` and ``request_id``.
        """
        response = ScriptedResponse(body, **kwargs)
        with self._lock:
            self._queues.setdefault((operation, region), deque()).append(response)
        return self

    def add_page(
        self,
        secrets: Sequence[Mapping[str, Any]] = (),
        next_token: str | None = None,
        **kwargs: Any,
    ) -> Self:
        """Queue one ListSecrets page; an empty ``secrets`` with a token is allowed."""
        body: dict[str, Any] = {"SecretList": list(secrets)}
        if next_token is not None:
            body["NextToken"] = next_token
        return self.add("ListSecrets", body, **kwargs)

    def add_error(
        self, operation: str, code: str, message: str = "", *, status: int = 400, **kwargs: Any
    ) -> Self:
        """Queue one AWS JSON error answer with ``__type`` ``code``."""
        body = {"__type": code, "message": message or f"scripted {code}"}
        return self.add(operation, body, status=status, **kwargs)

    def set_default(
        self, operation: str, body: Any = None, *, region: str | None = None, **kwargs: Any
    ) -> Self:
        """Answer ``operation`` with this whenever its queue is empty."""
        with self._lock:
            self._defaults[(operation, region)] = ScriptedResponse(body, **kwargs)
        return self

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, operation: str) -> list[RecordedRequest]:
        """The requests received for one operation."""
        return [request for request in self.requests if request.operation == operation]

    def pending(self, operation: str, *, region: str | None = None) -> int:
        """How many queued answers for ``operation`` (and ``region``) are still unused."""
        with self._lock:
            return len(self._queues.get((operation, region), ()))

    def _next(
        self, operation: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> ScriptedResponse:
        region = _signed_region(headers)
        keys = [(operation, region), (operation, None)] if region else [(operation, None)]
        with self._lock:
            self._requests.append(
                RecordedRequest(operation, body, headers, time.monotonic(), region)
            )
            for key in keys:
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
            default = next((self._defaults[key] for key in keys if key in self._defaults), None)
        if default is not None:
            return default
        return ScriptedResponse(
            {"__type": "ScriptExhausted", "message": f"no scripted answer left for {operation}"},
            status=400,
        )

    def _request_id(self, response: ScriptedResponse) -> str:
        if response.request_id is not None:
            return response.request_id
        return f"scripted-{next(self._ids):06d}-{uuid.uuid4().hex[:8]}"

    # -- the server ---------------------------------------------------------------

    def start(self) -> str:
        """Start serving (once) and return the endpoint URL."""
        if self._server is not None:
            return self.endpoint_url
        self._stopping.clear()
        server = _QuietServer((_HOST, 0), _handler_for(self))
        server.daemon_threads = True
        # A short poll interval: stop() waits for the loop to notice, once per test.
        thread = threading.Thread(
            target=server.serve_forever, args=(0.02,), name="scripted-sm", daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        return self.endpoint_url

    def stop(self) -> None:
        """Stop serving and close the socket; safe to call twice."""
        self._stopping.set()
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``.

        Raises:
            RuntimeError: The server is not running.
        """
        if self._server is None:
            raise RuntimeError("ScriptedSecretsManager is not running: call start() or use 'with'")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"


class _QuietServer(ThreadingHTTPServer):
    # socketserver's listen backlog of 5 drops connections a concurrent client opens
    # at once (describe_many opens 32); a dropped SYN costs a 1 s retransmit.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that cancelled its request (read-ahead, timeouts) closed the socket
        # before the scripted answer went out: not a server fault worth a traceback.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def _handler_for(script: ScriptedSecretsManager) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the body waits for
        # the client's delayed ACK, some 40 ms per answer.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            target = self.headers.get("X-Amz-Target", "")
            operation = target.rpartition(".")[2]
            response = script._next(operation, body, dict(self.headers.items()))
            if response.delay:
                script._stopping.wait(response.delay)
            # HTTP forbids a body on 204 and 304; one written anyway would be read as
            # the start of the next answer on this keep-alive connection.
            payload = b"" if response.status in (204, 304) else response.encoded()
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-amzn-RequestId", script._request_id(response))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                # A delayed answer to a client that gave up (a timeout, a cancelled
                # task): nothing to deliver, and nothing to report.
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            # Quiet: tests read the recorded requests instead of stderr.
            pass

    return Handler
