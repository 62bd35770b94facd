"""Service faults over real HTTP become typed errors carrying code, operation and request id."""

from __future__ import annotations

import json
import socket

import pytest
from aiobotocore.config import AioConfig
from botocore.exceptions import BotoCoreError, ClientError

from aiosecretsmanager import (
    AccessDeniedError,
    InternalServiceError,
    InvalidNextTokenError,
    InvalidParameterError,
    InvalidRequestError,
    ResponseValidationError,
    SecretNotFoundError,
    SecretsManager,
    SecretsManagerError,
    ThrottlingError,
    TransportError,
)
from aiosecretsmanager._parsing import page_pieces
from aiosecretsmanager.testing import ScriptedSecretsManager, dummy_session

from .bodies import full_entry, minimal_entry

CODES = [
    ("ResourceNotFoundException", 400, SecretNotFoundError),
    ("InvalidParameterException", 400, InvalidParameterError),
    ("ValidationException", 400, InvalidParameterError),
    ("InvalidRequestException", 400, InvalidRequestError),
    ("InvalidNextTokenException", 400, InvalidNextTokenError),
    ("AccessDeniedException", 400, AccessDeniedError),
    ("UnrecognizedClientException", 400, AccessDeniedError),
    ("ThrottlingException", 400, ThrottlingError),
    ("TooManyRequestsException", 429, ThrottlingError),
    ("SomethingNew", 429, ThrottlingError),
    ("InternalServiceError", 500, InternalServiceError),
    ("ServiceUnavailable", 503, InternalServiceError),
    ("SomethingNew", 502, InternalServiceError),
    ("DecryptionFailure", 400, SecretsManagerError),
]


@pytest.mark.parametrize(("code", "status", "cls"), CODES)
@pytest.mark.parametrize("operation", ["DescribeSecret", "ListSecrets"])
async def test_each_error_code_maps_to_its_class(
    scripted: ScriptedSecretsManager,
    scripted_sm: SecretsManager,
    operation: str,
    code: str,
    status: int,
    cls: type[SecretsManagerError],
) -> None:
    """An AWS error code (or status) becomes its class, with every attribute filled in."""
    scripted.add_error(operation, code, "scripted failure", status=status, request_id="req-123")
    with pytest.raises(cls) as caught:
        if operation == "DescribeSecret":
            await scripted_sm.describe("prod/app/db")
        else:
            _ = [entry async for entry in scripted_sm.iter_secrets()]
    error = caught.value
    assert type(error) is cls
    assert error.code == code
    assert error.message == "scripted failure"
    assert error.operation == operation
    assert error.request_id == "req-123"
    assert error.http_status == status
    assert error.attempts == 1
    assert isinstance(error.__cause__, ClientError)
    assert "req-123" in str(error)
    assert code in str(error)
    if operation == "DescribeSecret":
        assert error.secret_id == "prod/app/db"
        assert "prod/app/db" in str(error)


def test_invalid_parameter_error_is_a_value_error() -> None:
    """InvalidParameterError can be caught as ValueError."""
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, SecretsManagerError)


@pytest.mark.parametrize(
    ("operation", "body", "field"),
    [
        ("DescribeSecret", b"this is not json", None),
        ("DescribeSecret", b"[1, 2, 3]", None),
        ("DescribeSecret", {"Name": "no-arn"}, "ARN"),
        ("DescribeSecret", {"ARN": "a" * 20, "Name": "x", "Tags": "not-a-list"}, "Tags"),
        ("DescribeSecret", {"ARN": "a" * 20, "Name": "x", "Tags": [{"Value": "v"}]}, "Tags.0.Key"),
        (
            "DescribeSecret",
            {"ARN": "a" * 20, "Name": "x", "CreatedDate": "yesterday"},
            "CreatedDate",
        ),
        ("ListSecrets", b"{truncated", None),
        ("ListSecrets", {"SecretList": "nope"}, "SecretList"),
        ("ListSecrets", {"SecretList": [minimal_entry("a"), {"Name": "b"}]}, "SecretList.1.ARN"),
        ("ListSecrets", {"SecretList": [], "NextToken": 7}, "NextToken"),
    ],
)
async def test_malformed_success_bodies_raise_response_validation_error(
    scripted: ScriptedSecretsManager,
    scripted_sm: SecretsManager,
    operation: str,
    body: object,
    field: str | None,
) -> None:
    """A 200 the models cannot read is ResponseValidationError naming operation and field."""
    scripted.add(operation, body, request_id="req-bad")
    with pytest.raises(ResponseValidationError) as caught:
        if operation == "DescribeSecret":
            await scripted_sm.describe("x")
        else:
            _ = [entry async for entry in scripted_sm.iter_secrets()]
    error = caught.value
    assert error.operation == operation
    assert error.field == field
    assert error.request_id == "req-bad"
    if field is not None:
        assert field in str(error)


