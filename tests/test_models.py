"""The response models: coverage of the service model, aliases, round trips, views, UTC."""

from __future__ import annotations

import json
import types
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import botocore.session
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.parsers import create_parser
from pydantic import BaseModel, ValidationError

from aiosecretsmanager import (
    ExternalSecretRotationMetadataItem,
    ReplicationStatus,
    RotationRules,
    SecretDescription,
    SecretListEntry,
    SecretListPage,
    Tag,
)

from .bodies import ACCESSED, VERSIONS, full_description, full_entry, minimal_entry

SERVICE = botocore.session.get_session().get_service_model("secretsmanager")

SHAPES: list[tuple[str, type[BaseModel]]] = [
    ("DescribeSecretResponse", SecretDescription),
    ("SecretListEntry", SecretListEntry),
    ("ListSecretsResponse", SecretListPage),
    ("RotationRulesType", RotationRules),
    ("ReplicationStatusType", ReplicationStatus),
    ("Tag", Tag),
    ("ExternalSecretRotationMetadataItem", ExternalSecretRotationMetadataItem),
]


def _aliases(model: type[BaseModel]) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}


def _botocore_parse(shape_name: str, body: dict[str, Any]) -> dict[str, Any]:
    """What botocore's own parser makes of a wire body: the 'AWS dict'."""
    parser = create_parser("json")
    response = {"body": json.dumps(body).encode(), "headers": {}, "status_code": 200}
    parsed = parser.parse(response, SERVICE.shape_for(shape_name))
    parsed.pop("ResponseMetadata", None)
    return dict(parsed)


@pytest.mark.parametrize(("shape_name", "model"), SHAPES)
def test_every_service_model_member_has_a_field(shape_name: str, model: type[BaseModel]) -> None:
    """Each member of today's botocore shape is a field (by wire name) of its model."""
    members = set(SERVICE.shape_for(shape_name).members)
    missing = members - _aliases(model)
    assert not missing, f"{model.__name__} lacks {sorted(missing)} from botocore's {shape_name}"


_SCALARS: dict[str, type] = {
    "string": str,
    "boolean": bool,
    "integer": int,
    "long": int,
    "timestamp": datetime,
}


def _core(annotation: Any) -> Any:
    """An annotation without its ``Annotated`` metadata and its ``| None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            (annotation,) = [arg for arg in get_args(annotation) if arg is not type(None)]
        else:
            return annotation


def _mismatches(shape: Shape, annotation: Any, path: str) -> list[str]:
    """Where the Python type under ``path`` does not model botocore's ``shape``, recursively."""
    core = _core(annotation)
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not (isinstance(core, type) and issubclass(core, BaseModel)):
            return [f"{path}: {shape.name} is a structure, modelled as {core!r}"]
        fields = {info.alias or name: info for name, info in core.model_fields.items()}
        problems = [
            f"{path}: {core.__name__} has {alias!r}, not a member of {shape.name}"
            for alias in sorted(set(fields) - set(shape.members))
        ]
        for member, member_shape in shape.members.items():
            if member not in fields:
                problems.append(f"{path}: {core.__name__} lacks {member!r} of {shape.name}")
            else:
                child = f"{path}.{member}"
                problems += _mismatches(member_shape, fields[member].annotation, child)
        return problems
    if isinstance(shape, ListShape):
        args = get_args(core)
        if get_origin(core) is not tuple or len(args) != 2 or args[1] is not Ellipsis:
            return [f"{path}: a list, modelled as {core!r} instead of a tuple"]
        return _mismatches(shape.member, args[0], f"{path}[]")
    if isinstance(shape, MapShape):
        if get_origin(core) is not Mapping:
            return [f"{path}: a map, modelled as {core!r} instead of a read-only Mapping"]
        key, value = get_args(core)
        return _mismatches(shape.key, key, f"{path}{{key}}") + _mismatches(
            shape.value, value, f"{path}{{value}}"
        )
    expected = _SCALARS.get(kind)
    if expected is None or core is not expected:
        return [f"{path}: a {kind}, modelled as {core!r}"]
    return []


