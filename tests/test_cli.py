"""The ``aiosecretsmanager`` command against the moto server and the scripted server."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import socket
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from aiosecretsmanager._cli import run
from aiosecretsmanager.testing import MotoServer, SeedSecret, seed

from .bodies import full_description, full_entry, minimal_entry

if TYPE_CHECKING:
    from aiosecretsmanager import SecretsManager
    from aiosecretsmanager.testing import ScriptedSecretsManager


class _Tty(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


async def cli(*argv: str, err: io.StringIO | None = None) -> tuple[int, str, str]:
    """Run the command in this event loop; return (status, stdout, stderr)."""
    out = io.StringIO()
    err = err if err is not None else io.StringIO()
    status = await run(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def at(server: MotoServer | ScriptedSecretsManager) -> list[str]:
    """The connection flags for a local server."""
    return ["--endpoint-url", server.endpoint_url, "--region", "us-east-1"]


def _env() -> dict[str, str]:
    # Without PYTHONUNBUFFERED, as in a user's shell: stdout into a pipe is then
    # block-buffered, so streaming depends on the command's own flushes.
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONUNBUFFERED", None)
    return env


async def test_list_table_shows_seeded_secrets(moto: MotoServer, sm: SecretsManager) -> None:
    """`list` prints a table with every live secret and a count; deleted ones only on request."""
    await seed(
        sm,
        [
            SeedSecret("prod/payments/db", tags={"team": "pay"}, rotation_days=30),
            SeedSecret("dev/app/api-key"),
            SeedSecret("old/thing", scheduled_for_deletion=True),
        ],
    )
    status, out, err = await cli("list", *at(moto))
    assert (status, err) == (0, "")
    assert "NAME" in out and "ROTATION" in out
    assert "prod/payments/db" in out and "every 30d" in out and "dev/app/api-key" in out
    assert "old/thing" not in out and out.endswith("2 secret(s)\n")
    status, out, _ = await cli("list", *at(moto), "--include-planned-deletion")
    assert status == 0 and "old/thing" in out and out.endswith("3 secret(s)\n")


async def test_global_options_work_before_and_after_the_subcommand(
    moto: MotoServer, sm: SecretsManager
) -> None:
    """--endpoint-url, --region and --output are accepted on either side of the command."""
    await seed(sm, [SeedSecret("a")])
    before = await cli(*at(moto), "--output", "json", "list")
    after = await cli("list", *at(moto), "--output", "json")
    mixed = await cli(
        "--endpoint-url", moto.endpoint_url, "list", "-o", "json", "--region", "us-east-1"
    )
    for status, out, _ in (before, after, mixed):
        assert status == 0
        assert [e["Name"] for e in json.loads(out)] == ["a"]


async def test_list_json_is_the_aws_shape(moto: MotoServer, sm: SecretsManager) -> None:
    """--output json prints one JSON array of AWS-shaped entries."""
    await seed(sm, [SeedSecret(n, description=f"d {n}") for n in ("b", "c", "a")])
    status, out, _ = await cli("list", *at(moto), "-o", "json")
    entries = json.loads(out)
    assert status == 0
    assert sorted(e["Name"] for e in entries) == ["a", "b", "c"]
    named = {e["Name"]: e for e in entries}
    assert named["c"]["Description"] == "d c" and named["c"]["ARN"].startswith("arn:aws:")


async def test_list_flags_become_the_request(scripted: ScriptedSecretsManager) -> None:
    """Filters of one key join into one filter; the other flags reach ListSecrets as sent."""
    scripted.add_page([minimal_entry("prod/a")])
    status, _, err = await cli(
        "list", *at(scripted),
        "--filter", "name=prod/", "--filter", "tag-key=team", "--filter", "name=dev/",
        "--include-planned-deletion", "--sort-by", "created-date", "--sort-order", "asc",
        "--page-size", "7", "--starting-token", "tok-1",
    )  # fmt: skip
    assert (status, err) == (0, "")
    (request,) = scripted.requests_for("ListSecrets")
    assert request.body["Filters"] == [
        {"Key": "name", "Values": ["prod/", "dev/"]},
        {"Key": "tag-key", "Values": ["team"]},
    ]
    assert request.body["IncludePlannedDeletion"] is True
    assert (request.body["SortBy"], request.body["SortOrder"]) == ("created-date", "asc")
    assert (request.body["MaxResults"], request.body["NextToken"]) == (7, "tok-1")


async def test_max_items_and_page_size_limit_the_listing(
    moto: MotoServer, sm: SecretsManager
) -> None:
    """--max-items stops after that many secrets, whatever --page-size is."""
    await seed(sm, [SeedSecret(f"s/{i:02d}") for i in range(25)])
    status, out, _ = await cli(
        "list", *at(moto), "-o", "ndjson", "--page-size", "10", "--max-items", "12"
    )
    assert status == 0
    assert len(out.splitlines()) == 12


async def test_columns_choose_table_columns_and_json_keys(
    scripted: ScriptedSecretsManager,
) -> None:
    """--columns picks the table's columns, and the keys of json objects."""
    scripted.set_default("ListSecrets", {"SecretList": [full_entry("prod/payments/db")]})
    status, out, _ = await cli("list", *at(scripted), "--columns", "name,owner,next-rotation")
    header = out.splitlines()[0].split()
    assert status == 0
    assert header == ["NAME", "OWNER", "NEXT", "ROTATION"]
    assert "rds" in out and "2024-04-02" in out
    status, out, _ = await cli("list", *at(scripted), "-o", "json", "--columns", "name,owner")
    assert json.loads(out) == [{"name": "prod/payments/db", "owner": "rds"}]


