"""Security: no credential in our logs, errors or reprs; opt-in redaction of botocore's logs."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import pytest
from aiobotocore.config import AioConfig

from aiosecretsmanager import (
    AccessDeniedError,
    ConfigurationError,
    RedactingFilter,
    SecretNotFoundError,
    SecretsManager,
    install_botocore_redaction,
)
from aiosecretsmanager.testing import SeedSecret, dummy_session, seed

from .faults import FaultProxy, throttle

if TYPE_CHECKING:
    from collections.abc import Iterator

    from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager

    from .conftest import MetadataTrap

ACCESS_KEY_ID = "AKIALEAKCANARY7Q3XZ"
SECRET_KEY = "sEcReTcAnArY/k3y+" + "Zq9w" * 8
SESSION_TOKEN = "IQoJb3JpZ2luX2VjCanaryToken/" + "Xy7+Pq2=" * 40
CREDENTIALS = (ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN)
DESCRIPTION = "DESCRIPTION-CANARY-5150"
TAG_VALUE = "TAG-VALUE-CANARY-5150"
_SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[tuple[logging.LogRecord, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record, self.format(record)))

    def lines(self, *prefixes: str) -> list[str]:
        return [text for record, text in self.records if record.name.startswith(prefixes)]


@pytest.fixture
def capture() -> Iterator[_Capture]:
    """Every log record of the run, at DEBUG, formatted with its traceback."""
    handler = _Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


class Run:
    """What a full run left behind: results, errors, signatures and the URLs it called."""

    def __init__(self) -> None:
        self.objects: list[Any] = []
        self.signatures: set[str] = set()
        self.urls: list[str] = []
        self.endpoint = ""


async def full_run(moto: MotoServer) -> Run:
    """Describe, list, a retried throttle and an error, with distinctive credentials."""
    run = Run()
    session = dummy_session(ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN)
    session.register("before-send", lambda request, **_: run.urls.append(request.url))
    config = AioConfig(retries={"mode": "standard", "total_max_attempts": 3})
    with FaultProxy(moto.endpoint_url) as proxy:
        async with SecretsManager(
            endpoint_url=proxy.endpoint_url, region_name="us-east-1", session=session, config=config
        ) as sm:
            run.objects.append(sm)
            await seed(
                sm,
                [
                    SeedSecret(f"sec/{n}", description=DESCRIPTION, tags={"k": TAG_VALUE})
                    for n in range(3)
                ],
            )
            run.objects.append(await sm.describe("sec/0"))
            run.objects += [entry async for entry in sm.iter_secrets(page_size=2)]
            proxy.plan("DescribeSecret", [throttle()])
            run.objects.append(await sm.describe("sec/1"))
            with pytest.raises(SecretNotFoundError) as caught:
                await sm.describe("sec/missing")
            run.objects.append(caught.value)
        run.endpoint = proxy.endpoint_url
        for request in proxy.requests:
            run.signatures.update(_SIGNATURE.findall(request.headers.get("Authorization", "")))
    assert run.signatures
    return run


def _leaks(texts: list[str], run: Run) -> list[str]:
    secrets = [*CREDENTIALS, *run.signatures]
    return [text for text in texts if any(secret in text for secret in secrets)]


def _shown(objects: list[Any]) -> list[str]:
    texts: list[str] = []
    for obj in objects:
        texts += [str(obj), repr(obj)]
        if isinstance(obj, BaseException):
            texts += [str(obj.__cause__), repr(obj.__cause__), repr(obj.args)]
    return texts


async def test_our_logs_errors_and_reprs_hold_no_credential(
    moto: MotoServer, capture: _Capture
) -> None:
    """A full run at DEBUG: no credential or signature in our records, errors or reprs."""
    run = await full_run(moto)
    ours = capture.lines("aiosecretsmanager")
    assert ours
    assert _leaks(ours, run) == []
    assert _leaks(_shown(run.objects), run) == []


async def test_our_debug_lines_say_what_happened_and_nothing_private(
    moto: MotoServer, capture: _Capture
) -> None:
    """Our DEBUG lines carry operation, page, request id, attempts, counts, timing; INFO silent."""
    await full_run(moto)
    ours = [record for record, _ in capture.records if record.name.startswith("aiosecretsmanager")]
    assert all(record.levelno == logging.DEBUG for record in ours)
    text = "\n".join(record.getMessage() for record in ours)
    assert DESCRIPTION not in text
    assert TAG_VALUE not in text
    assert re.search(
        r"DescribeSecret ok: request id \S+, 1 attempt\(s\), 1 item\(s\), [\d.]+ ms", text
    )
    assert re.search(r"DescribeSecret ok: request id \S+, 2 attempt\(s\)", text)
    # Three secrets in pages of 2: each line says which page of the listing it is.
    assert re.search(r"ListSecrets page 1 ok: request id \S+, 1 attempt\(s\), 2 item\(s\)", text)
    assert re.search(r"ListSecrets page 2 ok: request id \S+, 1 attempt\(s\), 1 item\(s\)", text)
    assert re.search(r"DescribeSecret failed: ResourceNotFoundException \(request id \S+", text)


async def test_botocore_logs_credentials_without_the_filter(
    moto: MotoServer, capture: _Capture
) -> None:
    """botocore's own DEBUG lines carry the key id, token and signature (why the filter exists)."""
    run = await full_run(moto)
    botocore_text = "\n".join(capture.lines("botocore", "aiobotocore"))
    assert ACCESS_KEY_ID in botocore_text
    assert SESSION_TOKEN in botocore_text
    assert any(signature in botocore_text for signature in run.signatures)


