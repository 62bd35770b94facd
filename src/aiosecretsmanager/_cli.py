"""The ``aiosecretsmanager`` command: list, describe and report on secrets, or run the demo.

Exit status: 0 ok; 1 a service, transport or response error (in any region); 2 bad
usage or configuration (a bad flag or argument, no region, an unknown profile).

Tables are drawn with ``rich`` when the ``cli`` extra is installed, and as plain
aligned text otherwise; ``rich`` is imported only when a table is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import os
import re
import shlex
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast, get_args

from ._client import SecretsManager
from ._errors import ConfigurationError, InvalidParameterError, SecretsManagerError
from ._models import Filter, FilterKey
from ._validation import SortBy, SortOrder

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from pydantic import BaseModel

    from ._models import SecretDescription, SecretListEntry, SecretListPage

__all__ = ["COLUMNS", "DEFAULT_COLUMNS", "build_parser", "main", "run"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

OUTPUTS = ("table", "json", "ndjson")
_T = TypeVar("_T")
_PROG = "aiosecretsmanager"


# -- columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One listed secret and the region it came from (None: the default region)."""

    region: str | None
    entry: SecretListEntry


@dataclass(frozen=True)
class Column:
    """A column of ``list``: its ``--columns`` name, its header and how to read it."""

    name: str
    header: str
    value: Callable[[_Row], object]


def _rotation(entry: SecretListEntry | SecretDescription) -> str:
    if not entry.rotation_enabled:
        return "off"
    rules = entry.rotation_rules
    if rules is not None and rules.automatically_after_days:
        return f"every {rules.automatically_after_days}d"
    if rules is not None and rules.schedule_expression:
        return rules.schedule_expression
    return "on"


def _day(value: datetime | None) -> str | None:
    # LastAccessedDate is a day (midnight UTC); showing a time would suggest precision.
    return value.date().isoformat() if value else None


COLUMNS: dict[str, Column] = {
    column.name: column
    for column in (
        Column("region", "REGION", lambda r: r.region),
        Column("name", "NAME", lambda r: r.entry.name),
        Column("arn", "ARN", lambda r: r.entry.arn),
        Column("owner", "OWNER", lambda r: r.entry.owning_service),
        Column("rotation", "ROTATION", lambda r: _rotation(r.entry)),
        Column("last-rotated", "LAST ROTATED", lambda r: r.entry.last_rotated_date),
        Column("next-rotation", "NEXT ROTATION", lambda r: r.entry.next_rotation_date),
        Column("last-changed", "LAST CHANGED", lambda r: r.entry.last_changed_date),
        Column("last-accessed", "LAST ACCESSED", lambda r: _day(r.entry.last_accessed_date)),
        Column("created", "CREATED", lambda r: r.entry.created_date),
        Column("deleted", "DELETED", lambda r: r.entry.deleted_date),
        Column("description", "DESCRIPTION", lambda r: r.entry.description),
        Column("kms-key", "KMS KEY", lambda r: r.entry.kms_key_id),
        Column("type", "TYPE", lambda r: r.entry.type),
        Column("primary-region", "PRIMARY REGION", lambda r: r.entry.primary_region),
        Column("current-version", "CURRENT VERSION", lambda r: r.entry.current_version_id),
        Column(
            "tags",
            "TAGS",
            lambda r: ",".join(f"{k}={v}" for k, v in r.entry.tag_map.items()) or None,
        ),
    )
}
"""Every column ``list --columns`` accepts, by name."""

DEFAULT_COLUMNS = ("name", "owner", "rotation", "last-changed", "last-accessed", "deleted")
"""The columns of ``list`` when ``--columns`` is not given (plus ``region`` for several)."""


