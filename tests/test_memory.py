"""A long listing holds no more memory than a short one: pages are not kept."""

from __future__ import annotations

import tracemalloc

import pytest

from aiosecretsmanager import SecretsManager
from aiosecretsmanager.testing import ScriptedSecretsManager

from .bodies import full_entry

PER_PAGE = 30


def _queue(scripted: ScriptedSecretsManager, pages: int, prefix: str) -> None:
    entries = [full_entry(f"{prefix}-{i}") for i in range(PER_PAGE)]
    for index in range(pages):
        token = f"{prefix}-token-{index}" if index < pages - 1 else None
        scripted.add_page(entries, next_token=token)


async def _peak(sm: SecretsManager, read_ahead: int) -> tuple[int, int]:
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    count = 0
    async for _entry in sm.iter_secrets(read_ahead=read_ahead):
        count += 1
    return count, tracemalloc.get_traced_memory()[1] - base


@pytest.mark.parametrize("read_ahead", [0, 2])
async def test_peak_memory_is_flat_in_the_listing_length(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager, read_ahead: int
) -> None:
    """Listing 50 pages peaks within 1 MiB of listing 8: entries are not retained."""
    _queue(scripted, 8, "short")
    _queue(scripted, 50, "long")
    tracemalloc.start()
    try:
        short_count, short_peak = await _peak(scripted_sm, read_ahead)
        long_count, long_peak = await _peak(scripted_sm, read_ahead)
    finally:
        tracemalloc.stop()
    assert (short_count, long_count) == (8 * PER_PAGE, 50 * PER_PAGE)
    # Keeping the entries would cost about 1,500 models, several MiB.
    assert long_peak - short_peak < 1024 * 1024
