"""Leak checks for async resources: tasks, warnings, unraisable errors, sockets, fds."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass
class Leaks:
    """What ``watch_leaks`` saw; empty lists mean nothing leaked."""

    warnings: list[str] = field(default_factory=list)
    unraisable: list[str] = field(default_factory=list)
    loop_errors: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.ERROR)
        self._into = into

    def emit(self, record: logging.LogRecord) -> None:
        self._into.append(record.getMessage())


@contextlib.contextmanager
def watch_leaks() -> Iterator[Leaks]:
    """Record ResourceWarnings, never-awaited coroutines, unraisable errors and asyncio's
    "Unclosed client session" reports, collecting garbage at the end so that
    finalizers run inside the block."""
    leaks = Leaks()
    handler = _Collect(leaks.loop_errors)
    asyncio_logger = logging.getLogger("asyncio")
    previous_hook = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        leaks.unraisable.append(f"{unraisable.exc_type.__name__}: {unraisable.exc_value}")

    sys.unraisablehook = hook
    asyncio_logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield leaks
            for _ in range(3):
                gc.collect()
        leaks.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
    finally:
        asyncio_logger.removeHandler(handler)
        sys.unraisablehook = previous_hook


def other_tasks() -> set[asyncio.Task[Any]]:
    """Tasks of the running loop besides the current one, that are not done."""
    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks() if task is not current and not task.done()}


def open_fds() -> int:
    """How many file descriptors this process holds open."""
    return len(os.listdir("/proc/self/fd"))


def _socket_inodes_to(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        try:
            with open(table) as lines:
                next(lines)
                for line in lines:
                    parts = line.split()
                    remote_port = int(parts[2].rsplit(":", 1)[1], 16)
                    if remote_port == port:
                        inodes.add(parts[9])
        except FileNotFoundError:
            continue
    return inodes


def client_connections(port: int) -> int:
    """How many of this process's sockets are connected to ``port`` (client side only)."""
    inodes = _socket_inodes_to(port)
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            count += 1
    return count
