"""Paging rules over real HTTP against the scripted endpoint: tokens, empty pages, loops, errors."""

from __future__ import annotations

import asyncio
import gc

import pytest

from aiosecretsmanager import (
    InternalServiceError,
    PaginationError,
    SecretListEntry,
    SecretListPage,
    SecretsManager,
    ThrottlingError,
)
from aiosecretsmanager.testing import ScriptedSecretsManager

from .bodies import full_entry, minimal_entry


def _entries(*names: str) -> list[dict[str, object]]:
    return [minimal_entry(name) for name in names]


def _sent_tokens(scripted: ScriptedSecretsManager) -> list[object]:
    return [request.body.get("NextToken") for request in scripted.requests_for("ListSecrets")]


async def test_empty_pages_with_tokens_are_not_the_end(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Empty or missing SecretList with a NextToken keeps the listing going."""
    scripted.add_page(_entries("a"), next_token="t1")
    scripted.add_page([], next_token="t2")
    scripted.add("ListSecrets", {"NextToken": "t3"})
    scripted.add_page(_entries("b", "c"))
    names = [entry.name async for entry in scripted_sm.iter_secrets()]
    assert names == ["a", "b", "c"]
    assert _sent_tokens(scripted) == [None, "t1", "t2", "t3"]


async def test_empty_string_token_ends_the_listing(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """NextToken "" is the end of the listing, with no further request."""
    scripted.add_page(_entries("a"), next_token="")
    pages = [page async for page in scripted_sm.iter_pages()]
    assert [page.next_token for page in pages] == [None]
    assert len(scripted.requests_for("ListSecrets")) == 1


async def test_repeated_token_raises_after_delivering_what_arrived(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A token sent twice in a row (A, A) raises PaginationError instead of looping."""
    scripted.add_page(_entries("a"), next_token="A")
    scripted.add_page(_entries("b"), next_token="A")
    scripted.set_default("ListSecrets", {"SecretList": [], "NextToken": "A"})
    seen: list[str] = []
    with pytest.raises(PaginationError, match="'A'") as caught:
        async for entry in scripted_sm.iter_secrets():
            seen.append(entry.name)
    assert seen == ["a", "b"]
    assert caught.value.operation == "ListSecrets"
    assert len(scripted.requests_for("ListSecrets")) == 2


async def test_token_cycle_raises(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A cycle of tokens (A, B, A) raises PaginationError and never loops."""
    scripted.add_page(_entries("a"), next_token="A")
    scripted.add_page(_entries("b"), next_token="B")
    scripted.add_page(_entries("c"), next_token="A")
    scripted.set_default("ListSecrets", {"SecretList": _entries("x"), "NextToken": "B"})
    with pytest.raises(PaginationError):
        _ = [entry async for entry in scripted_sm.iter_secrets()]
    assert _sent_tokens(scripted) == [None, "A", "B"]


async def test_starting_token_counts_as_sent(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A service that answers the starting token with itself is a repeat, too."""
    scripted.add_page(_entries("a"), next_token="S")
    with pytest.raises(PaginationError):
        _ = [page async for page in scripted_sm.iter_pages(starting_token="S")]
    assert _sent_tokens(scripted) == ["S"]


async def test_request_parameters_reach_the_wire(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Every listing argument becomes the ListSecrets request field it names."""
    from aiosecretsmanager import Filter

    scripted.add_page([], next_token="n1")
    scripted.add_page([])
    pages = scripted_sm.iter_pages(
        filters=[Filter(key="tag-key", values=["team", "!legacy"])],
        include_planned_deletion=True,
        sort_order="desc",
        sort_by="last-changed-date",
        page_size=25,
        starting_token="start",
    )
    _ = [page async for page in pages]
    first, second = scripted.requests_for("ListSecrets")
    assert first.body == {
        "Filters": [{"Key": "tag-key", "Values": ["team", "!legacy"]}],
        "IncludePlannedDeletion": True,
        "SortOrder": "desc",
        "SortBy": "last-changed-date",
        "MaxResults": 25,
        "NextToken": "start",
    }
    assert second.body["NextToken"] == "n1"
    assert second.body["MaxResults"] == 25


async def test_max_items_asks_only_for_what_it_needs(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """max_items lowers MaxResults on the last request and stops without another fetch."""
    scripted.add_page(_entries("a", "b", "c"), next_token="t1")
    scripted.add_page(_entries("d", "e"), next_token="t2")
    scripted.set_default("ListSecrets", {"SecretList": _entries("z"), "NextToken": "never"})
    names = [entry.name async for entry in scripted_sm.iter_secrets(page_size=3, max_items=5)]
    assert names == ["a", "b", "c", "d", "e"]
    assert [r.body.get("MaxResults") for r in scripted.requests_for("ListSecrets")] == [3, 2]


async def test_max_items_without_page_size_limits_the_request(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A small max_items alone becomes MaxResults, so no entry is fetched to be thrown away."""
    scripted.add_page(_entries("a", "b"), next_token="t1")
    _ = [entry async for entry in scripted_sm.iter_secrets(max_items=2)]
    assert [r.body.get("MaxResults") for r in scripted.requests_for("ListSecrets")] == [2]


async def test_scripted_only_fields_arrive(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Fields moto cannot produce (OwningService, NextRotationDate, ...) arrive typed."""
    body = {**full_entry("prod/rds/master"), "BrandNewField": "kept"}
    scripted.add_page([body])
    [entry] = [entry async for entry in scripted_sm.iter_secrets()]
    assert entry.owning_service == "rds"
    assert entry.next_rotation_date is not None
    assert entry.rotation_rules is not None
    assert entry.rotation_rules.schedule_expression == "cron(0 16 1,15 * ? *)"
    assert entry.rotation_rules.duration == "3h"
    assert entry.external_secret_rotation_metadata is not None
    assert entry.external_secret_rotation_metadata[0].key == "apiKeyType"
    assert entry.model_extra == {"BrandNewField": "kept"}


async def test_error_mid_listing_is_typed_and_resumable(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A fault after some pages raises a typed error whose resume_token finishes the listing."""
    scripted.add_page(_entries("a", "b"), next_token="t1")
    scripted.add_page(_entries("c"), next_token="t2")
    scripted.add_error("ListSecrets", "ThrottlingException", "Rate exceeded", status=400)
    seen: list[str] = []
    with pytest.raises(ThrottlingError) as caught:
        async for entry in scripted_sm.iter_secrets():
            seen.append(entry.name)
    assert seen == ["a", "b", "c"]
    error = caught.value
    assert error.resume_token == "t2"
    assert error.operation == "ListSecrets"
    assert error.request_id
    scripted.add_page(_entries("d"))
    rest = [
        entry.name async for entry in scripted_sm.iter_secrets(starting_token=error.resume_token)
    ]
    assert seen + rest == ["a", "b", "c", "d"]


async def test_failed_page_can_be_retried_by_calling_again(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """After an error, the same iterator asks for the same page again on the next call."""
    scripted.add_page(_entries("a"), next_token="t1")
    scripted.add_error("ListSecrets", "InternalServiceError", status=500)
    scripted.add_page(_entries("b"))
    pages = scripted_sm.iter_pages()
    first = await anext(pages)
    with pytest.raises(InternalServiceError):
        await anext(pages)
    second = await anext(pages)
    assert isinstance(second, SecretListPage)
    assert [e.name for e in first.secrets + second.secrets] == ["a", "b"]
    assert _sent_tokens(scripted) == [None, "t1", "t1"]


async def test_breaking_early_leaks_nothing(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Leaving a listing early leaves no task behind and the client keeps working."""
    scripted.add_page(_entries("a", "b"), next_token="t1")
    scripted.add_page(_entries("c"))
    before = asyncio.all_tasks()
    async for entry in scripted_sm.iter_secrets():
        assert entry.name == "a"
        break
    gc.collect()
    assert asyncio.all_tasks() == before
    assert len(scripted.requests_for("ListSecrets")) == 1
    scripted.add("DescribeSecret", full_entry("x") | {"VersionIdsToStages": {}})
    assert (await scripted_sm.describe("x")).name == "x"


async def test_other_tasks_run_between_a_page_and_the_next_request(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """After a page is parsed, the loop runs other tasks before the next request is signed."""
    scripted.add_page(_entries("a"), next_token="t1")
    scripted.add_page(_entries("b"))
    events: list[str] = []
    events_hook = scripted_sm.client.meta.events
    events_hook.register(
        "before-parse.secrets-manager.ListSecrets", lambda **_: events.append("parse")
    )
    events_hook.register(
        "before-sign.secrets-manager.ListSecrets", lambda **_: events.append("sign")
    )
    stop = False

    async def beat() -> None:
        while not stop:
            events.append("beat")
            await asyncio.sleep(0)

    beating = asyncio.create_task(beat())
    try:
        names = [entry.name async for entry in scripted_sm.iter_secrets()]
    finally:
        stop = True
        await beating
    assert names == ["a", "b"]
    first_parse = events.index("parse")
    second_sign = events.index("sign", first_parse)
    assert "beat" in events[first_parse:second_sign]


async def test_the_documented_warm_up_is_one_small_request(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """The warm-up in docs/performance.md sends one ListSecrets call, for one entry."""
    scripted.set_default("ListSecrets", {"SecretList": _entries("a"), "NextToken": "more"})
    page = await anext(scripted_sm.iter_pages(page_size=1, max_items=1))
    assert [entry.name for entry in page.secrets] == ["a"]
    await asyncio.sleep(0.1)
    assert [r.body.get("MaxResults") for r in scripted.requests_for("ListSecrets")] == [1]


def _names(items: list[SecretListPage | SecretListEntry]) -> list[str]:
    return [
        entry.name
        for item in items
        for entry in (item.secrets if isinstance(item, SecretListPage) else (item,))
    ]


@pytest.mark.parametrize("read_ahead", [0, 2])
@pytest.mark.parametrize("method", ["iter_secrets", "iter_pages"])
async def test_a_second_concurrent_anext_raises_at_once_and_sends_nothing(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager, method: str, read_ahead: int
) -> None:
    """A second __anext__ while one waits raises RuntimeError; the first listing stays whole."""
    scripted.add_page(_entries("a"), next_token="t1", delay=0.3)
    scripted.add_page(_entries("b"), next_token="t2")
    scripted.add_page(_entries("c"))
    listing = getattr(scripted_sm, method)(read_ahead=read_ahead)

    async def take() -> SecretListPage | SecretListEntry:
        return await anext(listing)

    first = asyncio.create_task(take())
    try:
        await asyncio.sleep(0.1)  # the first call is waiting for its page
        with pytest.raises(RuntimeError, match="already running"):
            await anext(listing)
        assert _sent_tokens(scripted) == [None]
        items = [await first, *[item async for item in listing]]
    finally:
        first.cancel()  # a no-op once it is done; keeps a failure from leaking the task
    assert _names(items) == ["a", "b", "c"]
    assert _sent_tokens(scripted) == [None, "t1", "t2"]
