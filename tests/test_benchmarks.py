"""The benchmark suite still runs: a tiny-size smoke run that asserts no timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_tiny_benchmark_run_prints_the_table_and_writes_the_json(tmp_path: Path) -> None:
    """`python -m benchmarks --tiny` prints both tables and writes every figure to the JSON."""
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| (c) aiosecretsmanager iter_secrets, models |" in done.stdout.replace("0 ms ", "")
    assert "| goal | measured | target |" in done.stdout
    assert "moto smoke: ok" in done.stdout
    report = json.loads(out.read_text())
    assert {row["case"] for row in report["listing"]} == {"a", "b", "c", "d"}
    assert all(row["secrets"] == 200 for row in report["listing"])
    assert set(report["goals"]) == {
        "parse",
        "describe",
        "stall",
        "fan_out",
        "read_ahead",
        "import",
        "memory",
    }
    assert report["goals"]["fan_out"]["ok"] == [10, 10]
    stall = report["goals"]["stall"]
    assert stall["pages"] == 2
    for side in ("ours_ms", "aiobotocore_ms"):
        assert {"median", "p95", "max", "full_gcs"} <= set(stall[side])
    assert report["goals"]["memory"]["200"]["listed"] == 200
