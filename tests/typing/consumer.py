"""Downstream code using the public API, checked by mypy --strict (never run by pytest).

Each assert_type pins what a user's type checker infers, so a change that widens a
return type to Any or breaks inference in async for / comprehensions / anext fails CI.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from datetime import datetime

from typing_extensions import assert_type

from aiosecretsmanager import (
    Filter,
    ListingIterator,
    SecretDescription,
    SecretListEntry,
    SecretListPage,
    SecretNotFoundError,
    SecretsManager,
    SecretsManagerError,
    Tag,
)


async def describe_one(sm: SecretsManager) -> None:
    secret = await sm.describe("prod/payments/db")
    assert_type(secret, SecretDescription)
    assert_type(secret.arn, str)
    assert_type(secret.name, str)
    assert_type(secret.owning_service, str | None)
    assert_type(secret.last_accessed_date, datetime | None)
    assert_type(secret.version_stages, Mapping[str, tuple[str, ...]])
    assert_type(secret.current_version_id, str | None)
    assert_type(secret.tag_map, Mapping[str, str])
    assert_type(secret.tags, tuple[Tag, ...] | None)


async def list_entries(sm: SecretsManager) -> None:
    entries = sm.iter_secrets(filters=[Filter(key="name", values=["prod/"])], sort_by="name")
    assert_type(entries, ListingIterator[SecretListEntry])
    _plain: AsyncIterator[SecretListEntry] = entries  # still the documented contract
    async for entry in entries:
        assert_type(entry, SecretListEntry)
        assert_type(entry.secret_versions_to_stages, Mapping[str, tuple[str, ...]] | None)
        assert_type(entry.version_stages, Mapping[str, tuple[str, ...]])
    names = [entry.name async for entry in sm.iter_secrets(page_size=50, max_items=10)]
    assert_type(names, list[str])
    first = await anext(sm.iter_secrets())
    assert_type(first, SecretListEntry)


async def list_pages(sm: SecretsManager) -> None:
    pages = sm.iter_pages(sort_order="desc", include_planned_deletion=True)
    assert_type(pages, ListingIterator[SecretListPage])
    _plain: AsyncIterator[SecretListPage] = pages
    async for page in pages:
        assert_type(page.secrets, tuple[SecretListEntry, ...])
        assert_type(page.next_token, str | None)
        if page.next_token is not None:
            resumed = sm.iter_secrets(starting_token=page.next_token)
            assert_type(resumed, ListingIterator[SecretListEntry])


async def close_early(sm: SecretsManager) -> None:
    pages = sm.iter_pages(read_ahead=2)
    async for page in pages:
        assert_type(page, SecretListPage)
        break
    assert_type(await pages.aclose(), None)
    async with contextlib.aclosing(sm.iter_secrets(read_ahead=2)) as entries:
        assert_type(entries, ListingIterator[SecretListEntry])
        async for entry in entries:
            assert_type(entry, SecretListEntry)
            break
        assert_type(await anext(entries), SecretListEntry)


async def handle_errors(sm: SecretsManager) -> None:
    try:
        await sm.describe("missing")
    except SecretNotFoundError as error:
        assert_type(error.code, str | None)
        assert_type(error.request_id, str | None)
    except SecretsManagerError as error:
        assert_type(error.resume_token, str | None)


async def lifecycle() -> None:
    async with SecretsManager(region_name="eu-west-1") as sm:
        assert_type(sm, SecretsManager)
        await describe_one(sm)