async def test_unknown_column_is_bad_usage() -> None:
    """An unknown --columns name exits 2 and lists the choices."""
    status, out, err = await cli("list", "--columns", "name,colour")
    assert status == 2 and out == ""
    assert "colour" in err and "owner" in err


async def test_ndjson_prints_entries_before_the_next_page_is_fetched(
    scripted: ScriptedSecretsManager,
) -> None:
    """ndjson writes each entry as its page arrives, before the next request is sent."""
    scripted.add_page([minimal_entry("a"), minimal_entry("b")], next_token="t1")
    scripted.add_page([minimal_entry("c")])
    seen: list[int] = []

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            seen.append(len(scripted.requests_for("ListSecrets")))
            return super().write(text)

    out = Out()
    status = await run(["list", *at(scripted), "-o", "ndjson"], out=out, err=io.StringIO())
    assert status == 0
    assert [json.loads(line)["Name"] for line in out.getvalue().splitlines()] == ["a", "b", "c"]
    assert seen[0] == 1  # the first line was out while only page one had been asked for


def test_ndjson_into_a_closed_pipe_stops_at_once(scripted: ScriptedSecretsManager) -> None:
    """`| head -n 1`: the command stops at its next line, exit 0, nothing on stderr."""
    pages = 30
    for i in range(pages):
        token = f"t{i + 1}" if i + 1 < pages else None
        # Slow pages after the first: listing on to the end would take seconds.
        scripted.add_page([minimal_entry(f"p/{i:02d}")], token, delay=0.2 if i else 0.0)
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiosecretsmanager", "list", "-o", "ndjson", "--page-size", "1",
         *at(scripted)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    status = proc.wait(timeout=30)
    err = proc.stderr.read()
    proc.stderr.close()
    assert json.loads(first)["Name"] == "p/00"
    assert (status, err) == (0, b"")
    # Streamed and stopped at the broken pipe: a few pages were asked for, not all
    # (buffering the listing, or listing on after the reader left, asks for all 30).
    assert len(scripted.requests_for("ListSecrets")) < pages // 3


async def test_progress_line_only_when_stderr_is_a_terminal(
    moto: MotoServer, sm: SecretsManager
) -> None:
    """A terminal on stderr gets a live pages/secrets/rate line, cleared at the end; a pipe none."""
    await seed(sm, [SeedSecret(f"x/{i}") for i in range(3)])
    tty = _Tty()
    status, out, _ = await cli("list", *at(moto), "--page-size", "1", err=tty)
    shown = tty.getvalue()
    assert status == 0 and "3 secret(s)" in out
    assert "page(s)" in shown and "secret(s)" in shown and "/s" in shown
    assert shown.endswith("\r\x1b[2K")
    status, _, piped = await cli("list", *at(moto), "--page-size", "1")
    assert (status, piped) == (0, "")


