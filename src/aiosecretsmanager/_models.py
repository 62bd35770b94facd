"""Pydantic models of the DescribeSecret and ListSecrets responses, and of a ListSecrets filter.

Attributes are snake_case; each field's alias is its AWS wire name, so validation
accepts either spelling and ``model_dump(by_alias=True, exclude_none=True)`` gives
back the AWS dict. Response models keep fields a newer API adds (``model_extra``),
are frozen, hold tuples instead of lists and read-only maps instead of dicts (in
the fields they do not know, too), and carry every timestamp as an aware UTC
``datetime``.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    NoReturn,
    TypeVar,
    get_args,
)

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    ValidationError,
    WrapSerializer,
)
from pydantic.alias_generators import to_pascal
from pydantic_core import core_schema

from ._errors import InvalidParameterError

if TYPE_CHECKING:
    from pydantic.json_schema import JsonSchemaValue
    from typing_extensions import Self

__all__ = [
    "CURRENT_STAGE",
    "ExternalSecretRotationMetadataItem",
    "Filter",
    "FilterKey",
    "ReplicationStatus",
    "RotationRules",
    "SecretDescription",
    "SecretListEntry",
    "SecretListPage",
    "Tag",
]

_K = TypeVar("_K")
_V = TypeVar("_V")

CURRENT_STAGE = "AWSCURRENT"
"""The staging label Secrets Manager puts on the version a plain read returns."""

FilterKey = Literal[
    "description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"
]
"""The keys ListSecrets accepts in a filter."""


class _FrozenMap(Mapping[_K, _V]):
    """A read-only mapping that, unlike ``MappingProxyType``, hashes, pickles and copies."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[_K, _V] | None = None) -> None:
        self._data: dict[_K, _V] = dict(data or {})

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[_FrozenMap[_K, _V]], tuple[dict[_K, _V]]]:
        return (type(self), (self._data,))


def _as_utc(value: datetime) -> datetime:
    # botocore hands back tzlocal() datetimes and users may pass naive ones; the
    # service speaks UTC, so naive means UTC and aware is converted, keeping the instant.
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _dump_list(
    value: tuple[Any, ...] | None, handler: SerializerFunctionWrapHandler
) -> list[Any] | None:
    # The optional tuples (Tags, ReplicationStatus, ...) dump None as None.
    dumped = handler(value)
    return None if dumped is None else list(dumped)