@pytest.mark.parametrize(
    ("operation", "model"),
    [("DescribeSecret", SecretDescription), ("ListSecrets", SecretListPage)],
)
def test_service_model_is_covered_all_the_way_down(operation: str, model: type[BaseModel]) -> None:
    """Walking botocore's output shape, every member and nested member has a field of its type."""
    output = SERVICE.operation_model(operation).output_shape
    assert output is not None
    problems = _mismatches(output, model, operation)
    assert not problems, "\n".join(problems)


def test_owning_service_from_the_2019_07_23_update() -> None:
    """OwningService reads into owning_service on both models."""
    assert SecretDescription.model_validate(full_description()).owning_service == "rds"
    assert SecretListEntry.model_validate(full_entry()).owning_service == "rds"


def _unset_members(shape: Shape, value: Any, path: str) -> list[str]:
    """Members of ``shape`` that ``value`` leaves out; a list's items may share the work."""
    if isinstance(shape, ListShape):
        items = value if isinstance(value, list) else []
        if isinstance(shape.member, StructureShape):
            merged: dict[str, Any] = {}
            for item in items:
                merged.update(item)
            items = [merged]
        return [gap for item in items for gap in _unset_members(shape.member, item, f"{path}[]")]
    if isinstance(shape, MapShape):
        return [
            gap
            for item in (value or {}).values()
            for gap in _unset_members(shape.value, item, f"{path}{{value}}")
        ]
    if not isinstance(shape, StructureShape):
        return []
    gaps = [f"{path}.{member}" for member in shape.members if member not in value]
    for member, member_shape in shape.members.items():
        if member in value:
            gaps += _unset_members(member_shape, value[member], f"{path}.{member}")
    return gaps


@pytest.mark.parametrize(
    ("shape_name", "model", "body"),
    [
        ("DescribeSecretResponse", SecretDescription, full_description()),
        ("SecretListEntry", SecretListEntry, full_entry()),
    ],
)
def test_fully_populated_body_round_trips_to_the_aws_dict(
    shape_name: str, model: type[BaseModel], body: dict[str, Any]
) -> None:
    """model_dump(by_alias=True, exclude_none=True) gives back botocore's dict, every field set."""
    aws = _botocore_parse(shape_name, body)
    unset = _unset_members(SERVICE.shape_for(shape_name), aws, shape_name)
    assert not unset, f"the fixture must set every member, nested ones too: {unset}"
    parsed = model.model_validate(aws)
    assert parsed.model_dump(by_alias=True, exclude_none=True) == aws
    assert model.model_validate_json(json.dumps(body)) == parsed


def test_validation_accepts_snake_case_names() -> None:
    """Models validate from snake_case attribute names as well as wire names."""
    by_name = SecretListEntry(
        arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf",
        name="x",
        kms_key_id="alias/k",
        rotation_lambda_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        owning_service="rds",
        secret_versions_to_stages={"v1": ("AWSCURRENT",)},
        tags=(Tag(key="env", value="prod"),),
    )
    by_alias = SecretListEntry.model_validate(
        {
            "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf",
            "Name": "x",
            "KmsKeyId": "alias/k",
            "RotationLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "OwningService": "rds",
            "SecretVersionsToStages": {"v1": ["AWSCURRENT"]},
            "Tags": [{"Key": "env", "Value": "prod"}],
        }
    )
    assert by_name == by_alias


@pytest.mark.parametrize("missing", ["ARN", "Name"])
@pytest.mark.parametrize("model", [SecretDescription, SecretListEntry])
def test_arn_and_name_are_required(model: type[BaseModel], missing: str) -> None:
    """A body without ARN or Name does not validate."""
    body = minimal_entry("x")
    del body[missing]
    with pytest.raises(ValidationError, match=missing):
        model.model_validate(body)


def test_absent_fields_are_none_and_views_empty() -> None:
    """A minimal entry has None for every optional field and empty views."""
    entry = SecretListEntry.model_validate(minimal_entry("x"))
    optional = set(SecretListEntry.model_fields) - {"arn", "name"}
    assert all(getattr(entry, field) is None for field in optional)
    assert dict(entry.version_stages) == {}
    assert entry.current_version_id is None
    assert dict(entry.tag_map) == {}