@pytest.mark.parametrize("missing", ["ARN", "Name"])
@pytest.mark.parametrize("wire_parsing", [True, False])
async def test_a_secret_without_arn_or_name_is_never_skipped(
    scripted: ScriptedSecretsManager, missing: str, wire_parsing: bool
) -> None:
    """A describe or listed entry lacking ARN or Name is ResponseValidationError on both paths."""
    broken = minimal_entry("b")
    del broken[missing]
    scripted.add("DescribeSecret", broken, request_id="req-d")
    scripted.add_page([minimal_entry("a"), broken], request_id="req-l")
    async with scripted.client(wire_parsing=wire_parsing) as sm:
        with pytest.raises(ResponseValidationError) as described:
            await sm.describe("b")
        seen: list[str] = []
        with pytest.raises(ResponseValidationError) as listed:
            async for entry in sm.iter_secrets():
                seen.append(entry.name)
    assert (described.value.operation, described.value.field) == ("DescribeSecret", missing)
    assert described.value.request_id == "req-d"
    assert (listed.value.operation, listed.value.field) == (
        "ListSecrets",
        f"SecretList.1.{missing}",
    )
    assert listed.value.request_id == "req-l"
    assert seen == []


NO_RETRIES = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
_LARGE_ENTRIES = [full_entry(f"big-{index}") for index in range(60)]
# A page large enough to be validated in pieces, with an error's __type in its tail.
_LARGE_WITH_TYPE = json.dumps(
    {"SecretList": _LARGE_ENTRIES, "__type": "ThrottlingException", "message": "Rate exceeded"},
    separators=(",", ":"),
).encode()
NOT_PAGES = [
    ("error document", {"__type": "ThrottlingException", "message": "Rate exceeded"}, "__type"),
    ("error type beside entries", {"SecretList": [minimal_entry("x")], "__type": "X"}, "__type"),
    ("large page with an error type", _LARGE_WITH_TYPE, "__type"),
    ("unrelated object", {"foo": 1}, "SecretList"),
    ("miscased members", {"Secretlist": [minimal_entry("x")], "Nexttoken": "t"}, "SecretList"),
]


async def _list_past_a_bad_page(
    scripted: ScriptedSecretsManager, wire_parsing: bool, body: object
) -> tuple[list[str], ResponseValidationError]:
    """List a good page (token T1), then ``body``; the entries seen and the error raised."""
    scripted.add_page([minimal_entry("a")], next_token="T1")
    scripted.add("ListSecrets", body, request_id="req-bad")
    seen: list[str] = []
    async with scripted.client(config=NO_RETRIES, wire_parsing=wire_parsing) as sm:
        with pytest.raises(ResponseValidationError) as caught:
            async for entry in sm.iter_secrets():
                seen.append(entry.name)
    return seen, caught.value


@pytest.mark.parametrize(
    ("body", "field"), [c[1:] for c in NOT_PAGES], ids=[c[0] for c in NOT_PAGES]
)
@pytest.mark.parametrize("wire_parsing", [True, False])
async def test_a_200_that_cannot_be_a_page_never_ends_the_listing(
    scripted: ScriptedSecretsManager, wire_parsing: bool, body: object, field: str
) -> None:
    """A 200 with __type, or with other members but no SecretList or NextToken, raises."""
    if body is _LARGE_WITH_TYPE:
        assert page_pieces(_LARGE_WITH_TYPE) is not None  # the pieced validation's path
    seen, error = await _list_past_a_bad_page(scripted, wire_parsing, body)
    assert seen == ["a"]
    assert (error.operation, error.field, error.request_id) == ("ListSecrets", field, "req-bad")
    assert error.resume_token == "T1"
    assert len(scripted.requests_for("ListSecrets")) == 2


