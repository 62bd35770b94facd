"""Faults over real HTTP: a proxy on 127.0.0.1 injects them in front of moto's server.

Each test is a row of the table in docs/reliability.md. The promise: a complete
answer, or a typed error that says where to resume; never a silently short listing.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import pytest
from aiobotocore.config import AioConfig
from pydantic import ValidationError

from aiosecretsmanager import (
    InternalServiceError,
    ResponseValidationError,
    SecretsManager,
    SecretsManagerError,
    ThrottlingError,
    TransportError,
)
from aiosecretsmanager.testing import MotoServer, dummy_session

from .faults import (
    FORWARD,
    Fault,
    FaultProxy,
    cut_off,
    http_error,
    reset,
    slow,
    throttle,
    transform,
    with_body,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

SECRETS = 500
PAGE = 50


def client_for(url: str, *, attempts: int = 3, read_timeout: float = 5.0) -> SecretsManager:
    """A client aimed at ``url`` with few attempts and a short read timeout."""
    config = AioConfig(
        retries={"mode": "standard", "total_max_attempts": attempts},
        connect_timeout=2,
        read_timeout=read_timeout,
    )
    return SecretsManager(
        endpoint_url=url, region_name="us-east-1", session=dummy_session(), config=config
    )


async def _seed(url: str, count: int) -> None:
    async with client_for(url) as sm:
        gate = asyncio.Semaphore(32)

        async def create(index: int) -> None:
            async with gate:
                await sm.client.create_secret(Name=f"app/s{index:04d}", SecretString="x")

        await asyncio.gather(*(create(index) for index in range(count)))


@pytest.fixture(scope="module")
def names(moto_server: MotoServer) -> frozenset[str]:
    """500 secrets in the moto server, seeded once for this module's read-only tests."""
    moto_server.reset()
    asyncio.run(_seed(moto_server.endpoint_url, SECRETS))
    return frozenset(f"app/s{index:04d}" for index in range(SECRETS))


@pytest.fixture
def seeded_proxy(moto_server: MotoServer, names: frozenset[str]) -> Iterator[FaultProxy]:
    """A fault proxy in front of the moto server holding the 500 secrets."""
    with FaultProxy(moto_server.endpoint_url) as faults:
        yield faults


async def run(
    sm: SecretsManager, operation: str, into: list[str] | None = None, **listing: Any
) -> None:
    """Describe one secret, or drain a listing into ``into`` as entries arrive."""
    if operation == "DescribeSecret":
        await sm.describe("app/s0001")
        return
    async for entry in sm.iter_secrets(page_size=PAGE, **listing):
        if into is not None:
            into.append(entry.name)


def _transient() -> list[Fault]:
    return [
        throttle(),
        http_error(429),
        http_error(500, "InternalServiceError"),
        http_error(503),
        reset(),
        cut_off(),
    ]


async def test_transient_faults_on_listing_pages_lose_and_repeat_nothing(
    seeded_proxy: FaultProxy, names: frozenset[str]
) -> None:
    """Throttling, 5xx, resets and cut-off bodies on some pages: every secret exactly once."""
    plan: list[Fault | None] = []
    for fault in _transient():
        plan += [FORWARD, fault]
    seeded_proxy.plan("ListSecrets", plan)
    async with client_for(seeded_proxy.endpoint_url) as sm:
        listed = [entry.name async for entry in sm.iter_secrets(page_size=PAGE)]

    assert len(listed) == SECRETS
    assert set(listed) == names
    requests = seeded_proxy.requests_for("ListSecrets")
    faulted = [index for index, request in enumerate(requests) if request.fault]
    assert len(faulted) == len(_transient())
    for index in faulted:
        # The retry is the very next request, for the same page.
        assert requests[index + 1].fault is None
        assert requests[index + 1].body.get("NextToken") == requests[index].body.get("NextToken")
    delivered = [request.body.get("NextToken") for request in requests if request.fault is None]
    assert len(delivered) == len(set(delivered)) == SECRETS // PAGE


