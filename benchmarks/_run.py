"""The benchmark suite: cases, goals, the markdown table and the JSON file."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from aiobotocore.session import AioSession

from aiosecretsmanager import SecretListPage, SecretsManager
from aiosecretsmanager.testing import dummy_session

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aiobotocore.config import AioConfig

RESULTS = Path(__file__).parent / "results"
PAGE = 100


@dataclass(frozen=True)
class Sizes:
    """How big each part of the run is."""

    reps: int
    listing: dict[int, int]  # latency ms -> secrets listed
    parse_pages: int
    describes: int
    stall_secrets: int
    fan_out: int
    read_ahead_pages: int
    imports: int
    memory: tuple[int, int]


FULL = Sizes(
    reps=5,
    listing={0: 10_000, 10: 3_000, 50: 1_000},
    parse_pages=20,
    describes=200,
    stall_secrets=2_000,
    fan_out=500,
    read_ahead_pages=15,
    imports=12,
    memory=(1_000, 100_000),
)
TINY = Sizes(
    reps=1,
    listing={0: 200, 10: 200, 50: 200},
    parse_pages=1,
    describes=3,
    stall_secrets=200,
    fan_out=10,
    read_ahead_pages=2,
    imports=1,
    memory=(100, 200),
)


@dataclass
class Figures:
    """Wall and CPU seconds per repetition for one case."""

    count: int = 0
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _ratios(case: Figures, base: Figures) -> list[float]:
    return [c / b for c, b in zip(case.wall, base.wall, strict=False) if b]


async def _timed(figures: Figures, run: Callable[[], Awaitable[int]]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    figures.count = await run()
    figures.wall.append(time.perf_counter() - wall)
    figures.cpu.append(time.process_time() - cpu)


class CannedServer:
    """The canned server in its own process, so its CPU is never the client's."""

    def __enter__(self) -> CannedServer:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=Path(__file__).parent.parent,
            text=True,
        )
        assert self._process.stdout is not None
        self.port = int(self._process.stdout.readline())
        return self

    def url(self, total: int, latency_ms: int) -> str:
        return f"http://127.0.0.1:{self.port}/n/{total}/ms/{latency_ms}"

    def __exit__(self, *exc: object) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=10)
        assert self._process.stdout is not None
        self._process.stdout.close()


# -- the four listing cases ------------------------------------------------------


async def case_a(client: Any) -> int:
    count = 0
    paginator = client.get_paginator("list_secrets")
    async for page in paginator.paginate(PaginationConfig={"PageSize": PAGE}):
        for _entry in page["SecretList"]:
            count += 1
    return count


def case_b(client: Any) -> int:
    count = 0
    for page in client.get_paginator("list_secrets").paginate(PaginationConfig={"PageSize": PAGE}):
        for _entry in page["SecretList"]:
            count += 1
    return count


async def case_c(sm: SecretsManager) -> int:
    count = 0
    async for _entry in sm.iter_secrets(page_size=PAGE):
        count += 1
    return count


async def case_d(session: aiohttp.ClientSession, url: str) -> int:
    count = 0
    token: str | None = None
    headers = {
        "X-Amz-Target": "secretsmanager.ListSecrets",
        "Content-Type": "application/x-amz-json-1.1",
    }
    while True:
        body: dict[str, Any] = {"MaxResults": PAGE}
        if token:
            body["NextToken"] = token
        async with session.post(url + "/", data=json.dumps(body), headers=headers) as response:
            page = SecretListPage.model_validate_json(await response.read())
        count += len(page.secrets)
        token = page.next_token
        if not token:
            return count


def _boto3_client(url: str) -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    ).client("secretsmanager", endpoint_url=url)


async def _aio_client(url: str, stack: Any, config: AioConfig | None = None) -> Any:
    context = dummy_session().create_client(
        "secretsmanager", region_name="us-east-1", endpoint_url=url, config=config
    )
    return await stack.enter_async_context(context)


