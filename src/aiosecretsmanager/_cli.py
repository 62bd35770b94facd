"""The ``aiosecretsmanager`` command: list and describe secrets, or run the demo.

Exit status: 0 ok, 1 a service, transport or response error, 2 bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO, cast, get_args

from ._client import SecretsManager
from ._errors import InvalidParameterError, SecretsManagerError
from ._models import Filter, FilterKey
from ._validation import SortBy, SortOrder

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from datetime import datetime

    from pydantic import BaseModel

    from ._models import SecretDescription, SecretListEntry

__all__ = ["main", "run"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

OUTPUTS = ("table", "json", "ndjson")


def _filter_arg(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    if key not in get_args(FilterKey):
        raise argparse.ArgumentTypeError(
            f"filter key must be one of {', '.join(get_args(FilterKey))}; got {key!r}"
        )
    return key, value


def _globals_parser(suppress: bool) -> argparse.ArgumentParser:
    # The same options on the main parser and on each subcommand, so they work
    # before or after it; SUPPRESS keeps a subcommand from resetting a value
    # given before it.
    parser = argparse.ArgumentParser(add_help=False)
    default: Any = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("connection")
    group.add_argument("--region", dest="region", default=default, help="AWS region")
    group.add_argument(
        "--endpoint-url", dest="endpoint_url", default=default, help="another endpoint, e.g. moto"
    )
    group.add_argument("--profile", dest="profile", default=default, help="AWS profile name")
    group.add_argument(
        "--output",
        "-o",
        choices=OUTPUTS,
        default=argparse.SUPPRESS if suppress else "table",
        help="table (default), json or ndjson (one entry per line, as pages arrive)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for documentation and tests."""
    parser = argparse.ArgumentParser(
        prog="aiosecretsmanager",
        description="List and describe AWS Secrets Manager secrets (metadata only, never values).",
        parents=[_globals_parser(suppress=False)],
        epilog="Exit status: 0 ok, 1 service or transport error, 2 bad usage.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    shared = [_globals_parser(suppress=True)]

    listing = sub.add_parser("list", parents=shared, help="list secrets")
    listing.add_argument(
        "--filter",
        dest="filters",
        action="append",
        type=_filter_arg,
        default=[],
        metavar="KEY=VALUE",
        help="repeatable; values for the same key join into one filter",
    )
    listing.add_argument("--include-planned-deletion", action="store_true")
    listing.add_argument("--sort-by", choices=get_args(SortBy))
    listing.add_argument("--sort-order", choices=get_args(SortOrder))
    listing.add_argument("--page-size", type=int, metavar="N", help="MaxResults, 1..100")
    listing.add_argument("--max-items", type=int, metavar="N", help="stop after N secrets")
    listing.add_argument("--starting-token", metavar="TOKEN", help="resume a listing")

    describe = sub.add_parser("describe", parents=shared, help="describe secrets by name or ARN")
    describe.add_argument("secret_ids", nargs="+", metavar="ID")

    sub.add_parser(
        "demo",
        parents=shared,
        help="start an embedded moto server with sample secrets, then list and describe them",
    )
    return parser


def _filters(pairs: Sequence[tuple[str, str]]) -> list[Filter]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    # argparse already checked each key against FilterKey.
    return [Filter(key=cast("FilterKey", key), values=values) for key, values in grouped.items()]


def _jsonable(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def _rotation(entry: SecretListEntry | SecretDescription) -> str:
    if not entry.rotation_enabled:
        return "off"
    rules = entry.rotation_rules
    if rules is not None and rules.automatically_after_days:
        return f"every {rules.automatically_after_days}d"
    if rules is not None and rules.schedule_expression:
        return rules.schedule_expression
    return "on"


def _table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")


_LIST_HEADER = ("NAME", "OWNER", "ROTATION", "LAST CHANGED", "DELETED", "TAGS")


def _list_row(entry: SecretListEntry) -> tuple[str, ...]:
    return (
        entry.name,
        entry.owning_service or "-",
        _rotation(entry),
        _when(entry.last_changed_date),
        _when(entry.deleted_date),
        str(len(entry.tags or ())),
    )


async def _print_entries(entries: AsyncIterator[SecretListEntry], output: str, out: TextIO) -> int:
    if output == "ndjson":
        async for entry in entries:
            out.write(json.dumps(_jsonable(entry)) + "\n")
            out.flush()
        return EXIT_OK
    collected = [entry async for entry in entries]
    if output == "json":
        json.dump([_jsonable(entry) for entry in collected], out, indent=2)
        out.write("\n")
    else:
        _table([_LIST_HEADER, *(_list_row(entry) for entry in collected)], out)
        out.write(f"{len(collected)} secret(s)\n")
    return EXIT_OK


def _describe_lines(secret: SecretDescription) -> list[tuple[str, str]]:
    lines = [
        ("Name", secret.name),
        ("ARN", secret.arn),
        ("Description", secret.description or "-"),
        ("Owning service", secret.owning_service or "-"),
        ("KMS key", secret.kms_key_id or "aws/secretsmanager"),
        ("Rotation", _rotation(secret)),
        ("Last rotated", _when(secret.last_rotated_date)),
        ("Next rotation", _when(secret.next_rotation_date)),
        ("Created", _when(secret.created_date)),
        ("Last changed", _when(secret.last_changed_date)),
        (
            "Last accessed",
            secret.last_accessed_date.date().isoformat() if secret.last_accessed_date else "-",
        ),
        ("Deleted", _when(secret.deleted_date)),
        ("Current version", secret.current_version_id or "-"),
    ]
    lines += [
        (f"Version {vid}", ", ".join(labels)) for vid, labels in secret.version_stages.items()
    ]
    lines += [(f"Tag {key}", value) for key, value in secret.tag_map.items()]
    return lines


async def _describe(sm: SecretsManager, ids: Sequence[str], output: str, out: TextIO) -> int:
    results = [await sm.describe(secret_id) for secret_id in ids]
    if output == "json":
        json.dump([_jsonable(r) for r in results], out, indent=2)
        out.write("\n")
    elif output == "ndjson":
        for result in results:
            out.write(json.dumps(_jsonable(result)) + "\n")
    else:
        for index, result in enumerate(results):
            if index:
                out.write("\n")
            _table(_describe_lines(result), out)
    return EXIT_OK


async def _run_command(args: argparse.Namespace, sm: SecretsManager, out: TextIO) -> int:
    if args.command == "describe":
        return await _describe(sm, args.secret_ids, args.output, out)
    entries = sm.iter_secrets(
        filters=_filters(args.filters),
        include_planned_deletion=args.include_planned_deletion,
        sort_by=args.sort_by,
        sort_order=args.sort_order,
        page_size=args.page_size,
        max_items=args.max_items,
        starting_token=args.starting_token,
    )
    return await _print_entries(entries, args.output, out)


async def run(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line in the current event loop and return its exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        if args.command == "demo":
            from ._demo import run_demo

            return await run_demo(out)
        async with SecretsManager(
            region_name=args.region, endpoint_url=args.endpoint_url, profile_name=args.profile
        ) as sm:
            return await _run_command(args, sm, out)
    except InvalidParameterError as error:
        err.write(f"aiosecretsmanager: error: {error}\n")
        return EXIT_USAGE
    except SecretsManagerError as error:
        err.write(f"aiosecretsmanager: error: {error}\n")
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        status = asyncio.run(run(argv))
        sys.stdout.flush()
    except BrokenPipeError:
        # `| head` closed the pipe: stop quietly, and keep Python from complaining
        # again while it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    return status
