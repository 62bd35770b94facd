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

import math
from datetime import datetime, timedelta, timezone
from typing import Any

from aiobotocore.parsers import AioResponseParserFactory
from botocore.utils import parse_timestamp

__all__ = ["botocore_parser_factory", "utc_timestamp"]

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