def test_both_models_offer_the_same_version_view() -> None:
    """version_stages and current_version_id agree across the two wire names."""
    described = SecretDescription.model_validate(full_description())
    listed = SecretListEntry.model_validate(full_entry())
    expected = {version: tuple(labels) for version, labels in VERSIONS.items()}
    assert dict(described.version_stages) == expected
    assert dict(listed.version_stages) == expected
    assert described.current_version_id == listed.current_version_id
    assert described.current_version_id == "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    assert described.version_ids_to_stages is not None
    assert listed.secret_versions_to_stages is not None


def test_current_version_is_none_without_awscurrent() -> None:
    """A version map with no AWSCURRENT label has no current version."""
    entry = SecretListEntry.model_validate(
        {**minimal_entry("x"), "SecretVersionsToStages": {"v1": ["AWSPENDING"]}}
    )
    assert entry.current_version_id is None


def test_tag_map() -> None:
    """tag_map maps each key to its value; an empty value stays empty."""
    entry = SecretListEntry.model_validate(full_entry())
    assert dict(entry.tag_map) == {"env": "prod", "team": "payments", "empty": ""}


def test_models_and_collections_are_immutable() -> None:
    """Models are frozen, lists are tuples and maps are read-only."""
    entry = SecretDescription.model_validate(full_description())
    with pytest.raises(ValidationError):
        entry.name = "other"  # type: ignore[misc]
    assert isinstance(entry.tags, tuple)
    assert isinstance(entry.replication_status, tuple)
    assert isinstance(entry.external_secret_rotation_metadata, tuple)
    with pytest.raises(TypeError):
        entry.version_stages["new"] = ("AWSCURRENT",)  # type: ignore[index]
    with pytest.raises(TypeError):
        entry.tag_map["new"] = "x"  # type: ignore[index]
    assert entry.version_ids_to_stages is not None
    with pytest.raises(TypeError):
        entry.version_ids_to_stages["new"] = ("AWSCURRENT",)  # type: ignore[index]
    assert all(isinstance(labels, tuple) for labels in entry.version_ids_to_stages.values())
    assert entry.tags and entry.rotation_rules and entry.replication_status
    assert entry.external_secret_rotation_metadata
    nested: list[tuple[BaseModel, str]] = [
        (entry.tags[0], "key"),
        (entry.rotation_rules, "duration"),
        (entry.replication_status[0], "status"),
        (entry.external_secret_rotation_metadata[0], "value"),
    ]
    for model, field in nested:
        with pytest.raises(ValidationError, match="frozen"):
            setattr(model, field, "changed")
    page = SecretListPage.model_validate({"SecretList": [full_entry()], "NextToken": "t"})
    assert isinstance(page.secrets, tuple)
    with pytest.raises(ValidationError, match="frozen"):
        page.next_token = "other"  # type: ignore[misc]


def test_unknown_fields_are_kept_and_dumped() -> None:
    """A field a future API adds is kept in model_extra, frozen, and written back out as JSON."""
    body = {**minimal_entry("x"), "ShinyNewField": {"Nested": [1, 2]}}
    entry = SecretListEntry.model_validate_json(json.dumps(body))
    assert entry.model_extra == {"ShinyNewField": {"Nested": (1, 2)}}
    assert entry.model_dump(by_alias=True, exclude_none=True)["ShinyNewField"] == {"Nested": [1, 2]}
    assert json.loads(entry.model_dump_json())["ShinyNewField"] == {"Nested": [1, 2]}
    assert SecretListEntry.model_validate(entry.model_dump()) == entry