async def listing(server: CannedServer, sizes: Sizes) -> list[dict[str, Any]]:
    from contextlib import AsyncExitStack

    rows: list[dict[str, Any]] = []
    for latency, total in sizes.listing.items():
        url = server.url(total, latency)
        async with AsyncExitStack() as stack:
            client = await _aio_client(url, stack)
            boto = _boto3_client(url)
            sm = await stack.enter_async_context(
                SecretsManager(session=dummy_session(), region_name="us-east-1", endpoint_url=url)
            )
            http = await stack.enter_async_context(aiohttp.ClientSession())
            # Warm every client (SSL context, connection, service model) before timing.
            await client.list_secrets(MaxResults=1)
            boto.list_secrets(MaxResults=1)
            await sm.iter_pages(page_size=1, max_items=1).__anext__()
            figures = {name: Figures() for name in "abcd"}

            async def run_b() -> int:
                return case_b(boto)  # noqa: B023 - called within this iteration

            runs: dict[str, Callable[[], Awaitable[int]]] = {
                "a": lambda: case_a(client),  # noqa: B023
                "b": run_b,
                "c": lambda: case_c(sm),  # noqa: B023
                "d": lambda: case_d(http, url),  # noqa: B023
            }
            for _ in range(sizes.reps):
                for name, run in runs.items():
                    await _timed(figures[name], run)
            boto.close()
        for name, label in CASES.items():
            case = figures[name]
            wall = _median(case.wall)
            rows.append(
                {
                    "latency_ms": latency,
                    "case": name,
                    "label": label,
                    "secrets": case.count,
                    "secrets_per_s": case.count / wall if wall else None,
                    "wall_s": wall,
                    "cpu_s": _median(case.cpu),
                    "ratio_vs_a": _median(_ratios(case, figures["a"])),
                    "walls": case.wall,
                    "cpus": case.cpu,
                }
            )
    return rows


CASES = {
    "a": "aiobotocore paginator, dicts",
    "b": "boto3 sync paginator, dicts",
    "c": "aiosecretsmanager iter_secrets, models",
    "d": "raw aiohttp + model_validate_json (floor)",
}


# -- the goals ---------------------------------------------------------------------


def parse_cost(server_page: bytes, sizes: Sizes) -> dict[str, Any]:
    """Per-secret cost of botocore's default parse vs wire-to-model validation."""
    import botocore.parsers
    import botocore.session

    from aiosecretsmanager._parsing import utc_timestamp, validate_page

    shape = (
        botocore.session.get_session()
        .get_service_model("secretsmanager")
        .operation_model("ListSecrets")
        .output_shape
    )
    default = botocore.parsers.create_parser("json")
    utc = botocore.parsers.ResponseParserFactory()
    utc.set_parser_defaults(timestamp_parser=utc_timestamp)
    fast = utc.create_parser("json")
    per_page = SecretListPage.model_validate_json(server_page).secrets

    def response() -> dict[str, Any]:
        return {"body": server_page, "headers": {}, "status_code": 200}

    def in_pieces() -> object:
        # What iter_pages runs: the page validated in pieces. Its awaits are bare
        # asyncio.sleep(0) yields, driven here without a loop (so the loop turns
        # themselves, some 10 us each, are not counted).
        pieces = validate_page(server_page)
        try:
            while True:
                pieces.send(None)
        except StopIteration as done:
            return done.value

    runs = {
        "botocore_default": lambda: default.parse(response(), shape),
        "botocore_utc_then_model": lambda: SecretListPage.model_validate(
            fast.parse(response(), shape)
        ),
        "wire_model_validate_json": lambda: SecretListPage.model_validate_json(server_page),
        "wire_in_pieces": in_pieces,
    }

    def measure(run: Callable[[], object]) -> float:
        start = time.perf_counter()
        for _page in range(sizes.parse_pages):
            run()
        return (time.perf_counter() - start) / (sizes.parse_pages * len(per_page)) * 1e6

    times: dict[str, list[float]] = {name: [] for name in runs}
    # The same with the cyclic GC off: how much of each figure is the collector
    # walking the whole process heap, which grows with what else the process holds.
    gc_off: dict[str, list[float]] = {name: [] for name in ("botocore_default", "wire")}
    for _ in range(max(sizes.reps, 3)):
        for name, run in runs.items():
            times[name].append(measure(run))
        gc.disable()
        try:
            gc_off["botocore_default"].append(measure(runs["botocore_default"]))
            gc_off["wire"].append(measure(runs["wire_model_validate_json"]))
        finally:
            gc.enable()
    # The goal is judged on what the library runs: the page in pieces.
    pairs = zip(times["wire_in_pieces"], times["botocore_default"], strict=False)
    ratios = [wire / boto for wire, boto in pairs]
    return {
        "us_per_secret": {name: _median(values) for name, values in times.items()},
        "us_per_secret_gc_off": {name: _median(values) for name, values in gc_off.items()},
        "ratio": _median(ratios),
    }