UNREADABLE_PAGES = [
    ("empty", b""),
    ("blank", b"  \n"),
    ("html", b"<html>502 Bad Gateway</html>"),
    ("cut off", b'{"SecretList": ['),
    ("null entry list", b'{"SecretList": null}'),
]


@pytest.mark.parametrize(
    "body", [c[1] for c in UNREADABLE_PAGES], ids=[c[0] for c in UNREADABLE_PAGES]
)
@pytest.mark.parametrize("wire_parsing", [True, False])
async def test_a_200_that_is_no_json_page_never_ends_the_listing(
    scripted: ScriptedSecretsManager, wire_parsing: bool, body: bytes
) -> None:
    """A 200 body that is empty, not JSON, cut off or has a null list raises on both paths."""
    seen, error = await _list_past_a_bad_page(scripted, wire_parsing, body)
    assert seen == ["a"]
    assert (error.operation, error.request_id) == ("ListSecrets", "req-bad")
    assert error.resume_token == "T1"


@pytest.mark.parametrize("wire_parsing", [True, False])
async def test_empty_pages_and_unknown_members_stay_valid(
    scripted: ScriptedSecretsManager, wire_parsing: bool
) -> None:
    """{} and {"SecretList": []} end a listing; a token alone or new members never fail."""
    scripted.add(
        "ListSecrets",
        {"SecretList": [minimal_entry("a")], "NewIn2031": {"x": 1}, "NextToken": "T1"},
    )
    scripted.add("ListSecrets", {"NextToken": "T2"})
    scripted.add("ListSecrets", {"SecretList": []})
    scripted.add("ListSecrets", {})
    async with scripted.client(config=NO_RETRIES, wire_parsing=wire_parsing) as sm:
        first = [entry.name async for entry in sm.iter_secrets()]
        second = [entry.name async for entry in sm.iter_secrets()]
    assert (first, second) == (["a"], [])
    tokens = [request.body.get("NextToken") for request in scripted.requests_for("ListSecrets")]
    assert tokens == [None, "T1", "T2", None]


@pytest.mark.parametrize("wire_parsing", [True, False])
async def test_a_described_secret_with_an_error_type_is_a_response_validation_error(
    scripted: ScriptedSecretsManager, wire_parsing: bool
) -> None:
    """A DescribeSecret 200 carrying __type raises, even with ARN and Name; new members pass."""
    scripted.add("DescribeSecret", {**minimal_entry("x"), "__type": "X"}, request_id="req-t")
    scripted.add("DescribeSecret", {**minimal_entry("y"), "NewIn2031": [1]})
    async with scripted.client(config=NO_RETRIES, wire_parsing=wire_parsing) as sm:
        with pytest.raises(ResponseValidationError) as caught:
            await sm.describe("x")
        assert (await sm.describe("y")).name == "y"
    error = caught.value
    assert (error.operation, error.field, error.request_id) == ("DescribeSecret", "__type", "req-t")
    assert error.secret_id == "x"


