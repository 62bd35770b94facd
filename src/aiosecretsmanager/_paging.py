"""The NextToken walk behind ``iter_pages`` and ``iter_secrets``.

Rules: a page may be empty and still carry a NextToken; an absent or empty token
ends the listing; a token the service already sent in this listing is an error,
never a loop; ``max_items`` fetches no page it does not need. A listing has one
consumer at a time: a second ``__anext__`` while one is pending raises RuntimeError,
as an async generator's does.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import deque
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, final

from ._errors import PaginationError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from ._models import SecretListEntry, SecretListPage
    from ._validation import ListParams

    # (request, the token it carries, the page's number in this listing from 1)
    FetchPage = Callable[[dict[str, Any], "str | None", int], Awaitable[SecretListPage]]

__all__ = [
    "ListingIterator",
    "PageIterator",
    "ReadAheadPages",
    "SecretIterator",
    "notify_request_sent",
]

# The service's largest page; asking for fewer than this is how max_items avoids
# fetching entries it would throw away.
_MAX_PAGE = 100


_T_co = TypeVar("_T_co", covariant=True)


class ListingIterator(Protocol[_T_co]):
    """What ``iter_secrets()`` and ``iter_pages()`` return: an async iterator with ``aclose()``.

    It is an ``AsyncIterator[T]`` for ``async for``, comprehensions and ``anext()``,
    plus ``aclose()``, so ``contextlib.aclosing()`` takes it as it is. One listing
    has one consumer at a time: ``anext()`` while another call on it is still
    waiting raises ``RuntimeError``.
    """

    def __aiter__(self) -> ListingIterator[_T_co]: ...

    async def __anext__(self) -> _T_co: ...

    async def aclose(self) -> None:
        """Stop the listing and cancel a read-ahead fetch in flight; later calls end at once."""
        ...


def _token_key(token: str) -> bytes:
    # Tokens can be 4 KiB each; a fixed-size digest keeps a long listing's memory flat.
    return hashlib.blake2b(token.encode(), digest_size=16).digest()


def _shown(token: str) -> str:
    return token if len(token) <= 40 else f"{token[:37]}..."


def _already_running() -> RuntimeError:
    # Two consumers of one listing would each get part of it, and the walk's state
    # (token, seen tokens, buffer) would be moved on by both: refuse, send nothing.
    return RuntimeError(
        "anext(): this listing is already running: another call has not returned yet; "
        "iterate one listing from one task at a time"
    )


@final
class PageIterator:
    """An async iterator of ListSecrets pages that follows NextToken to the end."""

    def __init__(self, fetch: FetchPage, params: ListParams) -> None:
        self._fetch = fetch
        self._request = params.request()
        self._page_size = params.page_size
        self._remaining = params.max_items
        self._token = params.starting_token
        self._seen: set[bytes] = set()
        if self._token is not None:
            self._seen.add(_token_key(self._token))
        self._repeated: str | None = None
        self._done = False
        self._fetched = 0
        self._running = False

    def __aiter__(self) -> PageIterator:
        return self

    async def __anext__(self) -> SecretListPage:
        if self._running:
            raise _already_running()
        if self._done:
            raise StopAsyncIteration
        if self._repeated is not None:
            self._done = True
            raise PaginationError(
                f"the service sent NextToken {_shown(self._repeated)!r} a second time "
                "in one listing; stopped instead of looping",
                operation="ListSecrets",
            )
        request = dict(self._request)
        limit = self._page_size
        if self._remaining is not None and self._remaining < (limit or _MAX_PAGE):
            limit = self._remaining
        if limit is not None:
            request["MaxResults"] = limit
        if self._token is not None:
            request["NextToken"] = self._token
        self._running = True
        try:
            # State moves on only after a page arrives, so a failed fetch can be
            # retried by calling __anext__ again, and error.resume_token names the
            # same page.
            page = await self._fetch(request, self._token, self._fetched + 1)
            # One loop turn between this page's parse and the next request's signing,
            # so other tasks run between the two instead of waiting for both. Before
            # _advance: a cancellation here leaves the walk on this page, like one
            # during the fetch.
            await asyncio.sleep(0)
        finally:
            self._running = False
        self._advance(page)
        return page

    def _advance(self, page: SecretListPage) -> None:
        self._fetched += 1
        if self._remaining is not None:
            self._remaining -= len(page.secrets)
        token = page.next_token
        if token is None or (self._remaining is not None and self._remaining <= 0):
            self._done = True
            return
        key = _token_key(token)
        if key in self._seen:
            # The entries of this page are delivered; the next call raises.
            self._repeated = token
            return
        self._seen.add(key)
        self._token = token

    async def aclose(self) -> None:
        """Stop the listing; later calls end at once. No request is in flight between pages."""
        self._done = True


@final
class SecretIterator:
    """An async iterator of ListSecrets entries, page after page, up to ``max_items``."""

    def __init__(self, pages: PageIterator | ReadAheadPages, max_items: int | None) -> None:
        self._pages = pages
        self._remaining = max_items
        self._entries: Iterator[SecretListEntry] = iter(())
        self._running = False
        self._closed = False

    def __aiter__(self) -> SecretIterator:
        return self

    async def __anext__(self) -> SecretListEntry:
        if self._running:
            raise _already_running()
        if self._closed:
            raise StopAsyncIteration
        if self._remaining is not None and self._remaining <= 0:
            await self._pages.aclose()
            raise StopAsyncIteration
        entry = next(self._entries, None)
        if entry is None:
            # Only waiting for a page suspends this call, so only that is guarded.
            self._running = True
            try:
                while entry is None:
                    page = await self._pages.__anext__()
                    if self._closed:  # aclose() from another task while this one waited
                        raise StopAsyncIteration
                    self._entries = iter(page.secrets)
                    entry = next(self._entries, None)
            finally:
                self._running = False
        if self._remaining is not None:
            self._remaining -= 1
        return entry

    async def aclose(self) -> None:
        """Stop the listing; later calls end at once, a call still waiting too."""
        self._closed = True
        self._entries = iter(())
        await self._pages.aclose()


# Set inside a read-ahead producer task only (tasks copy the context), so the
# client's before-send hook tells exactly that listing its request is going out.
_request_sent: ContextVar[Callable[[], None] | None] = ContextVar(
    "aiosecretsmanager_request_sent", default=None
)

# A scheduled fetch must sign its request and hand it to aiohttp before it is on
# the wire, and a consumer that blocks the loop between entries would hold it back
# until its next page. So the consumer yields until botocore says "before-send",
# then for aiohttp's own write (two turns with aiohttp 3.x on a pooled connection,
# measured), and never more than _MAX_TURNS in all (a fetch without the hook).
_WRITE_TURNS = 2
_MAX_TURNS = 50
_TASK_NAME = "aiosecretsmanager-read-ahead"


def notify_request_sent() -> None:
    """Tell the read-ahead listing whose task is running that its request is going out."""
    callback = _request_sent.get()
    if callback is not None:
        callback()


class _Buffer:
    """State shared by a ``ReadAheadPages`` and its producer task.

    The task holds this and the page walk, never the ``ReadAheadPages`` itself, so
    dropping the iterator (a ``break`` out of the ``async for`` that made it) lets
    ``__del__`` cancel the task. ``break`` never calls ``aclose()``: an iterator the
    caller still holds fetches on until ``read_ahead`` pages are buffered.
    """

    def __init__(self) -> None:
        self.ready: deque[SecretListPage | BaseException] = deque()
        self.arrived = asyncio.Event()
        self.sent = False

    def mark_sent(self) -> None:
        self.sent = True

    def ended(self) -> bool:
        return bool(self.ready) and isinstance(self.ready[-1], BaseException)


async def _produce(pages: PageIterator, buffer: _Buffer, limit: int) -> None:
    _request_sent.set(buffer.mark_sent)
    try:
        while len(buffer.ready) < limit:
            buffer.sent = False
            try:
                page = await pages.__anext__()
            except Exception as error:  # StopAsyncIteration included
                # Delivered in order, after the pages before it; the walk did not
                # move on, so the consumer's next call fetches the same page again.
                buffer.ready.append(error)
                return
            buffer.ready.append(page)
            buffer.arrived.set()
    finally:
        buffer.sent = True
        buffer.arrived.set()


@final
class ReadAheadPages:
    """ListSecrets pages, fetched up to ``read_ahead`` pages ahead of the consumer.

    At most ``read_ahead`` pages are ever buffered or in flight beyond the one the
    consumer holds. Errors arrive in order, after the pages before them. Cancelling
    the consumer, ``aclose()``, or dropping the iterator cancels the pending fetch.
    """

    def __init__(self, pages: PageIterator, read_ahead: int) -> None:
        self._pages = pages
        self._read_ahead = read_ahead
        self._buffer = _Buffer()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._running = False

    def __aiter__(self) -> ReadAheadPages:
        return self

    async def __anext__(self) -> SecretListPage:
        if self._running:
            raise _already_running()
        self._running = True
        try:
            return await self._next()
        finally:
            self._running = False

    async def _next(self) -> SecretListPage:
        buffer = self._buffer
        while True:
            # Checked after each wait too: aclose() from another task ends this wait.
            if self._closed:
                raise StopAsyncIteration
            if buffer.ready:
                break
            self._start()
            buffer.arrived.clear()
            try:
                await buffer.arrived.wait()
            except asyncio.CancelledError:
                self._cancel()
                raise
        item = buffer.ready.popleft()
        if isinstance(item, BaseException):
            raise item
        self._start()
        try:
            await self._let_request_out()
        except asyncio.CancelledError:
            # The page is this call's answer, not yet delivered: the next call gets it.
            buffer.ready.appendleft(item)
            raise
        return item

    def _start(self) -> None:
        buffer = self._buffer
        if self._closed or (self._task is not None and not self._task.done()):
            return
        if buffer.ended() or len(buffer.ready) >= self._read_ahead:
            return
        buffer.sent = False
        self._task = asyncio.get_running_loop().create_task(
            _produce(self._pages, buffer, self._read_ahead), name=_TASK_NAME
        )

    async def _let_request_out(self) -> None:
        task = self._task
        if task is None or task.done():
            return
        for _ in range(_MAX_TURNS):
            if self._buffer.sent or task.done():
                break
            await asyncio.sleep(0)
        for _ in range(_WRITE_TURNS):
            await asyncio.sleep(0)

    def _cancel(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()

    async def aclose(self) -> None:
        """Stop the listing and cancel the pending fetch; later calls end at once."""
        self._closed = True
        task = self._task
        self._cancel()
        self._buffer.ready.clear()
        if task is not None:
            # wait() never raises the task's CancelledError, only our own.
            await asyncio.wait({task})
        await self._pages.aclose()

    def __del__(self) -> None:
        # A break out of the async for that made it drops it without aclose():
        # cancel what is in flight.
        task = self._task
        if task is not None and not task.done():
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                task.cancel()
