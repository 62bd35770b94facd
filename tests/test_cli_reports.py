"""The report subcommands, against the moto server and the scripted server."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from aiosecretsmanager._cli import run
from aiosecretsmanager.testing import SeedSecret, seed

from .bodies import minimal_entry

if TYPE_CHECKING:
    from aiosecretsmanager import SecretsManager
    from aiosecretsmanager.testing import MotoServer, ScriptedSecretsManager


async def cli(*argv: str) -> tuple[int, str, str]:
    """Run the command in this event loop; return (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = await run(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def at(server: MotoServer | ScriptedSecretsManager) -> list[str]:
    """The connection flags for a local server."""
    return ["--endpoint-url", server.endpoint_url, "--region", "us-east-1"]


def _epoch(when: datetime) -> float:
    return when.timestamp()


def _days_ago(days: int) -> float:
    """Midnight UTC, ``days`` days ago, as the service sends LastAccessedDate."""
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return _epoch(today - timedelta(days=days))


def entry(name: str, **fields: Any) -> dict[str, Any]:
    """A ListSecrets entry with extra wire fields."""
    return {**minimal_entry(name), **fields}


async def test_owners_counts_by_owning_service_with_unowned(
    scripted: ScriptedSecretsManager,
) -> None:
    """report owners counts per OwningService, and the secrets no service owns."""
    scripted.set_default(
        "ListSecrets",
        {
            "SecretList": [
                entry("rds!db-1", OwningService="rds"),
                entry("rds!db-2", OwningService="rds"),
                entry("events!conn", OwningService="events"),
                entry("mine/a"),
                entry("mine/b"),
                entry("mine/c"),
            ]
        },
    )
    status, out, _ = await cli("report", "owners", *at(scripted), "-o", "json")
    assert status == 0
    assert json.loads(out) == [
        {"owning_service": None, "count": 3},
        {"owning_service": "rds", "count": 2},
        {"owning_service": "events", "count": 1},
    ]
    status, out, _ = await cli("report", "owners", *at(scripted))
    rows = [line.split() for line in out.splitlines()]
    assert ["(unowned)", "3"] in rows and ["rds", "2"] in rows
    assert out.endswith("6 secret(s), 3 unowned\n")


async def test_owners_on_moto_are_all_unowned(moto: MotoServer, sm: SecretsManager) -> None:
    """Secrets a user created have no OwningService: moto's all count as unowned."""
    await seed(sm, [SeedSecret("a"), SeedSecret("b")])
    status, out, _ = await cli("report", "owners", *at(moto), "-o", "ndjson")
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == [{"owning_service": None, "count": 2}]


async def test_rotation_finds_disabled_overdue_and_never_rotated(
    scripted: ScriptedSecretsManager,
) -> None:
    """report rotation flags disabled, overdue (next date past) and never-rotated secrets."""
    now = datetime.now(timezone.utc)
    past, future = _epoch(now - timedelta(days=3)), _epoch(now + timedelta(days=3))
    scripted.set_default(
        "ListSecrets",
        {
            "SecretList": [
                entry("off"),
                entry("late", RotationEnabled=True, LastRotatedDate=past, NextRotationDate=past),
                entry("fine", RotationEnabled=True, LastRotatedDate=past, NextRotationDate=future),
                entry("fresh", RotationEnabled=True, NextRotationDate=future),
            ]
        },
    )
    status, out, _ = await cli("report", "rotation", *at(scripted), "-o", "json")
    assert status == 0
    found = {r["name"]: r["findings"] for r in json.loads(out)}
    assert found == {
        "off": ["rotation-disabled", "never-rotated"],
        "late": ["rotation-overdue"],
        "fresh": ["never-rotated"],
    }
    status, out, _ = await cli("report", "rotation", *at(scripted))
    assert "rotation overdue" in out and "fine" not in out
    assert out.endswith("4 secret(s): 1 rotation disabled, 1 rotation overdue, 2 never rotated\n")


async def test_rotation_on_moto(moto: MotoServer, sm: SecretsManager) -> None:
    """On moto, a secret with rotation on is fine and a plain one is disabled, never rotated."""
    await seed(sm, [SeedSecret("rotating", rotation_days=30), SeedSecret("static")])
    status, out, _ = await cli("report", "rotation", *at(moto), "-o", "json")
    assert status == 0
    assert {r["name"]: r["findings"] for r in json.loads(out)} == {
        "static": ["rotation-disabled", "never-rotated"]
    }


async def test_unused_by_last_access_with_never_accessed_apart(
    scripted: ScriptedSecretsManager,
) -> None:
    """report unused --days N lists secrets last read N or more days ago; never read apart."""
    scripted.set_default(
        "ListSecrets",
        {
            "SecretList": [
                entry("old", LastAccessedDate=_days_ago(100)),
                entry("edge", LastAccessedDate=_days_ago(30)),
                entry("recent", LastAccessedDate=_days_ago(29)),
                entry("today", LastAccessedDate=_days_ago(0)),
                entry("ghost", CreatedDate=_days_ago(400)),
            ]
        },
    )
    status, out, _ = await cli("report", "unused", "--days", "30", *at(scripted), "-o", "json")
    assert status == 0
    assert [(r["name"], r["status"], r.get("days_since_access")) for r in json.loads(out)] == [
        ("old", "unused", 100),
        ("edge", "unused", 30),
        ("ghost", "never-accessed", None),
    ]
    status, out, _ = await cli("report", "unused", "--days", "30", *at(scripted))
    unused, never = out.split("\n\n")
    assert unused.startswith("Not accessed in 30 day(s) or more\n")
    assert "old" in unused and "ghost" not in unused and "recent" not in unused
    assert never.startswith("Never accessed\n") and "ghost" in never and "old" not in never


async def test_unused_on_moto_shows_never_accessed(moto: MotoServer, sm: SecretsManager) -> None:
    """Fresh moto secrets were never read: they are shown as never accessed."""
    await seed(sm, [SeedSecret("a")])
    status, out, _ = await cli("report", "unused", *at(moto), "-o", "ndjson")
    assert status == 0
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert (record["name"], record["status"]) == ("a", "never-accessed")


async def test_pending_deletion_on_moto(moto: MotoServer, sm: SecretsManager) -> None:
    """report pending-deletion lists only secrets scheduled for deletion, with the date."""
    await seed(sm, [SeedSecret("keep"), SeedSecret("going", scheduled_for_deletion=True)])
    status, out, _ = await cli("report", "pending-deletion", *at(moto), "-o", "json")
    assert status == 0
    (record,) = json.loads(out)
    assert record["name"] == "going"
    assert datetime.fromisoformat(record["deleted_date"]) > datetime.now(timezone.utc)
    status, out, _ = await cli("report", "pending-deletion", *at(moto))
    assert "going" in out and "keep" not in out and "DELETION DATE" in out


async def test_pending_deletion_asks_for_planned_deletions(
    scripted: ScriptedSecretsManager,
) -> None:
    """pending-deletion sends IncludePlannedDeletion and sorts by the date."""
    scripted.set_default(
        "ListSecrets",
        {
            "SecretList": [
                entry("later", DeletedDate=_days_ago(-9)),
                entry("live"),
                entry("sooner", DeletedDate=_days_ago(-2)),
            ]
        },
    )
    status, out, _ = await cli("report", "pending-deletion", *at(scripted), "-o", "json")
    assert status == 0
    assert [r["name"] for r in json.loads(out)] == ["sooner", "later"]
    (request,) = scripted.requests_for("ListSecrets")
    assert request.body["IncludePlannedDeletion"] is True


async def test_reports_across_regions_carry_the_region(scripted: ScriptedSecretsManager) -> None:
    """With several regions a report has a region key and column, and names a failing region."""
    # Defaults, not queued answers: the report runs twice, as json and as a table.
    listing = {"us-east-1": [entry("a", OwningService="rds")], "eu-west-1": [entry("b")]}
    for region, secrets in listing.items():
        scripted.set_default("ListSecrets", {"SecretList": secrets}, region=region)
    denied = {"__type": "AccessDeniedException", "message": "no"}
    scripted.set_default("ListSecrets", denied, status=400, region="ap-south-1")
    flags = ["--endpoint-url", scripted.endpoint_url]
    for region in ("us-east-1", "eu-west-1", "ap-south-1"):
        flags += ["--region", region]
    status, out, err = await cli("report", "owners", *flags, "-o", "json")
    assert status == 1
    assert json.loads(out) == [
        {"region": "us-east-1", "owning_service": "rds", "count": 1},
        {"region": "eu-west-1", "owning_service": None, "count": 1},
    ]
    assert err.startswith("aiosecretsmanager: error: [ap-south-1] ListSecrets")
    status, out, err = await cli("report", "owners", *flags)
    rows = [line.split() for line in out.splitlines()]
    assert status == 1 and rows[1] == ["REGION", "OWNING", "SERVICE", "SECRETS"]
    assert ["us-east-1", "rds", "1"] in rows and ["eu-west-1", "(unowned)", "1"] in rows
    assert "[ap-south-1]" in err


async def test_empty_and_absent_owning_service_are_one_unowned_row(
    scripted: ScriptedSecretsManager,
) -> None:
    """OwningService "" and no OwningService both count as unowned, in one row."""
    scripted.add_page(
        [
            {**minimal_entry("a"), "OwningService": ""},
            minimal_entry("b"),
            {**minimal_entry("c"), "OwningService": "rds"},
        ]
    )
    status, out, _ = await cli("report", "owners", *at(scripted), "-o", "json")
    assert status == 0
    counts = {r["owning_service"]: r["count"] for r in json.loads(out)}
    assert counts == {None: 2, "rds": 1}


@pytest.mark.parametrize("report", ["owners", "rotation", "unused", "pending-deletion"])
async def test_a_report_whose_listing_fails_part_way_says_so(
    report: str, scripted: ScriptedSecretsManager
) -> None:
    """A failed listing: the table is marked INCOMPLETE, json and ndjson print nothing, exit 1."""
    page = [entry("a", DeletedDate=_days_ago(-3)), entry("b", DeletedDate=_days_ago(-5))]
    for output in ("table", "json", "ndjson"):
        scripted.add_page(page, next_token="t1")
        scripted.add_error("ListSecrets", "AccessDeniedException")
        status, out, err = await cli("report", report, *at(scripted), "-o", output)
        assert status == 1
        assert err.count("\n") == 1 and err.endswith("resume with --starting-token t1\n")
        if output == "table":
            summaries = [line for line in out.splitlines() if "secret(s)" in line]
            assert summaries
            for line in summaries:
                assert line.endswith("; INCOMPLETE: us-east-1 failed part-way (see the error)")
        else:
            assert out == ""


async def test_a_report_whose_first_page_fails_does_not_say_part_way(
    scripted: ScriptedSecretsManager,
) -> None:
    """A listing that failed before any page is marked as such, not as failed part-way."""
    scripted.add_error("ListSecrets", "AccessDeniedException")
    status, out, _ = await cli("report", "owners", *at(scripted))
    assert status == 1 and "part-way" not in out
    assert out.endswith(
        "0 secret(s), 0 unowned; INCOMPLETE: us-east-1 failed before its first page "
        "(see the error)\n"
    )
