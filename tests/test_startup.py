"""Start-up: importing the package pulls in nothing heavy and builds nothing it does not need."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "moto",
    "rich",
    "boto3",
    "hypothesis",
    "werkzeug",
    "flask",
    "pytest",
    "aiosecretsmanager.testing",
    "aiosecretsmanager._cli",
    "aiosecretsmanager._demo",
    "aiosecretsmanager._pytest_plugin",
)


def _after_import(expression: str) -> object:
    """The JSON value of ``expression``, evaluated in a fresh interpreter after the import."""
    code = f"import json, linecache, sys, aiosecretsmanager; print(json.dumps({expression}))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def test_import_pulls_in_nothing_heavy() -> None:
    """`import aiosecretsmanager` loads no moto, rich, boto3, pytest, CLI or test kit."""
    loaded = _after_import(
        f"sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r})"
    )
    assert loaded == []


def test_import_reads_no_source_for_schemas() -> None:
    """No field docstrings are read from our source at import: that is model_json_schema's job."""
    # pydantic's use_attribute_docstrings reads each model's source through linecache
    # at class creation (27 ms of the import); our schemas read it only when asked.
    read = _after_import("sorted(f for f in linecache.cache if 'aiosecretsmanager' in f)")
    assert read == []
    after_schema = _after_import(
        "aiosecretsmanager.SecretDescription.model_json_schema() and "
        "sorted(f for f in linecache.cache if 'aiosecretsmanager' in f)"
    )
    assert after_schema  # the check above can see a source read
