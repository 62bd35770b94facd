"""Start-up: importing the package pulls in nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("moto", "rich", "boto3", "hypothesis", "werkzeug", "flask", "aiosecretsmanager.testing")


def test_import_pulls_in_nothing_heavy() -> None:
    """`import aiosecretsmanager` loads no moto, rich, boto3 or test kit."""
    code = (
        "import json, sys, aiosecretsmanager; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} "
        f"or m in {HEAVY!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == []
