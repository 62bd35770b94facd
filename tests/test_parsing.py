"""The two parse paths (wire bytes and botocore's parser) agree; from_client leaves users alone."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from benchmarks._server import description as bench_description
from benchmarks._server import page_body as bench_page
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from aiosecretsmanager import SecretDescription, SecretListPage, SecretsManager
from aiosecretsmanager._parsing import (
    botocore_parser_factory,
    page_pieces,
    utc_timestamp,
    validate_page,
)
from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager, SeedSecret, seed

from .bodies import full_description, full_entry, minimal_entry
from .strategies import SERVICE, wire

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


def _reports_entry(name: str, **fields: Any) -> dict[str, Any]:
    """A ListSecrets entry as tests/test_cli_reports.py builds them."""
    return {**minimal_entry(name), **fields}


# Every success body the suite serves (tests/bodies.py, the reports' entries, the
# benchmark's canned pages), each in the form a test sends it. moto's own bodies are
# compared below, as moto sends them.
FIXTURES: list[tuple[type[BaseModel], dict[str, Any] | bytes]] = [
    (SecretDescription, full_description()),
    (SecretDescription, minimal_entry("minimal")),
    (SecretDescription, {"ARN": "a" * 20, "Name": "x"}),
    (SecretDescription, bench_description("bench/one")),
    (SecretListPage, {"SecretList": [full_entry(), minimal_entry("b")], "NextToken": "t"}),
    (SecretListPage, {"SecretList": [], "NextToken": "only-a-token"}),
    (SecretListPage, {"SecretList": [minimal_entry("last")], "NextToken": ""}),
    (SecretListPage, {"NextToken": "t3"}),
    (SecretListPage, {}),
    (SecretListPage, bench_page(0, 100, 1000)),
    (SecretListPage, bench_page(900, 100, 1000)),
    (
        SecretListPage,
        {
            "SecretList": [
                _reports_entry("rds!db-1", OwningService="rds"),
                _reports_entry("late", RotationEnabled=True, LastRotatedDate=1.7e9),
                _reports_entry("old", LastAccessedDate=1_709_251_200.0),
                _reports_entry("later", DeletedDate=1_712_000_000),
            ]
        },
    ),
    # The service's own spelling of epoch seconds, with an exponent.
    (SecretDescription, b'{"ARN":"arn:x","Name":"n","CreatedDate":1.709296245123E9}'),
    # Exactly half a microsecond past .007812 s: pydantic-core rounds it up, and
    # datetime.fromtimestamp (botocore's default) would round it to even, down.
    (SecretDescription, b'{"ARN":"arn:x","Name":"n","CreatedDate":1709296245.0078125}'),
    (SecretDescription, b'{"ARN":"arn:x","Name":"n","CreatedDate":"1709296245.0078125"}'),
]


@pytest.mark.parametrize(("model", "body"), FIXTURES)
def test_both_paths_give_equal_models_over_the_fixtures(
    model: type[BaseModel], body: dict[str, Any] | bytes
) -> None:
    """Wire parsing and botocore's parser with UTC timestamps give equal models."""
    wire_model, fallback = _both(model, body)
    assert wire_model == fallback


@pytest.mark.parametrize(("model", "shape"), [(m, s.name) for m, s in OUTPUT.items()])
@settings(max_examples=150)
@given(data=st.data())
def test_both_paths_agree_on_generated_bodies(
    model: type[BaseModel], shape: str, data: st.DataObject
) -> None:
    """Hypothesis bodies with any member of botocore's output shape parse equally on both paths."""
    body = data.draw(wire(SERVICE.shape_for(shape)))
    wire_model, fallback = _both(model, body)
    assert wire_model == fallback


_OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_SPELLINGS = (
    st.integers(0, 4_000_000_000)
    | st.floats(0, 4e9)
    # Exact binary fractions: ties at half a microsecond, where rounding rules differ.
    | st.tuples(st.integers(0, 4_000_000_000), st.integers(1, 127)).map(lambda t: t[0] + t[1] / 128)
    | st.decimals(0, 4_000_000_000, places=7).map(lambda d: format(d, "f"))
    | st.datetimes(datetime(1971, 1, 1), datetime(2090, 1, 1), timezones=_OFFSETS).map(
        datetime.isoformat
    )
)


@given(stamp=_SPELLINGS)
def test_both_paths_agree_on_timestamp_spellings(stamp: float | str) -> None:
    """Epoch numbers, ties, decimal strings and ISO strings give the same instant on both paths."""
    body = {**minimal_entry("t"), "CreatedDate": stamp, "LastAccessedDate": stamp}
    wire_model, fallback = _both(SecretDescription, body)
    assert wire_model == fallback