async def test_the_installed_filter_leaves_no_credential_in_any_record(
    moto: MotoServer, capture: _Capture
) -> None:
    """With install_botocore_redaction(), the full-run capture holds no credential at all."""
    uninstall = install_botocore_redaction()
    try:
        run = await full_run(moto)
    finally:
        uninstall()
    everything = [text for _, text in capture.records]
    assert _leaks(everything, run) == []
    botocore_text = "\n".join(capture.lines("botocore"))
    # Redacted, not dropped: the records still say what was sent.
    assert "<redacted>" in botocore_text
    assert "DescribeSecret" in botocore_text
    assert "SignedHeaders=" in botocore_text
    assert not any(
        isinstance(item, RedactingFilter)
        for name in ("botocore", "botocore.endpoint", "botocore.auth")
        for item in logging.getLogger(name).filters
    )


def test_the_filter_changes_nothing_else() -> None:
    """A record without credentials is untouched; one with them keeps everything else."""
    plain = logging.LogRecord(
        "botocore.hooks", logging.DEBUG, "", 0, "Event %s: %r", ("x", 1), None
    )
    assert RedactingFilter().filter(plain)
    assert (plain.msg, plain.args) == ("Event %s: %r", ("x", 1))

    header = (
        f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20240101/us-east-1/secretsmanager/"
        f"aws4_request, SignedHeaders=host;x-amz-date, Signature={'ab' * 32}"
    )
    message = f"headers={{'Authorization': {header!r}, 'X-Amz-Security-Token': {SESSION_TOKEN!r}}}"
    record = logging.LogRecord("botocore.endpoint", logging.DEBUG, "", 0, "%s", (message,), None)
    assert RedactingFilter().filter(record)
    text = record.getMessage()
    assert all(secret not in text for secret in (ACCESS_KEY_ID, SESSION_TOKEN, "ab" * 32))
    assert "/20240101/us-east-1/secretsmanager/aws4_request" in text
    assert "SignedHeaders=host;x-amz-date" in text
    assert text.count("<redacted>") == 3


async def test_a_service_message_echoing_credentials_is_redacted(
    scripted: ScriptedSecretsManager,
) -> None:
    """A signature error that quotes the canonical request reaches no error text unredacted."""
    scripted.add_error(
        "DescribeSecret",
        "InvalidSignatureException",
        "The request signature we calculated does not match. The Canonical String was\n"
        f"POST\n/\n\nhost:127.0.0.1\nx-amz-security-token:{SESSION_TOKEN}\n"
        f"Authorization=AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20240101/us-east-1/"
        f"secretsmanager/aws4_request, Signature={'cd' * 32}",
    )
    session = dummy_session(ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN)
    async with scripted.client(session=session) as sm:
        with pytest.raises(AccessDeniedError) as caught:
            await sm.describe("x")
    texts = [*_shown([caught.value]), caught.value.message]
    assert all(secret not in text for text in texts for secret in (*CREDENTIALS, "cd" * 32))
    assert "signature we calculated does not match" in caught.value.message


async def test_requests_go_only_to_the_configured_endpoint(moto: MotoServer) -> None:
    """Every HTTP attempt of a full run, retries included, goes to the configured endpoint."""
    run = await full_run(moto)
    assert run.urls
    assert all(url.startswith(run.endpoint + "/") for url in run.urls)


async def test_the_metadata_trap_sees_a_credential_chain_that_reaches_for_it(
    monkeypatch: pytest.MonkeyPatch, metadata_trap: MetadataTrap, scripted: ScriptedSecretsManager
) -> None:
    """With no credentials and metadata enabled, the chain hits the trap (a check on the guard)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    async with SecretsManager(endpoint_url=scripted.endpoint_url, region_name="us-east-1") as sm:
        with pytest.raises(ConfigurationError):
            await sm.describe("x")
    hits = metadata_trap.take()
    assert hits, "the credential chain never reached the trap"
    assert scripted.requests == []
