"""The two parse paths (wire bytes and botocore's parser) agree; from_client leaves users alone."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from aiosecretsmanager import SecretDescription, SecretListPage, SecretsManager
from aiosecretsmanager._parsing import botocore_parser_factory, utc_timestamp
from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager, SeedSecret, seed

from .bodies import full_description, full_entry, minimal_entry

SERVICE = botocore.session.get_session().get_service_model("secretsmanager")
OUTPUT = {
    SecretDescription: SERVICE.operation_model("DescribeSecret").output_shape,
    SecretListPage: SERVICE.operation_model("ListSecrets").output_shape,
}


async def _via_botocore(model: type[BaseModel], body: bytes) -> BaseModel:
    """The fallback path: the parser our own session gets, then model_validate."""
    parser = botocore_parser_factory().create_parser("json")
    response = {"body": body, "headers": {}, "status_code": 200}
    parsed = dict(await parser.parse(response, OUTPUT[model]))  # type: ignore[index]
    parsed.pop("ResponseMetadata", None)
    return model.model_validate(parsed)


def _both(model: type[BaseModel], body: dict[str, Any] | bytes) -> tuple[BaseModel, BaseModel]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return model.model_validate_json(raw), asyncio.run(_via_botocore(model, raw))


FIXTURES: list[tuple[type[BaseModel], dict[str, Any] | bytes]] = [
    (SecretDescription, full_description()),
    (SecretDescription, minimal_entry("minimal")),
    (SecretListPage, {"SecretList": [full_entry(), minimal_entry("b")], "NextToken": "t"}),
    (SecretListPage, {"SecretList": [], "NextToken": "only-a-token"}),
    (SecretListPage, {"SecretList": [minimal_entry("last")], "NextToken": ""}),
    (SecretListPage, {}),
    # The service's own spelling of epoch seconds, with an exponent.
    (SecretDescription, b'{"ARN":"arn:x","Name":"n","CreatedDate":1.709296245123E9}'),
]


@pytest.mark.parametrize(("model", "body"), FIXTURES)
def test_both_paths_give_equal_models_over_the_fixtures(
    model: type[BaseModel], body: dict[str, Any] | bytes
) -> None:
    """Wire parsing and botocore's parser with UTC timestamps give equal models."""
    wire, fallback = _both(model, body)
    assert wire == fallback


_TIMESTAMPS = st.integers(946_684_800_000, 4_102_444_800_000).map(lambda ms: ms / 1000)
_TEXT = st.text(max_size=20)
_TAGS = st.lists(st.fixed_dictionaries({"Key": _TEXT}, optional={"Value": _TEXT}), max_size=5)
_VERSIONS = st.dictionaries(_TEXT, st.lists(_TEXT, max_size=3), max_size=3)
_COMMON: dict[str, Any] = {
    "Description": _TEXT,
    "KmsKeyId": _TEXT,
    "RotationEnabled": st.booleans(),
    "RotationRules": st.fixed_dictionaries(
        {},
        optional={
            "AutomaticallyAfterDays": st.integers(1, 1000),
            "Duration": _TEXT,
            "ScheduleExpression": _TEXT,
        },
    ),
    "Tags": _TAGS,
    "OwningService": _TEXT,
    "CreatedDate": _TIMESTAMPS,
    "LastChangedDate": _TIMESTAMPS,
    "LastAccessedDate": _TIMESTAMPS,
    "DeletedDate": _TIMESTAMPS,
    "NextRotationDate": _TIMESTAMPS,
    "PrimaryRegion": _TEXT,
}
_ENTRY = st.fixed_dictionaries(
    {"ARN": _TEXT, "Name": _TEXT},
    optional={**_COMMON, "SecretVersionsToStages": _VERSIONS},
)
_DESCRIPTION = st.fixed_dictionaries(
    {"ARN": _TEXT, "Name": _TEXT},
    optional={
        **_COMMON,
        "VersionIdsToStages": _VERSIONS,
        "ReplicationStatus": st.lists(
            st.fixed_dictionaries(
                {}, optional={"Region": _TEXT, "Status": _TEXT, "LastAccessedDate": _TIMESTAMPS}
            ),
            max_size=2,
        ),
    },
)
_PAGE = st.fixed_dictionaries(
    {"SecretList": st.lists(_ENTRY, max_size=4)}, optional={"NextToken": _TEXT}
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_PAGE)
def test_both_paths_agree_on_generated_pages(body: dict[str, Any]) -> None:
    """Hypothesis-generated ListSecrets pages parse to equal models on both paths."""
    wire, fallback = _both(SecretListPage, body)
    assert wire == fallback


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_DESCRIPTION)
def test_both_paths_agree_on_generated_descriptions(body: dict[str, Any]) -> None:
    """Hypothesis-generated DescribeSecret bodies parse to equal models on both paths."""
    wire, fallback = _both(SecretDescription, body)
    assert wire == fallback


