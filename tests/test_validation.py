"""Bad arguments raise InvalidParameterError at the call, and no request is sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from aiosecretsmanager import Filter, InvalidParameterError, SecretsManager
from aiosecretsmanager.testing import ScriptedSecretsManager

GOOD_FILTER = Filter(key="name", values=["prod/"])

BAD_LISTING: list[tuple[dict[str, Any], str]] = [
    ({"page_size": 0}, r"page_size must be 1\.\.100"),
    ({"page_size": 101}, r"page_size must be 1\.\.100"),
    ({"page_size": "10"}, "page_size must be an int"),
    ({"page_size": True}, "page_size must be an int"),
    ({"page_size": 2.5}, "page_size must be an int"),
    ({"max_items": 0}, "max_items must be >= 1"),
    ({"max_items": -3}, "max_items must be >= 1"),
    ({"max_items": "5"}, "max_items must be an int"),
    ({"filters": [GOOD_FILTER] * 11}, "at most 10 filters"),
    ({"filters": GOOD_FILTER}, "sequence of Filter"),
    ({"filters": "name=prod"}, "sequence of Filter"),
    ({"filters": [{"Key": "name", "Values": ["x"]}]}, r"filters\[0\] must be a Filter"),
    ({"sort_order": "ascending"}, "sort_order must be one of asc, desc"),
    ({"sort_order": 1}, "sort_order must be one of"),
    (
        {"sort_by": "size"},
        "sort_by must be one of created-date, last-accessed-date, last-changed-date, name",
    ),
    ({"starting_token": ""}, r"starting_token must be 1\.\.4096 characters"),
    ({"starting_token": "x" * 4097}, r"starting_token must be 1\.\.4096 characters"),
    ({"starting_token": 42}, "starting_token must be a str"),
    ({"include_planned_deletion": "yes"}, "include_planned_deletion must be a bool"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_LISTING)
@pytest.mark.parametrize("method", ["iter_secrets", "iter_pages"])
async def test_bad_listing_arguments_fail_at_the_call(
    scripted: ScriptedSecretsManager,
    scripted_sm: SecretsManager,
    method: str,
    kwargs: dict[str, Any],
    message: str,
) -> None:
    """Each bad listing argument raises at the call itself, naming what is allowed."""
    with pytest.raises(InvalidParameterError, match=message):
        getattr(scripted_sm, method)(**kwargs)
    assert scripted.requests == []


@pytest.mark.parametrize(
    ("secret_id", "message"),
    [
        ("", r"secret_id must be 1\.\.2048 characters"),
        ("x" * 2049, r"secret_id must be 1\.\.2048 characters"),
        (None, "secret_id must be a str"),
        (123, "secret_id must be a str"),
        (b"name", "secret_id must be a str"),
    ],
)
async def test_bad_secret_id_sends_nothing(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager, secret_id: Any, message: str
) -> None:
    """describe() rejects a bad secret_id before any request."""
    with pytest.raises(InvalidParameterError, match=message):
        await scripted_sm.describe(secret_id)
    assert scripted.requests == []


async def test_edge_values_are_accepted(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """The limits themselves are valid: 1 and 2048 characters, page sizes 1 and 100."""
    scripted.set_default("DescribeSecret", {"ARN": "a" * 20, "Name": "x"})
    scripted.set_default("ListSecrets", {"SecretList": []})
    await scripted_sm.describe("x")
    await scripted_sm.describe("x" * 2048)
    for size in (1, 100):
        _ = [
            page async for page in scripted_sm.iter_pages(page_size=size, starting_token="t" * 4096)
        ]
    _ = [e async for e in scripted_sm.iter_secrets(filters=[GOOD_FILTER] * 10, max_items=1)]
    assert len(scripted.requests) == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"key": "colour", "values": ["x"]},
            "key must be one of description, name, tag-key, tag-value, primary-region, "
            "owning-service, all$",
        ),
        ({"key": "name", "values": []}, "at least 1"),
        ({"key": "name", "values": ["v"] * 11}, "at most 10"),
        ({"key": "name", "values": ["x" * 513]}, "at most 512"),
        ({"key": "name", "values": ["semi;colon"]}, "pattern"),
        ({"key": "name", "values": "prod"}, "tuple"),
    ],
)
def test_bad_filters_fail_at_construction(kwargs: dict[str, Any], message: str) -> None:
    """Filter checks its key and values and raises InvalidParameterError."""
    with pytest.raises(InvalidParameterError, match=message):
        Filter(**kwargs)


def test_valid_filter_values() -> None:
    """Negation, spaces and every allowed punctuation mark are accepted."""
    item = Filter(key="all", values=["!legacy", "a b:c_d@e/f+g=h.i-j"])
    assert item.to_request() == {"Key": "all", "Values": ["!legacy", "a b:c_d@e/f+g=h.i-j"]}


def test_filter_model_validate_raises_invalid_parameter() -> None:
    """Filters loaded from dicts or JSON give InvalidParameterError too."""
    assert Filter.model_validate({"key": "name", "values": ["a"]}) == Filter(
        key="name", values=["a"]
    )
    with pytest.raises(InvalidParameterError, match="key must be one of"):
        Filter.model_validate({"key": "bogus", "values": ["a"]})
    with pytest.raises(InvalidParameterError):
        Filter.model_validate_json('{"key": "name", "values": []}')


_KEYS = "description, name, tag-key, tag-value, primary-region, owning-service, all"
_FILTER_ENTRY_POINTS: dict[str, Callable[[dict[str, Any]], Filter]] = {
    "constructor": lambda data: Filter(**data),
    "model_validate": Filter.model_validate,
    "model_validate_json": lambda data: Filter.model_validate_json(json.dumps(data)),
    "model_validate_strings": Filter.model_validate_strings,
}


@pytest.mark.parametrize("entry", _FILTER_ENTRY_POINTS)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"key": "name", "values": []},
            "filters: values: Tuple should have at least 1 item after validation, not 0",
        ),
        ({"key": "bogus", "values": ["a"]}, f"filters: key must be one of {_KEYS}"),
        ({"values": ["a"]}, f"filters: key must be one of {_KEYS}"),
        ({"key": "name", "values": ["a"], "x": "1"}, "filters: x: Extra inputs are not permitted"),
        (
            {"key": "name", "values": ["a;b"]},
            "filters: values.0: String should match pattern '^!?[a-zA-Z0-9 :_@/+=.\\-!]*$'",
        ),
    ],
    ids=["no-values", "bad-key", "missing-key", "extra-field", "bad-value"],
)
def test_every_way_to_make_a_filter_reports_bad_input_alike(
    entry: str, data: dict[str, Any], message: str
) -> None:
    """Constructor and model_validate(_json, _strings) raise one InvalidParameterError text."""
    with pytest.raises(InvalidParameterError) as caught:
        _FILTER_ENTRY_POINTS[entry](data)
    assert str(caught.value) == message
    assert isinstance(caught.value.__cause__, ValidationError)


def test_filter_model_validate_strings_reads_strings() -> None:
    """model_validate_strings builds the same filter from a dict of strings."""
    loaded = Filter.model_validate_strings({"key": "tag-key", "values": ["team"]})
    assert loaded == Filter(key="tag-key", values=["team"])


@pytest.mark.parametrize(
    "sneaky",
    [
        Filter.model_construct(key="bogus", values=("a",)),  # type: ignore[arg-type]
        Filter(key="name", values=["a"]).model_copy(update={"values": ()}),
        Filter.model_construct(key="name"),  # type: ignore[call-arg]
        Filter.model_construct(key="name", values=("v",) * 11),
        Filter.model_construct(key="name", values=("semi;colon",)),
    ],
)
async def test_unvalidated_filters_are_caught_before_sending(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager, sneaky: Filter
) -> None:
    """A Filter that skipped validation is checked again at the call; nothing is sent."""
    with pytest.raises(InvalidParameterError):
        scripted_sm.iter_secrets(filters=[sneaky])
    assert scripted.requests == []
