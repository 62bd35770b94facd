"""The docs' reference tables say what the code does: every model field, every error code."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from pydantic import BaseModel

import aiosecretsmanager
import aiosecretsmanager.testing
from aiosecretsmanager import (
    ExternalSecretRotationMetadataItem,
    FilterKey,
    PaginationError,
    ReplicationStatus,
    RotationRules,
    SecretDescription,
    SecretListEntry,
    SecretListPage,
    Tag,
)
from aiosecretsmanager._cli import _REPORTS, COLUMNS, DEFAULT_COLUMNS
from aiosecretsmanager._errors import _CODE_TO_CLASS

from .bodies import minimal_entry

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from aiosecretsmanager import SecretsManager
    from aiosecretsmanager.testing import ScriptedSecretsManager

DOCS = Path(__file__).parent.parent / "docs"


def _tables(page: str, heading: str) -> list[list[list[str]]]:
    """The tables under ``heading``, each as its body rows of cells."""
    section = (DOCS / page).read_text().split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    tables: list[list[str]] = [[]]
    for line in section.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    return [
        [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
        for lines in tables
        if lines
    ]


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _wire_names(model: type[BaseModel]) -> dict[str, str]:
    return {name: field.alias or name for name, field in model.model_fields.items()}


def test_models_page_maps_every_secret_field() -> None:
    """docs/models.md lists each field of both secret models: wire name, attribute, model."""
    documented: dict[str, dict[str, str]] = {"SecretDescription": {}, "SecretListEntry": {}}
    for wire, attribute, on in _tables("models.md", "AWS wire name ↔ attribute")[0]:
        ((wire,), (attribute,)) = (_ticked(wire), _ticked(attribute))
        models = _ticked(on) or list(documented)
        for model in models:
            documented[model][attribute] = wire
    assert documented["SecretDescription"] == _wire_names(SecretDescription)
    assert documented["SecretListEntry"] == _wire_names(SecretListEntry)


@pytest.mark.parametrize(
    "model",
    [Tag, RotationRules, ReplicationStatus, ExternalSecretRotationMetadataItem, SecretListPage],
)
def test_models_page_maps_every_nested_field(model: type[BaseModel]) -> None:
    """docs/models.md's nested-model table pairs each wire name with its attribute."""
    nested = _tables("models.md", "AWS wire name ↔ attribute")[1]
    ((_, wires, attributes),) = [row for row in nested if row[0] == f"`{model.__name__}`"]
    assert dict(zip(_ticked(attributes), _ticked(wires), strict=True)) == _wire_names(model)


def test_errors_page_maps_every_aws_code_to_its_class() -> None:
    """docs/errors.md's code → class table names exactly the codes the mapping knows."""
    documented: dict[str, str] = {}
    for cls_cell, codes in _tables("errors.md", "AWS error code → class")[0]:
        cls = _ticked(cls_cell)[0]
        assert issubclass(getattr(aiosecretsmanager, cls), aiosecretsmanager.SecretsManagerError)
        # AWS codes are CamelCase; `field` or `async with` in the prose are not codes.
        documented.update((code, cls) for code in _ticked(codes) if code[0].isupper())
    assert documented == {code: cls.__name__ for code, cls in _CODE_TO_CLASS.items()}


def test_every_public_name_has_an_api_entry() -> None:
    """Each name in __all__ (and the test kit's) has a mkdocstrings entry in docs/."""
    text = "\n".join(page.read_text() for page in DOCS.glob("*.md"))
    entries = set(re.findall(r"^::: aiosecretsmanager\.(\w+)$", text, re.MULTILINE))
    public = set(aiosecretsmanager.__all__) - {"__version__"}
    assert public - entries == set()
    testing = text.split("::: aiosecretsmanager.testing\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^        - (\w+)$", testing, re.MULTILINE))
    assert listed == set(aiosecretsmanager.testing.__all__)


def test_supported_ranges_are_the_declared_ones() -> None:
    """docs/quickstart.md's ranges are the package's own, for runtime, cli and testing deps."""
    declared: dict[str, SpecifierSet] = {}
    for text in importlib.metadata.requires("aiosecretsmanager") or []:
        requirement = Requirement(text)
        marker = str(requirement.marker or "")
        if not marker or marker in ('extra == "cli"', 'extra == "testing"'):
            declared[requirement.name] = requirement.specifier
    documented: dict[str, SpecifierSet] = {}
    for what, range_, _ in _tables("quickstart.md", "Supported versions")[0]:
        specifier = _ticked(range_)
        if specifier:
            documented[what.split()[0]] = SpecifierSet(specifier[0])
    assert documented == declared


