"""Wire bodies (what the service sends) shared by the tests: fully populated and minimal."""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
# 2024-03-01T12:30:45.5Z and friends, as the service sends them: epoch seconds.
CREATED = 1709296245.5
CHANGED = 1709382645.25
ROTATED = 1709469045.0
NEXT_ROTATION = 1712061045.0
ACCESSED = 1709251200.0  # 2024-03-01T00:00:00Z: LastAccessedDate is truncated to midnight UTC
DELETED = 1711929600.0


def arn(name: str, suffix: str = "AbCdEf") -> str:
    """A realistic secret ARN: the name plus a dash and six random characters."""
    return f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{name}-{suffix}"


def _common(name: str) -> dict[str, Any]:
    return {
        "ARN": arn(name),
        "Name": name,
        "Type": "datadog",
        "Description": "RDS master credentials for payments",
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
        "LastRotatedDate": ROTATED,
        "LastChangedDate": CHANGED,
        "LastAccessedDate": ACCESSED,
        "DeletedDate": DELETED,
        "NextRotationDate": NEXT_ROTATION,
        "Tags": [
            {"Key": "env", "Value": "prod"},
            {"Key": "team", "Value": "payments"},
            {"Key": "empty", "Value": ""},
        ],
        "OwningService": "rds",
        "CreatedDate": CREATED,
        "PrimaryRegion": "us-east-1",
    }


VERSIONS = {
    "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111": ["AWSCURRENT"],
    "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222": ["AWSPREVIOUS", "blue"],
    "a1b2c3d4-5678-90ab-cdef-EXAMPLE33333": ["AWSPENDING"],
}


def full_description(name: str = "prod/payments/db") -> dict[str, Any]:
    """A DescribeSecret body with every member of today's service model set."""
    body = _common(name)
    body["VersionIdsToStages"] = VERSIONS
    body["ReplicationStatus"] = [
        {
            "Region": "eu-west-1",
            "KmsKeyId": "alias/aws/secretsmanager",
            "Status": "InSync",
            "StatusMessage": "Replication succeeded",
            "LastAccessedDate": ACCESSED,
        },
        {"Region": "ap-south-1", "Status": "Failed", "StatusMessage": "KMS key disabled"},
    ]
    return body


def full_entry(name: str = "prod/payments/db") -> dict[str, Any]:
    """A ListSecrets entry with every member of today's service model set."""
    body = _common(name)
    body["SecretVersionsToStages"] = VERSIONS
    return body


def minimal_entry(name: str) -> dict[str, Any]:
    """A ListSecrets entry with only the members the service always sends."""
    return {"ARN": arn(name), "Name": name}
