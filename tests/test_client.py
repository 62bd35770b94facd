"""The client against moto's server over real HTTP: describe, listing, filters, lifecycle."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiobotocore.config import AioConfig

from aiosecretsmanager import (
    DEFAULT_CONFIG,
    ConfigurationError,
    Filter,
    InvalidParameterError,
    SecretDescription,
    SecretListEntry,
    SecretNotFoundError,
    SecretsManager,
)
from aiosecretsmanager.testing import (
    MotoServer,
    ScriptedSecretsManager,
    SeedSecret,
    dummy_session,
    seed,
)

from .bodies import minimal_entry


async def test_describe_by_name_full_arn_and_partial_arn(sm: SecretsManager) -> None:
    """describe() finds a secret by its name, its full ARN and its ARN without the suffix."""
    [arn] = await seed(
        sm,
        [
            SeedSecret(
                "prod/payments/db",
                description="payments database",
                tags={"team": "payments", "env": "prod"},
                kms_key_id="alias/prod-secrets",
            )
        ],
    )
    assert arn.rsplit("-", 1)[1].isalnum()
    partial = arn.rsplit("-", 1)[0]
    for secret_id in ("prod/payments/db", arn, partial):
        secret = await sm.describe(secret_id)
        assert isinstance(secret, SecretDescription)
        assert secret.arn == arn
        assert secret.name == "prod/payments/db"
        assert secret.description == "payments database"
        assert secret.kms_key_id == "alias/prod-secrets"
        assert dict(secret.tag_map) == {"team": "payments", "env": "prod"}
        assert secret.current_version_id is not None
        assert "AWSCURRENT" in secret.version_stages[secret.current_version_id]


async def test_listing_a_few_hundred_secrets_yields_each_once(sm: SecretsManager) -> None:
    """iter_secrets with a small page size walks every page and yields each secret once."""
    names = [f"svc{i:03d}/db" for i in range(230)]
    await seed(sm, [SeedSecret(name) for name in names])
    listed = [entry async for entry in sm.iter_secrets(page_size=7)]
    assert all(isinstance(entry, SecretListEntry) for entry in listed)
    assert sorted(entry.name for entry in listed) == names
    assert len({entry.arn for entry in listed}) == len(names)


async def test_pages_resume_from_next_token(sm: SecretsManager) -> None:
    """A page's next_token resumes the listing right after that page."""
    names = [f"s{i:02d}" for i in range(25)]
    await seed(sm, [SeedSecret(name) for name in names])
    first = await anext(sm.iter_pages(page_size=10))
    assert len(first.secrets) == 10
    assert first.next_token is not None
    rest = [entry.name async for entry in sm.iter_secrets(starting_token=first.next_token)]
    assert sorted([entry.name for entry in first.secrets] + rest) == names


async def test_max_items_stops_and_fetches_no_extra_page(sm: SecretsManager) -> None:
    """max_items yields exactly that many entries, and pages never overshoot it."""
    await seed(sm, [SeedSecret(f"s{i:02d}") for i in range(30)])
    entries = [entry async for entry in sm.iter_secrets(page_size=10, max_items=15)]
    assert len(entries) == 15
    pages = [page async for page in sm.iter_pages(page_size=10, max_items=15)]
    assert [len(page.secrets) for page in pages] == [10, 5]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([Filter(key="name", values=["prod/"])], {"prod/payments/db", "prod/orders/api-key"}),
        ([Filter(key="tag-key", values=["pager"])], {"prod/orders/api-key"}),
        ([Filter(key="tag-value", values=["payments"])], {"prod/payments/db", "dev/payments/db"}),
        ([Filter(key="description", values=["stripe"])], {"prod/orders/api-key"}),
        ([Filter(key="all", values=["orders"])], {"prod/orders/api-key"}),
        (
            [Filter(key="name", values=["prod/"]), Filter(key="tag-value", values=["payments"])],
            {"prod/payments/db"},
        ),
    ],
)
async def test_filters(sm: SecretsManager, filters: list[Filter], expected: set[str]) -> None:
    """Each filter key narrows the listing the way the service applies it."""
    await seed(
        sm,
        [
            SeedSecret("prod/payments/db", description="database", tags={"team": "payments"}),
            SeedSecret(
                "prod/orders/api-key",
                description="stripe key",
                tags={"team": "orders", "pager": "yes"},
            ),
            SeedSecret("dev/payments/db", description="database", tags={"team": "payments"}),
        ],
    )
    names = {entry.name async for entry in sm.iter_secrets(filters=filters)}
    assert names == expected