async def test_both_paths_agree_on_motos_responses(moto: MotoServer) -> None:
    """Every DescribeSecret and ListSecrets body moto sends parses to equal models on both paths."""
    bodies: list[tuple[type[BaseModel], bytes]] = []
    models = {"DescribeSecret": SecretDescription, "ListSecrets": SecretListPage}

    def keep(response_dict: dict[str, Any], operation_model: Any, **_: Any) -> None:
        if response_dict["status_code"] == 200:
            bodies.append((models[operation_model.name], bytes(response_dict["body"])))

    async with moto.client() as sm:
        await seed(
            sm,
            [
                SeedSecret("plain"),
                SeedSecret("full", description="d", tags={"a": "b", "e": ""}, kms_key_id="k"),
                SeedSecret("rotating", rotation_days=30),
                SeedSecret("going", scheduled_for_deletion=True),
            ],
        )
        for operation in models:
            sm.client.meta.events.register(f"before-parse.secrets-manager.{operation}", keep)
        for name in ("plain", "full", "rotating", "going"):
            await sm.client.describe_secret(SecretId=name)
        await sm.client.list_secrets(IncludePlannedDeletion=True)
        await sm.client.list_secrets(MaxResults=1)
    assert len(bodies) == 6
    for model, body in bodies:
        wire_model, fallback = await asyncio.to_thread(_both, model, body)
        # moto also sends members botocore's model lacks (SecretVersionsToStages in
        # DescribeSecret): botocore drops them, the wire path keeps them as extras.
        assert _known(wire_model) == _known(fallback)
        assert _extras(fallback) == []
        for name in _extras(wire_model):
            assert name not in OUTPUT[model].members  # type: ignore[attr-defined]


