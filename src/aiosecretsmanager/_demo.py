"""``aiosecretsmanager demo``: the main job against an embedded moto server with sample secrets."""

from __future__ import annotations

import importlib.util
import os
import shlex
import time
from typing import TYPE_CHECKING, Any

from .testing import MotoServer, ScriptedSecretsManager, SeedSecret, seed

if TYPE_CHECKING:
    from typing import TextIO

__all__ = ["demo_secrets", "managed_secrets", "run_demo"]

_ACCOUNT = "123456789012"

_SERVICES = {
    "payments": ("team-payments", "CC-1010"),
    "orders": ("team-commerce", "CC-1020"),
    "users": ("team-identity", "CC-1030"),
    "search": ("team-discovery", "CC-1040"),
    "billing": ("team-payments", "CC-1010"),
    "notifications": ("team-platform", "CC-1050"),
}
_ENVIRONMENTS = ("prod", "staging", "dev")


def demo_secrets() -> list[SeedSecret]:
    """About 40 realistic secrets: paths, tags, rotation, one scheduled for deletion."""
    secrets: list[SeedSecret] = []
    for env in _ENVIRONMENTS:
        for service, (team, cost_center) in _SERVICES.items():
            tags = {"env": env, "team": team, "cost-center": cost_center}
            secrets.append(
                SeedSecret(
                    f"{env}/{service}/db",
                    description=f"PostgreSQL credentials for the {service} service ({env})",
                    tags={**tags, "kind": "database"},
                    kms_key_id=f"alias/{env}-secrets" if env == "prod" else None,
                    rotation_days=30 if env == "prod" else None,
                )
            )
            secrets.append(
                SeedSecret(
                    f"{env}/{service}/api-key",
                    description=f"Third-party API key used by {service} ({env})",
                    tags={**tags, "kind": "api-key"},
                )
            )
    secrets += [
        SeedSecret(
            "shared/observability/datadog-api-key",
            description="Datadog API key for every service's agent",
            tags={"team": "team-platform", "kind": "api-key"},
            rotation_days=90,
        ),
        SeedSecret(
            "/ci/github/deploy-token",
            description="GitHub token the deploy pipeline uses",
            tags={"team": "team-platform", "kind": "token"},
        ),
        SeedSecret(
            "prod/payments/stripe-webhook-signing",
            description="Stripe webhook signing secret",
            tags={"env": "prod", "team": "team-payments", "kind": "signing-key"},
            kms_key_id="alias/prod-secrets",
        ),
        SeedSecret(
            "staging/legacy-reports/db",
            description="Retired reporting database (scheduled for deletion)",
            tags={"env": "staging", "team": "team-data", "kind": "database"},
            scheduled_for_deletion=True,
        ),
    ]
    return secrets


def managed_secrets(region_name: str) -> list[dict[str, Any]]:
    """ListSecrets entries, as AWS sends them, for secrets other AWS services manage.

    moto cannot set ``OwningService`` (the 2019-07-23 field this library began with),
    so the demo serves these from a scripted endpoint on 127.0.0.1.
    """
    prefix = f"arn:aws:secretsmanager:{region_name}:{_ACCOUNT}:secret:"
    # Dates relative to today, so the rotation figures read as a live account's would.
    created = float(int(time.time()) - 90 * 86_400)
    owned = [
        ("rds!db-3f1c9a2e-8b4d-4e7a-9c1f-2d6b8e4a7c11", "rds", "RDS master user password"),
        ("rds!cluster-7a2b4c6d-1e3f-4a5b-8c9d-0e1f2a3b4c5d", "rds", "Aurora cluster password"),
        ("redshift!analytics-admin", "redshift", "Redshift admin password"),
        ("appflow!salesforce-connection", "appflow", "AppFlow connector credentials"),
    ]
    entries: list[dict[str, Any]] = []
    for index, (name, service, description) in enumerate(owned):
        version = f"{index + 1:08d}-0000-4000-8000-000000000000"
        entries.append(
            {
                "ARN": f"{prefix}{name}-Ab{index}dEf",
                "Name": name,
                "Description": description,
                "OwningService": service,
                "RotationEnabled": True,
                "RotationRules": {"AutomaticallyAfterDays": 7},
                "LastRotatedDate": created + 86_400 * 86,
                "NextRotationDate": created + 86_400 * 93,
                "LastChangedDate": created + 86_400 * 86,
                "CreatedDate": created,
                "Tags": [{"Key": "managed-by", "Value": service}],
                "SecretVersionsToStages": {version: ["AWSCURRENT"]},
            }
        )
    entries.append(
        {
            "ARN": f"{prefix}prod/reporting/api-key-Zz9yXw",
            "Name": "prod/reporting/api-key",
            "LastChangedDate": created,
            "CreatedDate": created,
        }
    )
    return entries


async def _run_steps(steps: list[list[str]], connection: list[str], out: TextIO) -> int:
    from ._cli import run

    for step in steps:
        out.write(f"$ aiosecretsmanager {shlex.join(step)}\n")
        status = await run([*step, *connection], out=out)
        out.write("\n")
        if status:
            return status
    return 0


async def run_demo(out: TextIO) -> int:
    """Start moto on 127.0.0.1, seed it, list, describe and report, stop it; return the status.

    Then the same reports against a scripted endpoint on 127.0.0.1 serving secrets
    that AWS services own, which moto cannot make.
    """
    if importlib.util.find_spec("moto") is None:
        raise RuntimeError("the demo needs moto's server: pip install 'aiosecretsmanager[testing]'")

    # Dummy credentials for the CLI's own client, and never a metadata probe.
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "demo"),
        ("AWS_SECRET_ACCESS_KEY", "demo"),
    ):
        os.environ[name] = value
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)

    async with MotoServer() as moto:
        async with moto.client() as sm:
            arns = await seed(sm, demo_secrets())
        out.write(f"Embedded moto server at {moto.endpoint_url} with {len(arns)} secrets.\n\n")
        connection = ["--endpoint-url", moto.endpoint_url, "--region", moto.region_name]
        steps = [
            ["list", "--include-planned-deletion", "--page-size", "10"],
            [
                "list",
                "--filter",
                "tag-key=env",
                "--filter",
                "name=prod/",
                "--output",
                "ndjson",
                "--max-items",
                "2",
            ],
            ["describe", "prod/payments/db"],
            ["report", "owners"],
            ["report", "rotation"],
            ["report", "pending-deletion"],
        ]
        status = await _run_steps(steps, connection, out)
        if status:
            return status

    region = "us-east-1"
    entries = managed_secrets(region)
    with ScriptedSecretsManager() as scripted:
        scripted.set_default("ListSecrets", {"SecretList": entries})
        described = {
            **entries[0],
            "VersionIdsToStages": entries[0]["SecretVersionsToStages"],
            "LastAccessedDate": float(int(time.time()) // 86_400 * 86_400 - 86_400),
        }
        del described["SecretVersionsToStages"]
        scripted.set_default("DescribeSecret", described)
        out.write(
            "moto cannot set OwningService, so a scripted endpoint at "
            f"{scripted.endpoint_url}\nanswers as AWS does for secrets that other "
            "AWS services manage.\n\n"
        )
        steps = [
            ["report", "owners"],
            ["list", "--columns", "name,owner,rotation,last-rotated"],
            ["describe", entries[0]["Name"]],
        ]
        return await _run_steps(
            steps, ["--endpoint-url", scripted.endpoint_url, "--region", region], out
        )