def _freeze_map(value: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return _FrozenMap(value)


def _dump_map(value: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    return {key: list(labels) for key, labels in value.items()}


def _freeze_json(value: Any) -> Any:
    # A field we do not know yet holds plain JSON: its arrays become tuples and its
    # objects read-only maps, all the way down, as for the fields we know.
    if isinstance(value, (list, tuple)):
        return tuple(_freeze_json(item) for item in value)
    if isinstance(value, Mapping):
        return _FrozenMap({key: _freeze_json(item) for key, item in value.items()})
    return value


def _thaw_json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw_json(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _thaw_json(item) for key, item in value.items()}
    return value


_FrozenJson = Annotated[Any, AfterValidator(_freeze_json), PlainSerializer(_thaw_json)]


class _Utc:
    """Marks a datetime field as always aware UTC, at no Python cost on the wire path.

    From JSON (the wire), an epoch number or a ``Z`` string is UTC already, so
    pydantic-core alone handles it; only other offsets and naive strings reach
    ``_as_utc``. From Python objects (botocore's tzlocal dicts, a user's datetimes)
    every value goes through ``_as_utc``.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        converted = core_schema.no_info_after_validator_function(_as_utc, handler(source))
        return core_schema.json_or_python_schema(
            json_schema=core_schema.union_schema(
                [core_schema.datetime_schema(tz_constraint=0), converted],
                mode="left_to_right",
                # One error at the field, not one per branch of the union.
                custom_error_type="utc_datetime",
                custom_error_message="Input should be epoch seconds or an ISO 8601 datetime",
            ),
            python_schema=converted,
        )


UtcDatetime = Annotated[datetime, _Utc]
"""A timestamp, always aware and in UTC (offset zero)."""

_Tuple = WrapSerializer(_dump_list)
_StagesMap = Annotated[
    Mapping[str, tuple[str, ...]],
    AfterValidator(_freeze_map),
    PlainSerializer(_dump_map),
]

_EMPTY_STAGES: Mapping[str, tuple[str, ...]] = _FrozenMap()


# Wire names that are not the PascalCase of the attribute. They live in the alias
# generator, not in Field(alias=...): type checkers read alias= as the __init__
# keyword (dataclass_transform), and downstream tests build models by snake_case name.
_WIRE_NAMES = {
    "arn": "ARN",
    "rotation_lambda_arn": "RotationLambdaARN",
    "secrets": "SecretList",  # SecretListPage.secrets
}


def _wire_name(attribute: str) -> str:
    return _WIRE_NAMES.get(attribute) or to_pascal(attribute)


def _attribute_docstrings(cls: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of ``cls`` and its model bases, read from the source."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not issubclass(klass, BaseModel) or klass.__module__.startswith("pydantic."):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):  # no source (a frozen app): no descriptions
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in itertools.pairwise(body):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs


class _Documented:
    """A model mixin: each field's docstring in the JSON schema, read only when asked for.

    pydantic's ``use_attribute_docstrings`` finds them by walking the import's stack
    frames for every class, about 27 ms of ``import aiosecretsmanager``; responses
    never need them, so they are read here, on ``model_json_schema()`` only.
    """

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(core_schema)
        if not issubclass(cls, BaseModel):
            return json_schema
        properties = handler.resolve_ref_schema(json_schema).get("properties", {})
        docs = _attribute_docstrings(cls)
        for name, info in cls.model_fields.items():
            doc = docs.get(name)
            for key in (info.alias, name):
                if doc and key in properties and "description" not in properties[key]:
                    properties[key]["description"] = doc
        return json_schema


class _AwsModel(_Documented, BaseModel):
    """Private base of every response model: aliases, immutability, unknown fields kept."""

    model_config = ConfigDict(
        alias_generator=_wire_name,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        frozen=True,
        extra="allow",
        # botocore reads any number (or numeric string) as epoch seconds; pydantic's
        # default would read a large one as milliseconds. Both paths must agree.
        val_temporal_unit="seconds",
    )

    # Typed so that the values of unknown fields are frozen too; only those values pay.
    __pydantic_extra__: dict[str, _FrozenJson] = Field(init=False)


class Tag(_AwsModel):
    """A user-defined tag on a secret."""

    key: str
    """The tag key."""
    value: str | None = None
    """The tag value; the service may send an empty string."""


class RotationRules(_AwsModel):
    """How often and when a secret rotates (``RotationRulesType``)."""

    automatically_after_days: int | None = None
    """Days between rotations, when the schedule is a plain interval."""
    duration: str | None = None
    """The length of the rotation window, such as ``"3h"``."""
    schedule_expression: str | None = None
    """A ``cron()`` or ``rate()`` expression for the rotation schedule."""


class ReplicationStatus(_AwsModel):
    """The state of one replica of a secret in another region (``ReplicationStatusType``)."""

    region: str | None = None
    """The region of the replica."""
    kms_key_id: str | None = None
    """The KMS key that encrypts the replica."""
    status: str | None = None
    """``InSync``, ``Failed`` or ``InProgress``; kept a plain string for future values."""
    status_message: str | None = None
    """Why the replica is in its state."""
    last_accessed_date: UtcDatetime | None = None
    """The day the replica was last read, at midnight UTC."""


class ExternalSecretRotationMetadataItem(_AwsModel):
    """One key-value pair of metadata for a secret rotated by an external partner."""

    key: str | None = None
    """The metadata key."""
    value: str | None = None
    """The metadata value."""


class _SecretFields(_AwsModel):
    """The fields DescribeSecret and a ListSecrets entry share, and their common views."""

    arn: str
    """The ARN of the secret (wire name ``ARN``)."""
    name: str
    """The friendly name of the secret, such as ``prod/payments/db``."""
    type: str | None = None
    """The type of a managed external secret (wire name ``Type``)."""
    description: str | None = None
    """The user-provided description."""
    kms_key_id: str | None = None
    """The KMS key that encrypts the secret; None means ``aws/secretsmanager``."""
    rotation_enabled: bool | None = None
    """Whether automatic rotation is turned on."""
    rotation_lambda_arn: str | None = None
    """The ARN of the rotation Lambda function (wire name ``RotationLambdaARN``)."""
    rotation_rules: RotationRules | None = None
    """The rotation schedule."""
    external_secret_rotation_metadata: Annotated[
        tuple[ExternalSecretRotationMetadataItem, ...] | None, _Tuple
    ] = None
    """Metadata for a secret rotated by an external partner."""
    external_secret_rotation_role_arn: str | None = None
    """The role Secrets Manager assumes to rotate an external secret."""
    last_rotated_date: UtcDatetime | None = None
    """When the secret last rotated; None if it never did."""
    last_changed_date: UtcDatetime | None = None
    """When the secret was last modified in any way."""
    last_accessed_date: UtcDatetime | None = None
    """The day the secret was last read, at midnight UTC."""
    deleted_date: UtcDatetime | None = None
    """Set when the secret is scheduled for deletion."""
    next_rotation_date: UtcDatetime | None = None
    """When the next rotation is scheduled."""
    tags: Annotated[tuple[Tag, ...] | None, _Tuple] = None
    """The secret's tags, in the order the service sent them."""
    owning_service: str | None = None
    """The AWS service that created and manages the secret, such as ``rds``.

    Added to the API on 2019-07-23.
    """
    created_date: UtcDatetime | None = None
    """When the secret was created."""
    primary_region: str | None = None
    """The region the secret was replicated from, for a replica."""

    _stages_field: ClassVar[str]

    @property
    def version_stages(self) -> Mapping[str, tuple[str, ...]]:
        """Version id to staging labels, read-only, whichever wire name carried it.

        DescribeSecret calls this map ``VersionIdsToStages`` and ListSecrets calls it
        ``SecretVersionsToStages``; this view is the same on both models, and empty
        when the service sent neither.
        """
        stages: Mapping[str, tuple[str, ...]] | None = getattr(self, self._stages_field)
        return _EMPTY_STAGES if stages is None else stages

    @property
    def current_version_id(self) -> str | None:
        """The id of the version that carries the ``AWSCURRENT`` label, or None."""
        for version_id, labels in self.version_stages.items():
            if CURRENT_STAGE in labels:
                return version_id
        return None

    @property
    def tag_map(self) -> Mapping[str, str]:
        """Tag key to value, read-only; a tag without a value maps to ``""``."""
        return _FrozenMap({tag.key: tag.value or "" for tag in self.tags or ()})


class SecretDescription(_SecretFields):
    """The details of one secret, as DescribeSecret returns them. Never the secret value."""

    _stages_field: ClassVar[str] = "version_ids_to_stages"

    version_ids_to_stages: _StagesMap | None = None
    """Version id to staging labels (wire name ``VersionIdsToStages``)."""
    replication_status: Annotated[tuple[ReplicationStatus, ...] | None, _Tuple] = None
    """The state of each replica in other regions."""


class SecretListEntry(_SecretFields):
    """One secret in a ListSecrets page. Never the secret value."""

    _stages_field: ClassVar[str] = "secret_versions_to_stages"

    secret_versions_to_stages: _StagesMap | None = None
    """Version id to staging labels (wire name ``SecretVersionsToStages``)."""


def _empty_as_none(value: str | None) -> str | None:
    return value or None


class SecretListPage(_AwsModel):
    """One ListSecrets response: the entries it carried and the token for the next page."""

    # No Python validator on this field: one would make pydantic-core hand it the whole
    # page as Python objects instead of validating the JSON directly (3x slower).
    secrets: Annotated[tuple[SecretListEntry, ...], _Tuple] = ()
    """The entries of this page; may be empty even when more pages follow."""
    next_token: Annotated[str | None, AfterValidator(_empty_as_none)] = None
    """The raw service token for the next page, or None when the listing is complete.

    Pass it as ``starting_token`` to resume the listing right after this page. The
    service's empty-string token, which also means the end, becomes None.
    """


class Filter(_Documented, BaseModel):
    """One ListSecrets filter: a key and 1 to 10 values, all of which must match.

    A value that starts with ``!`` negates the match. Construction checks the key
    and values and raises ``InvalidParameterError`` for bad ones.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: FilterKey
    """What to match: ``description``, ``name``, ``tag-key``, ``tag-value``,
    ``primary-region``, ``owning-service`` or ``all``."""
    values: Annotated[
        tuple[Annotated[str, Field(max_length=512, pattern=r"^!?[a-zA-Z0-9 :_@/+=.\-!]*$")], ...],
        Field(min_length=1, max_length=10),
    ]
    """1 to 10 values of up to 512 characters: letters, digits, space and ``:_@/+=.-!``."""

    if TYPE_CHECKING:

        def __init__(self, *, key: FilterKey, values: Sequence[str]) -> None: ...

    else:
        # Any keywords at run time, so a missing or unknown field is pydantic's to
        # report (and ours to turn into InvalidParameterError), not a TypeError.
        def __init__(self, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as error:
                raise InvalidParameterError(_describe_filter_error(error)) from error

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate a filter from a dict (``{"key": ..., "values": [...]}``).

        Raises:
            InvalidParameterError: The key or values are not allowed.
        """
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as error:
            _raise_filter_error(error)

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """Validate a filter from JSON text.

        Raises:
            InvalidParameterError: The text is not a valid filter.
        """
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as error:
            _raise_filter_error(error)

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate a filter from a dict of strings, as a config file gives them.

        Raises:
            InvalidParameterError: The key or values are not allowed.
        """
        try:
            return super().model_validate_strings(obj, **kwargs)
        except ValidationError as error:
            _raise_filter_error(error)

    def to_request(self) -> dict[str, Any]:
        """The filter as the ListSecrets request spells it."""
        return {"Key": self.key, "Values": list(self.values)}


def _raise_filter_error(error: ValidationError) -> NoReturn:
    first = error.errors()[0]
    inner = first.get("ctx", {}).get("error")
    if isinstance(inner, InvalidParameterError):
        # Validation runs __init__, and pydantic reports what it raised as a value
        # error: raise that one, whose message and cause name the bad field.
        raise inner
    raise InvalidParameterError(_describe_filter_error(error)) from error


def _describe_filter_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "filter"
    if first["loc"][:1] == ("key",):
        allowed = ", ".join(get_args(FilterKey))
        return f"filters: key must be one of {allowed}"
    return f"filters: {where}: {first['msg']}"
