"""The test kit itself: MotoServer, seed, ScriptedSecretsManager and the pytest plugin."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from aiosecretsmanager import (
    AccessDeniedError,
    ResponseValidationError,
    SecretNotFoundError,
    SecretsManagerError,
)
from aiosecretsmanager.testing import (
    DUMMY_ACCESS_KEY_ID,
    MotoServer,
    ScriptedSecretsManager,
    SeedSecret,
    seed,
)

from .bodies import minimal_entry

if TYPE_CHECKING:
    from aiosecretsmanager import SecretsManager

DOCS = Path(__file__).parent.parent / "docs" / "testing.md"


def test_moto_server_sync_lifecycle() -> None:
    """`with MotoServer()` serves on 127.0.0.1 and a free port, and stops on exit."""
    with MotoServer(region_name="eu-west-1") as server:
        url = server.endpoint_url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert int(url.rsplit(":", 1)[1]) > 0
        assert server.region_name == "eu-west-1"
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.endpoint_url
    server.stop()  # twice is fine


async def test_moto_server_async_lifecycle_and_client() -> None:
    """`async with MotoServer()` works, and its client lists what seed created."""
    async with MotoServer() as server:
        # Servers in one process share moto's in-memory account: start from empty.
        server.reset()
        async with server.client() as sm:
            await seed(sm, [SeedSecret("a")])
            assert [s.name async for s in sm.iter_secrets()] == ["a"]
        server.reset()
        async with server.client() as sm:
            assert [s async for s in sm.iter_secrets()] == []
    with pytest.raises(RuntimeError):
        _ = server.endpoint_url


async def test_seed_creates_everything_it_is_given(sm: SecretsManager) -> None:
    """seed sets description, tags, KMS key, rotation and deletion, and returns ARNs in order."""
    arns = await seed(
        sm,
        [
            SeedSecret("prod/db", description="db", tags={"team": "pay"}, kms_key_id="alias/k"),
            SeedSecret("prod/rotating", rotation_days=7),
            SeedSecret("prod/old", scheduled_for_deletion=True),
        ],
    )
    assert [arn.split(":secret:")[1].rsplit("-", 1)[0] for arn in arns] == [
        "prod/db",
        "prod/rotating",
        "prod/old",
    ]
    db = await sm.describe(arns[0])
    assert (db.description, dict(db.tag_map), db.kms_key_id) == ("db", {"team": "pay"}, "alias/k")
    rotating = await sm.describe(arns[1])
    assert rotating.rotation_enabled is True
    assert rotating.rotation_rules is not None
    assert rotating.rotation_rules.automatically_after_days == 7
    assert (await sm.describe(arns[2])).deleted_date is not None


async def test_scripted_pages_errors_and_record(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Scripted pages (empty with a token) and errors arrive in order and are recorded."""
    scripted.add_page([], next_token="t1")
    scripted.add_page([minimal_entry("a")])
    scripted.add_error("DescribeSecret", "ResourceNotFoundException", "gone", request_id="req-9")
    assert scripted.pending("ListSecrets") == 2
    pages = [page async for page in scripted_sm.iter_pages()]
    assert [len(p.secrets) for p in pages] == [0, 1]
    with pytest.raises(SecretNotFoundError) as caught:
        await scripted_sm.describe("a")
    assert (caught.value.request_id, caught.value.message) == ("req-9", "gone")
    listed = scripted.requests_for("ListSecrets")
    assert [r.body.get("NextToken") for r in listed] == [None, "t1"]
    assert [r.operation for r in scripted.requests] == [
        "ListSecrets",
        "ListSecrets",
        "DescribeSecret",
    ]
    assert all(r.region == "us-east-1" for r in scripted.requests)
    assert scripted.pending("ListSecrets") == 0


