"""Shared fixtures: a moto server per session, a scripted server per test, no real AWS.

Every request goes to 127.0.0.1. Credentials are dummies and the instance metadata
service is disabled, so botocore never reaches for 169.254.169.254. The servers come
from our own pytest plugin (``aiosecretsmanager._pytest_plugin``), the same fixtures
downstream services use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from aiosecretsmanager import SecretsManager
    from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager


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
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


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
