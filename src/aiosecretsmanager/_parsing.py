"""The two ways a success body becomes a model: straight from the wire, or via botocore.

- Wire parsing (the default): pydantic-core validates the raw JSON bytes straight
  into our frozen models. botocore's dict building and its tzlocal timestamps are
  skipped; every field the service sent is kept.
- The botocore path (``SecretsManager(wire_parsing=False)``): botocore's own parser
  builds the dict, with ``utc_timestamp`` as its timestamp parser instead of
  dateutil's tzlocal, and the dict is validated. Fields botocore's model does not
  know are dropped by botocore.

Both give equal models for every body botocore's model describes; the differential
test in ``tests/test_parsing.py`` holds them to that.
"""

from __future__ import annotations

import asyncio
import math
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Any

from aiobotocore.parsers import AioResponseParserFactory
from botocore.utils import parse_timestamp
from pydantic import TypeAdapter, ValidationError

from ._models import SecretListEntry, SecretListPage

if TYPE_CHECKING:
    from collections.abc import Collection

__all__ = [
    "body_misfit",
    "botocore_parser_factory",
    "page_pieces",
    "utc_timestamp",
    "validate_page",
]

_MICROSECOND = timedelta(microseconds=1)


def _from_epoch(seconds: float) -> datetime:
    parsed = datetime.fromtimestamp(seconds, timezone.utc)
    # fromtimestamp rounds a value exactly half a microsecond off to even; pydantic-core,
    # on the wire path, rounds it up. Without this, 1709296245.0078125 would give two
    # models one microsecond apart.
    micros = (seconds - math.floor(seconds)) * 1e6
    if micros % 1.0 == 0.5 and math.floor(micros) % 2 == 0:
        return parsed + _MICROSECOND
    return parsed


def utc_timestamp(value: Any) -> datetime:
    """Parse a timestamp as the service sends it into an aware UTC ``datetime``.

    The JSON protocol sends epoch seconds, so that case is one C call and a check,
    rounded to the microsecond exactly as the wire path rounds it. Anything else
    (numeric, ISO 8601 or RFC 822 strings) goes to botocore's own parser, whose
    aware result is converted to UTC, keeping the instant.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(value)
    if isinstance(value, str):
        try:
            return _from_epoch(float(value))
        except (ValueError, OverflowError):  # not a number, or not a finite one in range
            pass
    parsed: datetime = parse_timestamp(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def botocore_parser_factory() -> AioResponseParserFactory:
    """A response parser factory for a session: botocore's parsers, UTC timestamps.

    Registered as the ``response_parser_factory`` component of a session this
    library creates itself, never of a session the caller passed in.
    """
    factory = AioResponseParserFactory()
    factory.set_parser_defaults(timestamp_parser=utc_timestamp)
    return factory


# A large ListSecrets body is validated in pieces of about this size, with a loop
# turn between them, so no one step of the event loop holds a whole page's
# validation (about 1 to 2 ms for 100 fully populated entries, 130 KB).
_PIECE_BYTES = 32 * 1024
_PAGE_START = b'{"SecretList":['
# The end of one entry and the start of the next. It cannot occur inside a JSON
# string: a quote there would be escaped.
_NEXT_ENTRY = b'},{"ARN":'


def page_pieces(body: bytes) -> tuple[list[bytes], bytes] | None:
    """Cut a large ListSecrets body into JSON arrays of entries and a small page body.

    Returns None (validate the body whole) unless the body starts with its
    ``SecretList`` and is larger than one piece. Each cut is at an occurrence of
    ``},{"ARN":``, which is the boundary between two entries of ``SecretList``, or
    else lies deeper (a nested array) or in a later member, where one of the pieces
    is then not valid JSON: a piece is a JSON array, which cannot hold a closed
    ``SecretList`` followed by another member. The last piece,
    ``{"SecretList":[<last entry>]...}``, keeps ``NextToken`` and any member not
    known yet; it is not cut when ``SecretList`` could be named again in it (a
    second ``SecretList``, the field name ``secrets``, or ``\\u`` escapes).
    """
    if len(body) <= _PIECE_BYTES or not body.startswith(_PAGE_START):
        return None
    last = body.rfind(_NEXT_ENTRY)
    if last == -1:
        return None
    tail = _PAGE_START + body[last + 2 :]
    if tail.count(b'"SecretList"') != 1 or b'"secrets"' in tail or b"\\u" in tail:
        return None
    arrays: list[bytes] = []
    start = len(_PAGE_START)
    while True:
        cut = body.find(_NEXT_ENTRY, start + _PIECE_BYTES, last)
        if cut == -1:
            break
        arrays.append(b"[" + body[start : cut + 1] + b"]")
        start = cut + 2
    arrays.append(b"[" + body[start : last + 1] + b"]")
    return arrays, tail


@cache
def _entries() -> TypeAdapter[tuple[SecretListEntry, ...]]:
    # Built on the first large page, not at import.
    return TypeAdapter(tuple[SecretListEntry, ...])


async def validate_page(body: bytes) -> SecretListPage:
    """Validate a ListSecrets body into a page, yielding to the loop between pieces.

    The same page as ``SecretListPage.model_validate_json(body)``, and the same
    ``ValidationError`` when the body is bad: any piece that fails sends the whole
    body through the one-step validation, which raises the error as it always did.
    """
    pieces = page_pieces(body)
    if pieces is None:
        return SecretListPage.model_validate_json(body)
    arrays, tail = pieces
    adapter = _entries()
    entries: list[SecretListEntry] = []
    try:
        for array in arrays:
            entries.extend(adapter.validate_json(array))
            await asyncio.sleep(0)
        page = SecretListPage.model_validate_json(tail)
    except ValidationError:
        return SecretListPage.model_validate_json(body)
    # Every entry was validated above; model_copy only joins them in order.
    return page.model_copy(update={"secrets": (*entries, *page.secrets)})


_PAGE_MEMBERS = frozenset({"SecretList", "NextToken"})


def body_misfit(members: Collection[str], *, page: bool) -> tuple[str, str] | None:
    """The member that makes a success body no answer, and why; None when it may be one.

    ``members`` are the body's top-level names. Every member of both answers is
    optional to pydantic, so without this any JSON object would pass as an empty
    last page. A body with ``__type`` is an AWS error document, whatever its HTTP
    status. A page may be ``{}`` or lack either of ``SecretList`` and ``NextToken``,
    but a body with other members and neither of them is not a page.
    """
    if "__type" in members:
        return "__type", "an AWS error document (it names an error type) with a success status"
    if page and members and _PAGE_MEMBERS.isdisjoint(members):
        return "SecretList", "neither SecretList nor NextToken, but other members: not a page"
    return None