async def test_scripted_defaults_exhaustion_and_malformed_bodies(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """The default answers an empty queue; no answer is ScriptExhausted; bytes go out raw."""
    with pytest.raises(SecretsManagerError) as caught:
        await scripted_sm.describe("a")
    assert caught.value.code == "ScriptExhausted"
    scripted.add("DescribeSecret", b"{not json")
    with pytest.raises(ResponseValidationError):
        await scripted_sm.describe("a")
    scripted.set_default("DescribeSecret", minimal_entry("a"))
    assert (await scripted_sm.describe("a")).name == "a"
    assert (await scripted_sm.describe("a")).name == "a"


async def test_scripted_delay_holds_the_answer(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """`delay` holds an answer back that long."""
    scripted.add("DescribeSecret", minimal_entry("a"), delay=0.3)
    started = time.monotonic()
    await scripted_sm.describe("a")
    assert time.monotonic() - started >= 0.3


async def test_scripted_answers_by_region(scripted: ScriptedSecretsManager) -> None:
    """Answers queued for a region go only to requests signed for it, ahead of any-region ones."""
    scripted.set_default("DescribeSecret", minimal_entry("anywhere"))
    scripted.add_error("DescribeSecret", "AccessDeniedException", region="eu-west-1")
    async with scripted.client(region_name="eu-west-1") as west:
        with pytest.raises(AccessDeniedError):
            await west.describe("x")
        assert (await west.describe("x")).name == "anywhere"
    async with scripted.client() as east:
        assert (await east.describe("x")).name == "anywhere"
    assert [r.region for r in scripted.requests] == ["eu-west-1", "eu-west-1", "us-east-1"]


async def test_clients_carry_dummy_credentials(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """Clients from the kit sign with the dummy key, never the caller's credentials."""
    scripted.set_default("DescribeSecret", minimal_entry("a"))
    await scripted_sm.describe("a")
    (request,) = scripted.requests
    authorization = {k.lower(): v for k, v in request.headers.items()}["authorization"]
    assert f"Credential={DUMMY_ACCESS_KEY_ID}/" in authorization


def _docs_example() -> str:
    text = DOCS.read_text()
    block = text.split("<!-- downstream-example -->", 1)[1]
    return block.split("```python\n", 1)[1].split("```", 1)[0]


def test_docs_downstream_example_is_15_lines() -> None:
    """docs/testing.md promises a downstream service's test in 15 lines."""
    assert len(_docs_example().splitlines()) == 15


def test_loading_the_plugin_imports_no_test_machinery() -> None:
    """The plugin module imports neither moto nor the test kit until a fixture runs."""
    code = (
        "import sys, aiosecretsmanager._pytest_plugin\n"
        "print(sorted(m for m in ('moto', 'aiosecretsmanager.testing') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_plugin_in_a_downstream_project(pytester: pytest.Pytester) -> None:
    """In a fresh project: the docs example passes, the endpoint fixture sets and restores
    the environment, and a test that requests no fixture starts and imports nothing."""
    pytester.makeini(
        "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"
        "filterwarnings = error\n"
    )
    pytester.makepyfile(
        # Files run in name order: the quiet test runs before any fixture is used.
        # (The docs example imports aiosecretsmanager.testing itself, at collection.)
        test_a_quiet="""
import sys, threading

def test_nothing_started():
    assert "moto" not in sys.modules
    assert [t.name for t in threading.enumerate()] == ["MainThread"]
""",
        test_b_env="""
import os

def test_inside(aiosecretsmanager_endpoint):
    assert aiosecretsmanager_endpoint.startswith("http://127.0.0.1:")
    assert os.environ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] == aiosecretsmanager_endpoint
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"

def test_after():
    assert "AWS_ENDPOINT_URL_SECRETS_MANAGER" not in os.environ

def test_scripted(aiosecretsmanager_scripted):
    assert aiosecretsmanager_scripted.endpoint_url.startswith("http://127.0.0.1:")
""",
        test_c_docs_example=_docs_example(),
    )
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*test_c_docs_example.py::test_team_secrets PASSED*"])


async def test_scripted_no_content_answers_carry_no_body(
    aiosecretsmanager_scripted: ScriptedSecretsManager,
) -> None:
    """A scripted 204 never writes its body onto the connection, so the next answer is intact."""
    from aiobotocore.config import AioConfig

    from aiosecretsmanager import SecretsManagerError

    server = aiosecretsmanager_scripted
    server.add("DescribeSecret", {"ARN": "a" * 20, "Name": "x"}, status=204)
    server.add("DescribeSecret", {"ARN": "a" * 20, "Name": "y"})
    config = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
    async with server.client(config=config) as sm:
        with pytest.raises(SecretsManagerError):
            await sm.describe("x")
        assert (await sm.describe("y")).name == "y"
    assert len(server.requests_for("DescribeSecret")) == 2


def test_recorded_requests_keep_headers_out_of_repr() -> None:
    """A RecordedRequest's repr never shows the Authorization header or a session token."""
    from aiosecretsmanager.testing import RecordedRequest

    request = RecordedRequest(
        "DescribeSecret",
        {},
        {"Authorization": "AWS4 Credential=AKIDSECRET", "X-Amz-Security-Token": "TOK"},
        0.0,
    )
    assert "AKIDSECRET" not in repr(request) and "TOK" not in repr(request)
    assert request.headers["X-Amz-Security-Token"] == "TOK"