async def test_refused_connection_is_a_transport_error() -> None:
    """A closed port gives TransportError, not a botocore or aiohttp exception."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = AioConfig(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2)
    async with SecretsManager(
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        session=dummy_session(),
        config=config,
    ) as sm:
        with pytest.raises(TransportError) as caught:
            await sm.describe("x")
        assert caught.value.operation == "DescribeSecret"
        assert isinstance(caught.value.__cause__, BotoCoreError)
        with pytest.raises(TransportError) as listing:
            _ = [entry async for entry in sm.iter_secrets(starting_token="resume-here")]
        assert listing.value.resume_token == "resume-here"


ODD_BODIES = [
    ([1, 2], 400, None, SecretsManagerError, "the error body is an array, not an object"),
    (
        {"__type": 5, "message": "odd"},
        400,
        None,
        SecretsManagerError,
        "odd; the error body's __type is a number, not a string",
    ),
    (
        {"__type": "ThrottlingException", "message": {"text": "slow down"}},
        400,
        "ThrottlingException",
        ThrottlingError,
        "the error body's message is an object, not a string",
    ),
    (b"null", 400, None, SecretsManagerError, "the error body is null, not an object"),
    (b'"denied"', 403, None, SecretsManagerError, "the error body is a string, not an object"),
    (b"\xff\xfe{}", 400, None, SecretsManagerError, "the error body is not UTF-8 text"),
    (b"Request blocked", 403, None, SecretsManagerError, "Request blocked"),
    ([1, 2], 500, None, InternalServiceError, "the error body is an array, not an object"),
    (b"<html><body>Bad Gateway</body></html>", 502, None, InternalServiceError, "Bad Gateway"),
    (b"", 500, None, InternalServiceError, "Internal Server Error"),
    (
        {"__type": 5, "message": "slow"},
        429,
        "TooManyRequestsException",
        ThrottlingError,
        "HTTP 429 Too Many Requests",
    ),
]
ODD_BODY_IDS = [
    "array",
    "number-type",
    "object-message",
    "null",
    "string",
    "not-utf8",
    "not-json",
    "array-500",
    "html-502",
    "empty-500",
    "number-type-429",
]


@pytest.mark.parametrize(("body", "status", "code", "cls", "message"), ODD_BODIES, ids=ODD_BODY_IDS)
@pytest.mark.parametrize("wire_parsing", [True, False])
async def test_odd_error_bodies_stay_typed(
    scripted: ScriptedSecretsManager,
    wire_parsing: bool,
    body: object,
    status: int,
    code: str | None,
    cls: type[SecretsManagerError],
    message: str,
) -> None:
    """An error body botocore cannot read is typed by its status, with status and request id."""
    scripted.add("DescribeSecret", body, status=status, request_id="req-odd")
    config = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
    async with scripted.client(wire_parsing=wire_parsing, config=config) as sm:
        with pytest.raises(SecretsManagerError) as caught:
            await sm.describe("x")
    error = caught.value
    assert type(error) is cls
    assert (error.code, error.message) == (code, message)
    assert (error.http_status, error.request_id) == (status, "req-odd")
    assert error.operation == "DescribeSecret"
    assert isinstance(error.__cause__, ClientError)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (500, InternalServiceError),
        (599, InternalServiceError),
        (600, SecretsManagerError),
        (999, SecretsManagerError),
        (418, SecretsManagerError),
    ],
)
async def test_only_statuses_500_to_599_are_internal_service_errors(
    scripted: ScriptedSecretsManager,
    scripted_sm: SecretsManager,
    status: int,
    cls: type[SecretsManagerError],
) -> None:
    """Without an error code, HTTP 500..599 is InternalServiceError; 600 and up is not a 5xx."""
    scripted.add("DescribeSecret", {"message": "odd status"}, status=status, request_id="req-st")
    with pytest.raises(SecretsManagerError) as caught:
        await scripted_sm.describe("x")
    assert type(caught.value) is cls
    assert (caught.value.http_status, caught.value.code) == (status, None)


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({}, 400, "the service sent no error message"),
        (b"", 400, "the service sent no error message"),
        (
            {"__type": "SomethingNew", "message": " "},
            400,
            "SomethingNew: the service sent no error message",
        ),
        ({}, 999, "the service sent no error message"),
    ],
)
async def test_an_error_without_a_message_says_so(
    scripted: ScriptedSecretsManager,
    scripted_sm: SecretsManager,
    body: object,
    status: int,
    text: str,
) -> None:
    """An error with no message says so, instead of botocore's text ending in ": "."""
    scripted.add("DescribeSecret", body, status=status, request_id="req-bare")
    with pytest.raises(SecretsManagerError) as caught:
        await scripted_sm.describe("x")
    assert caught.value.message == "the service sent no error message"
    assert str(caught.value) == f"DescribeSecret 'x': {text} (HTTP {status}, request id req-bare)"


async def test_aws_max_attempts_from_the_environment_is_honoured(
    monkeypatch: pytest.MonkeyPatch, scripted: ScriptedSecretsManager
) -> None:
    """AWS_MAX_ATTEMPTS still works: our retry default steps aside for it."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    scripted.set_default("DescribeSecret", {"__type": "InternalFailure"}, status=500)
    async with scripted.client() as sm:
        with pytest.raises(InternalServiceError) as caught:
            await sm.describe("x")
    assert caught.value.attempts == 2
    assert len(scripted.requests_for("DescribeSecret")) == 2


async def test_an_error_without_an_aws_code_has_no_code(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """An error body with no __type leaves code None instead of the HTTP status."""
    scripted.add("DescribeSecret", {"message": "no type here"}, status=400)
    with pytest.raises(SecretsManagerError) as caught:
        await scripted_sm.describe("x")
    assert caught.value.code is None
    assert caught.value.http_status == 400
    assert "no type here" in str(caught.value)