def test_errors_page_draws_the_whole_tree() -> None:
    """docs/errors.md's tree has every exported error once, as _errors' docstring draws it."""
    tree = (DOCS / "errors.md").read_text().split("```\n", 2)[1]
    names = re.findall(r"^(?: [├└]── )?(\w+)", tree, re.MULTILINE)
    errors = [name for name in aiosecretsmanager.__all__ if name.endswith("Error")]
    assert sorted(names) == sorted(errors)
    assert names[0] == "SecretsManagerError"
    for name in names[1:]:  # drawn as direct children of the root
        assert aiosecretsmanager.SecretsManagerError in getattr(aiosecretsmanager, name).__bases__
    assert tree in (aiosecretsmanager._errors.__doc__ or "")


def test_cli_page_lists_every_column_and_filter_key() -> None:
    """docs/cli.md names each --columns choice, the default columns and each filter key."""
    bullets = (DOCS / "cli.md").read_text().split("\n- ")
    (columns,) = [b for b in bullets if b.startswith("`--columns`")]
    (keys,) = [b for b in bullets if b.startswith("`--filter KEY=VALUE`")]
    choices, default = columns.split("The default is")
    assert _ticked(choices)[2:] == list(COLUMNS)
    assert _ticked(default) == [",".join(DEFAULT_COLUMNS)]
    assert _ticked(keys.split("Keys:", 1)[1]) == list(get_args(FilterKey))


def test_readme_shows_the_command_line_and_every_report() -> None:
    """README shows list, describe, several regions and each report subcommand."""
    readme = (DOCS.parent / "README.md").read_text()
    names = list(_REPORTS)
    assert names == ["owners", "rotation", "unused", "pending-deletion"]
    for name in names:
        assert f"aiosecretsmanager report {name}" in readme
    assert "aiosecretsmanager describe " in readme and " list " in readme
    assert readme.count("--region") >= 2


def _shown_signature(function: object) -> str:
    """``function``'s parameters as the docs write them: ``a, *, b=None`` without types."""
    shown: list[str] = []
    star = False
    for parameter in list(inspect.signature(function).parameters.values())[1:]:  # self
        if parameter.kind is parameter.KEYWORD_ONLY and not star:
            shown.append("*")
            star = True
        if parameter.default is parameter.empty:
            shown.append(parameter.name)
        else:
            shown.append(f"{parameter.name}={parameter.default!r}")
    return ", ".join(shown)


@pytest.mark.parametrize(
    ("page", "call", "function"),
    [
        ("client.md", "SecretsManager", aiosecretsmanager.SecretsManager.__init__),
        ("client.md", "await sm.describe_many", aiosecretsmanager.SecretsManager.describe_many),
        ("paging.md", "sm.iter_secrets", aiosecretsmanager.SecretsManager.iter_secrets),
    ],
)
def test_signature_lines_match_the_code(page: str, call: str, function: object) -> None:
    """The signature lines of docs/client.md and docs/paging.md list every parameter and default."""
    assert f"`{call}({_shown_signature(function)})`" in (DOCS / page).read_text()


def test_errors_page_lists_every_checked_argument() -> None:
    """docs/errors.md's "checked before the network" table has every argument the code checks."""
    (table,) = _tables("errors.md", "Checked before the network")
    documented = {row[0].strip("`") for row in table}
    sm = aiosecretsmanager.SecretsManager
    checked = {"region_name", "endpoint_url"}
    for function in (sm.describe, sm.describe_many, sm.iter_pages):
        checked |= set(list(inspect.signature(function).parameters)[1:])
    assert documented == checked


def _section_example(page: str, heading: str) -> Callable[..., Coroutine[Any, Any, None]]:
    """The first Python block under ``heading``, as ``async def example(sm, handle)``."""
    section = (DOCS / page).read_text().split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    source = "async def example(sm, handle):\n" + textwrap.indent(block, "    ")
    exec(compile(source, f"docs/{page}", "exec"), namespace)
    return namespace["example"]  # type: ignore[no-any-return]


async def test_paging_resume_example_handles_each_entry_once(
    scripted: ScriptedSecretsManager, scripted_sm: SecretsManager
) -> None:
    """docs/paging.md's resume example finishes after a fault, and never restarts on a repeat."""
    example = _section_example("paging.md", "Resuming a listing")
    scripted.add_page([minimal_entry("a"), minimal_entry("b")], next_token="t1")
    scripted.add_error("ListSecrets", "InternalServiceError", status=500)
    scripted.add_page([minimal_entry("c")])
    handled: list[str] = []
    await example(scripted_sm, lambda entry: handled.append(entry.name))
    assert handled == ["a", "b", "c"]
    # A repeated token has no resume point: the error propagates instead of a restart.
    scripted.add_page([minimal_entry("a")], next_token="same")
    scripted.add_page([minimal_entry("b")], next_token="same")
    scripted.set_default("ListSecrets", {"SecretList": [minimal_entry("a"), minimal_entry("b")]})
    handled.clear()
    with pytest.raises(PaginationError):
        await example(scripted_sm, lambda entry: handled.append(entry.name))
    assert handled == ["a", "b"]