async def test_transient_faults_in_a_batch_of_describes_still_answer_each_right(
    seeded_proxy: FaultProxy, names: frozenset[str]
) -> None:
    """Faults on DescribeSecret in a concurrent batch are retried; each result is its secret."""
    plan: list[Fault | None] = []
    for fault in _transient():
        plan += [fault, FORWARD, FORWARD]
    seeded_proxy.plan("DescribeSecret", plan)
    wanted = sorted(names)[:40]
    # Enough attempts that even every fault landing on one describe cannot exhaust it.
    async with client_for(seeded_proxy.endpoint_url, attempts=len(plan)) as sm:
        results = await asyncio.gather(*(sm.describe(name) for name in wanted))

    assert [result.name for result in results] == wanted
    requests = seeded_proxy.requests_for("DescribeSecret")
    assert sum(1 for request in requests if request.fault) == len(_transient())
    assert len(requests) == len(wanted) + len(_transient())


@pytest.mark.parametrize(
    ("fault", "error_type", "code", "status"),
    [
        pytest.param(throttle(), ThrottlingError, "ThrottlingException", 400, id="throttling-400"),
        pytest.param(http_error(429), ThrottlingError, "TooManyRequestsException", 429, id="429"),
        pytest.param(
            http_error(500, "InternalServiceError"),
            InternalServiceError,
            "InternalServiceError",
            500,
            id="500",
        ),
        # A bare 503 carries no AWS error code: code stays None, the status says it.
        pytest.param(http_error(503), InternalServiceError, None, 503, id="503"),
        pytest.param(reset(), TransportError, None, None, id="reset"),
        pytest.param(cut_off(), TransportError, None, None, id="cut-off-body"),
    ],
)
async def test_a_fault_that_outlasts_the_retries_is_a_typed_error(
    seeded_proxy: FaultProxy,
    fault: Fault,
    error_type: type[SecretsManagerError],
    code: str | None,
    status: int | None,
) -> None:
    """A lasting fault raises its typed error with operation, code, status, request id, attempts."""
    seeded_proxy.always("DescribeSecret", fault)
    async with client_for(seeded_proxy.endpoint_url, attempts=2) as sm:
        with pytest.raises(error_type) as caught:
            await sm.describe("app/s0001")

    error = caught.value
    assert error.operation == "DescribeSecret"
    assert error.secret_id == "app/s0001"
    assert error.code == code
    assert error.http_status == status
    assert error.request_id == fault.headers.get("x-amzn-RequestId")
    assert error.attempts == 2
    assert len(seeded_proxy.requests_for("DescribeSecret")) == 2


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(http_error(500, "InternalServiceError"), id="500"),
        pytest.param(reset(), id="reset"),
    ],
)
async def test_a_fault_mid_listing_carries_the_token_that_finishes_it(
    seeded_proxy: FaultProxy, names: frozenset[str], fault: Fault
) -> None:
    """After some pages, a lasting fault's resume_token finishes the listing exactly."""
    seeded_proxy.plan("ListSecrets", [FORWARD, FORWARD, FORWARD, fault, fault])
    first: list[str] = []
    async with client_for(seeded_proxy.endpoint_url, attempts=2) as sm:
        with pytest.raises(SecretsManagerError) as caught:
            await run(sm, "ListSecrets", first)
        error = caught.value
        failed = seeded_proxy.requests_for("ListSecrets")[3]
        assert error.operation == "ListSecrets"
        assert error.attempts == 2
        assert error.resume_token is not None
        assert error.resume_token == failed.body["NextToken"]
        rest = [
            entry.name
            async for entry in sm.iter_secrets(page_size=PAGE, starting_token=error.resume_token)
        ]

    assert len(first) == 3 * PAGE
    assert len(first) + len(rest) == SECRETS
    assert set(first) | set(rest) == names
    assert not set(first) & set(rest)