@pytest.mark.parametrize("model", [SecretDescription, SecretListEntry, Tag])
def test_unknown_fields_are_frozen_like_known_ones(model: type[BaseModel]) -> None:
    """Arrays in an unknown field are tuples and objects read-only maps, at every depth."""
    base = {"Key": "k"} if model is Tag else minimal_entry("x")
    body = {**base, "Future": [{"Inner": ["a"]}, 3], "Other": {"Map": {"Deep": []}}}
    parsed = model.model_validate_json(json.dumps(body))
    assert parsed.model_extra is not None
    future, other = parsed.model_extra["Future"], parsed.model_extra["Other"]
    assert future == ({"Inner": ("a",)}, 3)
    assert isinstance(future, tuple) and isinstance(future[0]["Inner"], tuple)
    with pytest.raises(TypeError):
        other["Map"]["New"] = 1
    with pytest.raises(TypeError):
        future[0]["Inner"] = ()
    assert hash(parsed) == hash(model.model_validate(body))


@pytest.mark.parametrize("model", [model for _, model in SHAPES])
def test_response_metadata_is_not_a_field(model: type[BaseModel]) -> None:
    """botocore's ResponseMetadata is no field of any response model."""
    assert "ResponseMetadata" not in _aliases(model)
    assert "response_metadata" not in model.model_fields


@pytest.mark.usefixtures("far_timezone")
def test_datetimes_are_utc_whatever_the_machine_tz() -> None:
    """Every timestamp is aware UTC, from the wire and from botocore's tzlocal dicts alike."""
    wire = SecretDescription.model_validate_json(json.dumps(full_description()))
    boto = SecretDescription.model_validate(
        _botocore_parse("DescribeSecretResponse", full_description())
    )
    for model in (wire, boto):
        stamps = [
            model.created_date,
            model.last_changed_date,
            model.last_rotated_date,
            model.last_accessed_date,
            model.next_rotation_date,
            model.deleted_date,
        ]
        for stamp in stamps:
            assert stamp is not None
            assert stamp.utcoffset() == timedelta(0)
            assert stamp.tzinfo == timezone.utc
        # LastAccessedDate is midnight UTC; it must stay on its own day.
        assert model.last_accessed_date == datetime(2024, 3, 1, tzinfo=timezone.utc)
        assert model.replication_status is not None
        assert model.replication_status[0].last_accessed_date == datetime.fromtimestamp(
            ACCESSED, timezone.utc
        )
    assert wire == boto


def test_naive_datetime_is_taken_as_utc() -> None:
    """A naive datetime passed by a user is read as UTC, not local time."""
    entry = SecretListEntry(arn="a" * 20, name="x", created_date=datetime(2024, 1, 2, 3, 4))
    assert entry.created_date == datetime(2024, 1, 2, 3, 4, tzinfo=timezone.utc)


def test_page_model() -> None:
    """A page reads SecretList and NextToken; an empty token means the end."""
    page = SecretListPage.model_validate({"SecretList": [minimal_entry("a")], "NextToken": "t1"})
    assert [entry.name for entry in page.secrets] == ["a"]
    assert page.next_token == "t1"
    assert SecretListPage.model_validate({"NextToken": ""}).next_token is None
    assert SecretListPage.model_validate({"NextToken": "t"}).secrets == ()
    with pytest.raises(ValidationError, match="SecretList"):
        SecretListPage.model_validate({"SecretList": None})


def test_models_copy_pickle_and_hash() -> None:
    """Fully populated models deep-copy, pickle and hash, and their maps stay read-only."""
    import copy
    import pickle

    for model in (
        SecretDescription.model_validate(full_description()),
        SecretListEntry.model_validate(full_entry()),
    ):
        assert copy.deepcopy(model) == model
        assert pickle.loads(pickle.dumps(model)) == model
        assert model.model_copy(deep=True) == model
        assert hash(model) == hash(copy.deepcopy(model))
        with pytest.raises(TypeError):
            model.version_stages["x"] = ()  # type: ignore[index]
    assert len({SecretListEntry.model_validate(full_entry()) for _ in range(3)}) == 1


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (1709296245.5, datetime(2024, 3, 1, 12, 30, 45, 500000, tzinfo=timezone.utc)),
        (1709296245, datetime(2024, 3, 1, 12, 30, 45, tzinfo=timezone.utc)),
        ("1709296245.5", datetime(2024, 3, 1, 12, 30, 45, 500000, tzinfo=timezone.utc)),
        ("2024-03-01T12:30:45Z", datetime(2024, 3, 1, 12, 30, 45, tzinfo=timezone.utc)),
        ("2024-03-01T13:30:45+01:00", datetime(2024, 3, 1, 12, 30, 45, tzinfo=timezone.utc)),
    ],
)
def test_timestamps_read_as_botocore_reads_them(wire: object, expected: datetime) -> None:
    """Numbers and numeric strings are epoch seconds, ISO strings keep their instant."""
    body = {**minimal_entry("x"), "CreatedDate": wire}
    assert SecretListEntry.model_validate_json(json.dumps(body)).created_date == expected
    boto = _botocore_parse("SecretListEntry", body)
    assert boto["CreatedDate"] == expected