def _cell(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


# -- argument parsing ----------------------------------------------------------------


def _filter_arg(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    if key not in get_args(FilterKey):
        raise argparse.ArgumentTypeError(
            f"filter key must be one of {', '.join(get_args(FilterKey))}; got {key!r}"
        )
    return key, value


def _columns_arg(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in COLUMNS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown column {', '.join(unknown) or '(none)'}; choose from {', '.join(COLUMNS)}"
        )
    return names


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _globals_parser(after: bool) -> argparse.ArgumentParser:
    # The same options on the main parser and on each subcommand, so they work before
    # or after it. After the subcommand, SUPPRESS keeps a value given before it, and
    # --region lands in its own list, joined to the first one in _regions().
    parser = argparse.ArgumentParser(add_help=False)
    default: Any = argparse.SUPPRESS if after else None
    group = parser.add_argument_group("connection and output")
    group.add_argument(
        "--region",
        dest="region_after" if after else "region",
        action="append",
        default=argparse.SUPPRESS if after else [],
        metavar="REGION",
        help="AWS region; repeat to list several regions at once",
    )
    group.add_argument(
        "--endpoint-url", dest="endpoint_url", default=default, help="another endpoint, e.g. moto"
    )
    group.add_argument("--profile", dest="profile", default=default, help="AWS profile name")
    group.add_argument(
        "--output",
        "-o",
        choices=OUTPUTS,
        default=argparse.SUPPRESS if after else "table",
        help="table (default), json, or ndjson (one object per line, as pages arrive)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if after else False,
        help="log requests and show tracebacks on errors",
    )
    return parser


def _listing_parser(*, sorting: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("listing")
    group.add_argument(
        "--filter",
        dest="filters",
        action="append",
        type=_filter_arg,
        default=[],
        metavar="KEY=VALUE",
        help=f"repeatable; values for one key join into one filter; keys: "
        f"{', '.join(get_args(FilterKey))}",
    )
    group.add_argument("--page-size", type=int, metavar="N", help="MaxResults per request, 1..100")
    if sorting:
        group.add_argument(
            "--include-planned-deletion",
            action="store_true",
            help="also list secrets scheduled for deletion",
        )
        group.add_argument("--sort-by", choices=get_args(SortBy))
        group.add_argument("--sort-order", choices=get_args(SortOrder))
        group.add_argument(
            "--max-items", type=int, metavar="N", help="stop after N secrets (per region)"
        )
        group.add_argument("--starting-token", metavar="TOKEN", help="resume a listing")
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for documentation and tests."""
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="List, describe and report on AWS Secrets Manager secrets "
        "(metadata only, never values).",
        parents=[_globals_parser(after=False)],
        epilog="Exit status: 0 ok, 1 service or transport error (in any region), "
        "2 bad usage or configuration.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    after = _globals_parser(after=True)

    listing = sub.add_parser(
        "list", parents=[after, _listing_parser(sorting=True)], help="list secrets"
    )
    listing.add_argument(
        "--columns",
        type=_columns_arg,
        metavar="A,B,...",
        help=f"table columns (and json keys); default {','.join(DEFAULT_COLUMNS)}; "
        f"choose from {', '.join(COLUMNS)}",
    )

    describe = sub.add_parser("describe", parents=[after], help="describe secrets by name or ARN")
    describe.add_argument("secret_ids", nargs="+", metavar="ID")

    report = sub.add_parser("report", help="answer inventory questions")
    reports = report.add_subparsers(dest="report", required=True, metavar="REPORT")
    shared = [after, _listing_parser(sorting=False)]
    reports.add_parser("owners", parents=shared, help="secret counts by OwningService")
    reports.add_parser(
        "rotation",
        parents=shared,
        help="rotation disabled, overdue (next rotation in the past), or never rotated",
    )
    unused = reports.add_parser(
        "unused", parents=shared, help="secrets not read in N days, and never read"
    )
    unused.add_argument(
        "--days",
        type=_positive_int,
        default=90,
        metavar="N",
        help="last read N or more days ago (default 90)",
    )
    reports.add_parser(
        "pending-deletion", parents=shared, help="secrets scheduled for deletion, with the date"
    )

    sub.add_parser(
        "demo",
        parents=[after],
        help="start an embedded moto server with sample secrets, then list, describe and report",
    )
    return parser


def _regions(args: argparse.Namespace) -> list[str | None]:
    regions: list[str] = [*args.region, *getattr(args, "region_after", [])]
    unique = list(dict.fromkeys(regions))
    return list(unique) if unique else [None]


def _filters(pairs: Sequence[tuple[str, str]]) -> list[Filter]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    # argparse already checked each key against FilterKey.
    return [Filter(key=cast("FilterKey", key), values=values) for key, values in grouped.items()]


# -- output --------------------------------------------------------------------------


# C0 and C1 controls, and the two Unicode line breaks that str.splitlines() honours.
# C0 and C1 controls, the Unicode line breaks, and the bidirectional controls
# (which can make a name read as another: "Trojan Source").
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _printable(text: str) -> str:
    """Show control characters as escapes: service data must not drive the terminal.

    Newlines are escaped too, so a table cell or an error stays on one line.
    """
    return _CONTROL.sub(_escape, text)


def _is_tty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _plain_table(headers: Sequence[str] | None, rows: Sequence[Sequence[str]], out: TextIO) -> None:
    lines = [list(headers), *rows] if headers else [list(row) for row in rows]
    if not lines:
        return
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")


def _table(
    headers: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    out: TextIO,
    *,
    title: str | None = None,
) -> None:
    """Print a table with rich when it is installed, as aligned plain text otherwise.

    Cells are service data (names, descriptions, tags): control characters are shown
    escaped, and rich gets them as plain ``Text``, never as markup.
    """
    if title:
        out.write(f"{title}\n")
    rows = [[_printable(cell) for cell in row] for row in rows]
    try:
        from rich import box
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        _plain_table(headers, rows, out)
        return
    tty = _is_tty(out)
    # Piped, a table must not wrap or cut cells at 80 columns: a wide virtual
    # screen keeps every row on one line for grep and less.
    console = Console(
        file=out if tty else io.StringIO(),
        width=None if tty else 100_000,
        highlight=False,
        no_color=not tty,
        emoji=False,
    )
    table = Table(
        *(headers or ()),
        box=box.SIMPLE_HEAD if headers else None,
        show_header=bool(headers),
        show_edge=False,
        pad_edge=False,
    )
    if not headers and rows:
        for _ in rows[0]:
            table.add_column()
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    if tty:
        console.print(table)
        return
    with console.capture() as capture:
        console.print(table)
    out.writelines(line.rstrip() + "\n" for line in capture.get().splitlines())


def _jsonable(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _write_json(value: object, out: TextIO) -> None:
    json.dump(value, out, indent=2)
    out.write("\n")


def _write_line(value: object, out: TextIO) -> None:
    out.write(json.dumps(value) + "\n")
    out.flush()


class _Progress:
    """A live ``pages, secrets, rate`` line on stderr, drawn only on a terminal."""

    _EVERY = 0.1

    def __init__(self, err: TextIO, enabled: bool) -> None:
        self._err = err
        self._enabled = enabled
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._drawn = False
        self.pages = 0
        self.secrets = 0

    def page(self, count: int) -> None:
        self.pages += 1
        self.secrets += count
        now = time.monotonic()
        if self._enabled and now - self._drawn_at >= self._EVERY:
            self._drawn_at = now
            rate = self.secrets / max(now - self._started, 1e-6)
            self._err.write(
                f"\r\x1b[2K{_PROG}: {self.pages} page(s), {self.secrets} secret(s), {rate:.0f}/s"
            )
            self._err.flush()
            self._drawn = True

    def clear(self) -> None:
        if self._drawn:
            self._err.write("\r\x1b[2K")
            self._err.flush()
            self._drawn = False


# -- the commands --------------------------------------------------------------------


@dataclass(frozen=True)
class _Failure:
    region: str | None
    error: SecretsManagerError
    what: str | None = None
    # For a listing: whether any page arrived before it failed.
    part_way: bool = False


@dataclass
class _Context:
    args: argparse.Namespace
    out: TextIO
    err: TextIO
    regions: list[str | None]

    @property
    def several(self) -> bool:
        return len(self.regions) > 1

    def client(self, region: str | None) -> SecretsManager:
        return SecretsManager(
            region_name=region, endpoint_url=self.args.endpoint_url, profile_name=self.args.profile
        )


async def _walk(
    ctx: _Context,
    visit: Callable[[str | None, SecretListPage], None],
    **listing: Any,
) -> list[_Failure]:
    """List every region concurrently, calling ``visit`` per page as it arrives."""
    progress = _Progress(
        ctx.err,
        enabled=_is_tty(ctx.err) and not (ctx.args.output == "ndjson" and _is_tty(ctx.out)),
    )

    limit = listing.get("max_items")

    async def one(region: str | None) -> _Failure | None:
        left = limit
        pages = 0
        try:
            async with ctx.client(region) as sm:
                async for page in sm.iter_pages(**listing):
                    if left is not None:
                        # iter_pages never cuts a page; a service that sends more
                        # than MaxResults still gets no more than --max-items shown.
                        page = page.model_copy(update={"secrets": page.secrets[:left]})
                        left -= len(page.secrets)
                    progress.page(len(page.secrets))
                    pages += 1
                    visit(region, page)
        except SecretsManagerError as error:
            # Bad arguments are the same in every region: let them stop the command.
            if isinstance(error, (InvalidParameterError, ConfigurationError)) and (
                error.http_status is None
            ):
                raise
            return _Failure(region, error, part_way=pages > 0)
        return None

    try:
        results = await _gather_all(*(one(region) for region in ctx.regions))
    finally:
        progress.clear()
    return [failure for failure in results if failure is not None]


async def _gather_all(*calls: Awaitable[_T]) -> list[_T]:
    """Await every call to its end, then raise the first exception, if any.

    Plain ``gather`` raises at the first error and leaves the other regions'
    requests running with their clients open; a usage error in one region is a
    usage error in all of them, so each ends by itself before it is raised once.
    """
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return cast("list[_T]", results)


def _listing_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"filters": _filters(args.filters), "page_size": args.page_size}
    if hasattr(args, "sort_by"):
        kwargs.update(
            include_planned_deletion=args.include_planned_deletion,
            sort_by=args.sort_by,
            sort_order=args.sort_order,
            max_items=args.max_items,
            starting_token=args.starting_token,
        )
    return kwargs


async def _list(ctx: _Context) -> list[_Failure]:
    args = ctx.args
    names: tuple[str, ...] = args.columns or DEFAULT_COLUMNS
    if ctx.several and "region" not in names:
        names = ("region", *names)
    columns = [COLUMNS[name] for name in names]

    def as_json(row: _Row) -> dict[str, Any]:
        if args.columns:
            return {column.name: _json_value(column.value(row)) for column in columns}
        body = _jsonable(row.entry)
        return {"Region": row.region, **body} if ctx.several else body

    rows: dict[str | None, list[_Row]] = {region: [] for region in ctx.regions}

    def visit(region: str | None, page: SecretListPage) -> None:
        for entry in page.secrets:
            row = _Row(region, entry)
            if args.output == "ndjson":
                # Streamed as pages arrive, so `| head` and `| jq` see entries at once.
                _write_line(as_json(row), ctx.out)
            else:
                rows[region].append(row)

    failures = await _walk(ctx, visit, **_listing_kwargs(args))
    if args.output == "json":
        complete = _complete_regions(ctx, failures)
        if complete:
            _write_json([as_json(row) for region in complete for row in rows[region]], ctx.out)
    elif args.output == "table":
        ordered = [row for region in ctx.regions for row in rows[region]]
        _table(
            [column.header for column in columns],
            [[_cell(column.value(row)) for column in columns] for row in ordered],
            ctx.out,
        )
        ctx.out.write(f"{len(ordered)} secret(s){_incomplete(failures)}\n")
    return failures


def _complete_regions(ctx: _Context, failures: Sequence[_Failure]) -> list[str | None]:
    """The regions whose listing ended, in the order given.

    A JSON array reads as a whole inventory, so a region whose listing failed
    contributes nothing to one, and with no region complete nothing is printed.
    """
    failed = {failure.region for failure in failures}
    return [region for region in ctx.regions if region not in failed]


def _incomplete(failures: Sequence[_Failure]) -> str:
    """The mark a table's summary line gets when a listing failed, or ""."""
    if not failures:
        return ""
    where = ", ".join(
        f"{_printable(failure.region or 'the listing')} failed "
        + ("part-way" if failure.part_way else "before its first page")
        for failure in failures
    )
    return f"; INCOMPLETE: {where} (see the error)"


def _describe_lines(secret: SecretDescription, region: str | None) -> list[tuple[str, str]]:
    lines = [("Region", region)] if region else []
    lines += [
        ("Name", secret.name),
        ("ARN", secret.arn),
        ("Description", _cell(secret.description)),
        ("Owning service", _cell(secret.owning_service)),
        ("KMS key", secret.kms_key_id or "aws/secretsmanager"),
        ("Rotation", _rotation(secret)),
        ("Last rotated", _cell(secret.last_rotated_date)),
        ("Next rotation", _cell(secret.next_rotation_date)),
        ("Created", _cell(secret.created_date)),
        ("Last changed", _cell(secret.last_changed_date)),
        ("Last accessed", _cell(_day(secret.last_accessed_date))),
        ("Deleted", _cell(secret.deleted_date)),
        ("Current version", _cell(secret.current_version_id)),
    ]
    lines += [
        (f"Version {vid}", ", ".join(labels)) for vid, labels in secret.version_stages.items()
    ]
    lines += [(f"Replica {r.region}", _cell(r.status)) for r in secret.replication_status or ()]
    lines += [(f"Tag {key}", value) for key, value in secret.tag_map.items()]
    return lines


async def _describe(ctx: _Context) -> list[_Failure]:
    ids: list[str] = ctx.args.secret_ids

    async def in_region(
        region: str | None,
    ) -> list[tuple[str | None, SecretDescription | _Failure]]:
        async with ctx.client(region) as sm:

            async def one(secret_id: str) -> SecretDescription | _Failure:
                try:
                    return await sm.describe(secret_id)
                except SecretsManagerError as error:
                    # Bad arguments and a missing configuration (no credentials) are
                    # the command's, not this secret's: exit 2 like list and report.
                    if (
                        isinstance(error, (InvalidParameterError, ConfigurationError))
                        and error.http_status is None
                    ):
                        raise
                    return _Failure(region, error, secret_id)

            return [(region, result) for result in await _gather_all(*map(one, ids))]

    async def guarded(region: str | None) -> list[tuple[str | None, SecretDescription | _Failure]]:
        try:
            return await in_region(region)
        except SecretsManagerError as error:
            if isinstance(error, (InvalidParameterError, ConfigurationError)):
                raise
            return [(region, _Failure(region, error))]

    results = [item for batch in await _gather_all(*map(guarded, ctx.regions)) for item in batch]
    found = [(region, r) for region, r in results if not isinstance(r, _Failure)]
    failures = [r for _, r in results if isinstance(r, _Failure)]

    def as_json(region: str | None, secret: SecretDescription) -> dict[str, Any]:
        body = _jsonable(secret)
        return {"Region": region, **body} if ctx.several else body

    if ctx.args.output == "json":
        _write_json([as_json(region, secret) for region, secret in found], ctx.out)
    elif ctx.args.output == "ndjson":
        for region, secret in found:
            _write_line(as_json(region, secret), ctx.out)
    else:
        for index, (region, secret) in enumerate(found):
            if index:
                ctx.out.write("\n")
            _table(None, _describe_lines(secret, region if ctx.several else None), ctx.out)
    return failures


# -- reports -------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _collect(ctx: _Context, **extra: Any) -> tuple[list[_Row], list[_Failure]]:
    rows: dict[str | None, list[_Row]] = {region: [] for region in ctx.regions}

    def visit(region: str | None, page: SecretListPage) -> None:
        rows[region].extend(_Row(region, entry) for entry in page.secrets)

    failures = await _walk(ctx, visit, **_listing_kwargs(ctx.args), **extra)
    return [row for region in ctx.regions for row in rows[region]], failures


def _emit(
    ctx: _Context,
    records: list[dict[str, Any]],
    headers: Sequence[str],
    cells: Callable[[dict[str, Any]], Sequence[object]],
    *,
    title: str,
    summary: str,
    failures: Sequence[_Failure],
) -> None:
    """Print report records as json, ndjson or a table (with a region column for several).

    A report is printed at the end, not streamed, so json and ndjson both leave out
    every region whose listing failed, as ``list -o json`` does; a table keeps what
    was listed and marks its summary INCOMPLETE, as ``list`` does.
    """
    if ctx.args.output != "table":
        complete = set(_complete_regions(ctx, failures))
        records = [record for record in records if record["region"] in complete]
        if not complete:
            return
    if ctx.several:
        records = [{"region": record.pop("region"), **record} for record in records]
    else:
        for record in records:
            record.pop("region")
    if ctx.args.output == "json":
        _write_json(records, ctx.out)
        return
    if ctx.args.output == "ndjson":
        for record in records:
            _write_line(record, ctx.out)
        return
    head = ["REGION", *headers] if ctx.several else list(headers)
    rows = [
        [_cell(v) for v in ([r["region"]] if ctx.several else []) + list(cells(r))] for r in records
    ]
    _table(head, rows, ctx.out, title=title)
    ctx.out.write(f"{summary}{_incomplete(failures)}\n")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def _report_owners(ctx: _Context) -> list[_Failure]:
    rows, failures = await _collect(ctx)
    # The service may send OwningService "" or leave it out: both mean unowned.
    counts = Counter((row.region, row.entry.owning_service or None) for row in rows)
    # Regions in the order given; within one, the largest owner first.
    place = {region: index for index, region in enumerate(ctx.regions)}
    ordered = sorted(
        counts.items(), key=lambda item: (place[item[0][0]], -item[1], item[0][1] or "")
    )
    records = [
        {"region": region, "owning_service": owner, "count": count}
        for (region, owner), count in ordered
    ]
    _emit(
        ctx,
        records,
        ("OWNING SERVICE", "SECRETS"),
        lambda r: (r["owning_service"] or "(unowned)", r["count"]),
        title="Secrets by owning service",
        summary=f"{len(rows)} secret(s), {sum(1 for r in rows if not r.entry.owning_service)} "
        "unowned",
        failures=failures,
    )
    return failures


async def _report_rotation(ctx: _Context) -> list[_Failure]:
    rows, failures = await _collect(ctx)
    now = _now()
    records: list[dict[str, Any]] = []
    tally: Counter[str] = Counter()
    for row in rows:
        entry = row.entry
        findings = []
        if not entry.rotation_enabled:
            findings.append("rotation-disabled")
        if entry.next_rotation_date is not None and entry.next_rotation_date < now:
            findings.append("rotation-overdue")
        if entry.last_rotated_date is None:
            findings.append("never-rotated")
        if not findings:
            continue
        tally.update(findings)
        records.append(
            {
                "region": row.region,
                "name": entry.name,
                "arn": entry.arn,
                "findings": findings,
                "rotation_enabled": bool(entry.rotation_enabled),
                "last_rotated_date": _iso(entry.last_rotated_date),
                "next_rotation_date": _iso(entry.next_rotation_date),
            }
        )
    _emit(
        ctx,
        records,
        ("NAME", "FINDINGS", "LAST ROTATED", "NEXT ROTATION"),
        lambda r: (
            r["name"],
            ", ".join(f.replace("-", " ") for f in r["findings"]),
            (r["last_rotated_date"] or "")[:16].replace("T", " "),
            (r["next_rotation_date"] or "")[:16].replace("T", " "),
        ),
        title="Rotation findings",
        summary=f"{len(rows)} secret(s): {tally['rotation-disabled']} rotation disabled, "
        f"{tally['rotation-overdue']} rotation overdue, {tally['never-rotated']} never rotated",
        failures=failures,
    )
    return failures


async def _report_unused(ctx: _Context) -> list[_Failure]:
    rows, failures = await _collect(ctx)
    days: int = ctx.args.days
    today = _now().date()
    unused: list[dict[str, Any]] = []
    never: list[dict[str, Any]] = []
    for row in rows:
        entry = row.entry
        base = {"region": row.region, "name": entry.name, "arn": entry.arn}
        if entry.last_accessed_date is None:
            never.append(
                {**base, "status": "never-accessed", "created_date": _iso(entry.created_date)}
            )
            continue
        # LastAccessedDate is a day at midnight UTC: compare whole days.
        idle = (today - entry.last_accessed_date.date()).days
        if idle >= days:
            unused.append(
                {
                    **base,
                    "status": "unused",
                    "last_accessed_date": _day(entry.last_accessed_date),
                    "days_since_access": idle,
                }
            )
    unused.sort(key=lambda r: -r["days_since_access"])
    if ctx.args.output != "table":
        _emit(ctx, unused + never, (), lambda r: (), title="", summary="", failures=failures)
        return failures
    _emit(
        ctx,
        unused,
        ("NAME", "LAST ACCESSED", "DAYS"),
        lambda r: (r["name"], r["last_accessed_date"], r["days_since_access"]),
        title=f"Not accessed in {days} day(s) or more",
        summary=f"{len(unused)} unused secret(s)",
        failures=failures,
    )
    ctx.out.write("\n")
    _emit(
        ctx,
        never,
        ("NAME", "CREATED"),
        lambda r: (r["name"], (r["created_date"] or "")[:10]),
        title="Never accessed",
        summary=f"{len(never)} secret(s) never accessed",
        failures=failures,
    )
    return failures


async def _report_pending_deletion(ctx: _Context) -> list[_Failure]:
    rows, failures = await _collect(ctx, include_planned_deletion=True)
    pending = sorted(
        (row for row in rows if row.entry.deleted_date is not None),
        key=lambda row: (ctx.regions.index(row.region), row.entry.deleted_date or _now()),
    )
    records = [
        {
            "region": row.region,
            "name": row.entry.name,
            "arn": row.entry.arn,
            "deleted_date": _iso(row.entry.deleted_date),
        }
        for row in pending
    ]
    _emit(
        ctx,
        records,
        ("NAME", "DELETION DATE"),
        lambda r: (r["name"], r["deleted_date"][:16].replace("T", " ")),
        title="Scheduled for deletion",
        summary=f"{len(records)} secret(s) scheduled for deletion",
        failures=failures,
    )
    return failures


_REPORTS = {
    "owners": _report_owners,
    "rotation": _report_rotation,
    "unused": _report_unused,
    "pending-deletion": _report_pending_deletion,
}


# -- running -------------------------------------------------------------------------


def _error_line(failure: _Failure, *, several: bool) -> str:
    """One line: the error with control characters escaped as in tables.

    The resume token is escaped too, then shell-quoted, so the hint can be pasted.
    """
    where = f"[{_printable(failure.region or 'default region')}] " if several else ""
    text = _printable(str(failure.error))
    token = failure.error.resume_token
    if token:
        text += f"; resume with --starting-token {shlex.quote(_printable(token))}"
        if several and failure.region:
            text += f" --region {shlex.quote(_printable(failure.region))}"
    return f"{_PROG}: error: {where}{text}\n"


async def run(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line in the current event loop and return its exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        # argparse prints usage, help and its errors itself: to our streams.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if not args.debug:
        return await _run(args, out, err)
    # --debug: the library's request log on stderr, for this run only.
    logger = logging.getLogger("aiosecretsmanager")
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        return await _run(args, out, err)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    debug = bool(args.debug)
    ctx = _Context(args, out, err, _regions(args))

    def report(error: BaseException, line: str) -> None:
        if debug:
            traceback.print_exception(type(error), error, error.__traceback__, file=err)
        err.write(line)

    if ctx.several and getattr(args, "starting_token", None):
        # A token belongs to one region's listing; sent to the others it is garbage.
        err.write(
            f"{_PROG}: error: --starting-token resumes one region's listing: give one --region\n"
        )
        return EXIT_USAGE
    try:
        if args.command != "demo":
            # A bad --region or --endpoint-url fails here, for every region, before
            # any region sends a request.
            for region in ctx.regions:
                ctx.client(region)
        if args.command == "demo":
            from ._demo import run_demo

            return await run_demo(out)
        if args.command == "list":
            failures = await _list(ctx)
        elif args.command == "describe":
            failures = await _describe(ctx)
        else:
            failures = await _REPORTS[args.report](ctx)
    except (InvalidParameterError, ConfigurationError) as error:
        report(error, _error_line(_Failure(None, error), several=False))
        return EXIT_USAGE
    except SecretsManagerError as error:
        report(error, _error_line(_Failure(None, error), several=False))
        return EXIT_ERROR
    except (BrokenPipeError, KeyboardInterrupt):
        raise
    except Exception as error:
        # Never a traceback by default, whatever went wrong.
        text = _printable(str(error))
        report(error, f"{_PROG}: error: unexpected {type(error).__name__}: {text}\n")
        return EXIT_ERROR
    for failure in failures:
        report(failure.error, _error_line(failure, several=ctx.several))
    return EXIT_ERROR if failures else EXIT_OK


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
