"""Argument checks, taken from the Secrets Manager service model, run before any request.

Each check raises ``InvalidParameterError`` naming the argument and what it allows,
so a bad call fails at the call site and never reaches the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from ._errors import InvalidParameterError
from ._models import Filter

__all__ = [
    "ListParams",
    "SortBy",
    "SortOrder",
    "check_list_params",
    "check_secret_id",
]

SortOrder = Literal["asc", "desc"]
"""The orders ListSecrets sorts in."""

SortBy = Literal["created-date", "last-accessed-date", "last-changed-date", "name"]
"""The fields ListSecrets sorts by."""

SECRET_ID_MAX = 2048
PAGE_SIZE_MAX = 100
FILTERS_MAX = 10
TOKEN_MAX = 4096


def _kind(value: object) -> str:
    return type(value).__name__


def _check_int(name: str, value: object, low: int, high: int | None) -> int:
    # bool is an int subclass, but page_size=True is a mistake, never a number.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError(f"{name} must be an int, not {_kind(value)}")
    if value < low or (high is not None and value > high):
        allowed = f"{low}..{high}" if high is not None else f">= {low}"
        raise InvalidParameterError(f"{name} must be {allowed}, got {value}")
    return value


def _check_str(name: str, value: object, high: int) -> str:
    if not isinstance(value, str):
        raise InvalidParameterError(f"{name} must be a str, not {_kind(value)}")
    if not 1 <= len(value) <= high:
        raise InvalidParameterError(f"{name} must be 1..{high} characters long, got {len(value)}")
    return value


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidParameterError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def check_secret_id(secret_id: object) -> str:
    """Check a DescribeSecret ``secret_id``: a name, full ARN or partial ARN."""
    return _check_str("secret_id", secret_id, SECRET_ID_MAX)


def _check_filters(filters: object) -> tuple[Filter, ...]:
    if isinstance(filters, (str, bytes, Filter)) or not isinstance(filters, Sequence):
        raise InvalidParameterError(f"filters must be a sequence of Filter, not {_kind(filters)}")
    if len(filters) > FILTERS_MAX:
        raise InvalidParameterError(
            f"filters takes at most {FILTERS_MAX} filters, got {len(filters)}"
        )
    checked = []
    for index, item in enumerate(filters):
        if not isinstance(item, Filter):
            raise InvalidParameterError(f"filters[{index}] must be a Filter, not {_kind(item)}")
        # Again, because model_construct() and model_copy(update=...) skip validation.
        checked.append(
            Filter.model_validate(
                {"key": getattr(item, "key", None), "values": getattr(item, "values", None)}
            )
        )
    return tuple(checked)


@dataclass(frozen=True)
class ListParams:
    """Checked ListSecrets arguments, ready to become a request."""

    filters: tuple[Filter, ...]
    include_planned_deletion: bool
    sort_order: SortOrder | None
    sort_by: SortBy | None
    page_size: int | None
    max_items: int | None
    starting_token: str | None

    def request(self) -> dict[str, Any]:
        """The ListSecrets request parameters that stay the same for every page."""
        params: dict[str, Any] = {}
        if self.filters:
            params["Filters"] = [item.to_request() for item in self.filters]
        if self.include_planned_deletion:
            params["IncludePlannedDeletion"] = True
        if self.sort_order is not None:
            params["SortOrder"] = self.sort_order
        if self.sort_by is not None:
            params["SortBy"] = self.sort_by
        return params


def check_list_params(
    *,
    filters: object,
    include_planned_deletion: object,
    sort_order: object,
    sort_by: object,
    page_size: object,
    max_items: object,
    starting_token: object,
) -> ListParams:
    """Check every ListSecrets argument and return them typed."""
    if not isinstance(include_planned_deletion, bool):
        raise InvalidParameterError(
            f"include_planned_deletion must be a bool, not {_kind(include_planned_deletion)}"
        )
    order = (
        None if sort_order is None else _check_choice("sort_order", sort_order, get_args(SortOrder))
    )
    by = None if sort_by is None else _check_choice("sort_by", sort_by, get_args(SortBy))
    # _check_choice only returns members of the Literal it was given.
    return ListParams(
        filters=() if filters is None else _check_filters(filters),
        include_planned_deletion=include_planned_deletion,
        sort_order=cast("SortOrder | None", order),
        sort_by=cast("SortBy | None", by),
        page_size=None
        if page_size is None
        else _check_int("page_size", page_size, 1, PAGE_SIZE_MAX),
        max_items=None if max_items is None else _check_int("max_items", max_items, 1, None),
        starting_token=(
            None
            if starting_token is None
            else _check_str("starting_token", starting_token, TOKEN_MAX)
        ),
    )


READ_AHEAD_MAX = 100
CONCURRENCY_MAX = 1000


def check_read_ahead(read_ahead: object) -> int:
    """Check a listing's ``read_ahead``: how many pages to fetch ahead, 0 for none."""
    return _check_int("read_ahead", read_ahead, 0, READ_AHEAD_MAX)


def check_secret_ids(secret_ids: object) -> tuple[str, ...]:
    """Check ``describe_many``'s ids: a sequence (not a str) of valid secret ids."""
    if isinstance(secret_ids, (str, bytes)) or not isinstance(secret_ids, Sequence):
        raise InvalidParameterError(
            f"secret_ids must be a sequence of str, not {_kind(secret_ids)}"
        )
    checked: list[str] = []
    for index, secret_id in enumerate(secret_ids):
        try:
            checked.append(check_secret_id(secret_id))
        except InvalidParameterError as error:
            raise InvalidParameterError(f"secret_ids[{index}]: {error}") from None
    return tuple(checked)


def check_concurrency(concurrency: object) -> int:
    """Check ``describe_many``'s ``concurrency``: requests in flight at once."""
    return _check_int("concurrency", concurrency, 1, CONCURRENCY_MAX)