@pytest.mark.parametrize("wire", [1e20, -1e20, "nan", True, [1], {"a": 1}])
def test_impossible_timestamps_are_validation_errors(wire: object) -> None:
    """A timestamp out of range or of the wrong type fails validation, never another exception."""
    body = {**minimal_entry("x"), "CreatedDate": wire}
    with pytest.raises(ValidationError, match="CreatedDate"):
        SecretListEntry.model_validate_json(json.dumps(body))


def test_minimal_models_dump_in_both_modes() -> None:
    """A model with its optional tuples left None dumps to Python and to JSON."""
    entry = SecretListEntry.model_validate(minimal_entry("x"))
    assert entry.model_dump()["Tags"] is None
    assert json.loads(entry.model_dump_json())["Tags"] is None
    assert json.loads(entry.model_dump_json(exclude_none=True)) == minimal_entry("x")


@pytest.mark.parametrize("by_alias", [True, False])
def test_json_schema_describes_each_field_with_its_docstring(by_alias: bool) -> None:
    """model_json_schema() carries the docstring under each field, inherited ones included."""
    schema = SecretListEntry.model_json_schema(by_alias=by_alias)
    properties = schema["properties"]
    arn = properties["ARN" if by_alias else "arn"]
    assert arn["description"] == "The ARN of the secret (wire name ``ARN``)."
    stages = properties["SecretVersionsToStages" if by_alias else "secret_versions_to_stages"]
    assert stages["description"].startswith("Version id to staging labels")
    tag = schema["$defs"]["Tag"]["properties"]["Key" if by_alias else "key"]
    assert tag["description"] == "The tag key."
    documented = {name for name, info in properties.items() if info.get("description")}
    assert documented == set(properties)


def _docs_rows(text: str) -> dict[str, list[str]]:
    """The table rows in ``text``, keyed by their first cell; backticks stripped."""
    rows = [
        [cell.strip().replace("`", "") for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("| `")
    ]
    return {row[0]: row[1:] for row in rows}


def test_docs_table_names_every_field() -> None:
    """docs/models.md maps each wire name to its attribute, on the right models, nested too."""
    text = (Path(__file__).parent.parent / "docs" / "models.md").read_text()
    fields_part, nested_part = text.split("Nested models:", 1)
    rows = _docs_rows(fields_part)
    description, entry = SecretDescription.model_fields, SecretListEntry.model_fields
    for name in description.keys() | entry.keys():
        info = description.get(name) or entry[name]
        on = "both" if name in description and name in entry else None
        on = on or ("SecretDescription" if name in description else "SecretListEntry")
        assert info.alias in rows, f"docs/models.md has no row for {info.alias}"
        attribute, where = rows[info.alias]
        assert (attribute, where.split(" ")[0]) == (name, on)
    assert len(rows) == len(description.keys() | entry.keys())
    nested_rows = _docs_rows(nested_part)
    nested: list[type[BaseModel]] = [
        Tag, RotationRules, ReplicationStatus, ExternalSecretRotationMetadataItem, SecretListPage
    ]  # fmt: skip
    for model in nested:
        aliases, attributes = nested_rows[model.__name__]
        documented = dict(zip(aliases.split(", "), attributes.split(", "), strict=True))
        assert documented == {info.alias: name for name, info in model.model_fields.items()}