@pytest.mark.parametrize(
    "value",
    [1709296245.5, 1709296245, "2024-03-01T12:30:45.5Z", "2024-03-01T14:30:45.5+02:00"],
)
def test_utc_timestamp_keeps_the_instant_in_utc(value: object) -> None:
    """Epoch numbers and ISO strings become aware UTC datetimes of the same instant."""
    parsed = utc_timestamp(value)
    assert parsed.tzinfo is timezone.utc
    assert parsed == datetime(
        2024, 3, 1, 12, 30, 45, 500000 if value != 1709296245 else 0, tzinfo=timezone.utc
    )


async def test_wire_parsing_off_goes_through_botocore(scripted: ScriptedSecretsManager) -> None:
    """wire_parsing=False gives the same model, minus fields botocore's model lacks."""
    body = {**full_description(), "NewFieldFrom2031": "kept only on the wire path"}
    scripted.set_default("DescribeSecret", body)
    async with scripted.client() as wire_sm, scripted.client(wire_parsing=False) as boto_sm:
        wire = await wire_sm.describe("x")
        fallback = await boto_sm.describe("x")
    assert wire.model_extra == {"NewFieldFrom2031": "kept only on the wire path"}
    assert fallback.model_extra == {}
    assert wire.model_dump(exclude={"NewFieldFrom2031"}) == fallback.model_dump()
    assert fallback.created_date is not None
    assert fallback.created_date.tzinfo is timezone.utc


async def test_wire_parsing_off_lists_the_same_entries(scripted: ScriptedSecretsManager) -> None:
    """A listing with wire_parsing=False yields entries equal to the wire path's."""
    page = {"SecretList": [full_entry("a"), minimal_entry("b")]}
    scripted.set_default("ListSecrets", page)
    async with scripted.client() as wire_sm, scripted.client(wire_parsing=False) as boto_sm:
        wire = [entry async for entry in wire_sm.iter_secrets()]
        fallback = [entry async for entry in boto_sm.iter_secrets()]
        (fallback_page,) = [page async for page in boto_sm.iter_pages()]
    assert wire == fallback
    # botocore's dict carries ResponseMetadata; no model keeps it, not even as an extra.
    assert fallback_page.model_extra == {}


def test_wire_parsing_must_be_a_bool() -> None:
    """wire_parsing takes a bool only."""
    from aiosecretsmanager import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="wire_parsing"):
        SecretsManager(wire_parsing="yes")  # type: ignore[arg-type]


async def test_a_callers_session_keeps_its_parser_factory(
    scripted: ScriptedSecretsManager,
) -> None:
    """wire_parsing=False never swaps the parser factory of a session the caller passed."""
    from aiosecretsmanager.testing import dummy_session

    session = dummy_session()
    before = session.get_component("response_parser_factory")
    async with scripted.client(session=session, wire_parsing=False):
        pass
    assert session.get_component("response_parser_factory") is before