@pytest.mark.parametrize("operation", ["DescribeSecret", "ListSecrets"])
async def test_a_read_timeout_is_a_transport_error_never_a_hang(
    seeded_proxy: FaultProxy, operation: str
) -> None:
    """Answers slower than read_timeout give TransportError after the configured attempts."""
    read_timeout, attempts = 0.2, 2
    seeded_proxy.always(operation, slow(30))
    # The bound is the configured timeouts plus botocore's largest first backoff
    # (1 s) and slack; reaching it means a hang, not a slow machine.
    bound = attempts * read_timeout + 1 + 5
    async with client_for(seeded_proxy.endpoint_url, attempts=attempts, read_timeout=0.2) as sm:
        with pytest.raises(TransportError) as caught:
            await asyncio.wait_for(run(sm, operation), bound)

    assert caught.value.operation == operation
    assert caught.value.attempts == attempts
    assert "timeout" in caught.value.message.lower()
    assert len(seeded_proxy.requests_for(operation)) == attempts


def _bad_arn(body: dict[str, Any]) -> dict[str, Any]:
    body["SecretList"][2]["ARN"] = None
    return body


def _bad_tags(body: dict[str, Any]) -> dict[str, Any]:
    body["SecretList"][0]["Tags"] = "env=prod"
    return body


@pytest.mark.parametrize(
    ("operation", "fault", "field"),
    [
        pytest.param("DescribeSecret", with_body(b'{"ARN": "arn:x", "Na'), None, id="cut-json"),
        pytest.param("DescribeSecret", with_body(b"<html>oops</html>"), None, id="html"),
        pytest.param("DescribeSecret", with_body(b"[]"), None, id="json-array"),
        pytest.param("DescribeSecret", transform(lambda b: {**b, "Name": 7}), "Name", id="name"),
        pytest.param(
            "DescribeSecret",
            transform(lambda b: {**b, "VersionIdsToStages": {"v1": "AWSCURRENT"}}),
            "VersionIdsToStages.v1",
            id="stages",
        ),
        pytest.param("ListSecrets", with_body(b"{not json"), None, id="list-not-json"),
        pytest.param("ListSecrets", transform(_bad_arn), "SecretList.2.ARN", id="list-arn"),
        pytest.param("ListSecrets", transform(_bad_tags), "SecretList.0.Tags", id="list-tags"),
        pytest.param(
            "ListSecrets", transform(lambda b: {**b, "NextToken": 5}), "NextToken", id="token"
        ),
    ],
)
async def test_a_200_with_an_unreadable_body_is_a_response_validation_error(
    seeded_proxy: FaultProxy, operation: str, fault: Fault, field: str | None
) -> None:
    """Invalid or wrongly shaped JSON in a 200 gives ResponseValidationError with the field."""
    seeded_proxy.plan(operation, [fault])
    async with client_for(seeded_proxy.endpoint_url) as sm:
        with pytest.raises(SecretsManagerError) as caught:
            await run(sm, operation)

    error = caught.value
    assert type(error) is ResponseValidationError
    assert isinstance(error.__cause__, ValidationError)
    assert error.operation == operation
    assert error.field == field
    assert error.attempts == 1
    if field is not None:
        assert field in str(error)


async def test_a_bad_body_mid_listing_still_says_where_to_resume(
    seeded_proxy: FaultProxy, names: frozenset[str]
) -> None:
    """A wrongly shaped page after good ones names its NextToken, and resuming completes."""
    seeded_proxy.plan("ListSecrets", [FORWARD, FORWARD, transform(_bad_arn)])
    async with client_for(seeded_proxy.endpoint_url) as sm:
        first: list[str] = []
        with pytest.raises(ResponseValidationError) as caught:
            await run(sm, "ListSecrets", first)
        token = caught.value.resume_token
        assert token == seeded_proxy.requests_for("ListSecrets")[2].body["NextToken"]
        rest = [e.name async for e in sm.iter_secrets(page_size=PAGE, starting_token=token)]

    assert len(first) + len(rest) == SECRETS
    assert set(first) | set(rest) == names


def test_the_proxy_forwards_bodies_untouched(seeded_proxy: FaultProxy) -> None:
    """The proxy itself is transparent when no fault is planned (a check on the harness)."""
    status, _, body = seeded_proxy.forward(
        "/",
        {
            "X-Amz-Target": "secretsmanager.ListSecrets",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/"
            "secretsmanager/aws4_request, SignedHeaders=host, Signature=00",
        },
        json.dumps({"MaxResults": 3}).encode(),
    )
    assert status == 200
    assert len(json.loads(body)["SecretList"]) == 3
