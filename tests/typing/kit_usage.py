"""Downstream test code using aiosecretsmanager.testing, as a service's suite would.

Checked, never run: the test kit's public names type-check for a consumer that has
neither moto's types nor botocore or aiobotocore stubs.
"""

from __future__ import annotations

from typing_extensions import assert_type

from aiosecretsmanager import SecretListEntry, SecretsManager
from aiosecretsmanager.testing import (
    MotoServer,
    RecordedRequest,
    ScriptedSecretsManager,
    SeedSecret,
    seed,
)


async def moto_round_trip() -> list[str]:
    async with MotoServer() as server:
        assert_type(server.endpoint_url, str)
        async with server.client() as sm:
            assert_type(sm, SecretsManager)
            arns = await seed(sm, [SeedSecret("prod/db", tags={"team": "pay"}, rotation_days=30)])
            assert_type(arns, list[str])
            return [entry.name async for entry in sm.iter_secrets()]


async def scripted_round_trip() -> SecretListEntry:
    with ScriptedSecretsManager() as server:
        server.add_page([], next_token="t1").add_page([{"ARN": "a", "Name": "n"}])
        server.add_error("DescribeSecret", "AccessDeniedException", region="eu-west-1")
        async with server.client() as sm:
            entries = [entry async for entry in sm.iter_secrets()]
        requests = server.requests_for("ListSecrets")
        assert_type(requests, list[RecordedRequest])
        assert_type(requests[0].region, "str | None")
        return entries[0]
