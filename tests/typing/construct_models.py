"""Downstream code that builds models by their snake_case names, as a test would.

Checked, never run: by mypy --strict with and without the pydantic plugin, and by
pyright in strict mode, in an environment without botocore or aiobotocore stubs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

from typing_extensions import assert_type

from aiosecretsmanager import (
    ExternalSecretRotationMetadataItem,
    Filter,
    ReplicationStatus,
    RotationRules,
    SecretDescription,
    SecretListEntry,
    SecretListPage,
    Tag,
)

WHEN = datetime(2024, 3, 1, 12, 30, tzinfo=timezone.utc)
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"

entry = SecretListEntry(
    arn=ARN,
    name="prod/db",
    type=None,
    description="the payments database",
    kms_key_id="alias/prod",
    rotation_enabled=True,
    rotation_lambda_arn="arn:aws:lambda:us-east-1:123456789012:function:rotate",
    rotation_rules=RotationRules(automatically_after_days=30, duration="3h"),
    external_secret_rotation_metadata=(ExternalSecretRotationMetadataItem(key="k", value="v"),),
    external_secret_rotation_role_arn=None,
    last_rotated_date=WHEN,
    last_changed_date=WHEN,
    last_accessed_date=WHEN,
    deleted_date=None,
    next_rotation_date=WHEN,
    tags=(Tag(key="team", value="pay"),),
    owning_service="rds",
    created_date=WHEN,
    primary_region="us-east-1",
    secret_versions_to_stages={"v1": ("AWSCURRENT",)},
)
assert_type(entry.arn, str)
assert_type(entry.owning_service, "str | None")
assert_type(entry.tags, "tuple[Tag, ...] | None")
assert_type(entry.next_rotation_date, "datetime | None")
assert_type(entry.current_version_id, "str | None")
assert_type(entry.tag_map, Mapping[str, str])
assert_type(entry.version_stages, Mapping[str, tuple[str, ...]])

described = SecretDescription(
    arn=ARN,
    name="prod/db",
    version_ids_to_stages={"v1": ("AWSCURRENT",), "v0": ("AWSPREVIOUS",)},
    replication_status=(ReplicationStatus(region="eu-west-1", status="InSync"),),
)
assert_type(described.replication_status, "tuple[ReplicationStatus, ...] | None")
assert_type(described.rotation_lambda_arn, "str | None")

page = SecretListPage(secrets=(entry,), next_token="t1")
assert_type(page.secrets, tuple[SecretListEntry, ...])
assert_type(page.next_token, "str | None")

only_required = SecretListEntry(arn=ARN, name="prod/db")
from_the_wire = SecretListEntry.model_validate({"ARN": ARN, "Name": "prod/db"})
assert_type(from_the_wire, SecretListEntry)

name_filter = Filter(key="name", values=["prod/"])
assert_type(name_filter.values, tuple[str, ...])
