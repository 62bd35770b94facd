"""describe_many: input order, errors in their slot, bounded concurrency, the pool, retries."""

from __future__ import annotations

import pytest
from aiobotocore.config import AioConfig

from aiosecretsmanager import (
    DEFAULT_CONFIG,
    AccessDeniedError,
    InternalServiceError,
    InvalidParameterError,
    ResponseValidationError,
    SecretDescription,
    SecretNotFoundError,
    SecretsManager,
    SecretsManagerError,
    ThrottlingError,
)
from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager, SeedSecret, seed

from .bodies import full_description


def _first_wave(scripted: ScriptedSecretsManager, delay: float) -> int:
    """How many requests arrived before the first answer could have gone out."""
    started = [request.started for request in scripted.requests_for("DescribeSecret")]
    return sum(1 for moment in started if moment < min(started) + delay * 0.8)


async def test_results_come_in_input_order_with_errors_in_their_slot(
    sm: SecretsManager,
) -> None:
    """A missing secret gives SecretNotFoundError in its slot; the rest are described."""
    await seed(sm, [SeedSecret(f"app/{i}") for i in range(5)])
    ids = ["app/3", "missing/one", "app/0", "app/4", "app/3"]
    results = await sm.describe_many(ids, concurrency=2)
    assert len(results) == 5
    assert isinstance(results[1], SecretNotFoundError)
    assert results[1].secret_id == "missing/one"
    names = [r.name if isinstance(r, SecretDescription) else None for r in results]
    assert names == ["app/3", None, "app/0", "app/4", "app/3"]


async def test_every_kind_of_failure_stays_in_its_slot(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """A malformed body, a 500, a denial and a missing id each fill their own slot only."""
    scripted.add("DescribeSecret", full_description("one"))
    scripted.add("DescribeSecret", b"{not json")
    scripted.add_error("DescribeSecret", "InternalServiceError", status=500)
    scripted.add_error("DescribeSecret", "AccessDeniedException")
    scripted.add_error("DescribeSecret", "ResourceNotFoundException")
    scripted.add("DescribeSecret", full_description("six"))
    ids = ["one", "two", "three", "four", "five", "six"]
    results = await scripted_sm.describe_many(ids, concurrency=1)
    kinds = [type(result) for result in results]
    assert kinds == [
        SecretDescription,
        ResponseValidationError,
        InternalServiceError,
        AccessDeniedError,
        SecretNotFoundError,
        SecretDescription,
    ]
    errors = [r for r in results if isinstance(r, SecretsManagerError)]
    assert [error.secret_id for error in errors] == ["two", "three", "four", "five"]
    assert all(error.operation == "DescribeSecret" for error in errors)
    assert all(error.request_id for error in errors)


async def test_empty_input_sends_nothing(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """No ids, no requests, an empty list."""
    assert await scripted_sm.describe_many([]) == []
    assert scripted.requests == []


@pytest.mark.parametrize(
    ("ids", "concurrency", "match"),
    [
        ("app/one", 4, "secret_ids must be a sequence"),
        (["ok", ""], 4, r"secret_ids\[1\]"),
        (["ok", 7], 4, r"secret_ids\[1\]"),
        (["ok"], 0, "concurrency"),
        (["ok"], 1001, "concurrency"),
        (["ok"], True, "concurrency"),
    ],
)
async def test_bad_arguments_fail_before_any_request(
    scripted: ScriptedSecretsManager,
    scripted_sm: SecretsManager,
    ids: object,
    concurrency: object,
    match: str,
) -> None:
    """Bad ids or concurrency raise InvalidParameterError and send nothing."""
    with pytest.raises(InvalidParameterError, match=match):
        await scripted_sm.describe_many(ids, concurrency=concurrency)  # type: ignore[arg-type]
    assert scripted.requests == []


async def test_concurrency_bounds_requests_in_flight(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """concurrency=3 never has more than 3 requests at the server at once."""
    scripted.set_default("DescribeSecret", full_description(), delay=0.3)
    results = await scripted_sm.describe_many([f"s{i}" for i in range(7)], concurrency=3)
    assert all(isinstance(r, SecretDescription) for r in results)
    assert _first_wave(scripted, 0.3) == 3


def test_default_pool_covers_the_default_concurrency() -> None:
    """Our default config opens enough connections for describe_many's default of 32."""
    assert DEFAULT_CONFIG.max_pool_connections >= 32


async def test_the_pool_grows_beyond_aiobotocores_ten(scripted: ScriptedSecretsManager) -> None:
    """32 requests are in flight at once: the pool is not aiobotocore's default of 10."""
    scripted.set_default("DescribeSecret", full_description(), delay=0.4)
    async with scripted.client() as sm:
        results = await sm.describe_many([f"s{i}" for i in range(40)])
    assert all(isinstance(r, SecretDescription) for r in results)
    assert _first_wave(scripted, 0.4) == 32


async def test_a_user_config_keeps_the_larger_pool(scripted: ScriptedSecretsManager) -> None:
    """A config that sets other options leaves our pool size in place."""
    async with scripted.client(config=AioConfig(read_timeout=10)) as sm:
        assert sm.client.meta.config.max_pool_connections == DEFAULT_CONFIG.max_pool_connections


async def test_throttling_in_a_batch_is_retried(scripted: ScriptedSecretsManager) -> None:
    """A throttled describe inside a batch is retried with backoff and succeeds."""
    scripted.add_error("DescribeSecret", "ThrottlingException", status=400)
    scripted.set_default("DescribeSecret", full_description())
    async with scripted.client() as sm:
        results = await sm.describe_many(["a", "b"], concurrency=1)
    assert all(isinstance(r, SecretDescription) for r in results)
    assert len(scripted.requests_for("DescribeSecret")) == 3


async def test_an_exhausted_retry_budget_gives_the_error_in_its_slot(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """With retries off, a throttled id holds ThrottlingError and the batch goes on."""
    scripted.add_error("DescribeSecret", "ThrottlingException", status=400)
    scripted.set_default("DescribeSecret", full_description())
    results = await scripted_sm.describe_many(["a", "b", "c"], concurrency=1)
    assert isinstance(results[0], ThrottlingError)
    assert all(isinstance(r, SecretDescription) for r in results[1:])


async def test_from_client_uses_the_callers_pool(moto: MotoServer) -> None:
    """A wrapped client keeps its own pool size: we never replace the caller's settings."""
    from aiosecretsmanager.testing import dummy_session

    session = dummy_session()
    async with session.create_client(
        "secretsmanager", region_name="us-east-1", endpoint_url=moto.endpoint_url
    ) as client:
        sm = SecretsManager.from_client(client)
        assert sm.client.meta.config.max_pool_connections == 10
        results = await sm.describe_many(["nope"])
    assert isinstance(results[0], SecretNotFoundError)
