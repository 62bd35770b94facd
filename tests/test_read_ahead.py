"""Read-ahead listings: overlap, the buffer bound, max_items, errors and cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

import pytest

from aiosecretsmanager import (
    InternalServiceError,
    InvalidParameterError,
    PaginationError,
    SecretsManager,
)
from aiosecretsmanager.testing import ScriptedSecretsManager

from .bodies import full_entry
from .hygiene import Leaks, watch_leaks

if TYPE_CHECKING:
    from collections.abc import Iterator

_TASK_NAME = "aiosecretsmanager-read-ahead"


def _pages(scripted: ScriptedSecretsManager, count: int, per_page: int = 2, **kwargs: Any) -> None:
    for index in range(count):
        token = f"token-{index}" if index < count - 1 else None
        entries = [full_entry(f"s{index}-{j}") for j in range(per_page)]
        scripted.add_page(entries, next_token=token, **kwargs)


def _block(seconds: float) -> None:
    """Keep the CPU busy without yielding: the event loop cannot run meanwhile."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _our_tasks() -> list[asyncio.Task[Any]]:
    return [task for task in asyncio.all_tasks() if task.get_name() == _TASK_NAME]


@pytest.fixture
def no_leaks() -> Iterator[None]:
    """Fail on any warning, unraisable error or asyncio error log the test leaves."""
    with watch_leaks() as leaks:
        yield
    assert leaks == Leaks()


@pytest.mark.parametrize("bad", [-1, 101, 1.5, "2", True, None])
def test_read_ahead_is_validated_at_the_call(bad: object) -> None:
    """read_ahead must be an int 0..100; anything else fails before any request."""
    sm = SecretsManager()
    with pytest.raises(InvalidParameterError, match="read_ahead"):
        sm.iter_secrets(read_ahead=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="read_ahead"):
        sm.iter_pages(read_ahead=bad)  # type: ignore[arg-type]