async def test_include_planned_deletion(sm: SecretsManager) -> None:
    """A secret scheduled for deletion is listed, with deleted_date, only when asked for."""
    await seed(sm, [SeedSecret("keep"), SeedSecret("going", scheduled_for_deletion=True)])
    default = {entry.name async for entry in sm.iter_secrets()}
    assert default == {"keep"}
    everything = {
        entry.name: entry async for entry in sm.iter_secrets(include_planned_deletion=True)
    }
    assert set(everything) == {"keep", "going"}
    assert everything["going"].deleted_date is not None
    assert everything["keep"].deleted_date is None
    described = await sm.describe("going")
    assert described.deleted_date == everything["going"].deleted_date


async def test_rotation_fields(sm: SecretsManager) -> None:
    """Rotation settings come back as typed fields with UTC dates."""
    await seed(sm, [SeedSecret("rotating", rotation_days=7)])
    secret = await sm.describe("rotating")
    assert secret.rotation_enabled is True
    assert secret.rotation_rules is not None
    assert secret.rotation_rules.automatically_after_days == 7
    assert secret.last_rotated_date is not None
    assert secret.next_rotation_date is not None
    assert secret.next_rotation_date > secret.last_rotated_date


async def test_missing_secret_raises_not_found_with_code_and_request_id(sm: SecretsManager) -> None:
    """A missing secret is SecretNotFoundError carrying the code, operation and request id."""
    with pytest.raises(SecretNotFoundError) as caught:
        await sm.describe("prod/does-not-exist")
    error = caught.value
    assert error.code == "ResourceNotFoundException"
    assert error.operation == "DescribeSecret"
    assert error.secret_id == "prod/does-not-exist"
    assert error.request_id
    assert error.http_status is not None
    assert error.request_id in str(error)
    assert type(error.__cause__).__name__ == "ResourceNotFoundException"


async def test_from_client_keeps_the_callers_client_open(moto: MotoServer) -> None:
    """from_client wraps an open client, does not close it, and leaves its own calls alone."""
    session = dummy_session()
    async with session.create_client(
        "secretsmanager", region_name="us-east-1", endpoint_url=moto.endpoint_url
    ) as client:
        await client.create_secret(
            Name="wrapped", SecretString="x", Tags=[{"Key": "k", "Value": "v"}]
        )
        async with SecretsManager.from_client(client) as sm:
            assert (await sm.describe("wrapped")).tag_map == {"k": "v"}
            assert [entry.name async for entry in sm.iter_secrets()] == ["wrapped"]
        # Still open and parsing as botocore always did: a dict with botocore's keys.
        raw = await client.describe_secret(SecretId="wrapped")
        assert raw["Name"] == "wrapped"
        assert "_aiosecretsmanager_body" not in raw
        listed = await client.list_secrets()
        assert [entry["Name"] for entry in listed["SecretList"]] == ["wrapped"]


def test_from_client_rejects_other_objects(moto: MotoServer) -> None:
    """from_client refuses anything but an aiobotocore secretsmanager client, sync boto3 too."""
    import boto3

    sync_client = boto3.client(
        "secretsmanager", region_name="us-east-1", endpoint_url=moto.endpoint_url
    )
    for candidate in (object(), sync_client):
        with pytest.raises(InvalidParameterError, match="secretsmanager client"):
            SecretsManager.from_client(candidate)  # type: ignore[arg-type]
    # boto3's class is also called SecretsManager: the message names its module.
    with pytest.raises(InvalidParameterError, match=r"not botocore\.client\.SecretsManager$"):
        SecretsManager.from_client(sync_client)  # type: ignore[arg-type]
    sync_client.close()


async def test_leaving_the_block_closes_and_the_client_can_reopen(moto: MotoServer) -> None:
    """After async with, calls fail clearly; entering again opens a new session."""
    manager = moto.client()
    async with manager as sm:
        await seed(sm, [SeedSecret("a")])
    with pytest.raises(RuntimeError, match="not open"):
        await manager.describe("a")
    async with manager as sm:
        assert (await sm.describe("a")).name == "a"


async def test_user_config_is_merged_over_defaults(moto: MotoServer) -> None:
    """A user's config overrides only the options it sets; our retry defaults stay."""
    async with moto.client(config=AioConfig(read_timeout=7, max_pool_connections=3)) as sm:
        config = sm.client.meta.config
        assert config.read_timeout == 7
        assert config.max_pool_connections == 3
        assert config.connect_timeout == DEFAULT_CONFIG.connect_timeout
        assert config.retries == {"mode": "standard", "total_max_attempts": 5}


