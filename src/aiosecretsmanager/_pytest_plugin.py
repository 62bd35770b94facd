"""The pytest plugin of ``aiosecretsmanager[testing]``: fixtures for downstream tests.

pytest loads this module through the ``pytest11`` entry point wherever
aiosecretsmanager is installed. Loading it does nothing: no server starts and
neither moto nor ``aiosecretsmanager.testing`` is imported until a test requests
one of these fixtures.

- ``aiosecretsmanager_moto_server``: one ``MotoServer`` for the session.
- ``aiosecretsmanager_endpoint``: the moto server's URL, emptied for this test, with
  dummy credentials and ``AWS_ENDPOINT_URL_SECRETS_MANAGER`` set in the environment,
  so code that builds its own client reaches the server unchanged.
- ``aiosecretsmanager_client``: an open ``SecretsManager`` against that server.
- ``aiosecretsmanager_scripted``: a fresh ``ScriptedSecretsManager`` for this test.
"""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from aiosecretsmanager import SecretsManager
    from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager

__all__ = [
    "aiosecretsmanager_client",
    "aiosecretsmanager_endpoint",
    "aiosecretsmanager_moto_server",
    "aiosecretsmanager_scripted",
]

_NEEDS_EXTRA = "this fixture needs the testing extra: pip install 'aiosecretsmanager[testing]'"


@pytest.fixture(scope="session")
def aiosecretsmanager_moto_server() -> Iterator[MotoServer]:
    """One moto server on 127.0.0.1 for the whole session, started on first use."""
    from aiosecretsmanager.testing import MotoServer

    with MotoServer() as server:
        yield server


@pytest.fixture
def aiosecretsmanager_endpoint(
    aiosecretsmanager_moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The session's moto server URL, emptied for this test, and an environment aimed at it.

    Sets dummy credentials, turns off instance-metadata probes, sets a default
    region if none is set, and sets ``AWS_ENDPOINT_URL_SECRETS_MANAGER``, so a
    client your code creates without ``endpoint_url`` talks to the server too.
    Every variable is restored after the test.
    """
    from aiosecretsmanager.testing import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY

    server = aiosecretsmanager_moto_server
    server.reset()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", server.endpoint_url)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        monkeypatch.setenv("AWS_DEFAULT_REGION", server.region_name)
    return server.endpoint_url


@pytest.fixture
def aiosecretsmanager_scripted() -> Iterator[ScriptedSecretsManager]:
    """A fresh scripted Secrets Manager endpoint on 127.0.0.1 for this test."""
    from aiosecretsmanager.testing import ScriptedSecretsManager

    with ScriptedSecretsManager() as server:
        yield server


# The async fixture needs pytest-asyncio (part of the testing extra); without it the
# plugin still loads, and the fixture fails with a message saying what to install.
if TYPE_CHECKING or importlib.util.find_spec("pytest_asyncio") is not None:
    import pytest_asyncio

    @pytest_asyncio.fixture
    async def aiosecretsmanager_client(
        aiosecretsmanager_endpoint: str, aiosecretsmanager_moto_server: MotoServer
    ) -> AsyncIterator[SecretsManager]:
        """An open ``SecretsManager`` against the emptied moto server, with dummy credentials."""
        async with aiosecretsmanager_moto_server.client() as client:
            yield client

else:  # pragma: no cover - depends on the install

    @pytest.fixture
    def aiosecretsmanager_client() -> None:
        """Fails the test: an async fixture needs pytest-asyncio."""
        pytest.fail(_NEEDS_EXTRA + " (pytest-asyncio is missing)", pytrace=False)
