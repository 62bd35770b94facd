"""Cancellation and resource hygiene: no task, socket, session or warning is left behind."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiobotocore.config import AioConfig

from aiosecretsmanager.testing import dummy_session

from .bodies import full_description, minimal_entry
from .hygiene import Leaks, client_connections, open_fds, other_tasks, watch_leaks

if TYPE_CHECKING:
    from aiosecretsmanager import SecretsManager
    from aiosecretsmanager.testing import ScriptedSecretsManager

NO_RETRIES = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
# Read-ahead keeps a fetch task of its own in flight: the guarantees hold for it too.
READ_AHEAD = pytest.mark.parametrize("read_ahead", [0, 2], ids=["plain", "read-ahead"])


def _two_pages_then_a_stall(scripted: ScriptedSecretsManager) -> None:
    scripted.add_page([minimal_entry("a"), minimal_entry("b")], next_token="t1")
    # Held back far longer than any test waits; stop() wakes it at teardown.
    scripted.add_page([minimal_entry("c")], next_token="t2", delay=30)


async def _still_works(sm: SecretsManager, scripted: ScriptedSecretsManager) -> None:
    scripted.add_page([minimal_entry("next")])
    assert [entry.name async for entry in sm.iter_secrets()] == ["next"]
    scripted.add("DescribeSecret", full_description("d"))
    assert (await sm.describe("d")).name == "d"


@READ_AHEAD
async def test_a_timeout_mid_listing_leaves_nothing_behind(
    scripted: ScriptedSecretsManager, read_ahead: int
) -> None:
    """A timeout that cancels iter_secrets mid-page: no task, no warning, the client works."""
    _two_pages_then_a_stall(scripted)
    seen: list[str] = []
    with watch_leaks() as leaks:
        async with scripted.client(config=NO_RETRIES) as sm:

            async def consume() -> None:
                async for entry in sm.iter_secrets(read_ahead=read_ahead):
                    seen.append(entry.name)

            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(consume(), 0.5)
            await asyncio.sleep(0)
            assert not other_tasks()
            await _still_works(sm, scripted)
    assert seen == ["a", "b"]
    assert leaks == Leaks()
    assert not other_tasks()


@READ_AHEAD
async def test_cancelling_the_task_mid_listing_leaves_nothing_behind(
    scripted: ScriptedSecretsManager, read_ahead: int
) -> None:
    """task.cancel() while a page is in flight: CancelledError, then a working client."""
    _two_pages_then_a_stall(scripted)
    seen: list[str] = []
    with watch_leaks() as leaks:
        async with scripted.client(config=NO_RETRIES) as sm:

            async def consume() -> None:
                async for entry in sm.iter_secrets(read_ahead=read_ahead):
                    seen.append(entry.name)

            task = asyncio.create_task(consume())
            for _ in range(1000):  # until the stalled page's request is in flight
                if len(scripted.requests_for("ListSecrets")) == 2:
                    break
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert not other_tasks()
            await _still_works(sm, scripted)
    assert seen == ["a", "b"]
    assert leaks == Leaks()


async def test_breaking_out_of_a_listing_early_leaves_nothing_behind(
    scripted: ScriptedSecretsManager,
) -> None:
    """A break after the first entry: no further page is fetched and the client works."""
    scripted.add_page([minimal_entry("a"), minimal_entry("b")], next_token="t1")
    scripted.add_page([minimal_entry("never")])
    with watch_leaks() as leaks:
        async with scripted.client(config=NO_RETRIES) as sm:
            async for entry in sm.iter_secrets():
                assert entry.name == "a"
                break
            assert len(scripted.requests_for("ListSecrets")) == 1
            assert not other_tasks()
            # The unused page is still queued: the next listing gets it.
            assert [entry.name async for entry in sm.iter_secrets()] == ["never"]
            scripted.add("DescribeSecret", full_description("d"))
            assert (await sm.describe("d")).name == "d"
    assert leaks == Leaks()


async def test_an_abandoned_iterator_is_collected_cleanly(
    scripted: ScriptedSecretsManager,
) -> None:
    """An iterator dropped mid-listing is garbage-collected with no warning or task."""
    scripted.add_page([minimal_entry("a")], next_token="t1")
    with watch_leaks() as leaks:
        async with scripted.client(config=NO_RETRIES) as sm:
            entries = sm.iter_secrets()
            assert (await anext(entries)).name == "a"
            ref = weakref.ref(entries)
            del entries
            gc.collect()
            assert ref() is None
            assert not other_tasks()
            await _still_works(sm, scripted)
    assert leaks == Leaks()


async def test_an_abandoned_read_ahead_iterator_cancels_its_fetch_cleanly(
    scripted: ScriptedSecretsManager,
) -> None:
    """A read-ahead iterator dropped while its next page is in flight leaves no task or warning."""
    _two_pages_then_a_stall(scripted)
    with watch_leaks() as leaks:
        async with scripted.client(config=NO_RETRIES) as sm:
            entries = sm.iter_secrets(read_ahead=1)
            assert (await anext(entries)).name == "a"
            for _ in range(1000):  # until the stalled page's request is in flight
                if len(scripted.requests_for("ListSecrets")) == 2:
                    break
                await asyncio.sleep(0.01)
            assert other_tasks()
            ref = weakref.ref(entries)
            del entries
            gc.collect()
            assert ref() is None
            for _ in range(10):  # the cancelled fetch unwinds within a few loop turns
                if not other_tasks():
                    break
                await asyncio.sleep(0)
            assert not other_tasks()
            await _still_works(sm, scripted)
    assert leaks == Leaks()


async def test_the_leak_watch_sees_an_unclosed_session() -> None:
    """The leak check itself fails on an aiohttp session left open (a check on the harness)."""
    with watch_leaks() as leaks:
        session = aiohttp.ClientSession()
        del session
    assert leaks.warnings or leaks.loop_errors
    assert any("Unclosed client session" in text for text in leaks.warnings + leaks.loop_errors)


async def test_opening_and_closing_200_clients_returns_every_fd(
    scripted: ScriptedSecretsManager,
) -> None:
    """200 clients opened, used and closed in a row leave the fd count where it started."""
    scripted.set_default("DescribeSecret", full_description("fd/one"))
    session = dummy_session()
    port = urlsplit(scripted.endpoint_url).port
    assert port is not None
    async with scripted.client(session=session) as sm:
        await sm.describe("fd/one")
    gc.collect()
    before = open_fds()
    with watch_leaks() as leaks:
        for _ in range(200):
            async with scripted.client(session=session) as sm:
                assert (await sm.describe("fd/one")).name == "fd/one"
    assert leaks == Leaks()
    assert client_connections(port) == 0
    # The server runs in this process, and its side of each connection closes on
    # its own thread once it sees ours close; give it a moment before comparing.
    # Other tests' servers share this process and may close fds of their own in the
    # meantime, so the count may end below the start; a leak would leave it above.
    for _ in range(200):
        if open_fds() <= before:
            break
        await asyncio.sleep(0.05)
    assert open_fds() <= before