async def test_read_ahead_lists_every_entry_in_order(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """With read-ahead the entries and their order are those of plain paging."""
    _pages(scripted, 5, per_page=3)
    names = [entry.name async for entry in scripted_sm.iter_secrets(read_ahead=2)]
    assert names == [f"s{i}-{j}" for i in range(5) for j in range(3)]
    tokens = [r.body.get("NextToken") for r in scripted.requests_for("ListSecrets")]
    assert tokens == [None, "token-0", "token-1", "token-2", "token-3"]


async def test_read_ahead_overlaps_a_consumer_that_blocks_the_loop(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Page k+1's request reaches the server while a loop-blocking consumer is still on page k."""
    _pages(scripted, 4, delay=0.1)
    finished: list[float] = []
    async for _page in scripted_sm.iter_pages(read_ahead=1):
        _block(0.1)
        finished.append(time.monotonic())
    started = [request.started for request in scripted.requests_for("ListSecrets")]
    assert len(started) == 4
    for page in range(3):
        assert started[page + 1] < finished[page], f"page {page + 1} waited for the consumer"


async def test_plain_paging_fetches_only_when_asked(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """read_ahead=0 (the default) sends page k+1 only after the consumer is done with page k."""
    _pages(scripted, 3)
    finished: list[float] = []
    async for _page in scripted_sm.iter_pages():
        _block(0.05)
        finished.append(time.monotonic())
    started = [request.started for request in scripted.requests_for("ListSecrets")]
    assert all(started[page + 1] > finished[page] for page in range(2))


@pytest.mark.parametrize("read_ahead", [1, 3])
async def test_never_more_than_read_ahead_pages_are_fetched_ahead(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager, read_ahead: int
) -> None:
    """A consumer holding page 1 has at most read_ahead more pages requested."""
    _pages(scripted, 10)
    pages = scripted_sm.iter_pages(read_ahead=read_ahead)
    await anext(pages)
    await asyncio.sleep(0.3)
    assert len(scripted.requests_for("ListSecrets")) == 1 + read_ahead
    await anext(pages)
    await asyncio.sleep(0.3)
    assert len(scripted.requests_for("ListSecrets")) == 2 + read_ahead
    await pages.aclose()


async def test_max_items_never_triggers_an_extra_fetch(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """max_items=5 over 2-entry pages sends exactly 3 requests, the last for 1 entry."""
    _pages(scripted, 3, per_page=2)
    scripted.add_page([full_entry("x")], next_token="token-more")
    scripted.add_page([full_entry("never")])
    entries = [e async for e in scripted_sm.iter_secrets(page_size=2, max_items=5, read_ahead=3)]
    await asyncio.sleep(0.2)
    assert len(entries) == 5
    requests = scripted.requests_for("ListSecrets")
    assert [r.body["MaxResults"] for r in requests] == [2, 2, 1]


@pytest.mark.parametrize("read_ahead", [1, 3])
@pytest.mark.parametrize("per_page", [2, 3])
async def test_max_items_never_fetches_past_its_last_page(
    scripted: ScriptedSecretsManager,
    scripted_sm: SecretsManager,
    read_ahead: int,
    per_page: int,
) -> None:
    """Every page carries a token: max_items=4 sends 2 requests and no fetch ahead after them."""
    for index in range(6):  # per_page=3 sends more than MaxResults asked for
        entries = [full_entry(f"p{index}-{j}") for j in range(per_page)]
        scripted.add_page(entries, next_token=f"token-{index}")
    listing = scripted_sm.iter_secrets(page_size=2, max_items=4, read_ahead=read_ahead)
    taken = [await anext(listing) for _ in range(4)]
    await asyncio.sleep(0.3)  # room for any fetch ahead to reach the server
    assert len(scripted.requests_for("ListSecrets")) == 2
    with pytest.raises(StopAsyncIteration):
        await anext(listing)
    assert len(taken) == 4
    assert len(scripted.requests_for("ListSecrets")) == 2
    # iter_pages ends there too, with no page and no error after the second.
    pages = scripted_sm.iter_pages(page_size=2, max_items=4, read_ahead=read_ahead)
    assert len([page async for page in pages]) == 2
    await asyncio.sleep(0.3)
    assert len(scripted.requests_for("ListSecrets")) == 4
    assert _our_tasks() == []


async def test_repeated_token_still_raises_after_the_pages(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A repeated NextToken raises PaginationError after its entries, with read-ahead too."""
    scripted.add_page([full_entry("a")], next_token="same")
    scripted.add_page([full_entry("b")], next_token="same")
    names: list[str] = []

    async def consume() -> None:
        async for entry in scripted_sm.iter_secrets(read_ahead=2):
            names.append(entry.name)

    with pytest.raises(PaginationError):
        await consume()
    assert names == ["a", "b"]


async def test_a_fault_carries_resume_token_and_the_listing_can_go_on(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A failed page raises in order with resume_token; calling again refetches that page."""
    scripted.add_page([full_entry("a")], next_token="t1")
    scripted.add_error("ListSecrets", "InternalServiceError", status=500)
    scripted.add_page([full_entry("b")])
    pages = scripted_sm.iter_pages(read_ahead=2)
    first = await anext(pages)
    assert first.secrets[0].name == "a"
    with pytest.raises(InternalServiceError) as caught:
        await anext(pages)
    assert getattr(caught.value, "resume_token", None) == "t1"
    second = await anext(pages)
    assert second.secrets[0].name == "b"
    with pytest.raises(StopAsyncIteration):
        await anext(pages)


@pytest.mark.usefixtures("no_leaks")
async def test_early_break_cancels_the_pending_fetch(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Breaking out drops the iterator: the in-flight fetch is cancelled and no more are sent."""
    _pages(scripted, 6, delay=0.2)
    async for _entry in scripted_sm.iter_secrets(read_ahead=2):
        break
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert _our_tasks() == []
    await asyncio.sleep(0.5)
    assert len(scripted.requests_for("ListSecrets")) == 2


@pytest.mark.usefixtures("no_leaks")
async def test_an_error_in_the_loop_body_cancels_the_pending_fetch(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """An exception out of the consumer's loop body leaves no fetch behind, even while kept."""
    _pages(scripted, 6, delay=0.2)

    async def consume() -> None:
        async for _entry in scripted_sm.iter_secrets(read_ahead=2):
            raise ValueError("the consumer failed")

    with pytest.raises(ValueError, match="the consumer failed") as caught:
        await consume()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert _our_tasks() == []
    await asyncio.sleep(0.5)
    assert len(scripted.requests_for("ListSecrets")) == 2
    assert caught.value.__traceback__ is not None  # the frames stayed alive all along


@pytest.mark.usefixtures("no_leaks")
async def test_aclose_cancels_the_pending_fetch(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """aclose() cancels the fetch in flight and ends the listing."""
    _pages(scripted, 6, delay=0.2)
    pages = scripted_sm.iter_pages(read_ahead=2)
    await anext(pages)
    assert len(_our_tasks()) == 1
    await pages.aclose()
    assert _our_tasks() == []
    with pytest.raises(StopAsyncIteration):
        await anext(pages)
    # The client still works after the cancelled fetch.
    scripted.set_default("DescribeSecret", {"ARN": "arn:x", "Name": "after"})
    assert (await scripted_sm.describe("after")).name == "after"


@pytest.mark.usefixtures("no_leaks")
async def test_cancelling_the_consumer_cancels_the_pending_fetch(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A consumer cancelled while it waits for a page leaves no fetch behind."""
    _pages(scripted, 3, delay=0.5)

    async def consume() -> None:
        async for _entry in scripted_sm.iter_secrets(read_ahead=1):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _our_tasks() == []
    await asyncio.sleep(0.6)
    assert len(scripted.requests_for("ListSecrets")) == 1


@pytest.mark.usefixtures("no_leaks")
async def test_aclose_from_another_task_ends_a_waiting_consumer(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """aclose() while another task waits for a page ends that wait and sends nothing more."""
    _pages(scripted, 6, delay=0.3)
    pages = scripted_sm.iter_pages(read_ahead=1)

    async def take() -> object:
        return await anext(pages)

    waiting = asyncio.create_task(take())
    await asyncio.sleep(0.1)
    await pages.aclose()
    with pytest.raises(StopAsyncIteration):
        await waiting
    await asyncio.sleep(0.5)
    assert _our_tasks() == []
    assert len(scripted.requests_for("ListSecrets")) == 1


@pytest.mark.usefixtures("no_leaks")
async def test_aclosing_cancels_the_pending_fetch_of_a_kept_iterator(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """async with aclosing(...) and a break: the fetch in flight is cancelled, though still held."""
    _pages(scripted, 6, delay=0.2)
    async with contextlib.aclosing(scripted_sm.iter_secrets(read_ahead=2)) as entries:
        async for _entry in entries:
            break
    assert _our_tasks() == []
    await asyncio.sleep(0.5)
    assert len(scripted.requests_for("ListSecrets")) == 2
    with pytest.raises(StopAsyncIteration):
        await anext(entries)


@pytest.mark.usefixtures("no_leaks")
async def test_a_kept_iterator_after_break_fetches_at_most_read_ahead_pages(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """break without aclose, iterator still held: read_ahead more pages are fetched, then none."""
    _pages(scripted, 10, delay=0.05)
    entries = scripted_sm.iter_secrets(read_ahead=2)
    async for _entry in entries:
        break
    await asyncio.sleep(0.6)
    assert len(scripted.requests_for("ListSecrets")) == 1 + 2
    assert _our_tasks() == []
    await entries.aclose()


@pytest.mark.usefixtures("no_leaks")
async def test_a_cancelled_anext_on_a_buffered_page_loses_nothing(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """anext() cancelled after it took a buffered page leaves that page for the next call."""
    _pages(scripted, 6)
    pages = scripted_sm.iter_pages(read_ahead=2)
    names: list[str] = []
    for attempt in range(40):
        await asyncio.sleep(0.2)  # the read-ahead fills its buffer: no wait on the wire
        call = asyncio.ensure_future(anext(pages))
        if attempt % 2 == 0:
            for _ in range(1 + attempt % 3):
                await asyncio.sleep(0)
            call.cancel()
        try:
            page = await call
        except asyncio.CancelledError:
            continue
        except StopAsyncIteration:
            break
        names += [entry.name for entry in page.secrets]
    assert names == [f"s{index}-{j}" for index in range(6) for j in range(2)]
    assert len(scripted.requests_for("ListSecrets")) == 6


@pytest.mark.parametrize("read_ahead", [0, 2])
async def test_aclose_from_another_task_ends_a_waiting_entry_listing(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager, read_ahead: int
) -> None:
    """iter_secrets' aclose() while a call waits: that call and every later one end at once."""
    _pages(scripted, 3, delay=0.3)
    entries = scripted_sm.iter_secrets(read_ahead=read_ahead)
    waiting = asyncio.ensure_future(anext(entries))
    await asyncio.sleep(0.1)
    await entries.aclose()
    with pytest.raises(StopAsyncIteration):
        await waiting
    with pytest.raises(StopAsyncIteration):
        await anext(entries)