async def test_several_regions_merge_with_a_region_column(moto: MotoServer) -> None:
    """Repeated --region lists each region and merges them, with a region column and key."""
    async with moto.client() as east, moto.client(region_name="eu-west-1") as west:
        await seed(east, [SeedSecret("east/db")])
        await seed(west, [SeedSecret("west/db"), SeedSecret("west/api")])
    flags = ["--endpoint-url", moto.endpoint_url, "--region", "us-east-1"]
    status, out, err = await cli(*flags, "list", "--region", "eu-west-1")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["REGION", "NAME"]
    assert any(line.split()[:2] == ["us-east-1", "east/db"] for line in lines)
    assert any(line.split()[:2] == ["eu-west-1", "west/api"] for line in lines)
    status, out, _ = await cli(*flags, "list", "--region", "eu-west-1", "-o", "json")
    assert sorted((e["Region"], e["Name"]) for e in json.loads(out)) == [
        ("eu-west-1", "west/api"), ("eu-west-1", "west/db"), ("us-east-1", "east/db"),
    ]  # fmt: skip


async def test_a_failing_region_is_named_and_the_others_still_print(
    scripted: ScriptedSecretsManager,
) -> None:
    """One region's error is one line naming it; the other regions print; exit status 1."""
    scripted.add_page([minimal_entry("east/db")], region="us-east-1")
    scripted.add_error(
        "ListSecrets", "AccessDeniedException", "not allowed", region="eu-west-1",
        request_id="req-west-1",
    )  # fmt: skip
    status, out, err = await cli(
        "list", "--endpoint-url", scripted.endpoint_url, "--region", "us-east-1",
        "--region", "eu-west-1",
    )  # fmt: skip
    assert status == 1
    assert "east/db" in out
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "[eu-west-1]" in err and "AccessDeniedException" in err and "req-west-1" in err


async def test_regions_are_listed_concurrently(scripted: ScriptedSecretsManager) -> None:
    """Each region's request starts before any other region has been answered."""
    regions = ("us-east-1", "eu-west-1", "ap-south-1")
    delay = 1.0
    for region in regions:
        scripted.add_page([minimal_entry(f"{region}/db")], region=region, delay=delay)
    flags = [arg for region in regions for arg in ("--region", region)]
    status, out, _ = await cli("list", "--endpoint-url", scripted.endpoint_url, *flags)
    assert status == 0 and out.endswith("3 secret(s)\n")
    # One after another, each request would arrive only after the previous answer,
    # at least `delay` later; listed concurrently, all arrive within that window.
    starts = sorted(request.started for request in scripted.requests_for("ListSecrets"))
    assert len(starts) == 3
    assert starts[-1] - starts[0] < delay


async def test_describe_prints_each_secret_and_names_the_missing_one(
    moto: MotoServer, sm: SecretsManager
) -> None:
    """describe ID...: found ones print, a missing one is one error line, exit status 1."""
    await seed(sm, [SeedSecret("prod/db", description="the db", tags={"team": "pay"})])
    status, out, err = await cli("describe", "prod/db", "nope/missing", *at(moto))
    assert status == 1
    assert "the db" in out and "Tag team" in out
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "ResourceNotFoundException" in err and "nope/missing" in err and "request id" in err


async def test_describe_shows_fields_only_the_scripted_server_sends(
    scripted: ScriptedSecretsManager,
) -> None:
    """describe shows OwningService and replicas; json keeps the AWS names."""
    scripted.set_default("DescribeSecret", full_description("prod/payments/db"))
    status, out, _ = await cli("describe", "prod/payments/db", *at(scripted))
    assert status == 0
    assert any(line.split() == ["Owning", "service", "rds"] for line in out.splitlines())
    assert "Replica eu-west-1" in out and "InSync" in out
    status, out, _ = await cli("describe", "prod/payments/db", *at(scripted), "-o", "json")
    (body,) = json.loads(out)
    assert body["OwningService"] == "rds" and body["ReplicationStatus"][1]["Status"] == "Failed"


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--page-size", "0"],
        ["list", "--max-items", "0"],
        ["list", "--filter", "colour=red"],
        ["list", "--filter", "name"],
        ["list", "--sort-by", "size"],
        [],
        ["report"],
        ["describe", "x" * 2049],
    ],
)
async def test_bad_usage_exits_2_without_a_request(
    argv: list[str], scripted: ScriptedSecretsManager
) -> None:
    """Bad flags and arguments exit 2 with an error line, and send nothing."""
    status, out, err = await cli(*argv, *at(scripted))
    assert status == 2 and out == ""
    assert "error:" in err and "Traceback" not in err
    assert scripted.requests == []


