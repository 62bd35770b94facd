"""The NextToken walk behind ``iter_pages`` and ``iter_secrets``.

Rules: a page may be empty and still carry a NextToken; an absent or empty token
ends the listing; a token the service already sent in this listing is an error,
never a loop; ``max_items`` fetches no page it does not need.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, final

from ._errors import PaginationError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from ._models import SecretListEntry, SecretListPage
    from ._validation import ListParams

    FetchPage = Callable[[dict[str, Any], "str | None"], Awaitable[SecretListPage]]

__all__ = ["PageIterator", "SecretIterator"]

# The service's largest page; asking for fewer than this is how max_items avoids
# fetching entries it would throw away.
_MAX_PAGE = 100


def _token_key(token: str) -> bytes:
    # Tokens can be 4 KiB each; a fixed-size digest keeps a long listing's memory flat.
    return hashlib.blake2b(token.encode(), digest_size=16).digest()


def _shown(token: str) -> str:
    return token if len(token) <= 40 else f"{token[:37]}..."


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

    def __aiter__(self) -> PageIterator:
        return self

    async def __anext__(self) -> SecretListPage:
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
        # State moves on only after a page arrives, so a failed fetch can be retried
        # by calling __anext__ again, and error.resume_token names the same page.
        page = await self._fetch(request, self._token)
        self._advance(page)
        return page

    def _advance(self, page: SecretListPage) -> None:
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

    def __init__(self, pages: PageIterator, max_items: int | None) -> None:
        self._pages = pages
        self._remaining = max_items
        self._entries: Iterator[SecretListEntry] = iter(())

    def __aiter__(self) -> SecretIterator:
        return self

    async def __anext__(self) -> SecretListEntry:
        if self._remaining is not None and self._remaining <= 0:
            await self._pages.aclose()
            raise StopAsyncIteration
        entry = next(self._entries, None)
        while entry is None:
            page = await self._pages.__anext__()
            self._entries = iter(page.secrets)
            entry = next(self._entries, None)
        if self._remaining is not None:
            self._remaining -= 1
        return entry

    async def aclose(self) -> None:
        """Stop the listing; later calls end at once."""
        self._entries = iter(())
        await self._pages.aclose()