async def describe_vs_raw(server: CannedServer, sizes: Sizes) -> dict[str, Any]:
    from contextlib import AsyncExitStack

    url = server.url(1, 0)
    async with AsyncExitStack() as stack:
        client = await _aio_client(url, stack)
        sm = await stack.enter_async_context(
            SecretsManager(session=dummy_session(), region_name="us-east-1", endpoint_url=url)
        )
        await client.describe_secret(SecretId="warm")
        await sm.describe("warm")
        raw, ours = Figures(), Figures()
        # Short blocks, alternated, so a burst of load lands on both sides alike;
        # the ratio is the median of the per-block ratios.
        blocks = sizes.reps * 8
        per_block = max(1, sizes.describes // 8)

        async def run_raw() -> int:
            for i in range(per_block):
                await client.describe_secret(SecretId=f"s{i}")
            return per_block

        async def run_ours() -> int:
            for i in range(per_block):
                await sm.describe(f"s{i}")
            return per_block

        for block in range(blocks):
            # Which side goes first alternates too.
            first, second = (run_raw, run_ours) if block % 2 == 0 else (run_ours, run_raw)
            for run in (first, second):
                await _timed(raw if run is run_raw else ours, run)
    return {
        "calls_per_side": blocks * per_block,
        "raw_ms_per_call": sum(raw.wall) / (blocks * per_block) * 1e3,
        "ours_ms_per_call": sum(ours.wall) / (blocks * per_block) * 1e3,
        "ratio": _median(_ratios(ours, raw)),
    }


class _Heartbeat:
    """Records every gap between two turns of a task that only yields to the loop.

    A gap is how long the loop was held by something else: one callback, or a
    whole-process pause landing in it (a full garbage collection, or the OS running
    another process). Each gap is recorded as wall time and as this thread's CPU
    time, and full (generation 2) garbage collections are recorded as they end.
    """

    def __init__(self) -> None:
        self.gaps: list[tuple[float, float, float]] = []  # (end, wall, thread CPU)
        self.full_collections: list[tuple[float, float]] = []  # (end, length)
        self._gc_started = 0.0
        self._stop = False
        self._task: asyncio.Task[None] | None = None

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        now = time.perf_counter()
        if phase == "start":
            self._gc_started = now
        else:
            self.full_collections.append((now, now - self._gc_started))

    async def _beat(self) -> None:
        last, last_cpu = time.perf_counter(), time.thread_time()
        while not self._stop:
            await asyncio.sleep(0)
            now, cpu = time.perf_counter(), time.thread_time()
            self.gaps.append((now, now - last, cpu - last_cpu))
            last, last_cpu = now, cpu

    async def __aenter__(self) -> _Heartbeat:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.create_task(self._beat())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop = True
        assert self._task is not None
        await self._task
        gc.callbacks.remove(self._on_gc)

    def per_page(self, arrivals: list[float]) -> list[_PageStall]:
        """Each page's longest gaps, in (previous arrival, this arrival]."""
        pages: list[_PageStall] = []
        index = 0
        for arrived in arrivals:
            page = _PageStall()
            while index < len(self.gaps) and self.gaps[index][0] <= arrived:
                end, wall, cpu = self.gaps[index]
                index += 1
                page.wall = max(page.wall, wall)
                if any(end - wall < done <= end for done, _ in self.full_collections):
                    page.full_gc = True
                else:
                    page.wall_no_gc = max(page.wall_no_gc, wall)
                    page.cpu_no_gc = max(page.cpu_no_gc, cpu)
            pages.append(page)
        return pages


@dataclass
class _PageStall:
    """One page's longest heartbeat gap, overall and among gaps without a full GC."""

    wall: float = 0.0
    wall_no_gc: float = 0.0
    cpu_no_gc: float = 0.0
    full_gc: bool = False


async def _pages_a(client: Any, arrivals: list[float]) -> None:
    paginator = client.get_paginator("list_secrets")
    async for page in paginator.paginate(PaginationConfig={"PageSize": PAGE}):
        for _entry in page["SecretList"]:
            pass
        arrivals.append(time.perf_counter())


async def _pages_c(sm: SecretsManager, arrivals: list[float]) -> None:
    async for page in sm.iter_pages(page_size=PAGE):
        for _entry in page.secrets:
            pass
        arrivals.append(time.perf_counter())


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def stalls(server: CannedServer, sizes: Sizes) -> dict[str, Any]:
    """Per 100-entry page, the longest time the loop could not run a heartbeat.

    Each page's figure is the longest heartbeat gap between the previous page's
    arrival and its own, so it covers the request, the response and the parse of
    that page. The goal is judged on gaps in which no full (generation 2) garbage
    collection ran: such a collection pauses the whole process for as long as the
    whole heap takes to walk, whoever allocated last. The maximum over all gaps,
    the full collections (count and longest) and the thread's CPU time within the
    gaps (which leaves out time the OS gave to other processes) are reported too.
    """
    from contextlib import AsyncExitStack

    url = server.url(sizes.stall_secrets, 0)
    pages: dict[str, list[_PageStall]] = {"a": [], "c": []}
    full_gc: dict[str, list[float]] = {"a": [], "c": []}
    async with AsyncExitStack() as stack:
        client = await _aio_client(url, stack)
        sm = await stack.enter_async_context(
            SecretsManager(session=dummy_session(), region_name="us-east-1", endpoint_url=url)
        )
        await client.list_secrets(MaxResults=1)
        await sm.iter_pages(page_size=1, max_items=1).__anext__()
        runs: dict[str, Callable[[list[float]], Awaitable[None]]] = {
            "a": lambda arrivals: _pages_a(client, arrivals),
            "c": lambda arrivals: _pages_c(sm, arrivals),
        }
        for _ in range(sizes.reps):
            for name, run in runs.items():
                arrivals: list[float] = []
                async with _Heartbeat() as beat:
                    await run(arrivals)
                pages[name].extend(beat.per_page(arrivals))
                full_gc[name].extend(length for _, length in beat.full_collections)
    out: dict[str, Any] = {"pages": len(pages["c"])}
    for name, label in (("a", "aiobotocore"), ("c", "ours")):
        walls = [page.wall_no_gc for page in pages[name]]
        cpus = [page.cpu_no_gc for page in pages[name]]
        out[f"{label}_ms"] = {
            "median": _median(walls) * 1e3,
            "p95": _percentile(walls, 0.95) * 1e3,
            "max_without_full_gc": max(walls) * 1e3,
            "cpu_median": _median(cpus) * 1e3,
            "cpu_p95": _percentile(cpus, 0.95) * 1e3,
            "max": max(page.wall for page in pages[name]) * 1e3,
            "pages_with_full_gc": sum(page.full_gc for page in pages[name]),
            "full_gcs": len(full_gc[name]),
            "longest_full_gc": max(full_gc[name], default=0.0) * 1e3,
        }
    return out


async def fan_out(server: CannedServer, sizes: Sizes) -> dict[str, Any]:
    from contextlib import AsyncExitStack

    url = server.url(1, 50)
    ids = [f"secret-{i}" for i in range(sizes.fan_out)]
    gather_f, ours_f = Figures(), Figures()
    async with AsyncExitStack() as stack:
        # "Default settings": a plain session's client, aiobotocore's own config.
        session = AioSession()
        session.set_credentials("testing", "testing")
        client = await stack.enter_async_context(
            session.create_client("secretsmanager", region_name="us-east-1", endpoint_url=url)
        )
        sm = await stack.enter_async_context(
            SecretsManager(session=dummy_session(), region_name="us-east-1", endpoint_url=url)
        )
        await client.describe_secret(SecretId="warm")
        await sm.describe("warm")

        async def run_gather() -> int:
            results = await asyncio.gather(
                *(client.describe_secret(SecretId=i) for i in ids), return_exceptions=True
            )
            return sum(1 for r in results if not isinstance(r, BaseException))

        async def run_ours() -> int:
            results = await sm.describe_many(ids)
            return sum(1 for r in results if not isinstance(r, Exception))

        for _ in range(sizes.reps if sizes.reps < 3 else 3):
            await _timed(gather_f, run_gather)
            await _timed(ours_f, run_ours)
    throughput = [g / o for g, o in zip(gather_f.wall, ours_f.wall, strict=False)]
    return {
        "ids": sizes.fan_out,
        "gather_s": _median(gather_f.wall),
        "describe_many_s": _median(ours_f.wall),
        "ok": [gather_f.count, ours_f.count],
        "throughput_ratio": _median(throughput),
    }


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def read_ahead(server: CannedServer, sizes: Sizes) -> dict[str, Any]:
    url = server.url(sizes.read_ahead_pages * PAGE, 50)
    out: dict[str, Any] = {}
    async with SecretsManager(
        session=dummy_session(), region_name="us-east-1", endpoint_url=url
    ) as sm:
        await sm.iter_pages(page_size=1, max_items=1).__anext__()

        async def consume(ahead: int, kind: str) -> int:
            count = 0
            async for _entry in sm.iter_secrets(page_size=PAGE, read_ahead=ahead):
                count += 1
                if kind == "cpu":
                    _busy(0.0003)  # 30 ms per 100-entry page, the loop blocked
                elif count % PAGE == 1:
                    await asyncio.sleep(0.03)  # 30 ms of awaited I/O per page
            return count

        for kind in ("io", "cpu"):
            plain, ahead = Figures(), Figures()
            for _ in range(sizes.reps if sizes.reps < 3 else 3):
                await _timed(plain, lambda: consume(0, kind))  # noqa: B023 - run at once
                await _timed(ahead, lambda: consume(1, kind))  # noqa: B023 - run at once
            out[kind] = {
                "plain_s": _median(plain.wall),
                "read_ahead_1_s": _median(ahead.wall),
                "ratio": _median(_ratios(ahead, plain)),
            }
    return out


def import_time(sizes: Sizes) -> dict[str, Any]:
    """Whole-process time of ``python -c "import X"``, ours against aiobotocore.session.

    Both sides import from cached bytecode, as an installed package does (pip
    compiles it at install): with ``PYTHONDONTWRITEBYTECODE`` set, as in some
    shells, an editable checkout would compile our modules from source on every
    run while aiobotocore's come from site-packages' bytecode. One untimed import
    of each writes the cache and warms the file system cache.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def once(module: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True, env=env)
        return time.perf_counter() - start

    # The floor of any client with pydantic models on aiobotocore: both imported and
    # one one-field model defined (pydantic loads its fields module and discovers
    # plugins on the first model), and nothing of ours.
    floor_modules = "aiobotocore.session, pydantic\nclass M(pydantic.BaseModel):\n    x: int = 0"
    for module in ("aiobotocore.session", "aiosecretsmanager", floor_modules):
        once(module)
    ours: list[float] = []
    theirs: list[float] = []
    floor: list[float] = []
    sides = [("aiobotocore.session", theirs), ("aiosecretsmanager", ours), (floor_modules, floor)]
    for rep in range(sizes.imports):
        # Rotate which side runs first, so no side always follows the same one.
        for module, times in sides[rep % 3 :] + sides[: rep % 3]:
            times.append(once(module))
    return {
        "aiobotocore_session_s": _median(theirs),
        "aiosecretsmanager_s": _median(ours),
        "aiobotocore_plus_pydantic_s": _median(floor),
        "ratio": _median([o / t for o, t in zip(ours, theirs, strict=False)]),
        "floor_ratio": _median([f / t for f, t in zip(floor, theirs, strict=False)]),
    }


_MEMORY_CODE = """
import asyncio, resource, sys
from aiosecretsmanager import SecretsManager
from aiosecretsmanager.testing import dummy_session
async def main(url):
    count = 0
    async with SecretsManager(session=dummy_session(), region_name="us-east-1",
                              endpoint_url=url) as sm:
        async for _ in sm.iter_secrets(page_size=100):
            count += 1
    print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
asyncio.run(main(sys.argv[1]))
"""


def peak_memory(server: CannedServer, sizes: Sizes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for total in sizes.memory:
        done = subprocess.run(
            [sys.executable, "-c", _MEMORY_CODE, server.url(total, 0)],
            check=True,
            capture_output=True,
            text=True,
        )
        count, rss_kib = (int(part) for part in done.stdout.split())
        out[str(total)] = {"listed": count, "peak_rss_mib": rss_kib / 1024}
    small, large = (out[str(total)]["peak_rss_mib"] for total in sizes.memory)
    out["growth_mib"] = large - small
    return out


async def moto_smoke() -> dict[str, Any]:
    from aiosecretsmanager.testing import MotoServer, SeedSecret, seed

    async with MotoServer() as moto, moto.client() as sm:
        await seed(sm, [SeedSecret(f"smoke/{i}", tags={"i": str(i)}) for i in range(3)])
        names = [entry.name async for entry in sm.iter_secrets(read_ahead=1)]
        described = await sm.describe_many(names)
    ok = sorted(names) == [f"smoke/{i}" for i in range(3)] and all(
        getattr(d, "name", None) in names for d in described
    )
    return {"ok": ok, "listed": len(names)}


# -- output ------------------------------------------------------------------------


def _machine() -> dict[str, Any]:
    import aiobotocore
    import botocore
    import pydantic

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "aiobotocore": aiobotocore.__version__,
        "botocore": botocore.__version__,
        "pydantic": pydantic.VERSION,
        "aiohttp": aiohttp.__version__,
    }


def _goal(name: str, measured: str, goal: str, met: bool) -> str:
    return f"| {name} | {measured} | {goal} | {'met' if met else 'NOT met'} |"


def render(report: dict[str, Any]) -> str:
    lines = [
        "| latency | case | secrets | secrets/s | wall (s) | client CPU (s) | ratio vs (a) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in report["listing"]:
        lines.append(
            f"| {row['latency_ms']} ms | ({row['case']}) {row['label']} | {row['secrets']:,} "
            f"| {row['secrets_per_s']:,.0f} | {row['wall_s']:.3f} | {row['cpu_s']:.3f} "
            f"| {row['ratio_vs_a']:.2f}x |"
        )
    g = report["goals"]
    listing0 = next(
        r["ratio_vs_a"] for r in report["listing"] if r["latency_ms"] == 0 and r["case"] == "c"
    )
    n0 = report["sizes"]["listing"]["0"]
    parse = g["parse"]
    us = parse["us_per_secret"]
    off = parse["us_per_secret_gc_off"]
    mem = g["memory"]
    ours, theirs = g["stall"]["ours_ms"], g["stall"]["aiobotocore_ms"]
    lines += [
        "",
        "| goal | measured | target | |",
        "|---|---|---|---|",
        _goal(
            f"listing {n0:,} secrets, (c) vs (a)", f"{listing0:.2f}x", "<= 0.40x", listing0 <= 0.40
        ),
        _goal(
            "parse cost per secret, wire vs botocore default",
            f"{parse['ratio']:.2f}x ({us['wire_in_pieces']:.1f} vs "
            f"{us['botocore_default']:.1f} us; in one step {us['wire_model_validate_json']:.1f} us;"
            f" botocore+UTC+model "
            f"{us['botocore_utc_then_model']:.1f} us; GC off: {off['wire']:.1f} vs "
            f"{off['botocore_default']:.1f} us)",
            "<= 0.20x",
            parse["ratio"] <= 0.20,
        ),
        _goal(
            "describe() vs raw describe_secret, sequential",
            f"{g['describe']['ratio']:.2f}x ({g['describe']['ours_ms_per_call']:.2f} vs "
            f"{g['describe']['raw_ms_per_call']:.2f} ms)",
            "<= 1.0x",
            g["describe"]["ratio"] <= 1.0,
        ),
        _goal(
            "longest event-loop stall per 100-entry page (p95 over pages; no full GC)",
            f"{ours['p95']:.1f} ms (median {ours['median']:.1f}, on-CPU p95 "
            f"{ours['cpu_p95']:.1f}; aiobotocore p95 {theirs['p95']:.1f}, median "
            f"{theirs['median']:.1f}); with full GCs, max {ours['max']:.1f} vs "
            f"{theirs['max']:.1f} ms ({ours['full_gcs']} vs {theirs['full_gcs']} full GCs, "
            f"longest {ours['longest_full_gc']:.1f} vs {theirs['longest_full_gc']:.1f} ms)",
            "<= 5 ms",
            ours["p95"] <= 5,
        ),
        _goal(
            f"describe_many {g['fan_out']['ids']} ids at 50 ms vs aiobotocore gather",
            f"{g['fan_out']['throughput_ratio']:.2f}x throughput "
            f"({g['fan_out']['describe_many_s']:.2f} vs {g['fan_out']['gather_s']:.2f} s)",
            ">= 2.5x",
            g["fan_out"]["throughput_ratio"] >= 2.5,
        ),
    ]
    for kind, label in (("io", "I/O-bound"), ("cpu", "CPU-bound")):
        ra = g["read_ahead"][kind]
        lines.append(
            _goal(
                f"read_ahead=1, 50 ms pages, {label} consumer 30 ms/page",
                f"{ra['ratio']:.2f}x ({ra['read_ahead_1_s']:.2f} vs {ra['plain_s']:.2f} s)",
                "<= 0.75x",
                ra["ratio"] <= 0.75,
            )
        )
    imp = g["import"]
    small, large = report["sizes"]["memory"]
    lines += [
        _goal(
            "import aiosecretsmanager vs import aiobotocore.session",
            f"{imp['ratio']:.2f}x ({imp['aiosecretsmanager_s'] * 1e3:.0f} vs "
            f"{imp['aiobotocore_session_s'] * 1e3:.0f} ms; aiobotocore + pydantic alone "
            f"{imp['floor_ratio']:.2f}x, {imp['aiobotocore_plus_pydantic_s'] * 1e3:.0f} ms)",
            "<= 1.3x",
            imp["ratio"] <= 1.3,
        ),
        _goal(
            f"peak memory {large:,} vs {small:,} secrets",
            f"+{mem['growth_mib']:.1f} MiB ({mem[str(large)]['peak_rss_mib']:.1f} vs "
            f"{mem[str(small)]['peak_rss_mib']:.1f} MiB RSS)",
            "<= +10 MiB",
            mem["growth_mib"] <= 10,
        ),
        "",
        f"moto smoke: {'ok' if report['moto_smoke']['ok'] else 'FAILED'}",
    ]
    return "\n".join(lines)


async def _run(sizes: Sizes, with_moto: bool) -> dict[str, Any]:
    from ._server import page_body

    report: dict[str, Any] = {
        "machine": _machine(),
        "sizes": {
            "reps": sizes.reps,
            "listing": {str(k): v for k, v in sizes.listing.items()},
            "memory": list(sizes.memory),
        },
    }
    with CannedServer() as server:
        report["listing"] = await listing(server, sizes)
        report["goals"] = {
            "parse": parse_cost(page_body(0, PAGE, PAGE), sizes),
            "describe": await describe_vs_raw(server, sizes),
            "stall": await stalls(server, sizes),
            "fan_out": await fan_out(server, sizes),
            "read_ahead": await read_ahead(server, sizes),
            "import": import_time(sizes),
            "memory": peak_memory(server, sizes),
        }
    report["moto_smoke"] = await moto_smoke() if with_moto else {"ok": True, "skipped": True}
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the suite, print the tables, write the JSON; 0 unless the moto smoke failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="tiny sizes: checks the code runs")
    parser.add_argument("--reps", type=int, help="repetitions per case (default 5)")
    parser.add_argument("--json", type=Path, help="where to write the raw figures")
    parser.add_argument("--no-moto", action="store_true", help="skip the moto smoke")
    args = parser.parse_args(argv)
    sizes = TINY if args.tiny else FULL
    if args.reps:
        sizes = Sizes(**{**sizes.__dict__, "reps": args.reps})
    report = asyncio.run(_run(sizes, with_moto=not args.no_moto))
    table = render(report)
    print(table)
    path = args.json or RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    report["table"] = table
    path.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nraw figures: {path}")
    return 0 if report["moto_smoke"]["ok"] else 1
