"""Hostile and odd input: generated responses, wrong types, bad arguments, edge names."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiosecretsmanager import (
    ExternalSecretRotationMetadataItem,
    Filter,
    InvalidParameterError,
    ReplicationStatus,
    ResponseValidationError,
    RotationRules,
    SecretDescription,
    SecretListEntry,
    SecretListPage,
    SortBy,
    SortOrder,
    Tag,
)
from aiosecretsmanager.testing import SeedSecret, seed

from .strategies import ALWAYS_SENT, SERVICE, wire

if TYPE_CHECKING:
    from botocore.model import Shape
    from pydantic import BaseModel

    from aiosecretsmanager import SecretsManager
    from aiosecretsmanager.testing import ScriptedSecretsManager

_json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_json = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def wrong(shape: Shape) -> st.SearchStrategy[Any]:
    """A value of a type the shape does not allow (and that pydantic's lax mode refuses)."""
    containers = st.lists(st.integers(), min_size=1, max_size=2) | st.dictionaries(
        st.text(min_size=1, max_size=3), st.integers(), min_size=1, max_size=2
    )
    word = st.text(alphabet="xyzq", min_size=5, max_size=8)
    kind = shape.type_name
    if kind == "string":
        return st.integers() | st.booleans() | containers
    if kind == "boolean":
        return containers | word | st.floats(min_value=2.5, max_value=1e6)
    if kind in ("integer", "long"):
        return containers | word | st.just(1.5)
    if kind == "timestamp":
        return containers | word
    if kind in ("list", "map", "structure"):
        return (
            st.integers()
            | word
            | (st.lists(st.integers(), min_size=1) if kind != "list" else st.booleans())
        )
    raise AssertionError(f"no strategy for {kind}")


RESPONSES: list[tuple[str, type[BaseModel]]] = [
    ("DescribeSecretResponse", SecretDescription),
    ("ListSecretsResponse", SecretListPage),
]


def _names(model: type[BaseModel]) -> set[str]:
    return {alias for name, info in model.model_fields.items() for alias in (name, info.alias)}


@pytest.mark.parametrize(("shape_name", "model"), RESPONSES)
@given(data=st.data())
def test_any_valid_response_round_trips(
    shape_name: str, model: type[BaseModel], data: st.DataObject
) -> None:
    """A generated valid body validates, dumps by alias and validates again to an equal model."""
    body = data.draw(wire(SERVICE.shape_for(shape_name)))
    from_json = model.model_validate_json(json.dumps(body))
    from_dict = model.model_validate(body)
    assert from_json == from_dict
    again = model.model_validate(from_json.model_dump(by_alias=True))
    assert again == from_json


_DESCRIBE_ONLY = {"ReplicationStatus", "VersionIdsToStages"}


@given(
    body=wire(SERVICE.shape_for("DescribeSecretResponse")),
    extra=st.dictionaries(st.text(min_size=1, max_size=10), _json, min_size=1, max_size=4),
)
def test_random_extra_keys_are_kept_and_never_fatal(
    body: dict[str, Any], extra: dict[str, Any]
) -> None:
    """Keys the model does not know survive validation and the round trip, at any level."""
    known = _names(SecretDescription) | _names(SecretListPage)
    extra = {key: value for key, value in extra.items() if key not in known}
    body = {**body, **extra}
    model = SecretDescription.model_validate_json(json.dumps(body))
    assert model.model_extra is not None and set(model.model_extra) == set(extra)
    dumped = model.model_dump(by_alias=True)
    assert {key: dumped[key] for key in extra} == extra
    assert SecretDescription.model_validate(dumped) == model
    entry = {key: value for key, value in body.items() if key not in _DESCRIBE_ONLY}
    page = SecretListPage.model_validate({"SecretList": [entry], **extra})
    assert page.model_extra == model.model_extra
    assert page.secrets[0].model_extra == model.model_extra


_MODELS: tuple[type[BaseModel], ...] = (
    SecretDescription,
    SecretListEntry,
    SecretListPage,
    Tag,
    RotationRules,
    ReplicationStatus,
    ExternalSecretRotationMetadataItem,
)
_KNOWN = set().union(*(_names(model) for model in _MODELS))
_extra_keys = st.dictionaries(
    st.text(min_size=1, max_size=10).filter(lambda key: key not in _KNOWN),
    _json,
    min_size=1,
    max_size=2,
)


def with_extras(shape: Shape) -> st.SearchStrategy[Any]:
    """Like ``wire``, but every structure, at any depth, also has keys the API lacks."""
    kind = shape.type_name
    if kind == "structure":
        members = {name: with_extras(member) for name, member in shape.members.items()}  # type: ignore[attr-defined]
        required = {name: members.pop(name) for name in list(members) if name in ALWAYS_SENT}
        known = st.fixed_dictionaries(required, optional=members)
        return st.builds(lambda body, extra: {**extra, **body}, known, _extra_keys)
    if kind == "list":
        return st.lists(with_extras(shape.member), max_size=2)  # type: ignore[attr-defined]
    return wire(shape)


def _assert_extras_kept(shape: Shape, sent: Any, dumped: Any, path: str) -> None:
    """Every key ``sent`` has that ``shape`` lacks is in ``dumped`` at the same place, equal."""
    if shape.type_name == "structure":
        members = shape.members  # type: ignore[attr-defined]
        for key, value in sent.items():
            if key in members:
                _assert_extras_kept(members[key], value, dumped[key], f"{path}.{key}")
            else:
                assert dumped.get(key) == value, f"{path}.{key} was not kept"
    elif shape.type_name == "list":
        for index, (one, other) in enumerate(zip(sent, dumped, strict=True)):
            _assert_extras_kept(shape.member, one, other, f"{path}.{index}")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("shape_name", "model"), RESPONSES)