async def test_bad_usage_across_regions_is_reported_once(
    scripted: ScriptedSecretsManager,
) -> None:
    """A bad argument with several regions is one usage error, exit 2, and no request."""
    status, _, err = await cli(
        "list", "--page-size", "0", "--endpoint-url", scripted.endpoint_url,
        "--region", "us-east-1", "--region", "eu-west-1",
    )  # fmt: skip
    assert status == 2
    assert err.count("\n") == 1 and "page_size" in err
    assert err.startswith("aiosecretsmanager: error: page_size must be 1..100")
    assert scripted.requests == []


async def test_no_region_is_a_one_line_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without any region the command says so in one line and exits 2."""
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    status, _, err = await cli("list")
    assert status == 2
    assert err.count("\n") == 1 and "region" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--profile", "no-such-profile"],
        ["--profile", "no-such-profile", "list"],
        ["--profile", "no-such-profile", "describe", "x"],
    ],
)
async def test_unknown_profile_is_a_one_line_configuration_error(
    argv: list[str], scripted: ScriptedSecretsManager
) -> None:
    """--profile, before or after the subcommand, naming no profile exits 2 naming it."""
    # The endpoint keeps a dropped --profile from sending anything beyond 127.0.0.1.
    status, _, err = await cli(*argv, "--endpoint-url", scripted.endpoint_url)
    assert scripted.requests == []
    assert status == 2
    assert err.count("\n") == 1 and "no-such-profile" in err


async def test_profile_gives_region_and_credentials(
    scripted: ScriptedSecretsManager, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--profile P signs with P's keys, in P's region when no --region is given."""
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text("[profile inventory]\nregion = eu-west-1\n")
    credentials.write_text(
        "[inventory]\naws_access_key_id = AKIDINVENTORY\naws_secret_access_key = dummy\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for name in ("AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    scripted.add_page([minimal_entry("eu/db")], region="eu-west-1")
    status, out, err = await cli(
        "list", "--profile", "inventory", "--endpoint-url", scripted.endpoint_url, "-o", "json"
    )
    assert (status, err) == (0, "")
    assert [e["Name"] for e in json.loads(out)] == ["eu/db"]
    (request,) = scripted.requests
    authorization = {k.lower(): v for k, v in request.headers.items()}["authorization"]
    assert request.region == "eu-west-1" and "Credential=AKIDINVENTORY/" in authorization


async def test_transport_failure_exits_1_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An endpoint nobody listens on is a transport error: one line, exit 1."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status, out, err = await cli("list", "--endpoint-url", f"http://127.0.0.1:{port}", "-o", "json")
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("aiosecretsmanager: error: ListSecrets")


async def test_describe_in_several_regions(scripted: ScriptedSecretsManager) -> None:
    """describe with several regions describes in each, tagging json with the region."""
    scripted.add("DescribeSecret", minimal_entry("db"), region="us-east-1")
    scripted.add_error("DescribeSecret", "ResourceNotFoundException", region="eu-west-1")
    status, out, err = await cli(
        "describe", "db", "-o", "json", "--endpoint-url", scripted.endpoint_url,
        "--region", "us-east-1", "--region", "eu-west-1",
    )  # fmt: skip
    assert status == 1
    assert [(b["Region"], b["Name"]) for b in json.loads(out)] == [("us-east-1", "db")]
    assert err.startswith("aiosecretsmanager: error: [eu-west-1] DescribeSecret 'db'")


@pytest.mark.parametrize("command", [["list"], ["describe", "prod/db"]])
async def test_a_service_error_is_one_line_with_code_message_and_request_id(
    command: list[str], scripted: ScriptedSecretsManager
) -> None:
    """A service error prints one line with its code, message and request id, and exits 1."""
    operation = "ListSecrets" if command == ["list"] else "DescribeSecret"
    scripted.add_error(operation, "AccessDeniedException", "not allowed here", request_id="req-7")
    status, _, err = await cli(*command, *at(scripted))
    assert status == 1
    assert err.count("\n") == 1 and err.startswith("aiosecretsmanager: error: ")
    assert "AccessDeniedException" in err and "not allowed here" in err and "req-7" in err


async def test_debug_adds_the_traceback(scripted: ScriptedSecretsManager) -> None:
    """Errors are one line; --debug adds the traceback and request logging."""
    scripted.set_default("DescribeSecret", {"__type": "AccessDeniedException"}, status=400)
    status, _, err = await cli("describe", "a", *at(scripted))
    assert status == 1 and "Traceback" not in err and err.count("\n") == 1
    status, _, err = await cli("describe", "a", *at(scripted), "--debug")
    assert status == 1 and "Traceback (most recent call last)" in err
    assert "DescribeSecret failed" in err
    assert err.splitlines()[-1].startswith("aiosecretsmanager: error: DescribeSecret")


async def test_an_unexpected_error_is_one_line_too(scripted: ScriptedSecretsManager) -> None:
    """An error that is no service error (stdout failing) is still one line, exit 1."""
    scripted.add_page([minimal_entry("a")])

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("no space left\non device")

    err = io.StringIO()
    status = await run(["list", *at(scripted)], out=Full(), err=err)
    assert status == 1
    assert err.getvalue() == (
        "aiosecretsmanager: error: unexpected OSError: no space left\\x0aon device\n"
    )


async def test_a_mid_listing_failure_says_how_to_resume(scripted: ScriptedSecretsManager) -> None:
    """A listing that fails after some pages exits 1 and names the token to resume with."""
    scripted.add_page([minimal_entry("a")], next_token="page-2")
    scripted.add_error("ListSecrets", "AccessDeniedException")
    status, out, err = await cli("list", *at(scripted), "-o", "ndjson")
    assert status == 1 and json.loads(out)["Name"] == "a"
    assert err.rstrip().endswith("resume with --starting-token page-2")


async def test_tables_are_drawn_with_rich(scripted: ScriptedSecretsManager) -> None:
    """With rich installed (the cli extra), a table has rich's rule under its header."""
    scripted.add_page([minimal_entry("a")])
    status, out, _ = await cli("list", *at(scripted), "--columns", "name,owner")
    lines = out.splitlines()
    assert status == 0 and lines[0].split() == ["NAME", "OWNER"]
    assert set(lines[1]) == {"─"} and lines[2].split() == ["a", "-"]


def test_tables_print_without_rich(moto_server: MotoServer, tmp_path: Any) -> None:
    """Without rich installed, tables still print, as aligned plain text."""
    moto_server.reset()
    code = (
        "import sys; sys.modules['rich'] = None\n"
        "from aiosecretsmanager._cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "report", "owners", *at(moto_server)],
        capture_output=True, text=True, env=_env(), timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["Secrets by owning service", "OWNING SERVICE  SECRETS"]
    assert "─" not in done.stdout


def test_importing_the_library_imports_neither_rich_nor_moto() -> None:
    """`import aiosecretsmanager` (and its CLI module) never imports rich or moto."""
    code = (
        "import sys, aiosecretsmanager, aiosecretsmanager._cli\n"
        "print(sorted(m for m in ('rich', 'moto') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_python_m_runs_the_command() -> None:
    """`python -m aiosecretsmanager --help` prints usage, the reports and the exit codes."""
    done = subprocess.run(
        [sys.executable, "-m", "aiosecretsmanager", "--help"],
        capture_output=True, text=True, env=_env(), timeout=60,
    )  # fmt: skip
    assert done.returncode == 0
    assert "report" in done.stdout and "2 bad usage" in done.stdout


async def test_demo_lists_describes_and_reports() -> None:
    """`aiosecretsmanager demo` reports on 40 moto secrets, then owned ones; stops both servers."""
    status, out, _ = await cli("demo")
    assert status == 0
    assert "with 40 secrets" in out and "40 secret(s)" in out
    assert "every 30d" in out and "team-payments" in out
    started = re.search(r"Embedded moto server at http://127\.0\.0\.1:(\d+) ", out)
    assert started is not None
    # Stopped at the end: its port no longer accepts connections.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(started[1])), timeout=5).close()
    assert "$ aiosecretsmanager describe prod/payments/db" in out
    assert "Secrets by owning service" in out and "Scheduled for deletion" in out
    assert "staging/legacy-reports/db" in out
    # Owned secrets, which moto cannot make, come from a scripted endpoint on 127.0.0.1.
    scripted_at = re.search(r"scripted endpoint at http://127\.0\.0\.1:(\d+)\n", out)
    assert scripted_at is not None
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(scripted_at[1])), timeout=5).close()
    assert re.search(r"^rds +2$", out, re.MULTILINE)
    assert "5 secret(s), 1 unowned" in out
    assert re.search(r"^Owning service +rds$", out, re.MULTILINE)


async def test_service_text_is_never_markup_or_terminal_control(
    scripted: ScriptedSecretsManager,
) -> None:
    """Tags and descriptions print literally: rich markup and escape codes do nothing."""
    hostile = {
        **minimal_entry("a"),
        "Description": "[bold]x[/bold] \x1b[31mRED",
        "Tags": [{"Key": "note", "Value": "[/oops]"}],
    }
    scripted.add_page([hostile, minimal_entry("b")])
    status, out, err = await cli(
        "list", *at(scripted), "--columns", "name,description,tags"
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert "[bold]x[/bold]" in out and "[/oops]" in out
    assert "\x1b" not in out and "\\x1b[31mRED" in out
    assert out.endswith("2 secret(s)\n")


async def test_a_failed_listing_prints_no_json_and_marks_the_table(
    scripted: ScriptedSecretsManager,
) -> None:
    """A listing that fails part-way is never printed as a complete JSON inventory."""
    for output in ("json", "table"):
        scripted.add_page([minimal_entry("a")], next_token="t1")
        scripted.add_error("ListSecrets", "AccessDeniedException")
        status, out, err = await cli("list", *at(scripted), "-o", output)
        assert status == 1
        assert "resume with --starting-token t1" in err
        if output == "json":
            assert out == ""
        else:
            assert "a" in out and "INCOMPLETE" in out


async def test_several_regions_name_their_resume_token(scripted: ScriptedSecretsManager) -> None:
    """A region that fails part-way says how to resume it; the other region still prints."""
    scripted.add_page([minimal_entry("us/a")], region="us-east-1")
    scripted.add_page([minimal_entry("eu/a")], next_token="eu-t1", region="eu-west-1")
    scripted.add_error("ListSecrets", "AccessDeniedException", region="eu-west-1")
    status, out, err = await cli(
        "list", "--endpoint-url", scripted.endpoint_url, "--region", "us-east-1",
        "--region", "eu-west-1", "-o", "json",
    )  # fmt: skip
    assert status == 1
    assert [row["Name"] for row in json.loads(out)] == ["us/a"]
    assert "[eu-west-1]" in err
    assert "--starting-token eu-t1 --region eu-west-1" in err


async def test_starting_token_with_several_regions_is_bad_usage(
    scripted: ScriptedSecretsManager,
) -> None:
    """One token cannot resume several regions: exit 2, nothing sent."""
    status, out, err = await cli(
        "list", "--endpoint-url", scripted.endpoint_url, "--region", "us-east-1",
        "--region", "eu-west-1", "--starting-token", "t",
    )  # fmt: skip
    assert (status, out) == (2, "")
    assert "--starting-token" in err and err.count("\n") == 1
    assert scripted.requests == []


async def test_max_items_holds_even_when_the_service_sends_more(
    scripted: ScriptedSecretsManager,
) -> None:
    """--max-items N prints N entries even from a service that ignores MaxResults."""
    scripted.add_page([minimal_entry(f"s{i}") for i in range(5)], next_token="more")
    status, out, _ = await cli("list", *at(scripted), "-o", "ndjson", "--max-items", "2")
    assert status == 0
    assert [json.loads(line)["Name"] for line in out.splitlines()] == ["s0", "s1"]


async def test_service_text_in_an_error_line_is_escaped_as_in_tables(
    scripted: ScriptedSecretsManager,
) -> None:
    """Control characters in the service's code and message print escaped, on one line."""
    scripted.add_error("DescribeSecret", "AccessDeniedException", "line1\nline2\x1b[31m red\x07")
    status, _, err = await cli("describe", "x", *at(scripted))
    assert status == 1 and err.count("\n") == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "line1\\x0aline2\\x1b[31m red\\x07" in err
    scripted.add_error("DescribeSecret", "Bad\x1b[31mCode\u2028", "m")
    status, _, err = await cli("describe", "x", *at(scripted))
    assert status == 1 and err.count("\n") == 1 and len(err.splitlines()) == 1
    assert "\x1b" not in err and "Bad\\x1b[31mCode\\u2028: m" in err


async def test_bidirectional_controls_print_escaped(scripted: ScriptedSecretsManager) -> None:
    """A right-to-left override in a name or an error cannot reorder what the terminal shows."""
    scripted.add_page([minimal_entry("prod/\u202egnp.db"), minimal_entry("b\u2066c\u2069")])
    status, out, _ = await cli("list", *at(scripted), "--columns", "name")
    assert status == 0
    assert "\u202e" not in out and "\u2066" not in out
    assert "prod/\\u202egnp.db" in out and "b\\u2066c\\u2069" in out
    scripted.add_error("DescribeSecret", "AccessDeniedException", "no \u202eaccess")
    status, _, err = await cli("describe", "x", *at(scripted))
    assert status == 1 and "\u202e" not in err and "no \\u202eaccess" in err


@pytest.mark.parametrize(
    ("token", "shown"),
    [
        ("T\x1b[2J\nX", "'T\\x1b[2J\\x0aX'"),
        ("a b'c$(rm -rf ~);d", "'a b'\"'\"'c$(rm -rf ~);d'"),
        ("plain+token/==", "plain+token/=="),
    ],
)
async def test_the_resume_token_is_escaped_then_shell_quoted(
    token: str, shown: str, scripted: ScriptedSecretsManager
) -> None:
    """The resume hint stays on one line and pastes into a shell as one argument."""
    scripted.add_page([minimal_entry("a")], next_token=token)
    scripted.add_error("ListSecrets", "AccessDeniedException")
    status, _, err = await cli("list", *at(scripted), "-o", "ndjson")
    assert status == 1 and err.count("\n") == 1 and "\x1b" not in err
    hint = err.rstrip("\n").rpartition("; resume with --starting-token ")[2]
    assert hint == shown
    if token.isprintable():
        assert shlex.split(hint) == [token]


@pytest.mark.parametrize(
    "flags",
    [
        ["--endpoint-url", "http://[::1", "--region", "us-east-1"],
        ["--endpoint-url", "http://user:hunter2@127.0.0.1:1", "--region", "us-east-1"],
        ["--endpoint-url", "http://user:hunter2@127.0.0.1:99999", "--region", "us-east-1"],
        ["--endpoint-url", "SCRIPTED", "--region", "eu-west-1\n"],
        ["--endpoint-url", "SCRIPTED", "--region", "us-east-1", "--region", "eu west 1"],
    ],
)
@pytest.mark.parametrize("command", [["list"], ["describe", "x"], ["report", "owners"]])
async def test_a_bad_endpoint_or_region_exits_2_in_one_line(
    flags: list[str], command: list[str], scripted: ScriptedSecretsManager
) -> None:
    """A malformed endpoint, one with a password, or a bad region: exit 2, one line, no request."""
    flags = [scripted.endpoint_url if flag == "SCRIPTED" else flag for flag in flags]
    status, out, err = await cli(*command, *flags)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("aiosecretsmanager: error: ")
    assert "unexpected" not in err and "hunter2" not in err
    assert "endpoint_url" in err or "region_name" in err
    # Every region's client is built before any region sends a request.
    assert scripted.requests == []


async def test_describe_without_credentials_exits_2_in_one_line(
    scripted: ScriptedSecretsManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials is a configuration error for describe too: exit 2, one line, no request."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    for ids in (["x"], ["x", "y"]):
        status, out, err = await cli("describe", *ids, *at(scripted))
        assert (status, out) == (2, "")
        assert err.count("\n") == 1 and "credentials" in err
    status, _, err = await cli("list", *at(scripted))
    assert status == 2 and "credentials" in err
    assert scripted.requests == []


async def test_a_listing_that_fails_at_its_first_page_does_not_say_part_way(
    scripted: ScriptedSecretsManager,
) -> None:
    """The INCOMPLETE mark says the listing failed before its first page when it did."""
    scripted.add_error("ListSecrets", "AccessDeniedException")
    status, out, _ = await cli("list", *at(scripted))
    assert status == 1 and "part-way" not in out
    assert out.endswith(
        "0 secret(s); INCOMPLETE: us-east-1 failed before its first page (see the error)\n"
    )
    scripted.add_page([minimal_entry("a")], next_token="t1")
    scripted.add_error("ListSecrets", "AccessDeniedException")
    status, out, _ = await cli("list", *at(scripted))
    assert status == 1
    assert out.endswith("1 secret(s); INCOMPLETE: us-east-1 failed part-way (see the error)\n")
