"""The public surface: exactly the names in __all__, importable from the top level."""

from __future__ import annotations

import importlib.metadata

import aiosecretsmanager

PUBLIC = {
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
}


def test_all_is_exactly_the_public_surface() -> None:
    """__all__ lists every public name, and each one imports."""
    assert set(aiosecretsmanager.__all__) == PUBLIC
    for name in aiosecretsmanager.__all__:
        assert hasattr(aiosecretsmanager, name), name
    # Besides __all__, only the future import and the public submodule may show
    # (and pytest's "@py_..." helpers, since our pytest plugin rewrites the package).
    public_attrs = {name for name in vars(aiosecretsmanager) if name[0] not in "_@"}
    assert public_attrs - {"annotations", "testing"} <= PUBLIC


def test_version_comes_from_package_metadata() -> None:
    """__version__ is the installed distribution's version."""
    assert aiosecretsmanager.__version__ == importlib.metadata.version("aiosecretsmanager")


def test_every_error_derives_from_the_root() -> None:
    """Each exported exception class is a SecretsManagerError."""
    errors = [
        getattr(aiosecretsmanager, name)
        for name in aiosecretsmanager.__all__
        if name.endswith("Error")
    ]
    assert len(errors) == 12
    for cls in errors:
        assert issubclass(cls, aiosecretsmanager.SecretsManagerError)
