"""Shared fixtures: a moto server per session, a scripted server per test, no real AWS.

Every request goes to 127.0.0.1. Credentials are dummies and the instance metadata
service is disabled, so botocore never reaches for 169.254.169.254. The servers come
from our own pytest plugin (``aiosecretsmanager._pytest_plugin``), the same fixtures
downstream services use.
"""

from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from .faults import FaultProxy

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from aiosecretsmanager import SecretsManager
    from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager

# Modest and deadline-free: examples that make HTTP calls vary in speed, and the
# whole suite has a time budget.
settings.register_profile(
    "aiosecretsmanager",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("aiosecretsmanager")


class MetadataTrap:
    """A stand-in for the instance metadata service on 127.0.0.1 that counts every hit.

    The suite points ``AWS_EC2_METADATA_SERVICE_ENDPOINT`` here, so if the credential
    chain ever reaches for instance metadata it lands on this server, and the test
    that caused it fails, instead of a request leaving for 169.254.169.254.
    """

    def __init__(self) -> None:
        self.hits: list[str] = []
        self._lock = threading.Lock()
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                with trap._lock:
                    trap.hits.append(f"{self.command} {self.path}")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_PUT = _record

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}/"

    def take(self) -> list[str]:
        """Return the hits so far and forget them."""
        with self._lock:
            hits, self.hits = self.hits, []
        return hits

    def close(self) -> None:
        """Stop the server."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture(scope="session")
def metadata_trap() -> Iterator[MetadataTrap]:
    """The counting stand-in for instance metadata, for the whole run."""
    trap = MetadataTrap()
    yield trap
    trap.close()


@pytest.fixture(autouse=True)
def _isolated_aws_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Dummy credentials, no metadata probes, and no user AWS config files."""
    empty = tmp_path_factory.getbasetemp() / "no-aws-config"
    empty.touch()
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    for name in (
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER",
        "AWS_REGION",
        # Providers that would call out before instance metadata: the container
        # endpoint (169.254.170.2) and web-identity role assumption (STS).
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(autouse=True)
def _no_instance_metadata(
    monkeypatch: pytest.MonkeyPatch, metadata_trap: MetadataTrap
) -> Iterator[None]:
    """Fail any test whose credential chain reaches for instance metadata."""
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", metadata_trap.url)
    metadata_trap.take()
    yield
    hits = metadata_trap.take()
    assert not hits, f"the credential chain reached for instance metadata: {hits}"


@pytest.fixture(params=["AOE12", "LINT-14"], ids=["utc-12", "utc+14"])
def far_timezone(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run with the machine's TZ half a day or more from UTC, west then east.

    POSIX TZ strings need no time zone database, so the shift happens on any machine;
    the fixture checks that it did, so a TZ test can never pass in UTC by accident.
    """
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        assert abs(time.timezone) >= 12 * 3600, f"TZ={request.param} did not take"
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.fixture(scope="session")
def moto_server(aiosecretsmanager_moto_server: MotoServer) -> MotoServer:
    """One moto server on 127.0.0.1 for the whole run (the plugin's)."""
    return aiosecretsmanager_moto_server


@pytest.fixture
def moto(moto_server: MotoServer) -> MotoServer:
    """The session's moto server, emptied for this test."""
    moto_server.reset()
    return moto_server


@pytest.fixture
async def sm(moto: MotoServer) -> AsyncIterator[SecretsManager]:
    """An open client against the emptied moto server."""
    async with moto.client() as client:
        yield client


@pytest.fixture
def scripted(aiosecretsmanager_scripted: ScriptedSecretsManager) -> ScriptedSecretsManager:
    """A fresh scripted endpoint on 127.0.0.1 for sequences moto cannot produce."""
    return aiosecretsmanager_scripted


@pytest.fixture
async def scripted_sm(scripted: ScriptedSecretsManager) -> AsyncIterator[SecretsManager]:
    """An open client against the scripted endpoint, with retries off so faults show at once."""
    from aiobotocore.config import AioConfig

    async with scripted.client(
        config=AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
    ) as client:
        yield client


@pytest.fixture
def proxy(moto: MotoServer) -> Iterator[FaultProxy]:
    """A fault-injecting proxy on 127.0.0.1 in front of the emptied moto server."""
    with FaultProxy(moto.endpoint_url) as faults:
        yield faults