async def test_no_region_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, moto: MotoServer
) -> None:
    """Without any region the client says so with a typed error, not a botocore one."""
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with pytest.raises(ConfigurationError, match="region"):
        async with SecretsManager(endpoint_url=None, session=dummy_session()):
            pass


async def test_unknown_profile_is_a_configuration_error() -> None:
    """A profile the config files do not have fails on entering the block, typed."""
    with pytest.raises(ConfigurationError, match="no-such-profile"):
        async with SecretsManager(profile_name="no-such-profile", region_name="us-east-1"):
            pass


@pytest.mark.parametrize(
    "region", ["us east 1", "eu-west-1\n", " eu-west-1", "eu-west-1 ", "eu_west_1", "-eu", "EU"]
)
def test_bad_region_names_fail_at_construction(region: str) -> None:
    """A region_name that is not one lower-case DNS label, whitespace included, fails at once."""
    with pytest.raises(InvalidParameterError, match="region_name"):
        SecretsManager(region_name=region)


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "us-gov-west-1", "cn-north-1"])
def test_real_region_names_are_accepted(region: str) -> None:
    """Region names as AWS spells them pass the check."""
    SecretsManager(region_name=region)


@pytest.mark.parametrize(
    "url",
    [
        "http://user:hunter2@127.0.0.1:4566",
        "https://:hunter2@example.com",
        "http://user:hunter2@[::1",
        "http://user:hunter2@127.0.0.1:99999",
        "http://user:hunter2/x@127.0.0.1",
    ],
)
def test_endpoint_url_with_a_password_is_refused_without_echoing_it(url: str) -> None:
    """user:password@ in endpoint_url fails at once, and no message shows the password."""
    with pytest.raises(InvalidParameterError, match="endpoint_url") as caught:
        SecretsManager(endpoint_url=url)
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(caught.value.args)


async def test_configured_endpoint_with_a_password_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, scripted: ScriptedSecretsManager
) -> None:
    """An AWS_ENDPOINT_URL with user:password@ is a ConfigurationError that hides it."""
    port = scripted.endpoint_url.rsplit(":", 1)[1]
    for url in (f"http://user:hunter2@127.0.0.1:{port}", "http://user:hunter2@[::1"):
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        with pytest.raises(ConfigurationError) as caught:
            async with SecretsManager(region_name="us-east-1"):
                pass
        assert "hunter2" not in str(caught.value)
        assert "hunter2" not in str(caught.value.__cause__ or "")
    assert scripted.requests == []


def test_constructor_rejects_bad_arguments() -> None:
    """Wrong types and profile+session together are InvalidParameterError at construction."""
    with pytest.raises(InvalidParameterError, match="region_name"):
        SecretsManager(region_name=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="session"):
        SecretsManager(session="not a session")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="not both"):
        SecretsManager(profile_name="p", session=dummy_session())
    with pytest.raises(InvalidParameterError, match="config"):
        SecretsManager(config={"read_timeout": 1})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1:21",
        "http://127.0.0.1:abc",
        "http://127.0.0.1:99999",
        "http://",
        "http://[::1",
        "http://[::1]:abc",
        "http://127.0.0.1:4566\n",
        " http://127.0.0.1:4566",
        "http://127.0.0.1:4566/a b",
    ],
)
def test_bad_endpoint_urls_fail_at_construction(url: str) -> None:
    """An endpoint that is not an http(s) URL with a host and a valid port fails at once."""
    with pytest.raises(InvalidParameterError, match="endpoint_url"):
        SecretsManager(endpoint_url=url)


async def test_profile_name_supplies_region_and_credentials(
    scripted: ScriptedSecretsManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """profile_name reads the region and keys of that profile, and requests are signed with them."""
    config = tmp_path / "config"
    config.write_text(
        "[profile audit]\nregion = eu-west-1\n"
        "aws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = not-a-secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    scripted.set_default("DescribeSecret", minimal_entry("x"))
    async with SecretsManager(profile_name="audit", endpoint_url=scripted.endpoint_url) as sm:
        assert (await sm.describe("x")).name == "x"
    (request,) = scripted.requests_for("DescribeSecret")
    assert request.region == "eu-west-1"
    authorization = {k.lower(): v for k, v in request.headers.items()}["authorization"]
    assert "Credential=AKIDFROMPROFILE/" in authorization