@given(data=st.data())
def test_extra_keys_at_any_depth_are_kept(
    shape_name: str, model: type[BaseModel], data: st.DataObject
) -> None:
    """Unknown keys in tags, rotation rules, replicas and entries survive validation and dumps."""
    shape = SERVICE.shape_for(shape_name)
    body = data.draw(with_extras(shape))
    validated = model.model_validate_json(json.dumps(body))
    _assert_extras_kept(shape, body, json.loads(validated.model_dump_json(by_alias=True)), "")
    assert model.model_validate(validated.model_dump(by_alias=True)) == validated


def _member_paths(shape: Shape, path: tuple[str | int, ...] = ()) -> list[Any]:
    """(path, shape) of every member at any depth; 0 stands for a list's first item."""
    found: list[Any] = []
    if shape.type_name == "structure":
        for name, member in shape.members.items():  # type: ignore[attr-defined]
            found.append(((*path, name), member))
            found += _member_paths(member, (*path, name))
    elif shape.type_name == "list":
        found += _member_paths(shape.member, (*path, 0))  # type: ignore[attr-defined]
    return found


def _plant(
    data: st.DataObject, shape: Shape, body: Any, path: tuple[str | int, ...], value: Any
) -> None:
    """Put ``value`` at ``path`` in ``body``, drawing whatever valid parents are missing."""
    step, rest = path[0], path[1:]
    if shape.type_name == "list":
        member = shape.member  # type: ignore[attr-defined]
        if not body:
            body.append(data.draw(wire(member, present=rest)))
    else:
        member = shape.members[step]  # type: ignore[attr-defined]
        if not rest:
            body[step] = value
            return
        if body.get(step) is None:
            body[step] = data.draw(wire(member, present=rest))
    _plant(data, member, body[step], rest, value)


@pytest.mark.parametrize("operation", ["DescribeSecret", "ListSecrets"])
@settings(max_examples=10)
@given(data=st.data())
async def test_a_wrongly_typed_value_is_a_response_validation_error(
    scripted: ScriptedSecretsManager,
    scripted_sm: SecretsManager,
    operation: str,
    data: st.DataObject,
) -> None:
    """Each member, at every depth, given a wrong type raises ResponseValidationError naming it."""
    shape = SERVICE.shape_for(f"{operation}Response")
    base = data.draw(wire(shape))
    # Every member in every example: a random pick could miss a nested one for many runs.
    for path, member in _member_paths(shape):
        body = copy.deepcopy(base)
        _plant(data, shape, body, path, data.draw(wrong(member)))
        scripted.add(operation, body)
        with pytest.raises(ResponseValidationError) as caught:
            if operation == "DescribeSecret":
                await scripted_sm.describe("any")
            else:
                await anext(scripted_sm.iter_pages())
        assert caught.value.operation == operation
        assert caught.value.field is not None, path
        assert caught.value.field.split(".")[: len(path)] == [str(step) for step in path]


