"""The public surface: exactly the names in __all__, importable from the top level."""

from __future__ import annotations

import importlib.metadata
import inspect

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


def _keyword_defaults(function: object) -> dict[str, object]:
    """Each keyword-only parameter of ``function`` and its default."""
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    return {p.name: p.default for p in parameters if p.kind is p.KEYWORD_ONLY}


def test_signatures_keep_the_issue_contract() -> None:
    """The client's parameters are keyword-only with the defaults the public contract names."""
    from aiosecretsmanager import SecretsManager

    construct = dict.fromkeys(
        ["region_name", "endpoint_url", "profile_name", "session", "config"], None
    )
    assert _keyword_defaults(SecretsManager.__init__).items() >= construct.items()
    listing = {
        **dict.fromkeys(["filters", "sort_order", "sort_by", "page_size", "max_items"], None),
        "include_planned_deletion": False,
        "starting_token": None,
    }
    for method in (SecretsManager.iter_secrets, SecretsManager.iter_pages):
        assert _keyword_defaults(method).items() >= listing.items()
        assert not inspect.iscoroutinefunction(method)
    assert list(inspect.signature(SecretsManager.describe).parameters) == ["self", "secret_id"]
    assert inspect.iscoroutinefunction(SecretsManager.describe)
    assert next(iter(inspect.signature(SecretsManager.from_client).parameters)) == "client"
    positional = [
        p.name
        for p in inspect.signature(SecretsManager.__init__).parameters.values()
        if p.kind is not p.KEYWORD_ONLY
    ]
    assert positional == ["self"]
