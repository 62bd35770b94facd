"""Consumer code for describe_many and read-ahead, checked by mypy --strict, never run."""

from __future__ import annotations

from typing_extensions import assert_type

from aiosecretsmanager import (
    SecretDescription,
    SecretListEntry,
    SecretListPage,
    SecretsManager,
    SecretsManagerError,
)


async def describe_many(sm: SecretsManager) -> None:
    results = await sm.describe_many(["a", "b"], concurrency=8)
    assert_type(results, list[SecretDescription | SecretsManagerError])
    for result in results:
        if isinstance(result, SecretsManagerError):
            assert_type(result.code, str | None)
        else:
            assert_type(result, SecretDescription)


async def read_ahead(sm: SecretsManager) -> None:
    async for entry in sm.iter_secrets(read_ahead=2):
        assert_type(entry, SecretListEntry)
    pages = [page async for page in sm.iter_pages(read_ahead=1)]
    assert_type(pages, list[SecretListPage])
    assert_type(await anext(sm.iter_secrets(read_ahead=1)), SecretListEntry)