_not_str = (
    st.none()
    | st.integers()
    | st.floats()
    | st.binary(max_size=4)
    | st.lists(st.text(), max_size=2)
)
_not_int = st.text(max_size=4) | st.floats() | st.booleans() | st.lists(st.integers(), max_size=2)
_filter = st.builds(lambda: Filter(key="name", values=["x"]))

BAD_LISTING: dict[str, st.SearchStrategy[Any]] = {
    "page_size": _not_int | st.integers(max_value=0) | st.integers(min_value=101),
    "max_items": _not_int | st.integers(max_value=0),
    "filters": st.text(max_size=3)
    | st.integers()
    | st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=2)
    | st.lists(st.integers() | st.text() | st.none(), min_size=1, max_size=3)
    | st.lists(_filter, min_size=11, max_size=12),
    "sort_order": st.text(max_size=6).filter(lambda v: v not in get_args(SortOrder))
    | st.integers(),
    # Hypothesis also draws text from string constants in our code, "name" included.
    "sort_by": st.text(max_size=6).filter(lambda v: v not in get_args(SortBy))
    | st.integers()
    | st.lists(st.text(), max_size=1),
    "starting_token": _not_str.filter(lambda v: v is not None) | st.just("") | st.just("t" * 4097),
    "include_planned_deletion": st.none() | st.integers() | st.text(max_size=3),
}


@given(data=st.data())
async def test_bad_listing_arguments_fail_before_any_request(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager, data: st.DataObject
) -> None:
    """A wrong type or out-of-range value for any listing argument raises at the call, unsent."""
    name = data.draw(st.sampled_from(sorted(BAD_LISTING)))
    value = data.draw(BAD_LISTING[name])
    with pytest.raises(InvalidParameterError) as caught:
        scripted_sm.iter_secrets(**{name: value})
    assert name in str(caught.value)
    with pytest.raises(InvalidParameterError):
        scripted_sm.iter_pages(**{name: value})
    assert scripted.requests == []


@given(secret_id=_not_str | st.just("") | st.text(min_size=2049, max_size=2100))
async def test_a_bad_secret_id_fails_before_any_request(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager, secret_id: Any
) -> None:
    """secret_id of the wrong type or length raises InvalidParameterError, unsent."""
    with pytest.raises(InvalidParameterError, match="secret_id"):
        await scripted_sm.describe(secret_id)
    assert scripted.requests == []


EDGE_NAMES = [
    pytest.param("a", id="one-char"),
    pytest.param("n" * 512, id="512-chars"),
    pytest.param("team/app_x+y=z.w@v-u", id="all-punctuation"),
    pytest.param("/leading/slash", id="leading-slash"),
    pytest.param("looks-like-arn-Ab12Cd", id="ends-like-arn-suffix"),
]


@pytest.mark.parametrize("name", EDGE_NAMES)
async def test_edge_names_round_trip_through_describe_and_listing(
    sm: SecretsManager, name: str
) -> None:
    """Odd names, with non-ASCII descriptions and tags, come back intact both ways."""
    description = "Ünïcødé 説明 🔐 — «ok»"
    tags = {"équipe": "платёжи", "emoji": "🔑"}
    [arn] = await seed(sm, [SeedSecret(name, description=description, tags=tags)])
    # A decoy whose name the odd one is a prefix of.
    await seed(sm, [SeedSecret(f"{name[:500]}-decoy")])

    for secret_id in (name, arn):
        described = await sm.describe(secret_id)
        assert (described.name, described.arn) == (name, arn)
        assert described.description == description
        assert dict(described.tag_map) == tags
    [listed] = [entry async for entry in sm.iter_secrets() if entry.name == name]
    assert listed.arn == arn
    assert listed.description == description
    assert dict(listed.tag_map) == tags
