"""aiosecretsmanager: a typed async client for Secrets Manager's DescribeSecret and ListSecrets."""

from __future__ import annotations

from importlib.metadata import version as _version

from ._client import DEFAULT_CONFIG, SecretsManager
from ._errors import (
    AccessDeniedError,
    ConfigurationError,
    InternalServiceError,
    InvalidNextTokenError,
    InvalidParameterError,
    InvalidRequestError,
    PaginationError,
    ResponseValidationError,
    SecretNotFoundError,
    SecretsManagerError,
    ThrottlingError,
    TransportError,
)
from ._logging import RedactingFilter, install_botocore_redaction
from ._models import (
    CURRENT_STAGE,
    ExternalSecretRotationMetadataItem,
    Filter,
    FilterKey,
    ReplicationStatus,
    RotationRules,
    SecretDescription,
    SecretListEntry,
    SecretListPage,
    Tag,
)
from ._paging import ListingIterator
from ._validation import SortBy, SortOrder

__version__ = _version("aiosecretsmanager")

__all__ = [
    "CURRENT_STAGE",
    "DEFAULT_CONFIG",
    "AccessDeniedError",
    "ConfigurationError",
    "ExternalSecretRotationMetadataItem",
    "Filter",
    "FilterKey",
    "InternalServiceError",
    "InvalidNextTokenError",
    "InvalidParameterError",
    "InvalidRequestError",
    "ListingIterator",
    "PaginationError",
    "RedactingFilter",
    "ReplicationStatus",
    "ResponseValidationError",
    "RotationRules",
    "SecretDescription",
    "SecretListEntry",
    "SecretListPage",
    "SecretNotFoundError",
    "SecretsManager",
    "SecretsManagerError",
    "SortBy",
    "SortOrder",
    "Tag",
    "ThrottlingError",
    "TransportError",
    "__version__",
    "install_botocore_redaction",
]
