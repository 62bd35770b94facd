"""Load: thousands of concurrent describes, and listings that stream in flat memory."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiobotocore.config import AioConfig

from .bodies import full_entry
from .hygiene import client_connections

if TYPE_CHECKING:
    from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager

CONCURRENCY = 64
SECRETS = 500
CALLS = 2000


async def test_2000_concurrent_describes_are_all_right_and_bounded_by_the_pool(
    moto: MotoServer,
) -> None:
    """2,000 describes at concurrency 64: every answer right, connections within the pool."""
    port = urlsplit(moto.endpoint_url).port
    assert port is not None
    config = AioConfig(max_pool_connections=CONCURRENCY)
    async with moto.client(config=config) as sm:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def create(index: int) -> str:
            async with gate:
                created = await sm.client.create_secret(Name=f"load/s{index:04d}", SecretString="x")
                return created["ARN"]

        arns = await asyncio.gather(*(create(index) for index in range(SECRETS)))
        peak = 0
        done = asyncio.Event()

        async def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, client_connections(port))
                await asyncio.sleep(0.02)

        async def describe(call: int) -> tuple[int, str, str]:
            index = call % SECRETS
            async with gate:
                result = await sm.describe(f"load/s{index:04d}")
            return index, result.name, result.arn

        sampler = asyncio.create_task(sample())
        try:
            results = await asyncio.gather(*(describe(call) for call in range(CALLS)))
        finally:
            done.set()
            await sampler

    assert len(results) == CALLS
    for index, name, arn in results:
        assert name == f"load/s{index:04d}"
        assert arn == arns[index]
    # Bounded by the pool the user asked for, and the pool was really that wide:
    # aiobotocore's default of 10 would never reach past 10.
    assert 10 < peak <= CONCURRENCY


def _queue_listing(scripted: ScriptedSecretsManager, total: int, page: int) -> None:
    for start in range(0, total, page):
        entries = [full_entry(f"mem/s{index:05d}") for index in range(start, start + page)]
        more = start + page < total
        scripted.add_page(entries, next_token=f"page-{start + page}" if more else None)


async def _streamed_peak(scripted: ScriptedSecretsManager, total: int, page: int) -> int:
    """Peak traced memory while streaming ``total`` entries, holding none of them."""
    _queue_listing(scripted, total, page)
    async with scripted.client() as sm:
        tracemalloc.start()
        try:
            count = 0
            last = ""
            async for entry in sm.iter_secrets(page_size=page):
                count += 1
                last = entry.name
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count == total
    assert last == f"mem/s{total - 1:05d}"
    return peak


async def _held_size(scripted: ScriptedSecretsManager, total: int, page: int) -> int:
    """Traced memory of the same listing kept whole in a list, for scale."""
    _queue_listing(scripted, total, page)
    async with scripted.client() as sm:
        tracemalloc.start()
        try:
            held = [entry async for entry in sm.iter_secrets(page_size=page)]
            size, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert len(held) == total
    return size


async def test_iterating_5000_secrets_holds_memory_flat(
    scripted: ScriptedSecretsManager,
) -> None:
    """Streaming 5,000 entries peaks like 1,000; the peak follows the page size instead."""
    small = await _streamed_peak(scripted, 1000, 100)
    large = await _streamed_peak(scripted, 5000, 100)
    small_pages = await _streamed_peak(scripted, 500, 10)
    held = await _held_size(scripted, 1000, 100)
    per_entry = held / 1000
    # Five times the entries may not cost anywhere near five times the memory...
    assert large < small * 1.5
    # ...while keeping all 5,000 would (entries are alike, so five times 1,000)...
    assert 5 * held > large * 3
    # ...and pages of 100 instead of 10 hold at least half of the 90 extra entries.
    assert small - small_pages > 45 * per_entry
