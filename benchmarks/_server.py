"""A canned Secrets Manager on 127.0.0.1 that is never the bottleneck.

Run as ``python -m benchmarks._server``: it prints its port and serves until its
stdin closes. Pages are fully populated (every SecretListEntry field, 5 tags, 3
versions) and pre-encoded. The endpoint path picks the listing and the latency:
``http://127.0.0.1:PORT/n/10000/ms/50`` lists 10,000 secrets, 50 ms per request.
"""

from __future__ import annotations

import asyncio
import json
import sys
from functools import cache, lru_cache
from typing import Any

from aiohttp import web

ACCOUNT = "123456789012"
PAGE = 100
_T0 = 1_709_296_245.123


def entry(index: int) -> dict[str, Any]:
    """One fully populated ListSecrets entry, as the service spells it."""
    name = f"prod/service-{index:06d}/db"
    return {
        "ARN": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{name}-AbCdEf",
        "Name": name,
        "Type": "datadog",
        "Description": "RDS master credentials for the payments service",
        "KmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "RotationEnabled": True,
        "RotationLambdaARN": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:rotate-rds",
        "RotationRules": {
            "AutomaticallyAfterDays": 30,
            "Duration": "3h",
            "ScheduleExpression": "cron(0 16 1,15 * ? *)",
        },
        "ExternalSecretRotationMetadata": [
            {"Key": "apiKeyType", "Value": "api_key"},
            {"Key": "site", "Value": "datadoghq.eu"},
        ],
        "ExternalSecretRotationRoleArn": f"arn:aws:iam::{ACCOUNT}:role/external-rotation",
        "LastRotatedDate": _T0 + 86_400.5,
        "LastChangedDate": _T0 + 90_000.25,
        "LastAccessedDate": 1_709_251_200.0,
        "DeletedDate": _T0 + 900_000.0,
        "NextRotationDate": _T0 + 2_592_000.0,
        "Tags": [{"Key": f"key-{t}", "Value": f"value-{t}-{index}"} for t in range(5)],
        "SecretVersionsToStages": {
            f"a1b2c3d4-5678-90ab-cdef-{index:06d}11111": ["AWSCURRENT"],
            f"a1b2c3d4-5678-90ab-cdef-{index:06d}22222": ["AWSPREVIOUS", "blue"],
            f"a1b2c3d4-5678-90ab-cdef-{index:06d}33333": ["AWSPENDING"],
        },
        "OwningService": "rds",
        "CreatedDate": _T0,
        "PrimaryRegion": "us-east-1",
    }


def description(name: str) -> dict[str, Any]:
    """A fully populated DescribeSecret body."""
    body = entry(0)
    body["Name"] = name
    body["VersionIdsToStages"] = body.pop("SecretVersionsToStages")
    body["ReplicationStatus"] = [
        {"Region": "eu-west-1", "KmsKeyId": "alias/aws/secretsmanager", "Status": "InSync"},
    ]
    return body


@cache
def _encoded(index: int) -> bytes:
    return json.dumps(entry(index), separators=(",", ":")).encode()


@lru_cache(maxsize=4096)
def page_body(start: int, size: int, total: int) -> bytes:
    """The bytes of one ListSecrets page: entries start..start+size of total."""
    end = min(start + size, total)
    parts = [b'{"SecretList":[', b",".join(_encoded(i % 1000) for i in range(start, end)), b"]"]
    if end < total:
        parts.append(b',"NextToken":"' + str(end).encode() + b'"')
    parts.append(b"}")
    return b"".join(parts)


async def _handle(request: web.Request) -> web.Response:
    parts = request.path.strip("/").split("/")
    settings = dict(zip(parts[::2], parts[1::2], strict=False))
    total = int(settings.get("n", "1000"))
    latency = int(settings.get("ms", "0")) / 1000
    body = json.loads(await request.read() or b"{}")
    operation = request.headers.get("X-Amz-Target", "").rpartition(".")[2]
    if latency:
        await asyncio.sleep(latency)
    if operation == "ListSecrets":
        start = int(body.get("NextToken") or 0)
        payload = page_body(start, min(int(body.get("MaxResults") or PAGE), PAGE), total)
    elif operation == "DescribeSecret":
        payload = json.dumps(description(str(body.get("SecretId")))).encode()
    else:
        return web.json_response({"__type": "UnknownOperation"}, status=400)
    return web.Response(
        body=payload,
        content_type="application/x-amz-json-1.1",
        headers={"x-amzn-RequestId": "00000000-0000-0000-0000-000000000000"},
    )


async def _serve() -> None:
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", _handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=512)
    await site.start()
    port = runner.addresses[0][1]
    print(port, flush=True)
    # Serve until the parent closes our stdin (or dies).
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(_serve())