def _known(value: Any) -> Any:
    """A model's declared fields as plain values, recursively; extras left out."""
    if isinstance(value, BaseModel):
        return {name: _known(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, tuple):
        return tuple(_known(item) for item in value)
    return value


def _extras(value: Any) -> list[str]:
    """The names of every extra (unknown) member in a model tree."""
    if isinstance(value, BaseModel):
        own = list(value.model_extra or {})
        return own + [n for name in type(value).model_fields for n in _extras(getattr(value, name))]
    if isinstance(value, tuple):
        return [name for item in value for name in _extras(item)]
    return []


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


async def test_our_own_session_parses_with_utc_timestamps(
    scripted: ScriptedSecretsManager,
) -> None:
    """wire_parsing=False on a session of ours gives the client UTC timestamps, not tzlocal."""
    scripted.set_default("DescribeSecret", full_description())
    ours = SecretsManager(
        endpoint_url=scripted.endpoint_url, region_name="us-east-1", wire_parsing=False
    )
    async with ours as sm, scripted.client(wire_parsing=False) as theirs:
        fast = await sm.client.describe_secret(SecretId="x")
        default = await theirs.client.describe_secret(SecretId="x")
    assert fast["CreatedDate"].tzinfo is timezone.utc
    assert default["CreatedDate"].tzinfo is not timezone.utc  # a caller's session: tzlocal
    assert fast["CreatedDate"] == default["CreatedDate"]


@pytest.mark.parametrize("wire_parsing", [True, False])
@pytest.mark.parametrize("stamp", [1e20, -1e20, "not a date"])
async def test_an_impossible_timestamp_fails_typed_on_both_paths(
    scripted: ScriptedSecretsManager, wire_parsing: bool, stamp: object
) -> None:
    """A timestamp out of range or not a date is a ResponseValidationError on either path."""
    from aiobotocore.config import AioConfig

    from aiosecretsmanager import ResponseValidationError

    scripted.set_default("DescribeSecret", {**minimal_entry("x"), "CreatedDate": stamp})
    sm = SecretsManager(
        endpoint_url=scripted.endpoint_url,
        region_name="us-east-1",
        config=AioConfig(retries={"mode": "standard", "total_max_attempts": 1}),
        wire_parsing=wire_parsing,
    )
    async with sm:
        with pytest.raises(ResponseValidationError) as caught:
            await sm.describe("x")
    assert caught.value.operation == "DescribeSecret"


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


# Runs in a fresh interpreter, so patches made at import time show too.
_NO_PATCH_SCRIPT = """
import asyncio, json, sys, types
import aiobotocore.client, aiobotocore.endpoint, aiobotocore.parsers, aiobotocore.session
import botocore.client, botocore.endpoint, botocore.handlers, botocore.parsers, botocore.utils
import pydantic.main

LIBRARIES = ("botocore", "aiobotocore", "pydantic", "pydantic_core", "aiohttp")
MODULES = [
    module for name, module in sorted(sys.modules.items())
    if name.split(".")[0] in LIBRARIES and isinstance(module, types.ModuleType)
]

def snapshot():
    seen = {}
    for module in MODULES:
        for name, value in list(vars(module).items()):
            key = module.__name__ + "." + name
            seen[key] = id(value)
            seen[key + ".__code__"] = id(getattr(value, "__code__", None))
            if isinstance(value, list):
                seen[key + "[len]"] = len(value)
            if isinstance(value, type) and value.__module__ == module.__name__:
                for attr, member in list(vars(value).items()):
                    if attr != "__slotnames__":  # copyreg's cache, filled by copy.copy()
                        seen[key + "#" + attr] = id(member)
    return seen

before = snapshot()
import aiosecretsmanager
from aiosecretsmanager.testing import ScriptedSecretsManager

async def use():
    with ScriptedSecretsManager() as server:
        server.set_default("DescribeSecret", {"ARN": "arn:x", "Name": "x", "CreatedDate": 1.7e9})
        server.set_default("ListSecrets", {"SecretList": [{"ARN": "arn:x", "Name": "x"}]})
        for wire_parsing in (True, False):
            sm = aiosecretsmanager.SecretsManager(
                endpoint_url=server.endpoint_url, region_name="us-east-1",
                wire_parsing=wire_parsing,
            )
            async with sm:
                await sm.describe("x")
                await sm.describe_many(["x", "y"])
                [entry async for entry in sm.iter_secrets(read_ahead=1)]
        async with server.client() as theirs:
            await aiosecretsmanager.SecretsManager.from_client(theirs.client).describe("x")

asyncio.run(use())
after = snapshot()
changed = [key for key in before if key in after and before[key] != after[key]]
added = [key for key in after if key not in before and "#" in key]
print(json.dumps(sorted(changed + added)))
"""


def test_nothing_in_botocore_or_pydantic_is_patched(tmp_path: Any) -> None:
    """Importing and using the library replaces nothing in botocore, aiobotocore or pydantic."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    done = subprocess.run(
        [sys.executable, "-c", _NO_PATCH_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def _big_page(entries: list[dict[str, Any]], **members: Any) -> bytes:
    """A compact ListSecrets body, as the service sends it, of at least 100 KB."""
    repeated = [
        {**entry, "ARN": f"{entry.get('ARN', 'arn')}-{i}"}
        for i in range(max(1, 100_000 // len(json.dumps(entries)) + 1))
        for entry in entries
    ]
    return json.dumps({"SecretList": repeated, **members}, separators=(",", ":")).encode()


_TRICKY_ENTRY = {
    **full_entry("tricky"),
    # The cut marker as text: on the wire its quotes are escaped, so it is no cut.
    "Description": 'not a cut: },{"ARN":"x","Name":"y"}',
}
_NESTED_ARNS = {**full_entry("nested"), "Linked": [{"ARN": "a", "Name": "b"}, {"ARN": "c"}]}
_LIKE_ENTRIES = [{"ARN": "late", "Name": "one"}, {"ARN": "later", "Name": "two"}]

PIECE_CASES: list[tuple[str, bytes]] = [
    ("benchmark page", bench_page(0, 100, 1000)),
    ("last page, no token", bench_page(900, 100, 1000)),
    ("full entries", _big_page([full_entry(), minimal_entry("m")], NextToken="t")),
    ("cut marker in a string", _big_page([_TRICKY_ENTRY])),
    ("marker in a nested array", _big_page([_NESTED_ARNS], NextToken="t")),
    ("entry-like array after SecretList", _big_page([full_entry()], Later=_LIKE_ENTRIES)),
    ("SecretList twice", _big_page([full_entry()]).replace(b"]}", b'],"SecretList":[]}')),
    ("secrets by field name", _big_page([full_entry()], secrets=[])),
    ("escaped member name", _big_page([full_entry()]).replace(b"]}", b'],"Secret\\u004cist":[]}')),
    ("unknown members", _big_page([full_entry()], NextToken="t", NewIn2031={"a": [1]})),
    ("token first", json.dumps({"NextToken": "t", "SecretList": [full_entry()] * 80}).encode()),
]


@pytest.mark.parametrize("body", [body for _, body in PIECE_CASES], ids=[n for n, _ in PIECE_CASES])
async def test_validating_in_pieces_gives_the_page_of_one_validation(body: bytes) -> None:
    """A large page validated piece by piece equals the page validated whole, whatever its body."""
    assert await validate_page(body) == SecretListPage.model_validate_json(body)


async def test_a_bad_entry_fails_as_it_would_whole() -> None:
    """A bad entry deep in a large page raises the same error, field path included."""
    entries = [full_entry(f"e{i}") for i in range(100)]
    del entries[77]["Name"]
    body = json.dumps({"SecretList": entries}, separators=(",", ":")).encode()
    with pytest.raises(ValidationError) as whole:
        SecretListPage.model_validate_json(body)
    with pytest.raises(ValidationError) as pieces:
        await validate_page(body)
    assert pieces.value.errors() == whole.value.errors()
    assert pieces.value.errors()[0]["loc"] == ("SecretList", 77, "Name")


async def test_a_large_page_is_validated_over_several_loop_turns() -> None:
    """Validating a 130 KB page lets another task run between its pieces."""
    body = bench_page(0, 100, 1000)
    assert page_pieces(body) is not None
    beats = 0
    done = False

    async def heartbeat() -> None:
        nonlocal beats
        while not done:
            beats += 1
            await asyncio.sleep(0)

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)
    before = beats
    page = await validate_page(body)
    done = True
    await beat
    assert len(page.secrets) == 100
    assert beats - before >= 3


def test_small_or_unusual_bodies_are_not_cut() -> None:
    """A page under one piece, or one that does not start with SecretList, is validated whole."""
    small = json.dumps({"SecretList": [full_entry()]}, separators=(",", ":")).encode()
    assert page_pieces(small) is None
    assert page_pieces(dict(PIECE_CASES)["token first"]) is None
    assert page_pieces(dict(PIECE_CASES)["SecretList twice"]) is None
    assert page_pieces(dict(PIECE_CASES)["secrets by field name"]) is None
    assert page_pieces(dict(PIECE_CASES)["escaped member name"]) is None


async def test_a_listing_of_large_pages_is_the_same_through_the_client(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Large pages listed through the client give the entries one validation gives."""
    first, second = bench_page(0, 100, 200), bench_page(100, 100, 200)
    scripted.add("ListSecrets", first)
    scripted.add("ListSecrets", second)
    pages = [page async for page in scripted_sm.iter_pages()]
    assert pages == [SecretListPage.model_validate_json(b) for b in (first, second)]


@settings(max_examples=40)
@given(
    entries=st.lists(wire(SERVICE.shape_for("SecretListEntry")), min_size=1, max_size=4),
    token=st.none() | st.text(max_size=8),
    ascii_only=st.booleans(),
)
def test_pieces_agree_with_one_validation_on_generated_pages(
    entries: list[dict[str, Any]], token: str | None, ascii_only: bool
) -> None:
    """Generated entries, repeated into a large page, validate equally in pieces and whole."""
    size = len(json.dumps(entries))
    page: dict[str, Any] = {"SecretList": entries * (40_000 // size + 1)}
    if token is not None:
        page["NextToken"] = token
    body = json.dumps(page, separators=(",", ":"), ensure_ascii=ascii_only).encode()
    try:
        whole: SecretListPage | None = SecretListPage.model_validate_json(body)
    except ValidationError:
        whole = None
    try:
        pieces: SecretListPage | None = asyncio.run(validate_page(body))
    except ValidationError:
        pieces = None
    assert pieces == whole


async def test_the_client_validates_a_large_page_over_several_loop_turns(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Between botocore's after-call and the page, another task runs once per piece."""
    scripted.add("ListSecrets", bench_page(0, 100, 100))
    beats = 0
    at_after_call: list[int] = []
    done = False

    async def heartbeat() -> None:
        nonlocal beats
        while not done:
            beats += 1
            await asyncio.sleep(0)

    def mark(**_: Any) -> None:
        at_after_call.append(beats)

    scripted_sm.client.meta.events.register("after-call.secrets-manager.ListSecrets", mark)
    beat = asyncio.create_task(heartbeat())
    page = await anext(scripted_sm.iter_pages())
    returned = beats
    done = True
    await beat
    assert len(page.secrets) == 100
    # Four pieces of about 32 KB, then the turn iter_pages gives before the next request.
    assert returned - at_after_call[0] >= 4