def _shape(response: dict[str, Any]) -> dict[str, Any]:
    """A parsed botocore response with per-call values replaced by their types."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, datetime):
            return ("datetime", type(value.tzinfo).__name__)
        return type(value).__name__

    shaped = walk(response)
    shaped.pop("ResponseMetadata")
    return {
        "keys": sorted(response),
        "body": shaped,
        "metadata": sorted(response["ResponseMetadata"]),
    }


async def test_from_client_leaves_the_callers_own_calls_alone(moto: MotoServer) -> None:
    """A wrapped client parses its own calls (ours included) exactly as before wrapping."""
    from aiosecretsmanager.testing import dummy_session

    async with dummy_session().create_client(
        "secretsmanager", region_name="us-east-1", endpoint_url=moto.endpoint_url
    ) as client:
        async with moto.client() as helper:
            await seed(helper, [SeedSecret("user/one", tags={"a": "b"}, description="d")])

        async def own_calls() -> list[dict[str, Any]]:
            return [
                _shape(dict(await client.describe_secret(SecretId="user/one"))),
                _shape(dict(await client.list_secrets())),
                _shape(dict(await client.get_secret_value(SecretId="user/one"))),
            ]

        before = await own_calls()
        sm = SecretsManager.from_client(client)
        described = await sm.describe("user/one")
        listed = [entry async for entry in sm.iter_secrets(read_ahead=1)]
        after = await own_calls()
    assert described.name == "user/one"
    assert [entry.name for entry in listed] == ["user/one"]
    assert after == before
    assert before[0]["body"]["CreatedDate"] == ("datetime", "tzlocal")


def _stamps(model: BaseModel) -> list[datetime]:
    """Every datetime in a model, nested ones included."""
    found: list[datetime] = []

    def walk(value: Any) -> None:
        if isinstance(value, datetime):
            found.append(value)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, tuple):
            for item in value:
                walk(item)

    walk(model)
    return found


@pytest.mark.usefixtures("far_timezone")
async def test_every_client_path_gives_utc_whatever_the_machine_tz(
    scripted: ScriptedSecretsManager,
) -> None:
    """Wire, botocore and a wrapped client's tzlocal parse all give UTC, on the right day."""
    from aiosecretsmanager.testing import dummy_session

    scripted.set_default("DescribeSecret", full_description())
    scripted.set_default("ListSecrets", {"SecretList": [full_entry()]})
    results: list[BaseModel] = []
    # Without a session of ours, wire_parsing=False gets our UTC timestamp parser;
    # with a caller's session (scripted.client passes one), botocore's tzlocal one.
    own_session = SecretsManager(
        endpoint_url=scripted.endpoint_url, region_name="us-east-1", wire_parsing=False
    )
    async with (
        scripted.client() as wire_sm,
        scripted.client(wire_parsing=False) as boto_sm,
        own_session as own_sm,
    ):
        for sm in (wire_sm, boto_sm, own_sm):
            results.append(await sm.describe("x"))
            results += [entry async for entry in sm.iter_secrets()]
    async with dummy_session().create_client(
        "secretsmanager", region_name="us-east-1", endpoint_url=scripted.endpoint_url
    ) as client:
        raw = await client.describe_secret(SecretId="x")
        # The wrapped client's own parser: local time, which must really be far from UTC.
        assert abs(raw["LastAccessedDate"].utcoffset().total_seconds()) >= 12 * 3600
        wrapped = SecretsManager.from_client(client, wire_parsing=False)
        results.append(await wrapped.describe("x"))
        results += [entry async for entry in wrapped.iter_secrets()]
    assert len(results) == 8
    for result in results:
        stamps = _stamps(result)
        assert len(stamps) == (7 if isinstance(result, SecretDescription) else 6)
        # == as documented: the wire path's tzinfo is pydantic-core's UTC, equal to timezone.utc.
        assert all(stamp.tzinfo == timezone.utc and stamp.tzname() == "UTC" for stamp in stamps)
        accessed = getattr(result, "last_accessed_date", None)
        # Midnight UTC on 2024-03-01, which is 2024-02-29 or 2024-03-01 afternoon locally.
        assert accessed == datetime(2024, 3, 1, tzinfo=timezone.utc)
        assert accessed is not None and accessed.date().isoformat() == "2024-03-01"
    assert results[0::2] == [results[0]] * 4
    assert results[1::2] == [results[1]] * 4
