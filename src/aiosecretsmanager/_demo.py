"""``aiosecretsmanager demo``: the main job against an embedded moto server with sample secrets."""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

from .testing import MotoServer, SeedSecret, seed

if TYPE_CHECKING:
    from typing import TextIO

__all__ = ["demo_secrets", "run_demo"]

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


async def run_demo(out: TextIO) -> int:
    """Start moto on 127.0.0.1, seed it, list, describe and report, stop it; return the status."""
    from ._cli import run

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
        for step in steps:
            out.write(f"$ aiosecretsmanager {' '.join(step)}\n")
            status = await run([*step, *connection], out=out)
            out.write("\n")
            if status:
                return status
    return 0
